"""``finalise_period --period YEAR [--run N]``: penetapan from the command line, refused with a
clear message and a non-zero exit wherever the screen would refuse it."""

from django.core.management.base import CommandError

from award.models import Period
from award.scoping import OrganiserCommand
from penilaian import selectors, services
from penilaian.models import ScoringRun


class Command(OrganiserCommand):
    help = "Finalise and publish a period's current scoring results (penetapan)."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--run", type=int, help="run number (default: the current run)")

    def handle(self, *args, period, run=None, **options):
        target = Period.objects.filter(year=period).first()
        if target is None:
            raise CommandError(f"Periode {period} tidak ada.")
        if run is None:
            chosen = selectors.scoring_run_current(period=target)
            if chosen is None:
                raise CommandError("Belum ada hasil penilaian yang berhasil untuk periode ini.")
        else:
            chosen = ScoringRun.objects.filter(period=target, number=run).first()
            if chosen is None:
                raise CommandError(f"Proses penilaian #{run} tidak ada di periode {period}.")
        try:
            services.scoring_run_finalise(run=chosen, user=None)
        except services.ScoringRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"Proses #{chosen.number} periode {period} ditetapkan dan diumumkan "
            f"({chosen.stats.get('units', 0)} unit)."
        )
