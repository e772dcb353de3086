from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Shared plumbing")

    def ready(self):
        from . import exporters, jobs  # ready(): after the models load

        jobs.job_kind_register(
            kind=exporters.EXPORT_JOB, label=_("Export"), run=exporters.export_job_run
        )
