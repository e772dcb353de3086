from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenilaianConfig(AppConfig):
    name = "penilaian"
    verbose_name = _("Scoring")

    def ready(self):
        from common.dashboard import dashboard_contribution_register

        from . import selectors, tasks  # noqa: F401 - services queue the tasks by name

        def published_results(context, request):
            if context.get("operator_units") and context.get("active_period"):
                selectors.units_with_published_result(
                    period=context["active_period"], units=context["operator_units"]
                )

        dashboard_contribution_register(order=30, contribute=published_results)
