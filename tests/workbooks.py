"""Helpers that build workbooks for tests, as bytes."""

import io

from openpyxl import Workbook


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


UNIT_HEADER = ["kode", "nama", "tingkat", "induk", "website", "email_operator"]


def units_xlsx(rows: list[list], header=UNIT_HEADER) -> bytes:
    return xlsx({"unit": [header, *rows]})
