from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "award"
    verbose_name = _("PPID Award")

    def ready(self):
        from . import exports  # noqa: F401 - registers its exporters (common.exporters)

        self.jobs_register()

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
