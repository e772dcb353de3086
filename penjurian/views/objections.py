"""Objection (sanggah) screens: the operator's list of differing verdicts with the objection
form, the jury's answers, the admin's overview and the objection's evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import PeriodAdminRequired
from common.forms import validation_errors
from common.storage import private_file_response
from common.uploads import upload_too_large_message
from evaluasi.models import Submission
from evaluasi.questionnaires.selectors import answer_label
from evaluasi.saq.mixins import INLINE_TYPES, submission_for
from penjurian import objections
from penjurian.models import Objection, Verification


class OperatorObjectionsView(LoginRequiredMixin, View):
    """The unit's verdicts that differ from its own answers; object within the window."""

    template_name = "penjurian/objections.html"

    def submission(self, request, pk) -> Submission:
        return submission_for(request, pk, "evaluasi.view_submission")

    def render_page(self, request, submission, *, failed=None, status=200):
        period = submission.period
        context = {
            "submission": submission,
            "rows": objections.objection_sheet(
                submission=submission,
                names=period.show_jury_identity or request.user.has_perm("award.manage"),
            ),
            "window_open": objections.objection_window_open(period=period),
            "may_object": request.user.has_perm("evaluasi.fill_submission", submission),
            "failed": failed or {},
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request, self.submission(request, pk))

    def post(self, request, pk):
        submission = self.submission(request, pk)
        if not request.user.has_perm("evaluasi.fill_submission", submission):
            raise PermissionDenied
        verification = get_object_or_404(
            Verification, pk=request.POST.get("verification") or 0, submission=submission
        )
        text = request.POST.get("text", "")
        try:
            if getattr(request, "upload_too_large", False):
                raise ValidationError({"file": upload_too_large_message()})
            objections.objection_file(
                verification=verification,
                text=text,
                upload=request.FILES.get("file"),
                user=request.user,
            )
        except ValidationError as error:
            messages.error(
                request,
                _("The objection on %(code)s was not sent; see the message there.")
                % {"code": verification.indicator.code},
            )
            failed = {"pk": verification.pk, "text": text, "errors": validation_errors(error)}
            return self.render_page(request, submission, failed=failed, status=422)
        messages.success(request, _("Objection sent to the jury."))
        return redirect(
            reverse("penjurian:objections", args=[submission.pk]) + f"#v-{verification.pk}"
        )


class JuryObjectionsView(LoginRequiredMixin, View):
    """The objections to this jury's verdicts on one unit, each answered once."""

    template_name = "penjurian/objections_jury.html"

    def submission(self, request, pk) -> Submission:
        return submission_for(request, pk, "penjurian.verify_submission")

    def render_page(self, request, submission, *, failed=None, status=200):
        items = list(objections.objections_for_jury(jury=request.user, submission=submission))
        for item in items:
            indicator = item.verification.indicator
            item.verdict_label = answer_label(indicator=indicator, value=item.verification.value)
            item.before_label = answer_label(indicator=indicator, value=item.before_value)
        context = {"submission": submission, "items": items, "failed": failed or {}}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request, self.submission(request, pk))

    def post(self, request, pk):
        submission = self.submission(request, pk)
        objection = get_object_or_404(
            Objection, pk=request.POST.get("objection") or 0, submission=submission
        )
        accepted = request.POST.get("outcome") == "accept"
        answer = request.POST.get("answer", "")
        if request.POST.get("outcome") not in ("accept", "reject"):
            error = ValidationError({"outcome": _("Choose Accept or Reject.")})
        else:
            try:
                objections.objection_answer(
                    objection=objection, jury=request.user, accepted=accepted, answer=answer
                )
            except ValidationError as caught:
                error = caught
            else:
                messages.success(request, _("Answer saved; the operator is told by email."))
                return redirect("penjurian:objections_jury", pk=submission.pk)
        # The reasons stand once, beside the objection; the choice made and the text stay.
        messages.error(
            request,
            _("The answer on %(code)s was not saved; see the message there.")
            % {"code": objection.verification.indicator.code},
        )
        failed = {
            "pk": objection.pk,
            "answer": answer,
            "outcome": request.POST.get("outcome"),
            "errors": validation_errors(error),
        }
        return self.render_page(request, submission, failed=failed, status=422)


class PeriodObjectionsView(PeriodAdminRequired, View):
    def get(self, request, year):
        period = self.period
        items = objections.objections_of_period(period=period)
        return render(
            request,
            "penjurian/objections_admin.html",
            {
                "period": period,
                "items": items,
                "window_open": objections.objection_window_open(period=period),
            },
        )


class ObjectionFileView(LoginRequiredMixin, View):
    """The objection's new evidence: the unit's operators, the admin, the jury it concerns."""

    def get(self, request, pk):
        objection = get_object_or_404(
            Objection.objects.select_related("submission__period", "verification"), pk=pk
        )
        user = request.user
        allowed = user.has_perm("evaluasi.view_submission", objection.submission) or (
            objection.verification.jury_id == user.pk
            and user.has_perm("penjurian.verify_submission", objection.submission)
        )
        if not allowed or not objection.file:
            raise PermissionDenied
        return private_file_response(
            objection.file,
            name=objection.file_name,
            content_type=objection.file_type,
            inline_types=INLINE_TYPES,
        )
