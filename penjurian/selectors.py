"""Reads of jury work: the juries of a period with their loads, the assignments as a workbook."""

from __future__ import annotations

from django.db.models import Count
from openpyxl import Workbook

from award.models import Period
from common.xlsx import header_row, workbook_defuse
from evaluasi.models import Submission
from penjurian.models import Assignment, Verification


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


def juries_overview(*, period: Period) -> list[dict]:
    """Each jury of the period: the membership (levels, conflicts, own unit), how many units it
    is assigned and on how many of them it has started verifying."""
    memberships = list(
        period.juries.select_related("user", "home_unit")
        .prefetch_related("levels", "conflicts")
        .order_by("user__username")
    )
    loads = dict(
        Assignment.objects.filter(period=period)
        .values("jury_id")
        .annotate(units=Count("unit"))
        .values_list("jury_id", "units")
    )
    started = dict(
        Verification.objects.filter(submission__period=period)
        .values("jury_id")
        .annotate(units=Count("submission__unit", distinct=True))
        .values_list("jury_id", "units")
    )
    return [
        {
            "membership": membership,
            "user": membership.user,
            "levels": [level.name for level in membership.levels.all()],
            "conflicts": [unit.code for unit in membership.conflicts.all()],
            "load": loads.get(membership.user_id, 0),
            "started": started.get(membership.user_id, 0),
        }
        for membership in memberships
    ]


def assignments_totals(*, period: Period) -> dict:
    """Units with a submitted SAQ, how many of them have the period's number of juries, and
    the number of assignments."""
    submitted = Submission.objects.filter(period=period, status=Submission.Status.SUBMITTED)
    per_unit = (
        Assignment.objects.filter(period=period, unit__in=submitted.values("unit"))
        .values("unit")
        .annotate(juries=Count("jury"))
    )
    complete = per_unit.filter(juries__gte=period.juries_per_unit).count()
    return {
        "submitted": submitted.count(),
        "complete": complete,
        "assignments": Assignment.objects.filter(period=period).count(),
        "per_unit": period.juries_per_unit,
    }
