"""The jury's own screens: the inbox of assigned units, the verification page of one unit
and its evidence (permission-checked; inline only for PDF and images)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from evaluasi.models import Aspect, Evidence, Indicator, Submission
from evaluasi.saq.views import evidence_file_response
from penjurian import selectors, services
from penjurian.models import Verification

INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}


def submission_checked(request, pk, perm: str) -> Submission:
    """The submission, or 403 unless the user holds ``perm`` on it (django-rules)."""
    submission = get_object_or_404(Submission.objects.select_related("period", "unit"), pk=pk)
    if not request.user.has_perm(perm, submission):
        raise PermissionDenied
    return submission


def _submission_for_jury(request, pk) -> Submission:
    return submission_checked(request, pk, "penjurian.verify_submission")


def validation_errors(error: ValidationError) -> dict:
    """A ValidationError as field → messages (non-field messages under "")."""
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


class InboxView(LoginRequiredMixin, View):
    def get(self, request):
        return render(
            request, "penjurian/inbox.html", {"rows": selectors.jury_inbox(jury=request.user)}
        )


class VerifyView(LoginRequiredMixin, View):
    template_name = "penjurian/verify.html"

    def render_sheet(self, request, submission, *, failed=None, status=200):
        aspects = selectors.verification_sheet(submission=submission, jury=request.user)
        flat = [row for aspect in aspects for row in aspect["rows"]]
        yes_no = [("ya", _("Yes")), ("tidak", _("No"))]
        for row in flat:
            verdict, typed = row["verdict"], (failed or {}).get(row["indicator"].pk)
            row["version"] = services.verification_version(verdict)
            # What the form shows: what was typed after a refused save, else the verdict.
            row["form"] = typed or {
                "decision": verdict.decision if verdict else "",
                "value": verdict.value if verdict else "",
                "reason": verdict.reason if verdict else "",
            }
            options = [(o.code, o.label) for o in row["indicator"].options.all()]
            row["choices"] = options or (yes_no if row["indicator"].type == "ya_tidak" else [])
            for item in row["evidence"]:
                item.is_image = (item.content_type or "").startswith("image/")
        total = len(flat)
        done = sum(a["done"] for a in aspects)
        context = {
            "submission": submission,
            "aspects": aspects,
            "total": total,
            "done": done,
            "percent": round(100 * done / total) if total else 0,
            "locked": submission.period.finalised_at is not None,
            "objections": selectors.objections_open_count(jury=request.user, submission=submission),
            # One reverse for the page, not three per evidence file (100 files on a page).
            "evidence_base": reverse("penjurian:evidence", args=[0]).removesuffix("0/"),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_sheet(request, _submission_for_jury(request, pk))

    def post(self, request, pk):
        submission = _submission_for_jury(request, pk)
        indicator = get_object_or_404(
            Indicator, pk=request.POST.get("indicator") or 0, questionnaire=submission.questionnaire
        )
        autosave = request.headers.get("X-Autosave") == "1"
        decision = request.POST.get("decision", "")
        value = request.POST.get("value", "")
        reason = request.POST.get("reason", "").strip()
        try:
            if decision not in Verification.Decision.values:
                raise ValidationError({"decision": _("Choose Accept, Adjust or Reject.")})
            saved = services.verification_save(
                submission=submission,
                indicator=indicator,
                jury=request.user,
                decision=decision,
                value=value,
                reason=reason,
                version=request.POST.get("version"),
            )
        except ValidationError as error:
            errors = validation_errors(error)
            conflict = isinstance(error, services.VerificationConflict)
            status = 409 if conflict else 422
            if autosave:
                return JsonResponse(
                    {"ok": False, "conflict": conflict, "errors": errors}, status=status
                )
            failed = {
                indicator.pk: {
                    "decision": decision,
                    "value": value,
                    "reason": reason,
                    "errors": errors,
                }
            }
            messages.error(
                request,
                _("Indicator %(code)s was not saved; see the message there.")
                % {"code": indicator.code},
            )
            return self.render_sheet(request, submission, failed=failed, status=status)
        if autosave:
            return JsonResponse({"ok": True, "version": services.verification_version(saved)})
        following = selectors.indicator_next(indicator=indicator)
        target = f"ind-{(following or indicator).pk}"
        return redirect(reverse("penjurian:verify", args=[submission.pk]) + f"#{target}")


class AspectAcceptView(LoginRequiredMixin, View):
    """Accept the indicators of one aspect that are still without a verdict."""

    def post(self, request, pk, aspect_pk):
        submission = _submission_for_jury(request, pk)
        aspect = get_object_or_404(
            Aspect, pk=aspect_pk, questionnaire_id=submission.questionnaire_id
        )
        try:
            accepted = services.verifications_accept_aspect(
                submission=submission, aspect=aspect, jury=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(count)s indicators of %(aspect)s accepted; verdicts already given stay.")
                % {"count": accepted, "aspect": aspect.name},
            )
        return redirect(reverse("penjurian:verify", args=[submission.pk]) + f"#asp-{aspect.pk}")


class EvidenceView(LoginRequiredMixin, View):
    """An evidence file for an assigned jury: PDF and images inline (previewed beside the
    question), everything else as an attachment."""

    def get(self, request, pk):
        evidence = get_object_or_404(
            Evidence.objects.select_related("submission__period"), pk=pk, kind=Evidence.Kind.FILE
        )
        _submission_for_jury(request, evidence.submission_id)
        return evidence_file_response(evidence, inline_types=INLINE_TYPES)
