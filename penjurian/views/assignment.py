"""The admin's assignment screens of a period: the automatic assignment, the units × juries
matrix to assign or take away by hand, and the assignments workbook. Thin: the rules live in
``penjurian.assignment``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import PeriodAdminRequired
from award.models import Level, Unit
from common.exporters import export_or_job
from common.forms import error_text
from common.views import page_of
from penjurian import assignment, exports
from penjurian.forms import AssignForm
from penjurian.models import Assignment
from penjurian.views.juries import JuriesView


class AssignView(JuriesView):
    """Give every unit with a submitted SAQ its juries by the rules."""

    def post(self, request, year):
        period = self.period
        form = AssignForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, period, assign=form, status=422)
        try:
            report = assignment.assignments_fill(
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
        return export_or_job(request, exports.AssignmentsExporter(period=period))


class AssignmentMatrixView(PeriodAdminRequired, View):
    """Units × juries: assign or take away by hand, within the same rules."""

    def get(self, request, year):
        period = self.period
        level = request.GET.get("tingkat", "")
        parent = request.GET.get("kecamatan", "")
        matrix = assignment.assignment_matrix(
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
        period = self.period
        unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
        jury = get_object_or_404(get_user_model(), pk=request.POST.get("jury") or 0)
        try:
            if request.POST.get("action") == "remove":
                assignment.assignment_remove(
                    assignment=get_object_or_404(Assignment, period=period, unit=unit, jury=jury)
                )
                messages.success(
                    request,
                    _("%(unit)s taken from %(jury)s.")
                    % {"unit": unit.name, "jury": jury.get_full_name() or jury.username},
                )
            else:
                assignment.assignment_add(period=period, jury=jury, unit=unit)
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
