"""Jury screens for Admin Diskominfo: the period's juries (import by workbook), automatic
assignment and the assignments workbook. Thin: the rules live in services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from award.mixins import PeriodAdminRequired
from common.forms import WorkbookUploadForm, error_text, form_errors_add
from common.jobs import ImportRejected
from common.views import page_of
from common.workbooks import problems_summary
from common.xlsx import xlsx_response
from penjurian import selectors, services
from penjurian.forms import AssignForm, JuryAddForm, JuryScopeForm
from penjurian.imports import juries_import_apply


class JuriesView(PeriodAdminRequired, View):
    """The juries of a period with levels, conflicts and loads; import and assignment."""

    template_name = "penjurian/juries.html"

    def render_page(
        self, request, period, *, upload=None, assign=None, problems=None, add=None, status=200
    ):
        context = {
            "period": period,
            "juries": selectors.juries_overview(period=period),
            "totals": selectors.assignments_totals(period=period),
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
    """Add a user (or invite a new one) as a jury, with its levels and conflicts."""

    def post(self, request, year):
        from django.db import transaction

        from award.services import jury_add

        period = self.period
        form = JuryAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    invitation = jury_add(
                        period=period,
                        email=data["email"],
                        full_name=data["full_name"],
                        home_unit=None,
                        invited_by=request.user,
                    )
                    services.jury_scope_set(
                        membership=period.juries.get(user=invitation.user),
                        levels=data["levels"],
                        conflict_codes=data["conflicts"],
                    )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    _("%(email)s is a jury of this period.") % {"email": data["email"]},
                )
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
                released = services.jury_scope_set(
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


class AssignView(JuriesView):
    def post(self, request, year):
        period = self.period
        form = AssignForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, period, assign=form, status=422)
        try:
            report = services.assignments_fill(
                period=period, per_unit=form.cleaned_data["per_unit"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
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


class AssignmentsExportView(PeriodAdminRequired, View):
    def get(self, request, year):
        period = self.period
        workbook, _rows = selectors.assignments_workbook(period=period)
        return xlsx_response(workbook, f"penugasan-juri-{period.year}.xlsx")


class JuryDropOutView(PeriodAdminRequired, View):
    """A jury leaves the period: unfinished units go to others by the same rules."""

    def post(self, request, year, pk):
        period = self.period
        membership = get_object_or_404(period.juries.select_related("user"), pk=pk)
        try:
            report = services.jury_drop_out(period=period, jury=membership.user)
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


class AssignmentMatrixView(PeriodAdminRequired, View):
    """Units × juries: assign or take away by hand, within the same rules."""

    def get(self, request, year):
        from award.models import Level, Unit

        period = self.period
        level = request.GET.get("tingkat", "")
        parent = request.GET.get("kecamatan", "")
        matrix = selectors.assignment_matrix(
            period=period,
            level_id=int(level) if level.isdigit() else None,
            parent_id=int(parent) if parent.isdigit() else None,
        )
        page, keep = page_of(request, matrix["units"])
        rows = []
        for unit in page:
            cells = []
            for jury in matrix["juries"]:
                facts = matrix["facts"][jury["user"].pk]
                cells.append(
                    {
                        "jury": jury["user"],
                        "assigned": (unit.pk, jury["user"].pk) in matrix["assigned"],
                        "blocked": unit.pk in facts.blocked,
                        "level": not facts.levels or unit.level_id in facts.levels,
                    }
                )
            rows.append({"unit": unit, "cells": cells})
        context = {
            "period": period,
            "juries": matrix["juries"],
            "rows": rows,
            "page": page,
            "levels": Level.objects.order_by("order"),
            "kecamatan": Unit.objects.filter(children__isnull=False).distinct().order_by("code"),
            "level": level,
            "parent": parent,
            "back": request.GET.urlencode(),
            "keep": keep,
        }
        return render(request, "penjurian/matrix.html", context)


class AssignmentChangeView(PeriodAdminRequired, View):
    def post(self, request, year):
        from django.contrib.auth import get_user_model

        from award.models import Unit
        from penjurian.models import Assignment

        period = self.period
        unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
        jury = get_object_or_404(get_user_model(), pk=request.POST.get("jury") or 0)
        try:
            if request.POST.get("action") == "remove":
                services.assignment_remove(
                    assignment=get_object_or_404(Assignment, period=period, unit=unit, jury=jury)
                )
                messages.success(
                    request,
                    _("%(unit)s taken from %(jury)s.")
                    % {"unit": unit.name, "jury": jury.get_full_name() or jury.username},
                )
            else:
                services.assignment_add(period=period, jury=jury, unit=unit)
                messages.success(
                    request,
                    _("%(unit)s assigned to %(jury)s.")
                    % {"unit": unit.name, "jury": jury.get_full_name() or jury.username},
                )
        except ValidationError as error:
            messages.error(request, error_text(error))
        back = request.POST.get("back", "")
        url = reverse("penjurian:matrix", args=[period.year])
        return redirect(f"{url}?{back}" if back and "//" not in back else url)
