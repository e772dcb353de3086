from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporanConfig(AppConfig):
    name = "laporan"
    verbose_name = _("Reports")

    def ready(self):
        from common.jobs import job_kind_register

        from . import services

        for kind, label, run in (
            ("ranking_export", _("Ranking workbook"), services.ranking_export_run),
            ("certificates", _("Certificates"), services.certificates_run),
            ("recap", _("Recap report"), services.recap_run),
        ):
            job_kind_register(kind=kind, label=label, run=run)
