from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluasiConfig(AppConfig):
    name = "evaluasi"
    verbose_name = _("Evaluation")

    def ready(self):
        from common.dashboard import (
            dashboard_contribution_register,
        )  # ready(): after the models load

        from . import (  # ready(): after the models load
            exports,  # noqa: F401 - registers its exporters (common.exporters)
            tasks,  # noqa: F401 - services queue these by name
        )
        from .questionnaires import (
            selectors as questionnaire_selectors,  # ready(): after the models load
        )
        from .saq import selectors  # ready(): after the models load

        self.jobs_register()

        def saq_cards(context, request):
            for block in context.get("operator_blocks", []):
                selectors.operator_saq_cards(period=block["period"], units=block["units"])

        def submission_chart(context, request):
            period = context.get("active_period")
            if context["roles"]["admin"] and period is not None:
                context["submission_chart"] = selectors.submission_daily(period=period)

        def levels_not_ready(context, request):
            period = context.get("active_period")
            if context["roles"]["admin"] and period is not None:
                ready = questionnaire_selectors.levels_ready(period=period)
                context["levels_not_ready"] = [
                    level for level in context.get("levels", []) if level.pk not in ready
                ]

        dashboard_contribution_register(order=20, contribute=saq_cards)
        dashboard_contribution_register(order=22, contribute=levels_not_ready)
        dashboard_contribution_register(order=21, contribute=submission_chart)

    def jobs_register(self) -> None:
        from common.jobs import job_kind_register  # ready(): after the models load

        from . import jobs  # ready(): after the models load
        from .checks import services as checks  # ready(): after the models load
        from .questionnaires import (
            services as questionnaires,  # ready(): after the models load
        )
        from .saq import offline  # ready(): after the models load

        job_kind_register(
            kind=jobs.QUESTIONNAIRE_IMPORT,
            label=_("Questionnaire import"),
            check=questionnaires.questionnaire_import_job_check,
            apply=questionnaires.questionnaire_import_job_apply,
        )
        job_kind_register(
            kind=jobs.ANSWERS_IMPORT,
            label=_("Answers import"),
            check=offline.answers_import_job_check,
            apply=offline.answers_import_job_apply,
        )
        job_kind_register(
            kind=jobs.EVIDENCE_CHECK, label=_("Evidence check"), run=checks.period_check_run
        )
