"""``export_evidence_checks --period Y --out FILE.xlsx``: the jury assistant's findings, sheet
``bukti`` (Kode Unit, Indikator, Berkas, SHA-256, Tanda, Keterangan), one row per evidence."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Period
from award.scoping import OrganiserCommand
from common.exporters import xlsx_out
from evaluasi.exports import EvidenceChecksExporter


class Command(OrganiserCommand):
    help = "Write the evidence checks of a period to a workbook."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options):
        period = Period.objects.filter(year=options["period"]).first()
        if period is None:
            raise CommandError(_("There is no period %(year)s.") % {"year": options["period"]})
        out = xlsx_out(options["out"])
        counts = EvidenceChecksExporter(period=period).xlsx_write(out)
        self.stdout.write(
            _("%(rows)s evidence rows written to %(file)s.")
            % {"rows": counts["bukti"], "file": out}
        )
