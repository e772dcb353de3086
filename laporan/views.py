"""Report screens for the admin: settings, report jobs with progress, downloads, CSV."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import AdminRequired, PeriodAdminRequired
from award.models import Level, Period
from common.exporters import export_response
from common.forms import form_errors_add
from common.models import Job
from common.views import JobView
from laporan import jobs as laporan_jobs

from . import selectors, services, signing
from .exports import RankingExporter
from .forms import ReportSettingsForm

REPORT_KINDS = {
    "peringkat": laporan_jobs.RANKING_EXPORT,
    "sertifikat": laporan_jobs.CERTIFICATES,
    "rekap": laporan_jobs.RECAP,
}


class ReportView(PeriodAdminRequired, View):
    template_name = "laporan/report.html"

    def context(self, period, form=None):
        run = selectors.report_run(period=period)
        report = selectors.report_settings(period=period)
        jobs = Job.objects.filter(
            kind__in=list(REPORT_KINDS.values()), params__period=period.pk
        ).select_related("created_by")[:12]
        return {
            "period": period,
            "run": run,
            "levels": selectors.run_levels(run=run) if run else [],
            "report": report,
            "form": form or ReportSettingsForm(instance=report),
            "jobs": jobs,
            "signer": signing.signer_certificate_current(),
        }

    def get(self, request, year):
        period = self.period
        return render(request, self.template_name, self.context(period))

    def post(self, request, year):
        period = self.period
        report = selectors.report_settings(period=period)
        form = ReportSettingsForm(request.POST, request.FILES, instance=report)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in ReportSettingsForm.Meta.fields}
            try:
                services.report_settings_save(report=report, data=data, files=request.FILES)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The report settings are saved."))
                return redirect("laporan:report", year=year)
        return render(request, self.template_name, self.context(period, form), status=422)


class ReportStartView(PeriodAdminRequired, View):
    def post(self, request, year, kind):
        period = self.period
        if kind not in REPORT_KINDS:
            raise Http404
        try:
            job = services.report_job_start(
                kind=REPORT_KINDS[kind], period=period, user=request.user
            )
        except services.ReportRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("laporan:report", year=year)
        return redirect("laporan:job", pk=job.pk)


class ReportJobView(AdminRequired, JobView):
    template_name = "laporan/job.html"
    url_name = "laporan:job"

    def get_job(self, pk) -> Job:
        return get_object_or_404(Job, pk=pk, kind__in=list(REPORT_KINDS.values()))

    def extra_context(self, job):
        return {"period": Period.objects.filter(pk=job.params.get("period")).first()}


class ReportDownloadView(AdminRequired, View):
    """The job's file (workbook or PDF), or with ``zip`` the per-unit certificates."""

    def get(self, request, pk, part="file"):
        job = get_object_or_404(
            Job, pk=pk, kind__in=list(REPORT_KINDS.values()), status=Job.Status.SUCCEEDED
        )
        storage = job.file.storage
        if part == "zip":
            name = job.result.get("zip")
            if not name or not storage.exists(name):
                raise Http404
            handle, filename = storage.open(name, "rb"), name.rsplit("/", 1)[-1]
        else:
            if not job.file:
                raise Http404
            handle, filename = job.file.open("rb"), job.file_name
        response = FileResponse(handle, as_attachment=True, filename=filename)
        response["Cache-Control"] = "private, no-store"
        return response


class RankingCsvView(PeriodAdminRequired, View):
    def get(self, request, year, level):
        run = selectors.report_run(period=self.period)
        level = get_object_or_404(Level, code=level)
        if run is None:
            raise Http404
        return export_response(RankingExporter(run=run), fmt="csv", sheet=level.code)
