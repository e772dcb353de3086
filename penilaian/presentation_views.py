"""The admin's presentation screen: criteria and weights, the finalists of the current run
with their schedule, and every jury's raw score beside its z-score."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import PeriodAdminRequired
from award.models import Unit
from common.forms import error_text, form_errors_add
from penilaian import selectors
from penjurian import presentations
from penjurian.models import PresentationCriterion

from .forms import CriterionFormSet, SlotForm


class PresentationAdminView(PeriodAdminRequired, View):
    template_name = "penilaian/presentations.html"

    def render_page(self, request, period, *, criteria=None, slot_forms=None, status=200):
        overview = selectors.presentation_overview(period=period)
        for row in overview["rows"]:
            slot = row["slot"]
            initial = (
                {
                    "starts_at": timezone.localtime(slot.starts_at).strftime("%Y-%m-%dT%H:%M"),
                    "place": slot.place,
                    "link": slot.link,
                }
                if slot
                else {}
            )
            row["form"] = (slot_forms or {}).get(row["unit"].pk) or SlotForm(
                initial=initial, prefix=f"s{row['unit'].pk}"
            )
        if criteria is None:
            criteria = CriterionFormSet(
                initial=[
                    {"code": c.code, "name": c.name, "weight": c.weight}
                    for c in PresentationCriterion.objects.filter(period=period)
                ],
                prefix="k",
            )
        context = {"period": period, "criteria": criteria, **overview}
        return render(request, self.template_name, context, status=status)

    def get(self, request, year):
        return self.render_page(request, self.period)


class CriteriaSaveView(PresentationAdminView):
    def post(self, request, year):
        period = self.period
        formset = CriterionFormSet(request.POST, prefix="k")
        if formset.is_valid():
            rows = [
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            try:
                presentations.criteria_replace(period=period, rows=rows)
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("Presentation criteria saved."))
                return redirect("penilaian:presentations", year=period.year)
        else:
            messages.error(request, _("The criteria were not saved; see the marked fields."))
        return self.render_page(request, period, criteria=formset, status=422)


class SlotSaveView(PresentationAdminView):
    def get(self, request, year, unit_pk):
        # The form posts here; a reload or a shared link lands on the schedule itself.
        return redirect("penilaian:presentations", year=year)

    def post(self, request, year, unit_pk):
        period = self.period
        unit = get_object_or_404(Unit, pk=unit_pk)
        finalists = {
            row["unit"].pk for row in selectors.presentation_overview(period=period)["rows"]
        }
        if unit.pk not in finalists:
            messages.error(request, _("%(unit)s is not a finalist.") % {"unit": unit.name})
            return redirect("penilaian:presentations", year=period.year)
        form = SlotForm(request.POST, prefix=f"s{unit.pk}")
        if form.is_valid():
            try:
                presentations.slot_save(period=period, unit=unit, **form.cleaned_data)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    _("Schedule of %(unit)s saved; its operators are told by email.")
                    % {"unit": unit.name},
                )
                return redirect("penilaian:presentations", year=period.year)
        messages.error(request, _("The schedule of %(unit)s was not saved.") % {"unit": unit.name})
        return self.render_page(request, period, slot_forms={unit.pk: form}, status=422)
