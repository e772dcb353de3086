"""Objections (sanggah): the operator sees each verdict that differs from its own answer and
may object to it within the period's objection window; the jury gives one answer. Writes
(``objection_file``, ``objection_answer``) and reads (``objection_sheet``, ...) of the rule."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import Period, Stage
from common.formats import moment_text
from evaluasi.models import Submission
from evaluasi.questionnaires.selectors import answer_label
from evaluasi.saq.selectors import submission_answers
from evaluasi.saq.services import evidence_file_check
from penjurian import notify
from penjurian.models import Objection, Verification

MAX_TEXT = 4000


def verdict_differs(*, verification: Verification, own_value: str) -> bool:
    """A verdict the operator may object to: a rejection, or an adjustment to another answer."""
    if verification.decision == Verification.Decision.REJECT:
        return True
    return verification.decision == Verification.Decision.ADJUST and verification.value != own_value


def objection_window_open(*, period: Period, moment=None) -> bool:
    return period.stage_at(moment) == Stage.OBJECTION and not period.inputs_locked


# --- reads ----------------------------------------------------------------------------------
def objection_sheet(*, submission: Submission, names: bool) -> list[dict]:
    """Every verdict on the unit that differs from its own answer, in questionnaire order, with
    the jury shown as “Juri 1”, “Juri 2” (by the order of assignment) unless ``names``."""
    answers = {k: a.value for k, a in submission_answers(submission=submission).items()}
    verdicts = list(
        Verification.objects.filter(submission=submission)
        .select_related("indicator", "indicator__aspect", "jury")
        .prefetch_related("indicator__options")
        .order_by("indicator__aspect__order", "indicator__order", "indicator_id", "jury_id")
    )
    objections = {o.verification_id: o for o in Objection.objects.filter(submission=submission)}
    number = {
        jury: position
        for position, jury in enumerate(
            sorted({v.jury_id for v in verdicts}, key=lambda j: j), start=1
        )
    }
    rows = []
    for verdict in verdicts:
        own = answers.get(verdict.indicator_id, "")
        objection = objections.get(verdict.pk)
        if not verdict_differs(verification=verdict, own_value=own) and objection is None:
            continue
        jury = verdict.jury
        rows.append(
            {
                "verification": verdict,
                "indicator": verdict.indicator,
                "own_label": answer_label(indicator=verdict.indicator, value=own),
                "verified_label": answer_label(indicator=verdict.indicator, value=verdict.value)
                if verdict.decision == Verification.Decision.ADJUST
                else "",
                "jury_name": (jury.get_full_name() or jury.username)
                if names
                else _("Jury %(n)s") % {"n": number[verdict.jury_id]},
                "objection": objection,
                "before_label": answer_label(
                    indicator=verdict.indicator, value=objection.before_value
                )
                if objection and objection.before_value
                else "",
            }
        )
    return rows


def objections_for_jury(*, jury, submission: Submission | None = None):
    items = Objection.objects.filter(verification__jury=jury).select_related(
        "submission__unit", "submission__period", "verification__indicator"
    )
    if submission is not None:
        items = items.filter(submission=submission)
    return items.order_by("status", "filed_at")


def objections_of_period(*, period: Period):
    return (
        Objection.objects.filter(submission__period=period)
        .select_related("submission__unit", "verification__indicator", "verification__jury")
        .order_by("status", "submission__unit__code", "filed_at")
    )


# --- writes ---------------------------------------------------------------------------------
def objection_file(
    *, verification: Verification, text: str, upload=None, user, moment=None
) -> Objection:
    """The operator objects to one verdict: inside the window, once per verdict, with a text
    and optionally a new evidence file (checked as SAQ evidence is)."""
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write why the verdict is wrong.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("The objection is at most %(n)s characters.") % {"n": MAX_TEXT}
    if upload is not None:
        try:
            _kind, content_type, name = evidence_file_check(upload=upload)
        except ValidationError as error:
            errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=verification.submission_id)
        period = Period.objects.get(pk=submission.period_id)
        period.check_inputs_editable()
        if not objection_window_open(period=period, moment=moment):
            raise ValidationError(
                _("The objection window of %(period)s is not open (it closes %(close)s).")
                % {
                    "period": period.name,
                    "close": moment_text(period.objection_close),
                }
            )
        verification = Verification.objects.select_for_update().get(pk=verification.pk)
        own = submission_answers(submission=submission).get(verification.indicator_id)
        if not verdict_differs(verification=verification, own_value=own.value if own else ""):
            raise ValidationError(_("This verdict keeps your answer; there is nothing to object."))
        if Objection.objects.filter(verification=verification).exists():
            raise ValidationError(_("You already objected to this verdict."))
        objection = Objection(
            verification=verification, submission=submission, text=text, filed_by=user
        )
        if upload is not None:
            objection.file_name = name
            objection.file_type = content_type
            objection.file.save(f"{uuid.uuid4().hex[:12]}-{name}", upload, save=False)
        objection.save()
        notify.objection_filed_notify(objection=objection)
    return objection


def objection_answer(*, objection: Objection, jury, accepted: bool, answer: str) -> Objection:
    """The jury's one answer: accepted → its verdict becomes “accept” (the unit's own answer
    counts) and the verdict before is kept on the objection; rejected → a reason is required."""
    answer = (answer or "").strip()
    if not accepted and not answer:
        raise ValidationError({"answer": _("Give the reason for rejecting the objection.")})
    if len(answer) > MAX_TEXT:
        raise ValidationError(
            {"answer": _("The answer is at most %(n)s characters.") % {"n": MAX_TEXT}}
        )
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.verification.jury_id != jury.pk:
            raise ValidationError(_("Only the jury whose verdict is objected to answers."))
        Period.objects.get(pk=objection.submission.period_id).check_inputs_editable()
        if objection.status != Objection.Status.OPEN:
            raise ValidationError(_("This objection has already been answered."))
        verdict = Verification.objects.select_for_update().get(pk=objection.verification_id)
        objection.status = Objection.Status.ACCEPTED if accepted else Objection.Status.REJECTED
        objection.answer = answer
        objection.answered_by = jury
        objection.answered_at = timezone.now()
        if accepted:
            objection.before_decision = verdict.decision
            objection.before_value = verdict.value
            objection.before_reason = verdict.reason
            verdict.decision = Verification.Decision.ACCEPT
            verdict.value = ""
            verdict.reason = (_("Objection accepted: %(answer)s") % {"answer": answer})[:1000]
            verdict.save(update_fields=["decision", "value", "reason", "updated_at"])
        objection.save()
        notify.objection_answered_notify(objection=objection)
    return objection


def jury_objections_open(*, jury) -> list:
    """The open objections to ``jury``'s verdicts in periods not yet finalised, oldest first,
    with their unit, indicator and period (for the jury's dashboard)."""
    return list(
        Objection.objects.filter(
            verification__jury=jury, status="open", submission__period__finalised_at__isnull=True
        )
        .select_related("submission__unit", "submission__period", "verification__indicator")
        .order_by("filed_at")
    )


def objections_open_count(*, jury, submission) -> int:
    return Objection.objects.filter(
        verification__jury=jury, submission=submission, status="open"
    ).count()
