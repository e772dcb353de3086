"""``check_evidence --period Y [--wait]``: analyse the period's evidence files that have no
current analysis (new, changed, or read by an older analyser). Without ``--wait`` the work is
queued as a job for the workers; with it, it runs here and prints its progress."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Period
from award.scoping import OrganiserCommand
from evaluasi.checks import services


class Command(OrganiserCommand):
    help = "Analyse the evidence files of a period that are new or stale (the jury assistant)."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--wait", action="store_true", help="run here and wait for the end")

    def handle(self, *args, **options):
        period = Period.objects.filter(year=options["period"]).first()
        if period is None:
            raise CommandError(_("There is no period %(year)s.") % {"year": options["period"]})
        stale = services.evidence_stale(period=period).count()
        if not options["wait"]:
            job = services.period_check_start(period=period, user=None)
            self.stdout.write(
                _("%(n)s files to analyse; queued as job #%(job)s.") % {"n": stale, "job": job.pk}
            )
            return

        def report(percent, message):
            self.stdout.write(f"{percent:3d}%  {message}")

        result = services.period_check(period=period, report=report)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(analysed)s files analysed, %(failed)s failed.")
                % {"analysed": result["analysed"], "failed": result["failed"]}
            )
        )
