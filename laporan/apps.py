from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporanConfig(AppConfig):
    name = "laporan"
    verbose_name = _("Reports")

    def ready(self):
        from . import (
            exports,  # noqa: F401 - registers its exporters (common.exporters)
            tasks,  # noqa: F401 - queued by name
        )

        self.jobs_register()
        from penilaian.signals import run_published  # ready(): after the models load

        run_published.connect(_open_data_queue, dispatch_uid="laporan_open_data")

    def jobs_register(self) -> None:
        from common.jobs import job_kind_register  # ready(): after the models load

        from . import jobs, services  # ready(): after the models load

        for kind, label, run in (
            (jobs.RANKING_EXPORT, _("Ranking workbook"), services.ranking_export_run),
            (jobs.CERTIFICATES, _("Certificates"), services.certificates_run),
            (jobs.RECAP, _("Recap report"), services.recap_run),
        ):
            job_kind_register(kind=kind, label=label, run=run)


def _open_data_queue(sender, run, **_kwargs) -> None:
    """A run was published: write its open data files once penetapan commits."""
    from common.jobs import task_enqueue  # signal receiver: app registry ready

    task_enqueue("laporan.opendata_freeze", run.pk)
