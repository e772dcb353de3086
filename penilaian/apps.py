from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenilaianConfig(AppConfig):
    name = "penilaian"
    verbose_name = _("Scoring")

    def ready(self):
        from common import dashboard  # ready() imports after the models load
        from penjurian import oversight, presentations  # ready() imports after the models load

        from . import jury_scores, selectors, tasks  # noqa: F401 - tasks: queued by name

        def published_results(context, request):
            for block in context.get("operator_blocks", []):
                if block["period"] is None:
                    continue
                selectors.units_with_published_result(period=block["period"], units=block["units"])
            if context.get("operator_units"):
                context["past_results"] = selectors.operator_past_results(
                    units=context["operator_units"],
                    exclude=[
                        b["period"] for b in context.get("operator_blocks", []) if b["period"]
                    ],
                )

        def score_chart(context, request):
            period = context.get("active_period")
            if context["roles"]["admin"] and period is not None:
                run = selectors.scoring_run_current(period=period)
                if run is not None:
                    context["score_chart"] = {
                        "run": run,
                        "levels": selectors.score_distribution(run=run),
                    }

        presentations.presentation_overview_register(reader=jury_scores.presentation_overview)
        oversight.agreement_values_register(reader=jury_scores.agreement_values)
        dashboard.dashboard_contribution_register(order=30, contribute=published_results)
        dashboard.dashboard_contribution_register(order=31, contribute=score_chart)
