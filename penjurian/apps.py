from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenjurianConfig(AppConfig):
    name = "penjurian"
    verbose_name = _("Jury work")

    def ready(self):
        from common.dashboard import (
            dashboard_contribution_register,
        )  # ready(): after the models load

        from . import (  # ready(): after the models load
            exports,  # noqa: F401 - registers its exporters (common.exporters)
            objections,
            rules,  # noqa: F401 - registers the object permissions
            verification,
        )

        def jury_cards(context, request):
            for block in context.get("operator_blocks", []):
                verification.operator_jury_cards(period=block["period"], units=block["units"])

        dashboard_contribution_register(order=25, contribute=jury_cards)

        def jury_objections(context, request):
            if context.get("roles", {}).get("jury"):
                context["jury_objections"] = objections.jury_objections_open(jury=request.user)

        dashboard_contribution_register(order=26, contribute=jury_objections)
