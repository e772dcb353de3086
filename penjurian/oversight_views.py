"""The admin's oversight of jury work: progress per jury and per unit, reminders, agreement."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award.models import Period
from award.views import AdminRequired
from common.views import page_of
from penjurian import agreement, oversight


class OversightView(AdminRequired, View):
    def get(self, request, year):
        period = get_object_or_404(Period, year=year)
        progress = oversight.verification_progress(period=period)
        units, keep = page_of(request, progress["units"], per_page=100)
        context = {
            "period": period,
            "juries": progress["juries"],
            "units": units,
            "figures": agreement.agreement_figures(period=period),
            "outlier_points": agreement.OUTLIER_POINTS,
            "outlier_items": agreement.OUTLIER_ITEMS,
        }
        return render(request, "penjurian/oversight.html", context)


class RemindView(AdminRequired, View):
    def post(self, request, year):
        period = get_object_or_404(Period, year=year)
        chosen = request.POST.getlist("jury")
        ids = [int(pk) for pk in chosen if pk.isdigit()] or None
        count = oversight.juries_remind(period=period, jury_ids=ids)
        messages.success(
            request,
            _("Reminder sent to %(count)s juries with unfinished units.") % {"count": count},
        )
        return redirect("penjurian:oversight", year=period.year)
