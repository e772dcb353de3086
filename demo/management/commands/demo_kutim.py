from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from award.models import Unit
from demo.kutim import demo_kutim_load


class Command(BaseCommand):
    help = "Load the Kutai Timur demo (units, a period, demo accounts). Idempotent."

    def handle(self, *args, **options):
        # The demo's juries and operators are fictional: their notifications stay in memory.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            result = demo_kutim_load()
        period = result["period"]
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Kutai Timur demo: %(units)s units (%(new)s new), period %(year)s "
                    "(%(stage)s), %(questionnaires)s questionnaires loaded."
                )
                % {
                    "questionnaires": result["questionnaires"],
                    "units": Unit.objects.count(),
                    "new": result["units_created"],
                    "year": period.year,
                    "stage": period.stage_label,
                }
            )
        )
        self.stdout.write(_("Demo logins (username / password):"))
        for username, password, name in result["logins"]:
            self.stdout.write(f"  {username:<18} {password:<18} {name}")
