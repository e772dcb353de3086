"""Verification: a jury's verdicts on the indicators of a submitted SAQ (accept, adjust with
a reason, reject with a reason), its inbox and verification sheet, and what the operator's
dashboard shows of the juries' work on its units."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from award.models import Period
from evaluasi.checks import text as evidence_text
from evaluasi.checks.selectors import (
    evidence_flags,
    evidence_texts,
    flag_labels,
    indicator_suggestion,
    indicator_suggestions,
)
from evaluasi.models import Indicator, Submission
from evaluasi.questionnaires.selectors import answer_label, questionnaire_for_saq
from evaluasi.saq.selectors import submission_answers, submission_evidence
from penjurian import notify
from penjurian.models import (
    Assignment,
    Objection,
    PresentationSlot,
    VerdictSuggestion,
    Verification,
)


# --- writes ---------------------------------------------------------------------------------
class VerificationConflict(ValidationError):
    """The verdict changed since the page was loaded (another tab of the same jury)."""

    def __init__(self, current: Verification):
        super().__init__(
            _(
                "This verdict was changed in another window since you opened the page; the "
                "saved one is shown. Choose which to keep and save again."
            )
        )
        self.current = current


def verification_version(verification: Verification | None) -> str:
    """What the page sends back to prove it saw the latest verdict (empty: none yet)."""
    return str(int(verification.updated_at.timestamp() * 1_000_000)) if verification else ""


def verification_save(
    *,
    submission: Submission,
    indicator: Indicator,
    jury,
    decision: str,
    value="",
    reason="",
    version: str | None = None,
):
    """A jury's accept / adjust (with the new answer and a reason) / reject (with a reason).
    With ``version`` (from the page) a verdict changed elsewhere since is never overwritten:
    ``VerificationConflict``. A verdict under objection changes only by answering it."""
    if not submission.is_submitted:
        raise ValidationError(_("Only a submitted SAQ can be verified."))
    Period.objects.get(pk=submission.period_id).check_inputs_editable()
    try:
        with transaction.atomic():
            verification = (
                Verification.objects.select_for_update()
                .filter(submission=submission, indicator=indicator, jury=jury)
                .first()
            )
            if version is not None and version != verification_version(verification):
                same = verification is not None and (
                    verification.decision,
                    verification.value,
                    verification.reason,
                ) == (decision, "" if value is None else str(value), reason or "")
                if not same:  # saving what is already stored is not a conflict
                    raise VerificationConflict(verification)
            if verification and Objection.objects.filter(verification=verification).exists():
                raise ValidationError(
                    _("The unit objected to this verdict; answer the objection instead.")
                )
            created = verification is None
            verification = verification or Verification(
                submission=submission, indicator=indicator, jury=jury
            )
            verification.decision = decision
            verification.value = "" if value is None else str(value)
            verification.reason = reason or ""
            verification.full_clean()
            verification.save()
            verdict_suggestion_record(verification=verification)
            if created:
                _verification_done_check(submission=submission)
    except IntegrityError:
        # The same jury created this verdict in another tab a moment ago.
        raise VerificationConflict(
            Verification.objects.get(submission=submission, indicator=indicator, jury=jury)
        ) from None
    return verification


def verdict_suggestion_record(*, verification: Verification) -> VerdictSuggestion:
    """Keep what the assistant suggested when the verdict was given, and whether the jury
    followed it: an accepted indicator that was "Terima disarankan", or an adjusted or
    rejected one that was "Periksa" (None while the files were still being analysed)."""
    suggestion = indicator_suggestion(
        submission=verification.submission, indicator=verification.indicator
    )
    suggested = suggestion["verdict"]
    accepted = verification.decision == Verification.Decision.ACCEPT
    followed = None if suggested == "pending" else (suggested == "accept") == accepted
    record, _created = VerdictSuggestion.objects.update_or_create(
        verification=verification,
        defaults={
            "suggested": suggested,
            "flags": sorted({reason["code"] for reason in suggestion["reasons"]}),
            "decision": verification.decision,
            "followed": followed,
        },
    )
    return record


def _verification_done_check(*, submission: Submission) -> None:
    """Tell the operators once every assigned jury has a verdict on every indicator."""
    juries = Assignment.objects.filter(
        period_id=submission.period_id, unit_id=submission.unit_id
    ).count()
    indicators = Indicator.objects.filter(questionnaire_id=submission.questionnaire_id).count()
    done = Verification.objects.filter(
        submission=submission,
        jury__in=Assignment.objects.filter(
            period_id=submission.period_id, unit_id=submission.unit_id
        ).values("jury"),
    ).count()
    if juries and done == juries * indicators:
        notify.verification_done_notify(submission=submission)


@transaction.atomic
def verifications_accept_aspect(*, submission: Submission, aspect, jury) -> int:
    """Accept every indicator of ``aspect`` this jury has not judged yet (after looking at
    the aspect); verdicts already given stay as they are. Returns how many were accepted."""
    judged = set(
        Verification.objects.filter(submission=submission, jury=jury).values_list(
            "indicator_id", flat=True
        )
    )
    accepted = 0
    for indicator in aspect.indicators.exclude(pk__in=judged).order_by("order", "id"):
        verification_save(submission=submission, indicator=indicator, jury=jury, decision="accept")
        accepted += 1
    return accepted


# --- reads ----------------------------------------------------------------------------------
def jury_inbox(*, jury) -> list[dict]:
    """The units assigned to ``jury`` in periods not yet finalised, each with its submission,
    how many indicators it has verified and how many there are, and the deadline."""
    assignments = list(
        Assignment.objects.filter(jury=jury, period__finalised_at__isnull=True)
        .select_related("period", "unit", "unit__level")
        .order_by("period__year", "unit__level__order", "unit__code")
    )
    submissions = {
        (s.period_id, s.unit_id): s
        for s in Submission.objects.filter(
            period__in={a.period_id for a in assignments},
            unit__in={a.unit_id for a in assignments},
            status=Submission.Status.SUBMITTED,
        ).annotate(indicator_count=Count("questionnaire__indicators", distinct=True))
    }
    done = dict(
        Verification.objects.filter(jury=jury, submission__in=[s.pk for s in submissions.values()])
        .values("submission_id")
        .annotate(n=Count("indicator", distinct=True))
        .values_list("submission_id", "n")
    )
    objections = dict(
        Objection.objects.filter(
            verification__jury=jury, status="open", submission__in=list(submissions.values())
        )
        .values("submission_id")
        .annotate(n=Count("pk"))
        .values_list("submission_id", "n")
    )
    rows = []
    for assignment in assignments:
        submission = submissions.get((assignment.period_id, assignment.unit_id))
        if submission is None:
            continue
        verified = done.get(submission.pk, 0)
        total = submission.indicator_count
        rows.append(
            {
                "assignment": assignment,
                "submission": submission,
                "verified": verified,
                "total": total,
                "percent": round(100 * verified / total) if total else 0,
                "deadline": assignment.period.verification_close,
                "objections": objections.get(submission.pk, 0),
            }
        )
    return rows


def verification_count(*, submission, jury) -> tuple[int, int]:
    """(indicators this jury has given a verdict on, indicators of the questionnaire)."""
    done = Verification.objects.filter(submission=submission, jury=jury).count()
    total = Indicator.objects.filter(questionnaire_id=submission.questionnaire_id).count()
    return done, total


def verification_sheet(*, submission, jury) -> list[dict]:
    """Per aspect, every indicator with the self-assessed answer (and its label), its
    evidence and this jury's verdict so far."""
    # A submitted SAQ's questionnaire is frozen: its content comes from the process cache the
    # SAQ screens share (read-only), not from four queries and 1,500 model instances a page.
    questionnaire = questionnaire_for_saq(questionnaire=submission.questionnaire)
    answers = submission_answers(submission=submission)
    evidence = submission_evidence(submission=submission)
    verdicts = {
        v.indicator_id: v
        for v in Verification.objects.filter(submission=submission, jury=jury).select_related(
            "objection"
        )
    }
    aspects = []
    for aspect in questionnaire.aspects.all():
        rows = []
        for indicator in aspect.indicators.all():
            answer = answers.get(indicator.pk)
            value = answer.value if answer else ""
            verdict = verdicts.get(indicator.pk)
            rows.append(
                {
                    "indicator": indicator,
                    "value": value,
                    "label": answer_label(indicator=indicator, value=value),
                    "evidence": evidence.get(indicator.pk, []),
                    "verdict": verdict,
                    "verdict_label": answer_label(indicator=indicator, value=verdict.value)
                    if verdict
                    else "",
                }
            )
        aspects.append(
            {
                "aspect": aspect,
                "rows": rows,
                "done": sum(1 for row in rows if row["verdict"]),
            }
        )
    return aspects


def indicator_next(*, indicator):
    """The indicator after this one in the order the SAQ and the verification page show
    (aspect order, then indicator order), or None after the last."""
    ordered = list(
        Indicator.objects.filter(questionnaire_id=indicator.questionnaire_id)
        .order_by("aspect__order", "aspect__id", "order", "id")
        .values_list("pk", flat=True)
    )
    index = ordered.index(indicator.pk)
    if index + 1 >= len(ordered):
        return None
    return Indicator.objects.get(pk=ordered[index + 1])


def operator_jury_cards(*, period, units) -> None:
    """For the operator's dashboard: per unit, how many verdicts differ from its answers,
    open objections, whether the window is open, and its presentation schedule."""
    if period is None:
        return
    unit_ids = [unit.pk for unit in units]
    changed = dict(
        Verification.objects.filter(submission__period=period, submission__unit__in=unit_ids)
        .exclude(decision=Verification.Decision.ACCEPT)
        .values("submission__unit")
        .annotate(n=Count("pk"))
        .values_list("submission__unit", "n")
    )
    waiting = dict(
        Objection.objects.filter(
            submission__period=period, submission__unit__in=unit_ids, status="open"
        )
        .values("submission__unit")
        .annotate(n=Count("pk"))
        .values_list("submission__unit", "n")
    )
    slots = {
        s.unit_id: s for s in PresentationSlot.objects.filter(period=period, unit__in=unit_ids)
    }
    window = period.stage == "sanggah" and not period.inputs_locked
    for unit in units:
        unit.jury_work = {
            "changed": changed.get(unit.pk, 0),
            "waiting": waiting.get(unit.pk, 0),
            "window_open": window,
            "slot": slots.get(unit.pk),
        }


def evidence_assist(*, submission, jury, aspects: list[dict]) -> None:
    """The jury assistant on the verification sheet: per indicator the suggested verdict with
    its reasons, per file its flags, the text read from it (the unit's name and the dates
    marked) and, for a copy, the other units' evidence — openable only where this jury is
    assigned to that unit."""
    items = [item for block in aspects for row in block["rows"] for item in row["evidence"]]
    for item in items:
        item.submission = submission  # the flags read the unit and period from it
    flags = evidence_flags(evidence=items)
    suggestions = indicator_suggestions(submission=submission, flags=flags)
    texts = evidence_texts(evidence_ids=[item.pk for item in items])
    mine = set(
        Assignment.objects.filter(period_id=submission.period_id, jury=jury).values_list(
            "unit_id", flat=True
        )
    )
    labels = flag_labels()
    for block in aspects:
        for row in block["rows"]:
            row["suggestion"] = suggestions.get(row["indicator"].pk, {"verdict": "accept"})
            row["missing"] = [
                r for r in row["suggestion"].get("reasons", []) if r["code"] == "bukti_kurang"
            ]
            for item in row["evidence"]:
                item.flags = [
                    {**found, "label": labels.get(found["code"], found["code"])}
                    for found in flags.get(item.pk, [])
                ]
                for found in item.flags:
                    for other in found.get("details", {}).get("others", []):
                        other["open"] = other["unit_id"] in mine
                item.analysed = item.kind == "url" or item.pk in flags
                text = texts.get(item.pk) or ""
                item.text_parts = (
                    evidence_text.highlighted(text, unit_name=submission.unit.name) if text else []
                )
