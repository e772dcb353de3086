from django.core.management.base import BaseCommand

from award.demo import demo_kutim_load
from award.models import Unit


class Command(BaseCommand):
    help = "Load the Kutai Timur demo (units, a period, demo accounts). Idempotent."

    def handle(self, *args, **options):
        result = demo_kutim_load()
        period = result["period"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo Kutai Timur: {Unit.objects.count()} units "
                f"({result['units_created']} new), period {period.year} ({period.stage_label})."
            )
        )
        self.stdout.write("Demo logins (username / password):")
        for username, password, name in result["logins"]:
            self.stdout.write(f"  {username:<18} {password:<18} {name}")
