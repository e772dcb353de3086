"""The jury's presentation screens: the finalists it scores and the scoring form, made for
use during the presentation (big fields, one save, nothing lost on a wrong value)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from penjurian import presentations
from penjurian.models import PresentationSlot
from penjurian.selectors import jury_may_judge_unit
from penjurian.verify_views import validation_errors


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
            count = presentations.presentation_scores_save(
                slot=slot, jury=request.user, scores=typed
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
