"""The participation board and reminders (admin)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from award.mixins import PeriodAdminRequired
from common.jobs import queue_down_message, task_enqueue
from common.views import page_of
from evaluasi.saq import selectors as saq_selectors


# --- participation ------------------------------------------------------------------------
class ParticipationView(PeriodAdminRequired, View):
    """Per level: units not started / in progress / submitted, and the list to chase (paged,
    filtered in the database, searchable by name or code)."""

    def get(self, request, year):
        period = self.period
        state = request.GET.get("status", "")
        level = request.GET.get("level", "")
        query = request.GET.get("q", "")[:100]
        without = request.GET.get("operator") == "tanpa"
        units = saq_selectors.participation_units(
            period=period,
            state=state if state in dict(STATES) else "",
            level=level,
            query=query,
            without=without,
        )
        page, keep = page_of(request, units.values_list("pk", flat=True))
        page.object_list = saq_selectors.participation_rows(period=period, ids=page.object_list)
        return render(
            request,
            "evaluasi/participation.html",
            {
                "period": period,
                "levels": saq_selectors.participation_levels(period=period),
                "page": page,
                "state": state,
                "level": level,
                "query": query,
                "without": without,
                "keep": keep,
                "states": STATES,
            },
        )


STATES = [
    ("not_started", gettext_lazy("Not started")),
    ("in_progress", gettext_lazy("Filling in")),
    ("submitted", gettext_lazy("Submitted (partisipan)")),
]


class ReminderSendView(PeriodAdminRequired, View):
    def post(self, request, year):
        period = self.period
        unit_ids = [int(pk) for pk in request.POST.getlist("unit") if pk.isdigit()]
        if not unit_ids:
            unit_ids = list(
                saq_selectors.participation_units(period=period)
                .exclude(pk__in=saq_selectors.participation_units(period=period, state="submitted"))
                .values_list("pk", flat=True)
            )
        reachable = len(unit_ids) - (
            saq_selectors.participation_units(period=period, without=True)
            .filter(pk__in=unit_ids)
            .count()
        )
        failed = []
        task_enqueue(
            "evaluasi.reminders_send", period.pk, unit_ids, on_error=lambda: failed.append(True)
        )
        if failed:
            messages.error(request, queue_down_message())
        else:
            messages.success(
                request,
                _("Reminders are being sent for %(reachable)s of %(count)s units.")
                % {"reachable": reachable, "count": len(unit_ids)},
            )
            if reachable < len(unit_ids):
                messages.warning(
                    request,
                    _(
                        "%(missing)s units have no operator with an email and get no reminder. "
                        "Filter the list by “Without an operator” and invite one from the "
                        "unit's page."
                    )
                    % {"missing": len(unit_ids) - reachable},
                )
        return redirect("evaluasi:participation", year=year)
