"""Workbooks the core domain hands out: the units template (empty or with every unit)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from award.models import Level, Unit
from common.xlsx import header_row, workbook_defuse


def units_template_workbook(*, with_units: bool = False) -> Workbook:
    """The units workbook of DESIGN.md §4 with an instructions sheet, empty or with all units."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "unit"
    header_row(
        sheet,
        ["kode", "nama", "tingkat", "induk", "website", "email_operator"],
        [16, 44, 12, 16, 36, 32],
    )
    levels = list(Level.objects.all())
    if with_units:
        for unit in Unit.objects.select_related("level", "parent").order_by("level__order", "code"):
            sheet.append(
                [
                    unit.code,
                    unit.name,
                    unit.level.code,
                    unit.parent.code if unit.parent else "",
                    unit.website,
                    unit.operator_email,
                ]
            )
    else:
        # Example rows with codes no real unit has: uploading the template as downloaded
        # adds three obvious examples instead of renaming real units.
        sheet.append(["CONTOH-01", "Kecamatan Contoh", "kecamatan", "", "", ""])
        sheet.append(["CONTOH-01.01", "Desa Contoh", "desa", "CONTOH-01", "", "ppid@contoh.id"])
        sheet.append(["CONTOH-OPD", "Dinas Contoh", "opd", "", "", ""])
    if levels:
        validation = DataValidation(
            type="list", formula1='"' + ",".join(level.code for level in levels) + '"'
        )
        sheet.add_data_validation(validation)
        validation.add("C2:C100000")

    guide = workbook.create_sheet("petunjuk")
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 90
    guide.append([_("Column"), _("How to fill it")])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    rows = [
        ("kode", _("Unique code of the unit. Re-importing updates the unit with the same code.")),
        ("nama", _("Name of the unit, as it should appear on certificates.")),
        (
            "tingkat",
            _("Level code: %(levels)s.") % {"levels": ", ".join(lv.code for lv in levels)},
        ),
        ("induk", _("Code of the parent unit: a desa's kecamatan. Empty for other levels.")),
        ("website", _("Optional: the PPID website, starting with https://.")),
        ("email_operator", _("Optional: email address of the unit's operator.")),
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
    return workbook_defuse(workbook)
