from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "award"
    verbose_name = _("PPID Award")

    def ready(self):
        from . import exports  # noqa: F401 - registers its exporters (common.exporters)

        self.jobs_register()
        self.work_context_register()
        self.organiser_cache_clear_on_change()

    def organiser_cache_clear_on_change(self) -> None:
        from django.db.models.signals import post_delete, post_save  # ready(): models loaded

        from .middleware import organisers_forget  # ready(): after the models load
        from .models import Organiser  # ready(): after the models load

        post_save.connect(organisers_forget, sender=Organiser, dispatch_uid="organisers_forget")
        post_delete.connect(organisers_forget, sender=Organiser, dispatch_uid="organisers_gone")

    def work_context_register(self) -> None:
        from common.context import WorkContext, work_context_register  # ready(): models loaded

        from . import scoping  # ready(): after the models load

        work_context_register(
            WorkContext(
                organiser_id=scoping.current_organiser_id,
                capture=scoping.task_headers,
                enter=scoping.task_scope,
                stranger=scoping.request_from_stranger,
                sender=scoping.mail_sender,
            )
        )

    def jobs_register(self) -> None:
        from award import services  # ready(): after the models load
        from common.jobs import job_kind_register  # ready(): after the models load

        from . import jobs  # ready(): after the models load

        job_kind_register(
            kind=jobs.UNITS_IMPORT,
            label=_("Unit import"),
            check=services.units_import_job_check,
            apply=services.units_import_job_apply,
        )
