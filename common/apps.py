from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Shared plumbing")

    def ready(self):
        from . import jobs  # noqa: F401 - registers the job task
