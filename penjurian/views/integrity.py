"""*Integritas bukti*: the admin's page of a period's evidence checks, the check of what is
new or stale as a job with progress, and the workbook."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from award.mixins import AdminRequired, PeriodAdminRequired
from award.models import Period
from common.exporters import export_or_job
from common.models import Job
from common.views import JobView
from evaluasi import jobs as evaluasi_jobs
from evaluasi.checks.services import evidence_stale, period_check_start
from evaluasi.exports import EvidenceChecksExporter
from penjurian.integrity import integrity_overview


class IntegrityView(PeriodAdminRequired, View):
    def get(self, request, year):
        period = self.period
        context = {
            "period": period,
            "stale": evidence_stale(period=period).count(),
            **integrity_overview(period=period),
        }
        return render(request, "penjurian/integrity.html", context)


class IntegrityCheckView(PeriodAdminRequired, View):
    """Analyse what is new or stale (a second click joins the job already running)."""

    def post(self, request, year):
        job = period_check_start(period=self.period, user=request.user)
        return redirect("penjurian:integrity_job", pk=job.pk)


class IntegrityExportView(PeriodAdminRequired, View):
    def get(self, request, year):
        return export_or_job(request, EvidenceChecksExporter(period=self.period))


class IntegrityJobView(AdminRequired, JobView):
    kind = evaluasi_jobs.EVIDENCE_CHECK
    template_name = "penjurian/integrity_job.html"
    url_name = "penjurian:integrity_job"

    def get_job(self, pk) -> Job:
        return get_object_or_404(Job, pk=pk, kind=self.kind)

    def extra_context(self, job):
        return {"period": Period.objects.filter(pk=job.params.get("period")).first()}
