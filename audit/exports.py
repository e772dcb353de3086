"""The audit trail as a workbook (``common.exporters``): one row per change (what the page
shows), newest first, for the page's filters. Large trails run as a job."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.exporters import ListExporter, exporter_register
from common.formats import moment_text

from .forms import AuditFilterForm
from .selectors import audit_events_filtered, audit_rows

MAX_ROWS = 100_000  # about 15 s on 2 cores; narrower filters for more
BATCH = 2000


@exporter_register
class AuditExporter(ListExporter):
    """``filters``: the audit page's query (period year, unit, user, kind, since, until)."""

    identifier = "audit"
    verbose_name = gettext_lazy("Audit trail")
    sheet_title = "jejak-audit"
    widths = [28, 24, 16, 30, 26, 36, 10, 24, 24, 24]

    def __init__(self, *, filters: dict):
        self.filters = {key: value for key, value in filters.items() if key != "format"}
        form = AuditFilterForm(self.filters or None)
        data = form.cleaned_data if self.filters and form.is_valid() else {}
        self.events = audit_events_filtered(filters=data)
        self.stamp = timezone.localtime().strftime("%Y%m%d-%H%M")

    @property
    def header(self):
        return [_("When"), _("Who"), _("Address"), _("Page"), _("Kind"), _("Object"),
                _("Action"), _("Field"), _("Before"), _("After")]  # fmt: skip

    def filename(self, sheet=None) -> str:
        return f"jejak-audit-{self.stamp}"

    def params(self) -> dict:
        return {"filters": self.filters}

    @classmethod
    def from_params(cls, params: dict) -> AuditExporter:
        return cls(filters=params.get("filters") or {})

    def size(self) -> int:
        return self.events[:MAX_ROWS].count()

    def rows(self):
        written = 0
        for start in range(0, MAX_ROWS, BATCH):
            rows = audit_rows(self.events[start : start + BATCH])
            for row in rows:
                base = [moment_text(row.when), row.who, row.address, row.path, row.kind,
                        row.subject, row.action]  # fmt: skip
                for field, old, new in row.changes or [("", "", "")]:
                    yield [*base, field, old, new]
                written += 1
            if len(rows) < BATCH:
                break
        if written >= MAX_ROWS:
            yield [_("Cut at %(n)s changes: narrow the filter.") % {"n": MAX_ROWS}]
