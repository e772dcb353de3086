"""The SAQ screens for PPID operators: wizard, autosave, evidence, summary, offline workbook."""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView

from award.mixins import AdminRequired, PeriodMixin
from award.models import Unit
from award.rules import is_operator_of_unit
from common.exporters import export_response
from common.models import Job
from common.uploads import upload_too_large_message
from common.views import JobConfirmView, JobView
from evaluasi import jobs as evaluasi_jobs
from evaluasi.exports import AnswersExporter
from evaluasi.models import Evidence, Indicator, Questionnaire, Submission
from evaluasi.questionnaires import selectors as questionnaire_selectors
from evaluasi.saq import offline, sheet
from evaluasi.saq import selectors as saq_selectors
from evaluasi.saq import services as saq_services

from .forms import AnswersUploadForm, AspectAnswersForm, ReopenForm, ReviewForm
from .mixins import evidence_file_response, submission_for

REVIEW = "tinjau"


def editable_or_message(request, submission) -> bool:
    try:
        saq_services.submission_check_editable(submission=submission)
    except ValidationError as error:
        messages.warning(request, error.messages[0])
        return False
    return True


class SaqStartView(LoginRequiredMixin, PeriodMixin, View):
    """``/saq/<period>/<unit>/``: open (or create) the unit's SAQ at its first incomplete step."""

    def get(self, request, year, unit_pk):
        period = self.period
        unit = get_object_or_404(Unit, pk=unit_pk)
        if not is_operator_of_unit(request.user, unit):  # admins open a SAQ's summary
            raise PermissionDenied
        try:
            submission = saq_services.submission_start(period=period, unit=unit)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("award:dashboard")
        if not editable_or_message(request, submission):
            return redirect("evaluasi:saq_summary", pk=submission.pk)
        return redirect(first_incomplete_step_url(submission))


def first_incomplete_step_url(submission) -> str:
    missing = saq_selectors.submission_missing(submission=submission)
    if missing:
        item = missing[0]
        return reverse("evaluasi:saq_step", args=[submission.pk, item.step])
    return reverse("evaluasi:saq_step", args=[submission.pk, REVIEW])


class SaqWizard(LoginRequiredMixin, NamedUrlWizardView):
    """One step per aspect, then a review step whose "submit" submits the SAQ.

    Answers are saved to the database on every step (and autosaved on change), so the
    wizard's own session storage is never the only copy.
    """

    template_name = "evaluasi/saq_step.html"
    storage_name = "evaluasi.saq.wizard_storage.RequestStorage"
    url_name = "evaluasi:saq_step"
    done_step_name = "selesai"
    form_list = [("placeholder", ReviewForm)]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.submission = submission_for(request, kwargs["pk"], perm="evaluasi.fill_submission")
        if not editable_or_message(request, self.submission):
            return redirect("evaluasi:saq_summary", pk=self.submission.pk)
        self.questionnaire = questionnaire_selectors.questionnaire_for_saq(
            questionnaire=self.submission.questionnaire
        )
        self.aspects = OrderedDict(
            (saq_selectors.step_name(aspect), aspect) for aspect in self.questionnaire.aspects.all()
        )
        self.form_list = OrderedDict((step, AspectAnswersForm) for step in self.aspects)
        self.form_list[REVIEW] = ReviewForm
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def answers(self):
        return saq_selectors.submission_answers(submission=self.submission)

    def get_prefix(self, request, *args, **kwargs):
        return f"saq_{kwargs['pk']}"

    def get_step_url(self, step):
        return reverse(self.url_name, args=[self.submission.pk, step])

    def get(self, *args, **kwargs):
        step = kwargs.get("step")
        if step == self.done_step_name:
            # Submitting is a POST on the review step; a GET here never submits.
            return redirect(self.get_step_url(REVIEW))
        if step not in self.form_list:
            raise Http404
        return super().get(*args, **kwargs)

    def get_form(self, step=None, data=None, files=None):
        # The database, not the session, holds the answers: never rebind stale session data.
        if self.request.method != "POST":
            data = files = None
        return super().get_form(step=step, data=data, files=files)

    def get_form_kwargs(self, step=None):
        if step in self.aspects:
            return {
                "aspect": self.aspects[step],
                "submission": self.submission,
                "answers": self.answers,
            }
        return {}

    def save_step(self, form) -> bool:
        """Save the step's answers with the versions the operator read: the same rule as the
        autosave (``answer_save``). A changed answer with a newer value is not overwritten; it
        goes back to the form as a conflict. True when everything was saved."""
        if not isinstance(form, AspectAnswersForm):
            return True
        for indicator in form.indicators:
            try:
                result = saq_services.answer_save(
                    submission=self.submission,
                    indicator=indicator,
                    raw=form.cleaned_data.get(f"i{indicator.pk}"),
                    version=form.cleaned_data.get(f"v{indicator.pk}") or 0,
                    user=self.request.user,
                )
            except ValidationError as error:
                form.add_error(f"i{indicator.pk}", error.messages[0])
                continue
            if result.conflict is not None:
                form.conflict(indicator=indicator, stored=result.conflict)
        return not form.errors

    def post(self, *args, **kwargs):
        goto = self.request.POST.get("wizard_goto_step")
        # The wizard remembers nothing between requests (RequestStorage): the form says its step.
        self.storage.current_step = self.posted_step()
        if not goto and self.steps.current == REVIEW:
            # Submitting: the review step has no answers to save.
            return self.render_done(None)
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        if not form.is_valid() or not self.save_step(form):
            messages.error(self.request, _("Please correct the marked answers."))
            return self.render(form)
        if goto:
            self.storage.current_step = goto
            return redirect(self.get_step_url(goto))
        return super().post(*args, **kwargs)

    def posted_step(self) -> str:
        """The step the posted form was on (formtools' management form)."""
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        step = management.cleaned_data["current_step"] if management.is_valid() else None
        if step not in self.form_list:
            raise SuspiciousOperation("ManagementForm data is missing or has been tampered.")
        return step

    def process_step(self, form):
        # The answers were saved (with the version rule) in post(), before the wizard moves on.
        messages.success(self.request, _("Answers saved."))
        return super().process_step(form)

    def render_done(self, form, **kwargs):
        try:
            saq_services.submission_submit(submission=self.submission, user=self.request.user)
        except ValidationError as error:
            messages.error(self.request, error.messages[0])
            return redirect(self.get_step_url(REVIEW))
        messages.success(self.request, _("Your SAQ has been submitted. Thank you!"))
        return redirect("evaluasi:saq_summary", pk=self.submission.pk)

    def get_context_data(self, form, **kwargs):
        step = self.steps.current
        evidence = saq_selectors.submission_evidence(submission=self.submission)
        conflicts = getattr(form, "conflicts", {})
        is_step = isinstance(form, AspectAnswersForm)
        page = sheet.step_html(
            self.request,
            wizard_prefix=self.prefix,
            submission=self.submission,
            steps=[(name, aspect.name) for name, aspect in self.aspects.items()],
            current=step,
            previous=self.steps.prev,
            aspect=self.aspects.get(step) if is_step else None,
            questions=sheet.questions_html(
                self.request,
                rows=sheet.question_rows(form, evidence=evidence, conflicts=conflicts),
                submission=self.submission,
                prefix=form.prefix,
            )
            if is_step
            else "",
            missing=None
            if is_step
            else saq_selectors.submission_missing(
                submission=self.submission, answers=self.answers, evidence=evidence
            ),
            notes=None
            if is_step
            else sheet.review_notes(submission=self.submission, evidence=evidence),
            progress=saq_selectors.submission_progress(
                submission=self.submission,
                questionnaire=self.submission.questionnaire,
                answers=self.answers,
                evidence=evidence,
            ),
            deadline=saq_selectors.submission_saq_deadline(submission=self.submission),
        )
        return {"submission": self.submission, "page": page}


class AutosaveView(LoginRequiredMixin, View):
    """Save one answer as it changes (htmx). Answers the status line, and on a conflict the
    stored value beside the user's, never overwriting it silently."""

    def post(self, request, pk, indicator_pk):
        submission = submission_for(request, pk, perm="evaluasi.fill_submission")
        indicator = questionnaire_selectors.questionnaire_indicator(
            questionnaire=submission.questionnaire, pk=indicator_pk
        )
        if indicator is None:
            raise Http404
        prefix = request.POST.get("prefix", "")
        raw = request.POST.get(f"{prefix}i{indicator.pk}", "")
        version = request.POST.get(f"{prefix}v{indicator.pk}") or 0
        context = {"indicator": indicator, "submission": submission, "prefix": prefix}
        try:
            result = saq_services.answer_save(
                submission=submission,
                indicator=indicator,
                raw=raw,
                version=int(version),
                user=request.user,
            )
        except (ValidationError, ValueError) as error:
            messages_list = getattr(error, "messages", [str(error)])
            context["error"] = messages_list[0]
            return render(request, "evaluasi/_autosave.html", context, status=422)
        if result.conflict is not None:
            context.update(conflict=result.conflict, mine=raw)
            return render(request, "evaluasi/_autosave.html", context, status=409)
        context.update(
            answer=result.answer,
            saved_at=timezone.localtime(),
            # The sidebar's count and bar follow each save (htmx out-of-band swap).
            progress=sheet.progress_html(
                request, progress=saq_selectors.submission_progress(submission=submission), oob=True
            ),
        )
        return render(request, "evaluasi/_autosave.html", context)


class EvidenceAddView(LoginRequiredMixin, View):
    def post(self, request, pk, indicator_pk):
        submission = submission_for(request, pk, perm="evaluasi.fill_submission")
        indicator = get_object_or_404(
            Indicator, pk=indicator_pk, questionnaire_id=submission.questionnaire_id
        )
        error = None
        try:
            if request.FILES.get("file"):
                saq_services.evidence_add_file(
                    submission=submission,
                    indicator=indicator,
                    upload=request.FILES["file"],
                    user=request.user,
                )
            elif request.POST.get("url"):
                saq_services.evidence_add_url(
                    submission=submission,
                    indicator=indicator,
                    url=request.POST["url"],
                    user=request.user,
                )
            elif getattr(request, "upload_too_large", False):
                error = upload_too_large_message()
            else:
                error = _("Choose a file or type a link first.")
        except ValidationError as problem:
            error = problem.messages[0]
        return evidence_response(request, submission, indicator, error)


class EvidenceDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        evidence = get_object_or_404(Evidence.objects.select_related("indicator"), pk=pk)
        submission = submission_for(request, evidence.submission_id, "evaluasi.fill_submission")
        error = None
        try:
            saq_services.evidence_delete(evidence=evidence)
        except ValidationError as problem:
            error = problem.messages[0]
        return evidence_response(request, submission, evidence.indicator, error)


def evidence_response(request, submission, indicator, error):
    if request.htmx:
        html = sheet.evidence_html(
            request,
            submission=submission,
            indicator=indicator,
            items=submission.evidence.filter(indicator=indicator),
            error=error,
        )
        return HttpResponse(html, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Evidence updated."))
    step = saq_selectors.step_name(indicator.aspect)
    return redirect(reverse("evaluasi:saq_step", args=[submission.pk, step]))


class EvidenceDownloadView(LoginRequiredMixin, View):
    """Evidence files for operators and the admin, after the permission check."""

    def get(self, request, pk):
        evidence = get_object_or_404(Evidence, pk=pk, kind=Evidence.Kind.FILE)
        submission_for(request, evidence.submission_id)
        return evidence_file_response(evidence)


class SaqSummaryView(LoginRequiredMixin, View):
    """A read-only view of the SAQ: for the operator after submission or the deadline, and
    for the admin (who may reopen it)."""

    def get(self, request, pk, reopen_form=None):
        submission = submission_for(request, pk)
        questionnaire = questionnaire_selectors.questionnaire_with_content(
            pk=submission.questionnaire_id
        )
        answers = saq_selectors.submission_answers(submission=submission)
        evidence = saq_selectors.submission_evidence(submission=submission)
        evidence_missing = {
            item.indicator.pk
            for item in saq_selectors.submission_missing(submission=submission)
            if item.what == "evidence"
        }
        aspects = []
        for aspect in questionnaire.aspects.all():
            rows = [
                {
                    "indicator": indicator,
                    "answer": answers.get(indicator.pk),
                    "label": questionnaire_selectors.answer_label(
                        indicator=indicator,
                        value=answers[indicator.pk].value if indicator.pk in answers else "",
                    ),
                    "evidence": evidence.get(indicator.pk, []),
                    "evidence_missing": indicator.pk in evidence_missing,
                }
                for indicator in aspect.indicators.all()
            ]
            aspects.append({"aspect": aspect, "rows": rows})
        is_admin = request.user.has_perm("award.manage")
        editable = True
        try:
            saq_services.submission_check_editable(submission=submission)
        except ValidationError as error:
            editable = False
            lock_reason = error.messages[0]
        else:
            lock_reason = ""
        context = {
            "submission": submission,
            "aspects": aspects,
            "progress": saq_selectors.submission_progress(submission=submission),
            "score_visible": is_admin
            or saq_selectors.submission_score_visible(submission=submission),
            "score": submission.saq_score
            if submission.is_submitted
            else saq_selectors.submission_score(submission=submission),
            "is_admin": is_admin,
            "can_fill": request.user.has_perm("evaluasi.fill_submission", submission) and editable,
            "lock_reason": lock_reason,
            "reopen_form": reopen_form or ReopenForm(),
            "events": submission.events.select_related("user"),
        }
        return render(request, "evaluasi/saq_summary.html", context)


class SaqReopenView(LoginRequiredMixin, View):
    def post(self, request, pk):
        if not request.user.has_perm("award.manage"):
            raise PermissionDenied
        submission = submission_for(request, pk)
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                saq_services.submission_reopen(
                    submission=submission, reason=form.cleaned_data["reason"], user=request.user
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("The SAQ is open again for the unit's operators."))
                return redirect("evaluasi:saq_summary", pk=pk)
        return SaqSummaryView().get(request, pk, reopen_form=form)


# --- offline filling ----------------------------------------------------------------------
class AnswersWorkbookView(LoginRequiredMixin, View):
    def get(self, request, pk):
        submission = submission_for(request, pk)
        return export_response(
            AnswersExporter(
                submission=submission,
                questionnaire=questionnaire_selectors.questionnaire_with_content(
                    pk=submission.questionnaire_id
                ),
                answers=saq_selectors.submission_answers(submission=submission),
            )
        )


class AnswersImportView(LoginRequiredMixin, View):
    template_name = "evaluasi/answers_import.html"

    def page(self, request, submission, form):
        limits = {
            "bundle_limit": settings.ANSWERS_BUNDLE_MAX_BYTES // 1048576,
            "file_limit": settings.UPLOAD_MAX_BYTES // 1048576,
        }
        context = {"submission": submission, "form": form, **limits}
        return render(request, self.template_name, context)

    def get(self, request, pk):
        submission = submission_for(request, pk, perm="evaluasi.fill_submission")
        return self.page(request, submission, AnswersUploadForm())

    def post(self, request, pk):
        submission = submission_for(request, pk, perm="evaluasi.fill_submission")
        form = AnswersUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            if getattr(request, "upload_too_large", False):
                form.errors["file"] = form.error_class([upload_too_large_message(request)])
            return self.page(request, submission, form)
        upload = form.cleaned_data["file"]
        job = offline.answers_import_start(
            data=upload.read(), file_name=upload.name, submission=submission, user=request.user
        )
        return redirect("evaluasi:answers_import_job", pk=job.pk)


class OwnJobMixin:
    """Operators see and confirm only the answer imports of their own units."""

    def get_job(self, pk):
        job = get_object_or_404(Job, pk=pk, kind=self.kind)
        submission_for(self.request, job.params.get("submission"), "evaluasi.fill_submission")
        return job

    def has_permission(self):
        return self.request.user.is_authenticated


class AnswersImportJobView(OwnJobMixin, JobView):
    kind = evaluasi_jobs.ANSWERS_IMPORT
    template_name = "evaluasi/answers_import_job.html"
    url_name = "evaluasi:answers_import_job"

    def extra_context(self, job):
        return {"submission": Submission.objects.get(pk=job.params["submission"])}


class AnswersImportConfirmView(OwnJobMixin, JobConfirmView):
    kind = evaluasi_jobs.ANSWERS_IMPORT
    url_name = "evaluasi:answers_import_job"

    def post(self, request, pk):
        self.get_job(pk)
        return super().post(request, pk)


class QuestionnairePreviewView(AdminRequired, View):
    """The questionnaire exactly as operators see it: the SAQ step form and the SAQ question
    template, with inputs disabled."""

    def get(self, request, pk):
        questionnaire = get_object_or_404(
            Questionnaire.objects.select_related("period", "level"), pk=pk
        )
        steps = []
        for aspect in questionnaire.aspects.prefetch_related("indicators__options"):
            form = AspectAnswersForm(
                aspect=aspect, submission=None, answers={}, prefix=f"pratinjau{aspect.pk}"
            )
            rows = sheet.question_rows(form)
            steps.append(
                {
                    "aspect": aspect,
                    "questions": sheet.questions_html(
                        request,
                        rows=rows,
                        submission=None,
                        prefix=form.prefix,
                        preview=True,
                        heading="h3",
                    ),
                }
            )
        return render(
            request,
            "evaluasi/questionnaire_preview.html",
            {"questionnaire": questionnaire, "steps": steps},
        )
