import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Period
from award.scoping import OrganiserCommand
from penilaian import services as scoring_services
from penilaian.models import ScoringRun


class Command(OrganiserCommand):
    help = "Start a scoring run of a period; with --wait, print its progress until it ends."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--reason", default="", help="required for a correction")
        parser.add_argument("--wait", action="store_true", help="wait and print progress")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait")

    def handle(self, *args, **options):
        period = Period.objects.filter(year=options["period"]).first()
        if period is None:
            raise CommandError(_("There is no period %(year)s.") % {"year": options["period"]})
        try:
            run = scoring_services.scoring_run_start(period=period, reason=options["reason"])
        except scoring_services.ScoringRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            _("Scoring run #%(number)s of %(period)s queued.")
            % {"number": run.number, "period": period.name}
        )
        if not options["wait"]:
            return
        deadline = time.monotonic() + options["timeout"]
        last = None
        while True:
            run.refresh_from_db()
            line = f"{run.progress:3d}%  {run.message or run.get_status_display()}"
            if line != last:
                self.stdout.write(line)
                last = line
            if not run.is_active:
                break
            if time.monotonic() > deadline:
                raise CommandError(_("Still running after the timeout; it goes on in the worker."))
            time.sleep(0.5)
        if run.status == ScoringRun.Status.FAILED:
            raise CommandError(run.message)
        provisional = "" if run.is_finalised else " " + _("(provisional until finalised)")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Run #%(number)s succeeded: %(units)s units, %(finalists)s finalists, "
                    "%(seconds)s s."
                )
                % {
                    "number": run.number,
                    "units": run.stats.get("units", 0),
                    "finalists": run.stats.get("finalists", 0),
                    "seconds": f"{run.duration.total_seconds():.2f}" if run.duration else "?",
                }
                + provisional
            )
        )
