from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenjurianConfig(AppConfig):
    name = "penjurian"
    verbose_name = _("Jury work")
