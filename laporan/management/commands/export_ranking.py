from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Period
from award.scoping import OrganiserCommand
from common.exporters import xlsx_out
from laporan import selectors
from laporan.exports import RankingExporter


class Command(OrganiserCommand):
    help = "Write the ranking workbook of a period (its published results, else provisional)."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options):
        period = Period.objects.filter(year=options["period"]).first()
        if period is None:
            raise CommandError(_("There is no period %(year)s.") % {"year": options["period"]})
        run = selectors.report_run(period=period)
        if run is None:
            raise CommandError(_("There are no results yet: start a scoring run."))
        out = xlsx_out(options["out"])
        counts = RankingExporter(run=run).xlsx_write(out)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(file)s written from run #%(number)s: %(rows)s units ranked.")
                % {
                    "file": out,
                    "number": run.number,
                    "rows": sum(
                        v
                        for k, v in counts.items()
                        if k in {lv.code for lv in selectors.run_levels(run=run)}
                    ),
                }
            )
        )
        if not run.is_published:
            self.stdout.write(_("Provisional: these results are not finalised yet."))
