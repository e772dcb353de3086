"""The admin's juries screen of a period: the juries with their levels, conflicts and loads;
adding one (the one way besides the workbook), its levels and conflicts, its leaving, and the
import by workbook. Thin: the rules live in ``penjurian.juries``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from award.mixins import PeriodAdminRequired
from award.views import invitation_message
from common.forms import WorkbookUploadForm, error_text, form_errors_add
from common.jobs import ImportRejected
from common.workbooks import problems_summary
from penjurian import assignment, juries
from penjurian.forms import AssignForm, JuryAddForm, JuryScopeForm


class JuriesView(PeriodAdminRequired, View):
    """The juries of a period with levels, conflicts and loads; import and assignment."""

    template_name = "penjurian/juries.html"

    def render_page(
        self, request, period, *, upload=None, assign=None, problems=None, add=None, status=200
    ):
        context = {
            "period": period,
            "juries": juries.juries_overview(period=period),
            "totals": assignment.assignments_totals(period=period),
            "upload_form": upload or WorkbookUploadForm(),
            "assign_form": assign or AssignForm(initial={"per_unit": period.juries_per_unit}),
            "problems": problems,
            "add_form": add or JuryAddForm(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, year):
        return self.render_page(request, self.period)


class JuriesImportView(JuriesView):
    def post(self, request, year):
        period = self.period
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, period, upload=form, status=422)
        try:
            plan = juries.juries_import_apply(
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
            messages.error(request, error_text(error))
            return self.render_page(request, period, status=422)
        messages.success(
            request,
            _("%(added)s juries added (%(created)s new accounts invited), %(updated)s updated.")
            % {"added": plan.added, "created": plan.created_users, "updated": plan.updated},
        )
        if plan.problems.warnings:
            messages.warning(request, "; ".join(plan.problems.as_lists()["warnings"]))
        return redirect("penjurian:juries", year=period.year)


class JuryAddView(JuriesView):
    """Add a user (or invite a new one) as a jury, with its own unit, levels and conflicts."""

    def post(self, request, year):
        period = self.period
        form = JuryAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = juries.jury_add(
                    period=period,
                    email=data["email"],
                    full_name=data["full_name"],
                    home_unit=data["home_unit"],
                    levels=data["levels"],
                    conflict_codes=data["conflicts"],
                    invited_by=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                invitation_message(request, invitation)
                return redirect("penjurian:juries", year=period.year)
        return self.render_page(request, period, add=form, status=422)


class JuryEditView(PeriodAdminRequired, View):
    def get(self, request, year, pk):
        period = self.period
        membership = get_object_or_404(period.juries.select_related("user"), pk=pk)
        form = JuryScopeForm(
            initial={
                "levels": list(membership.levels.all()),
                "conflicts": ", ".join(u.code for u in membership.conflicts.order_by("code")),
            }
        )
        return self.render_page(request, period, membership, form)

    def render_page(self, request, period, membership, form, status=200):
        context = {"period": period, "membership": membership, "form": form}
        return render(request, "penjurian/jury_edit.html", context, status=status)

    def post(self, request, year, pk):
        period = self.period
        membership = get_object_or_404(period.juries.select_related("user"), pk=pk)
        form = JuryScopeForm(request.POST)
        if form.is_valid():
            try:
                released = juries.jury_scope_set(
                    membership=membership,
                    levels=form.cleaned_data["levels"],
                    conflict_codes=form.cleaned_data["conflicts"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Levels and conflicts saved."))
                if released:
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)s assignment of this jury is no longer allowed and was taken "
                            "away. Fill the gaps with the automatic assignment on this page.",
                            "%(n)s assignments of this jury are no longer allowed and were "
                            "taken away. Fill the gaps with the automatic assignment on this page.",
                            released,
                        )
                        % {"n": released},
                    )
                return redirect("penjurian:juries", year=period.year)
        return self.render_page(request, period, membership, form, status=422)


class JuryRemoveView(PeriodAdminRequired, View):
    """A jury leaves the period: unfinished units go to others by the same rules."""

    def post(self, request, year, pk):
        period = self.period
        membership = get_object_or_404(period.juries.select_related("user"), pk=pk)
        try:
            report = juries.jury_remove(period=period, jury=membership.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
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
