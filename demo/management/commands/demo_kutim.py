from django.test.utils import override_settings
from django.utils.translation import gettext as _

from award.models import Organiser, Unit
from award.scoping import PlatformCommand, organiser_scope
from demo.bontang import demo_bontang_load
from demo.kutim import demo_kutim_load


class Command(PlatformCommand):
    help = (
        "Load the demo: Kutai Timur (units, periods, accounts) and, beside it, Kota Bontang as "
        "a second organiser. Idempotent."
    )

    def handle(self, *args, **options):
        kutim = Organiser.objects.get_or_create(
            slug="kutim",
            defaults={"name": "Diskominfo Staper Kabupaten Kutai Timur", "region_code": "64.08"},
        )[0]
        # The demo's juries and operators are fictional: their notifications stay in memory.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with organiser_scope(kutim):
                result = demo_kutim_load()
                units = Unit.objects.count()
            bontang = demo_bontang_load()
        period = result["period"]
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Kutai Timur demo: %(units)s units (%(new)s new), period %(year)s "
                    "(%(stage)s), %(questionnaires)s questionnaires loaded."
                )
                % {
                    "questionnaires": result["questionnaires"],
                    "units": units,
                    "new": result["units_created"],
                    "year": period.year,
                    "stage": period.stage_label,
                }
            )
        )
        self.stdout.write(
            _("Second organiser: %(name)s at /%(slug)s/.")
            % {"name": bontang["organiser"].name, "slug": bontang["organiser"].slug}
        )
        self.stdout.write(_("Demo logins (username / password):"))
        for username, password, name in result["logins"] + bontang["logins"]:
            self.stdout.write(f"  {username:<18} {password:<18} {name}")
