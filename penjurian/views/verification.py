"""The jury's own screens: the inbox of assigned units, the verification page of one unit
and its evidence (permission-checked; inline only for PDF and images)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from common.forms import error_text, validation_errors
from common.fragments import fragment_render
from evaluasi.models import Aspect, Evidence, Indicator, Submission
from evaluasi.saq.mixins import INLINE_TYPES, evidence_file_response, submission_for
from penjurian import objections, verification
from penjurian.models import Objection, Verification


def _submission_for_jury(request, pk) -> Submission:
    return submission_for(request, pk, "penjurian.verify_submission")


class InboxView(LoginRequiredMixin, View):
    def get(self, request):
        return render(
            request, "penjurian/inbox.html", {"rows": verification.jury_inbox(jury=request.user)}
        )


BADGES = {"accept": "text-bg-success", "adjust": "text-bg-warning", "reject": "text-bg-danger"}


def _sheet_texts() -> dict[str, str]:
    """The verification sheet's texts, translated here (the Jinja2 sheet has none of its own,
    so the catalogue is made from Python as for every other string)."""
    return {
        "accept_rest": _("Accept the rest of this aspect"),
        "accept_rest_confirm": _(
            "Accept every indicator of this aspect that has no verdict yet? Verdicts already "
            "given stay."
        ),
        "decision": _("Decision"),
        "accept": _("Accept"),
        "adjust": _("Adjust"),
        "reject": _("Reject"),
        "adjusted": _("Adjusted answer (only for Adjust)"),
        "reason": _("Reason (required for Adjust and Reject)"),
        "save": _("Save and continue"),
        "self": _("Self-assessed answer"),
        "unanswered": _("not answered"),
        "broken": _("link not reachable"),
        "ok": _("link reachable"),
        "preview": _("Preview"),
        "none": _("No evidence."),
        "objected": _("The unit objected to this verdict; it changes only through your answer."),
        "suggest_accept": _("Acceptance suggested"),
        "suggest_check": _("Check"),
        "suggest_pending": _("Evidence still being checked"),
        "checking": _("Being checked by the assistant…"),
        "read_text": _("Text read from the file"),
        "open_file": _("open the file"),
    }


class VerifyView(LoginRequiredMixin, View):
    template_name = "penjurian/verify.html"

    def render_sheet(self, request, submission, *, failed=None, status=200):
        aspects = verification.verification_sheet(submission=submission, jury=request.user)
        verification.evidence_assist(submission=submission, jury=request.user, aspects=aspects)
        flat = [row for aspect in aspects for row in aspect["rows"]]
        yes_no = [("ya", _("Yes")), ("tidak", _("No"))]
        decisions = dict(Verification.Decision.choices)
        statuses = dict(Objection.Status.choices)
        for row in flat:
            verdict, typed = row["verdict"], (failed or {}).get(row["indicator"].pk)
            row["version"] = verification.verification_version(verdict)
            # What the form shows: what was typed after a refused save, else the verdict.
            row["form"] = typed or {
                "decision": verdict.decision if verdict else "",
                "value": verdict.value if verdict else "",
                "reason": verdict.reason if verdict else "",
                "errors": {},
            }
            if verdict:
                row["decision_label"] = decisions[verdict.decision]
                row["badge"] = BADGES[verdict.decision]
            # A verdict under objection shows the objection instead of the form.
            row["objection"] = getattr(verdict, "objection", None)
            if row["objection"]:
                row["objection_status"] = statuses[row["objection"].status]
            options = [(o.code, o.label) for o in row["indicator"].options.all()]
            row["choices"] = options or (yes_no if row["indicator"].type == "ya_tidak" else [])
            for item in row["evidence"]:
                item.is_image = (item.content_type or "").startswith("image/")
        for block in aspects:
            block["accept_url"] = reverse(
                "penjurian:aspect_accept", args=[submission.pk, block["aspect"].pk]
            )
        total = len(flat)
        done = sum(a["done"] for a in aspects)
        locked = submission.period.finalised_at is not None
        sheet = fragment_render(
            "penjurian/verify_sheet.html",
            request,
            {
                "aspects": aspects,
                "locked": locked,
                "action": reverse("penjurian:verify", args=[submission.pk]),
                "objections_url": reverse("penjurian:objections_jury", args=[submission.pk]),
                # One reverse for the page, not three per evidence file (100 files on a page).
                "evidence_base": reverse("penjurian:evidence", args=[0]).removesuffix("0/"),
            },
            texts=_sheet_texts(),
        )
        context = {
            "submission": submission,
            "sheet": sheet,
            "total": total,
            "done": done,
            "percent": round(100 * done / total) if total else 0,
            "locked": locked,
            "objections": objections.objections_open_count(
                jury=request.user, submission=submission
            ),
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
            saved = verification.verification_save(
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
            conflict = isinstance(error, verification.VerificationConflict)
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
            done, total = verification.verification_count(submission=submission, jury=request.user)
            return JsonResponse(
                {
                    "ok": True,
                    "version": verification.verification_version(saved),
                    # The counter and bar above the sheet follow each saved verdict.
                    "done": done,
                    "total": total,
                    "percent": round(100 * done / total) if total else 0,
                }
            )
        following = verification.indicator_next(indicator=indicator)
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
            accepted = verification.verifications_accept_aspect(
                submission=submission, aspect=aspect, jury=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
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
