"""Presentation screens: the admin's (criteria and weights, the finalists of the current run
with their schedule, every jury's raw score beside its z-score) and the jury's (the finalists
it scores and the scoring form, made for use during the presentation: big fields, one save,
nothing lost on a wrong value)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import PeriodAdminRequired
from award.models import Unit
from common.forms import error_text, form_errors_add, validation_errors
from penjurian import presentations
from penjurian.assignment import jury_may_judge_unit
from penjurian.forms import CriterionFormSet, SlotForm
from penjurian.models import PresentationCriterion, PresentationSlot


class PresentationAdminView(PeriodAdminRequired, View):
    template_name = "penjurian/presentations_admin.html"

    def render_page(self, request, period, *, criteria=None, slot_forms=None, status=200):
        overview = presentations.presentation_overview(period=period)
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
                return redirect("penjurian:presentations_admin", year=period.year)
        else:
            messages.error(request, _("The criteria were not saved; see the marked fields."))
        return self.render_page(request, period, criteria=formset, status=422)


class SlotSaveView(PresentationAdminView):
    def get(self, request, year, unit_pk):
        # The form posts here; a reload or a shared link lands on the schedule itself.
        return redirect("penjurian:presentations_admin", year=year)

    def post(self, request, year, unit_pk):
        period = self.period
        unit = get_object_or_404(Unit, pk=unit_pk)
        finalists = {
            row["unit"].pk for row in presentations.presentation_overview(period=period)["rows"]
        }
        if unit.pk not in finalists:
            messages.error(request, _("%(unit)s is not a finalist.") % {"unit": unit.name})
            return redirect("penjurian:presentations_admin", year=period.year)
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
                return redirect("penjurian:presentations_admin", year=period.year)
        messages.error(request, _("The schedule of %(unit)s was not saved.") % {"unit": unit.name})
        return self.render_page(request, period, slot_forms={unit.pk: form}, status=422)


class PresentationListView(LoginRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "penjurian/presentations.html",
            {"rows": presentations.jury_presentations(jury=request.user)},
        )


class PresentationScoreView(LoginRequiredMixin, View):
    template_name = "penjurian/presentation_score.html"

    def slot(self, request, pk) -> PresentationSlot:
        slot = get_object_or_404(PresentationSlot.objects.select_related("period", "unit"), pk=pk)
        if not jury_may_judge_unit(jury=request.user, period=slot.period, unit_id=slot.unit_id):
            raise PermissionDenied
        return slot

    def render_page(self, request, slot, *, typed=None, errors=None, status=200):
        rows = presentations.presentation_sheet(slot=slot, jury=request.user)
        for row in rows:
            criterion = row["criterion"]
            row["typed"] = (typed or {}).get(criterion.pk)
            row["error"] = " ".join((errors or {}).get(criterion.code, []))
        context = {
            "slot": slot,
            "rows": rows,
            "locked": slot.period.inputs_locked,
            "errors": errors,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request, self.slot(request, pk))

    def post(self, request, pk):
        slot = self.slot(request, pk)
        typed = {
            int(key.removeprefix("c-")): value
            for key, value in request.POST.items()
            if key.startswith("c-") and key.removeprefix("c-").isdigit()
        }
        try:
            count = len(
                presentations.presentation_scores_save(
                    period=slot.period, unit=slot.unit, jury=request.user, scores=typed
                )
            )
        except ValidationError as error:
            errors = validation_errors(error)
            messages.error(request, _("Nothing was saved; correct the scores marked below."))
            return self.render_page(request, slot, typed=typed, errors=errors, status=422)
        messages.success(
            request,
            _("%(count)s scores of %(unit)s saved.") % {"count": count, "unit": slot.unit.name},
        )
        return redirect("penjurian:presentation_score", pk=slot.pk)
