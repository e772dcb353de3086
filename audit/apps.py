from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from django.db.models.signals import post_migrate  # ready(): after the models load

        from . import (  # ready(): after the models load
            exports,  # noqa: F401 - registers its exporters (common.exporters)
            signals,  # noqa: F401 - Celery tasks record what they change as the task
        )
        from .functions import audit_functions_install  # ready(): after the models load

        # After every migrate: the libraries' own migrations may install their versions again.
        post_migrate.connect(audit_functions_install, sender=self)
