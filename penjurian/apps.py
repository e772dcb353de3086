from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenjurianConfig(AppConfig):
    name = "penjurian"
    verbose_name = _("Jury work")

    def ready(self):
        from . import rules  # noqa: F401 - registers the object permissions
