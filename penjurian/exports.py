"""Workbooks of jury work handed out to the admin (``common.exporters``): the assignments of a
period (sheet ``penugasan``: Kode, Nama Unit, Tingkat, Juri — one row per unit and jury, the
jury as its username; sheet ``beban``: Juri, Jumlah Unit)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy

from award.models import Period
from common.exporters import BaseExporter, Sheet, exporter_register
from penjurian.models import Assignment


@exporter_register
class AssignmentsExporter(BaseExporter):
    identifier = "assignments"
    verbose_name = gettext_lazy("Jury assignments")

    def __init__(self, *, period: Period):
        self.period = period

    def filename(self, sheet=None) -> str:
        return f"penugasan-juri-{self.period.year}"

    def params(self) -> dict:
        return {"period": self.period.pk}

    @classmethod
    def from_params(cls, params: dict) -> AssignmentsExporter:
        return cls(period=Period.objects.get(pk=params["period"]))

    def permission_object(self):
        return self.period

    def size(self) -> int:
        return Assignment.objects.filter(period=self.period).count()

    def sheets(self):
        assignments = Assignment.objects.filter(period=self.period)
        yield Sheet(
            "penugasan",
            ["Kode", "Nama Unit", "Tingkat", "Juri"],
            [18, 44, 14, 24],
            assignments.order_by("unit__level__order", "unit__code", "jury__username")
            .values_list("unit__code", "unit__name", "unit__level__code", "jury__username")
            .iterator(chunk_size=5000),
        )
        yield Sheet(
            "beban",
            ["Juri", "Jumlah Unit"],
            [24, 14],
            assignments.values("jury__username")
            .annotate(units=Count("unit", distinct=True))
            .order_by("jury__username")
            .values_list("jury__username", "units"),
        )
