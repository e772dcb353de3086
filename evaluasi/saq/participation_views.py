"""The participation board and reminders (admin)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from award.views import AdminRequired, period_or_404
from common.jobs import queue_down_message, task_enqueue
from evaluasi.saq import selectors as saq_selectors


# --- participation ------------------------------------------------------------------------
class ParticipationView(AdminRequired, View):
    """Per level: units not started / in progress / submitted, and the list to chase."""

    def get(self, request, year):
        period = period_or_404(year)
        data = saq_selectors.participation(period=period)
        state = request.GET.get("status", "")
        level = request.GET.get("level", "")
        rows = [
            r
            for r in data["rows"]
            if (not state or r["state"] == state) and (not level or r["unit"].level.code == level)
        ]
        return render(
            request,
            "evaluasi/participation.html",
            {
                "period": period,
                "levels": data["levels"],
                "rows": rows,
                "state": state,
                "level": level,
                "states": STATES,
            },
        )


STATES = [
    ("not_started", _lazy("Not started")),
    ("in_progress", _lazy("In progress")),
    ("submitted", _lazy("Submitted (partisipan)")),
]


class ReminderSendView(AdminRequired, View):
    def post(self, request, year):
        period = period_or_404(year)
        unit_ids = [int(pk) for pk in request.POST.getlist("unit") if pk.isdigit()]
        if not unit_ids:
            unit_ids = [
                row["unit"].pk
                for row in saq_selectors.participation(period=period)["rows"]
                if row["state"] != "submitted"
            ]
        failed = []
        task_enqueue(
            "evaluasi.reminders_send", period.pk, unit_ids, on_error=lambda: failed.append(True)
        )
        if failed:
            messages.error(request, queue_down_message())
        else:
            messages.success(
                request,
                _("Reminders are being sent to the operators of %(count)s units.")
                % {"count": len(unit_ids)},
            )
        return redirect("evaluasi:participation", year=year)
