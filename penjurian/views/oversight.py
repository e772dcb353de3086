"""The admin's oversight of jury work: progress per jury and per unit, reminders, oversight."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import PeriodAdminRequired
from common.views import page_of
from penjurian import oversight


class OversightView(PeriodAdminRequired, View):
    def get(self, request, year):
        period = self.period
        progress = oversight.verification_progress(period=period)
        units, keep = page_of(request, progress["units"], per_page=100)
        context = {
            "period": period,
            "juries": progress["juries"],
            "units": units,
            "figures": oversight.agreement_figures(period=period),
            "outlier_points": oversight.OUTLIER_POINTS,
            "outlier_items": oversight.OUTLIER_ITEMS,
        }
        return render(request, "penjurian/oversight.html", context)


class RemindView(PeriodAdminRequired, View):
    def post(self, request, year):
        period = self.period
        chosen = request.POST.getlist("jury")
        ids = [int(pk) for pk in chosen if pk.isdigit()] or None
        count = oversight.juries_remind(period=period, jury_ids=ids)
        messages.success(
            request,
            _("Reminder sent to %(count)s juries with unfinished units.") % {"count": count},
        )
        return redirect("penjurian:oversight", year=period.year)
