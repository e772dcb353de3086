"""The audit page (admin) with its workbook export, and a unit's history (its operators)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from award.mixins import AdminRequired
from award.models import Unit
from common.exporters import export_or_job
from common.views import page_of

from . import selectors
from .exports import AuditExporter
from .forms import AuditFilterForm

PAGE = 50


def _page(request, events):
    return page_of(request, events, per_page=PAGE)


class AuditView(AdminRequired, View):
    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        context = {"form": form, "available": selectors.audit_available()}
        if context["available"] and (form.is_valid() or not request.GET):
            filters = form.cleaned_data if request.GET else {}
            events = selectors.audit_events_filtered(filters=filters)
            if request.GET.get("format") == "xlsx":
                return export_or_job(request, AuditExporter(filters=request.GET.dict()))
            page, keep = _page(request, events)
            context.update(page=page, keep=keep, rows=selectors.audit_rows(page.object_list))
        return render(request, "audit/audit.html", context)


class UnitHistoryView(PermissionRequiredMixin, View):
    permission_required = "award.view_unit"

    def get_permission_object(self):
        return get_object_or_404(Unit, pk=self.kwargs["pk"])

    def get(self, request, pk):
        unit = self.get_permission_object()
        context = {"unit": unit, "available": selectors.audit_available()}
        if context["available"]:
            page, keep = _page(request, selectors.audit_events(unit=unit))
            context.update(page=page, keep=keep, rows=selectors.audit_rows(page.object_list))
        return render(request, "audit/unit_history.html", context)
