"""Scoring screens: runs with live progress, finalisation, rankings and the explanation page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from award.mixins import AdminRequired, PeriodAdminRequired
from award.models import Unit
from common.forms import error_text
from penilaian import selectors as scoring_selectors
from penilaian import services as scoring_services

from .forms import CorrectionForm, ScoringStartForm
from .models import Score, ScoringRun


def _run(pk) -> ScoringRun:
    return get_object_or_404(ScoringRun.objects.select_related("period", "started_by"), pk=pk)


class ScoringView(PeriodAdminRequired, View):
    """The period's runs, the button that starts one, and where its results are."""

    template_name = "penilaian/scoring.html"

    def context(self, period, form=None):
        scoring_services.scoring_runs_fail_stale(period=period)
        return {
            "period": period,
            "runs": scoring_selectors.scoring_runs(period=period),
            "current": scoring_selectors.scoring_run_current(period=period),
            "published": scoring_selectors.scoring_run_published(period=period),
            "form": form or ScoringStartForm(),
            "correction_form": CorrectionForm(),
            **_blockers(period),
        }

    def get(self, request, year):
        period = self.period
        return render(request, self.template_name, self.context(period))

    def post(self, request, year):
        period = self.period
        form = ScoringStartForm(request.POST)
        if form.is_valid():
            try:
                run = scoring_services.scoring_run_start(
                    period=period, user=request.user, reason=form.cleaned_data["reason"]
                )
            except scoring_services.ScoringRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                return redirect("penilaian:scoring_run", pk=run.pk)
        return render(request, self.template_name, self.context(period, form), status=422)


class OverrideView(PeriodAdminRequired, View):
    """Go ahead with penetapan despite one unfinished item of jury work, with a reason."""

    def post(self, request, year):
        period = self.period
        try:
            count = scoring_services.finalisation_override(
                period=period,
                key=request.POST.get("key", ""),
                kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Override recorded with its reason.",
                    "%(count)s overrides recorded with one reason.",
                    count,
                )
                % {"count": count},
            )
        return redirect("penilaian:scoring", year=period.year)


class CorrectionOpenView(PeriodAdminRequired, View):
    """Open a correction of a finalised period: its inputs become editable, with a reason."""

    def post(self, request, year):
        period = self.period
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                scoring_services.period_correction_open(
                    period=period, reason=form.cleaned_data["reason"], user=request.user
                )
            except scoring_services.ScoringRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    _(
                        "The correction is open: the inputs can be changed. Run the scoring "
                        "again and finalise the new run to replace the published results."
                    ),
                )
        else:
            messages.error(request, _("Give the reason for the correction."))
        return redirect("penilaian:scoring", year=year)


class CorrectionCancelView(PeriodAdminRequired, View):
    def post(self, request, year):
        period = self.period
        try:
            scoring_services.period_correction_cancel(period=period, user=request.user)
        except scoring_services.ScoringRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("The correction is closed; the published results stay as they are.")
            )
        return redirect("penilaian:scoring", year=year)


def _blockers(period) -> dict:
    """What penetapan waits for: the period's own blockers one by one, the jury work grouped
    by kind (a hundred unfinished verifications are one line with a count)."""
    blockers = scoring_selectors.finalisation_blockers(period=period, jury_items=[])
    groups = scoring_selectors.jury_work_groups(
        items=scoring_selectors.jury_work_items(period=period)
    )
    return {
        "blockers": blockers,
        "jury_groups": groups,
        "waiting": bool(blockers) or any(group["open"] for group in groups),
    }


def _unchanged_text(run) -> str:
    published = scoring_selectors.scoring_run_unchanged(run=run)
    if published is None:
        return ""
    return scoring_services.unchanged_message(run=run, published=published)


class ScoringRunView(AdminRequired, View):
    """A run: live progress while it works (htmx polling), then its summary."""

    def get(self, request, pk):
        run = _run(pk)
        if run.is_active:
            scoring_services.scoring_runs_fail_stale(period=run.period)
            run.refresh_from_db()
        context = {
            "run": run,
            "period": run.period,
            "poll_url": reverse("penilaian:scoring_run", args=[run.pk]),
            **_blockers(run.period),
            # Said before the click: penetapan would refuse a run that changes nothing.
            "unchanged": _unchanged_text(run),
            # Without a job queue (the embedded demo) the run is computed inside the request
            # that started it: its page can only ever show it finished, and says why.
            "in_web_process": settings.CELERY_TASK_ALWAYS_EAGER,
        }
        if request.htmx:
            response = render(request, "penilaian/_run_status.html", context)
            if not run.is_active:
                response["HX-Refresh"] = "true"
            return response
        return render(request, "penilaian/scoring_run.html", context)


class ScoringRunCancelView(AdminRequired, View):
    def post(self, request, pk):
        run = _run(pk)
        if scoring_services.scoring_run_cancel(run_id=run.pk, user=request.user):
            messages.success(request, _("The run was cancelled; a new run may start."))
        else:
            messages.info(request, _("The run had already ended."))
        return redirect("penilaian:scoring_run", pk=run.pk)


class ScoringFinaliseView(AdminRequired, View):
    def post(self, request, pk):
        run = _run(pk)
        try:
            scoring_services.scoring_run_finalise(run=run, user=request.user)
        except scoring_services.ScoringRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Run %(number)s is finalised and published.") % {"number": run.number},
            )
        return redirect("penilaian:scoring_run", pk=run.pk)


class RankingView(AdminRequired, View):
    def get(self, request, pk):
        run = _run(pk)
        return render(
            request,
            "penilaian/ranking.html",
            {
                "run": run,
                "period": run.period,
                "tables": scoring_selectors.ranking_tables(run=run),
                "published": scoring_selectors.scoring_run_published(period=run.period),
            },
        )


class PeriodRankingView(PeriodAdminRequired, View):
    """The rankings of the period's current results."""

    def get(self, request, year):
        period = self.period
        run = scoring_selectors.scoring_run_current(period=period)
        if run is None:
            messages.info(request, _("There are no results yet: start a scoring run."))
            return redirect("penilaian:scoring", year=year)
        return redirect("penilaian:ranking", pk=run.pk)


class ScoreExplainView(LoginRequiredMixin, View):
    """How a unit's result was computed: admin always, the unit's operator after publication."""

    def get(self, request, pk, unit_pk):
        run = _run(pk)
        unit = get_object_or_404(Unit.objects.select_related("level", "parent"), pk=unit_pk)
        score = Score.objects.filter(run=run, unit=unit).select_related("run").first()
        if score is None:
            if not request.user.has_perm("award.manage"):
                raise PermissionDenied
            messages.info(request, _("This unit has no result in this run: it did not submit."))
            return redirect("penilaian:ranking", pk=run.pk)
        if not request.user.has_perm("penilaian.view_score", score):
            raise PermissionDenied
        context = scoring_selectors.scoring_explain(run=run, unit=unit)
        context["period"] = run.period
        context["is_admin"] = request.user.has_perm("award.manage")
        context["overrides"] = scoring_selectors.unit_overrides(period=run.period, unit=unit)
        context["objections"] = scoring_selectors.unit_objections(period=run.period, unit=unit)
        context["aspect_chart"] = scoring_selectors.score_aspect_comparison(
            score=score, aspects=[a["aspect"] for a in context.get("aspects", [])]
        )
        return render(request, "penilaian/explain.html", context)
