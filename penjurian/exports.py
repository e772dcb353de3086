"""Workbooks of jury work handed out to the admin: the assignments of a period."""

from __future__ import annotations

from django.db.models import Count
from openpyxl import Workbook

from award.models import Period
from common.xlsx import header_row, workbook_defuse
from penjurian.models import Assignment


def assignments_workbook(*, period: Period) -> tuple[Workbook, int]:
    """Sheet ``penugasan`` (Kode, Nama Unit, Tingkat, Juri — one row per unit and jury, the
    jury as its username) and sheet ``beban`` (Juri, Jumlah Unit)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "penugasan"
    header_row(sheet, ["Kode", "Nama Unit", "Tingkat", "Juri"], [18, 44, 14, 24])
    rows = (
        Assignment.objects.filter(period=period)
        .order_by("unit__level__order", "unit__code", "jury__username")
        .values_list("unit__code", "unit__name", "unit__level__code", "jury__username")
    )
    count = 0
    for row in rows.iterator(chunk_size=5000):
        sheet.append(list(row))
        count += 1
    load = workbook.create_sheet("beban")
    header_row(load, ["Juri", "Jumlah Unit"], [24, 14])
    for username, units in (
        Assignment.objects.filter(period=period)
        .values("jury__username")
        .annotate(units=Count("unit", distinct=True))
        .order_by("jury__username")
        .values_list("jury__username", "units")
    ):
        load.append([username, units])
    return workbook_defuse(workbook), count
