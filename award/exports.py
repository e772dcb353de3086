"""Workbooks the core domain hands out (``common.exporters``): the units workbook of DESIGN.md
§4, empty (the template, with three example rows) or with every unit."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from award.models import Level, Unit
from common.exporters import ListExporter, exporter_register

UNITS_HEADER = ["kode", "nama", "tingkat", "induk", "website", "email_operator", "kode_wilayah"]


@exporter_register
class UnitsExporter(ListExporter):
    """The units workbook to fill and import: sheet ``unit`` (the level column offers the
    level codes) and sheet ``petunjuk`` explaining each column."""

    identifier = "units"
    verbose_name = gettext_lazy("Units workbook")
    streaming = False  # a form to fill: data validation and a guide sheet
    sheet_title = "unit"
    header = UNITS_HEADER
    widths = [16, 44, 12, 16, 36, 32, 16]

    def __init__(self, *, with_units: bool = False):
        self.with_units = with_units

    def filename(self, sheet=None) -> str:
        return "unit-ppid" if self.with_units else "templat-unit-ppid"

    def rows(self):
        if not self.with_units:
            # Example rows with codes no real unit has: uploading the template as downloaded
            # adds three obvious examples instead of renaming real units.
            yield ["CONTOH-01", "Kecamatan Contoh", "kecamatan", "", "", "", ""]
            yield ["CONTOH-01.01", "Desa Contoh", "desa", "CONTOH-01", "", "ppid@contoh.id", ""]
            yield ["CONTOH-OPD", "Dinas Contoh", "opd", "", "", "", ""]
            return
        units = Unit.objects.select_related("level", "parent").order_by("level__order", "code")
        for unit in units.iterator(chunk_size=2000):
            yield [
                unit.code,
                unit.name,
                unit.level.code,
                unit.parent.code if unit.parent else "",
                unit.website,
                unit.operator_email,
                unit.kode_wilayah,
            ]

    def xlsx_finish(self, workbook) -> None:
        levels = list(Level.objects.all())
        if levels:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(level.code for level in levels) + '"'
            )
            workbook["unit"].add_data_validation(validation)
            validation.add("C2:C100000")
        guide = workbook.create_sheet("petunjuk")
        guide.column_dimensions["A"].width = 20
        guide.column_dimensions["B"].width = 90
        guide.append([_("Column"), _("How to fill it")])
        guide["A1"].font = guide["B1"].font = Font(bold=True)
        rows = [
            (
                "kode",
                _("Unique code of the unit. Re-importing updates the unit with the same code."),
            ),
            ("nama", _("Name of the unit, as it should appear on certificates.")),
            (
                "tingkat",
                _("Level code: %(levels)s.") % {"levels": ", ".join(lv.code for lv in levels)},
            ),
            ("induk", _("Code of the parent unit: a desa's kecamatan. Empty for other levels.")),
            ("website", _("Optional: the PPID website, starting with https://.")),
            ("email_operator", _("Optional: email address of the unit's operator.")),
            (
                "kode_wilayah",
                _(
                    "Optional: the Kemendagri region code, typed as text, e.g. 64.08.04.2002 "
                    "(published with the results as open data)."
                ),
            ),
        ]
        for row in rows:
            guide.append(list(row))
        guide.append([])
        guide.append(
            [
                _("Note"),
                _("The import is all or nothing: if any row has a problem, nothing is saved."),
            ]
        )
