"""Jury screens for Admin Diskominfo: the period's juries (import by workbook), automatic
assignment and the assignments workbook. Thin: the rules live in services and selectors."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from award.models import Period
from award.views import AdminRequired
from common.forms import StyledMixin, WorkbookUploadForm
from common.jobs import ImportRejected
from common.workbooks import problems_summary
from common.xlsx import xlsx_response
from penjurian import selectors, services
from penjurian.imports import juries_import_apply


class AssignForm(StyledMixin, forms.Form):
    per_unit = forms.IntegerField(label=gettext_lazy("Juries per unit"), min_value=1, max_value=10)


class JuriesView(AdminRequired, View):
    """The juries of a period with levels, conflicts and loads; import and assignment."""

    template_name = "penjurian/juries.html"

    def render_page(self, request, period, *, upload=None, assign=None, problems=None, status=200):
        context = {
            "period": period,
            "juries": selectors.juries_overview(period=period),
            "totals": selectors.assignments_totals(period=period),
            "upload_form": upload or WorkbookUploadForm(),
            "assign_form": assign or AssignForm(initial={"per_unit": period.juries_per_unit}),
            "problems": problems,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, year):
        return self.render_page(request, get_object_or_404(Period, year=year))


class JuriesImportView(JuriesView):
    def post(self, request, year):
        period = get_object_or_404(Period, year=year)
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, period, upload=form, status=422)
        try:
            plan = juries_import_apply(
                period=period, data=form.cleaned_data["file"].read(), invited_by=request.user
            )
        except ImportRejected as rejected:
            messages.error(
                request,
                problems_summary(rejected.problems),
            )
            return self.render_page(
                request, period, problems=rejected.problems.as_lists(), status=422
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_page(request, period, status=422)
        messages.success(
            request,
            _("%(added)s juries added (%(created)s new accounts invited), %(updated)s updated.")
            % {"added": plan.added, "created": plan.created_users, "updated": plan.updated},
        )
        if plan.problems.warnings:
            messages.warning(request, "; ".join(plan.problems.as_lists()["warnings"]))
        return redirect("penjurian:juries", year=period.year)


class AssignView(JuriesView):
    def post(self, request, year):
        period = get_object_or_404(Period, year=year)
        form = AssignForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, period, assign=form, status=422)
        try:
            report = services.assignments_fill(
                period=period, per_unit=form.cleaned_data["per_unit"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_page(request, period, assign=form, status=422)
        messages.success(
            request,
            _("%(created)s new assignments, %(kept)s kept.")
            % {"created": report.created, "kept": report.kept},
        )
        if report.short:
            messages.warning(
                request,
                _("%(count)s units lack eligible juries: %(units)s.")
                % {
                    "count": len(report.short),
                    "units": ", ".join(
                        f"{code} (−{missing})" for code, missing in list(report.short.items())[:20]
                    ),
                },
            )
        return redirect("penjurian:juries", year=period.year)


class AssignmentsExportView(AdminRequired, View):
    def get(self, request, year):
        period = get_object_or_404(Period, year=year)
        workbook, _rows = selectors.assignments_workbook(period=period)
        return xlsx_response(workbook, f"penugasan-juri-{period.year}.xlsx")


class JuryDropOutView(AdminRequired, View):
    """A jury leaves the period: unfinished units go to others by the same rules."""

    def post(self, request, year, pk):
        period = get_object_or_404(Period, year=year)
        membership = get_object_or_404(period.juries.select_related("user"), pk=pk)
        try:
            report = services.jury_drop_out(period=period, jury=membership.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "%(jury)s left the period: %(released)s unfinished units went to other "
                    "juries (%(created)s new assignments); %(finished)s units with work done "
                    "stay with it."
                )
                % {
                    "jury": membership.user.get_full_name() or membership.user.username,
                    "released": report.released,
                    "created": report.created,
                    "finished": report.finished,
                },
            )
            if report.short:
                messages.warning(
                    request,
                    _("%(count)s units lack eligible juries: %(units)s.")
                    % {"count": len(report.short), "units": ", ".join(list(report.short)[:20])},
                )
        return redirect("penjurian:juries", year=period.year)
