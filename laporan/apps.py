from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporanConfig(AppConfig):
    name = "laporan"
    verbose_name = _("Reports")

    def ready(self):
        from . import exports  # noqa: F401 - registers its exporters (common.exporters)

        self.jobs_register()

    def jobs_register(self) -> None:
        from common.jobs import job_kind_register  # ready(): after the models load

        from . import jobs, services  # ready(): after the models load

        for kind, label, run in (
            (jobs.RANKING_EXPORT, _("Ranking workbook"), services.ranking_export_run),
            (jobs.CERTIFICATES, _("Certificates"), services.certificates_run),
            (jobs.RECAP, _("Recap report"), services.recap_run),
        ):
            job_kind_register(kind=kind, label=label, run=run)
