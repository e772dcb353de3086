"""Views every app builds on: the job page with its live progress and confirmation, an
export run as a job and its file, the health checks, the favicon, and paging of long lists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import RedirectView
from rules.contrib.views import PermissionRequiredMixin

from common import jobs
from common import selectors as common_selectors

from .exporters import EXPORT_JOB, exporter_class
from .models import Job

PAGE_PARAM = "halaman"


def page_of(request, items, *, per_page: int = 50) -> tuple[Page, str]:
    """One page of ``items`` (``?halaman=N``, out-of-range numbers give the nearest page) and
    the query string of the request's other filters, both for components/pagination.html."""
    page = Paginator(items, per_page).get_page(request.GET.get(PAGE_PARAM))
    keep = request.GET.copy()
    keep.pop(PAGE_PARAM, None)
    return page, keep.urlencode()


def health(request):
    """For monitoring: the database, Redis and the Celery workers, each "ok" or "down"
    (workers: "ok" when one finished a task or answered the watchdog in the last minutes).
    200 when all are up, 503 when any is down, so a monitor alarms on a Redis or worker
    outage too; ``/sehat/web/`` is the check for load balancers (the database only)."""
    state = common_selectors.system_health()
    status = 200 if all(value in ("ok", "eager") for value in state.values()) else 503
    response = JsonResponse({"status": "ok" if status == 200 else "down", **state}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def health_web(request):
    """For load balancers: can this web process serve requests (its database answers)? A
    Redis or worker outage must not take web processes out of rotation: answers still save."""
    state = {"database": common_selectors.database_health()}
    status = 200 if state["database"] == "ok" else 503
    response = JsonResponse({"status": state["database"], **state}, status=status)
    response["Cache-Control"] = "no-store"
    return response


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says; send them to the logo."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("img/logo.svg")


class JobView(PermissionRequiredMixin, View):
    """The page of a long job: live progress (polled with htmx), then its preview or result.

    Subclasses name the job ``kind``, their page ``template_name``, their own ``url_name`` and
    the ``permission_required`` to see it (checked on the server by django-rules).
    """

    kind: str = ""
    template_name = ""
    url_name = ""

    def get_permission_object(self):
        return None

    def get_job(self, pk) -> Job:
        return get_object_or_404(Job, pk=pk, kind=self.kind)

    def extra_context(self, job: Job) -> dict:
        return {}

    def get(self, request, pk):
        job = self.get_job(pk)
        if not job.is_finished:
            # A job whose worker died or whose message the queue lost ends here, with a message.
            jobs.jobs_fail_lost(jobs=[job])
        context = {
            "job": job,
            "state": common_selectors.job_state(job=job),
            "poll_url": reverse(self.url_name, args=[job.pk]),
            **self.extra_context(job),
        }
        if request.htmx:
            response = render(request, "components/job_status.html", context)
            if job.is_finished:
                # Reload the whole page once, to show the preview or the result.
                response["HX-Refresh"] = "true"
            return response
        return render(request, self.template_name, context)


class JobConfirmView(PermissionRequiredMixin, View):
    """Confirms a checked job; a second click (or tab) is told so and changes nothing."""

    kind: str = ""
    url_name = ""

    def get_permission_object(self):
        return None

    def confirm(self, job: Job) -> bool:
        return jobs.job_confirm(job=job)

    def post(self, request, pk):
        job = get_object_or_404(Job, pk=pk, kind=self.kind)
        if not self.confirm(job):
            messages.warning(request, _("This import was already confirmed or is not ready."))
        return redirect(self.url_name, pk=job.pk)


class ExportJobMixin:
    """An export job, visible to whoever may have its exporter's file (its ``permission`` on
    its ``permission_object``)."""

    def export_job(self) -> Job:
        return get_object_or_404(Job, pk=self.kwargs["pk"], kind=EXPORT_JOB)

    def exporter(self, job: Job):
        cls = exporter_class(job.params.get("exporter", ""))
        if cls is None:
            raise Http404
        return cls.from_params(job.params.get("args") or {})

    def has_permission(self) -> bool:
        job = self.export_job()
        try:
            exporter = self.exporter(job)
        except ObjectDoesNotExist:
            return False
        return self.request.user.has_perm(exporter.permission, exporter.permission_object())


class ExportJobView(ExportJobMixin, JobView):
    kind = EXPORT_JOB
    template_name = "common/export_job.html"
    url_name = "common:export_job"

    def extra_context(self, job: Job) -> dict:
        return {"exporter_name": self.exporter(job).verbose_name}


class ExportDownloadView(ExportJobMixin, PermissionRequiredMixin, View):
    def get(self, request, pk):
        job = self.export_job()
        if job.status != Job.Status.SUCCEEDED or not job.file:
            raise Http404
        response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
        response["Cache-Control"] = "private, no-store"
        return response
