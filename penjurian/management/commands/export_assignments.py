"""``export_assignments --period Y --out FILE``: the assignments as a workbook (DESIGN.md §4):
sheet ``penugasan`` (Kode, Nama Unit, Tingkat, Juri) and sheet ``beban`` (Juri, Jumlah Unit)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Period
from award.scoping import OrganiserCommand
from penjurian.exports import AssignmentsExporter


class Command(OrganiserCommand):
    help = "Write a period's jury assignments to a workbook."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, period, out, **options):
        target = Period.objects.filter(year=period).first()
        if target is None:
            raise CommandError(_("There is no period %(year)s.") % {"year": period})
        counts = AssignmentsExporter(period=target).xlsx_write(out)
        self.stdout.write(
            _("%(rows)s assignments written to %(file)s.")
            % {"rows": counts["penugasan"], "file": out}
        )
