"""Reads of the SAQ: answers, evidence, what is missing, progress, the SAQ score,
participation and the operator's cards."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q

from award.models import Period, Unit
from evaluasi.models import Answer, Aspect, Evidence, Indicator, Submission
from evaluasi.questionnaires.rubric import (
    evidence_needed,
    questionnaire_score,
    round_score,
)
from evaluasi.questionnaires.selectors import (
    _indicators_by_pk,
    questionnaire_active,
    questionnaire_for_saq,
    questionnaire_spec,
)


@dataclass
class MissingItem:
    indicator: Indicator
    aspect: Aspect
    step: str
    what: str  # "answer" or "evidence"


def submission_answers(*, submission: Submission) -> dict[int, Answer]:
    return {a.indicator_id: a for a in submission.answers.all()}


def submission_evidence(*, submission: Submission) -> dict[int, list[Evidence]]:
    grouped: dict[int, list[Evidence]] = {}
    for evidence in submission.evidence.all():
        grouped.setdefault(evidence.indicator_id, []).append(evidence)
    return grouped


def step_name(aspect: Aspect) -> str:
    """The wizard step of an aspect (its position, so codes with dots stay out of URLs)."""
    return f"aspek-{aspect.order}-{aspect.pk}"


def submission_missing(*, submission: Submission) -> list[MissingItem]:
    """Every required answer and required evidence still missing, in questionnaire order."""
    questionnaire = questionnaire_for_saq(questionnaire=submission.questionnaire)
    answers = submission_answers(submission=submission)
    evidence = submission_evidence(submission=submission)
    specs = questionnaire_spec(questionnaire=questionnaire).indicator_map()
    missing = []
    for aspect in questionnaire.aspects.all():
        for indicator in aspect.indicators.all():
            answer = answers.get(indicator.pk)
            value = answer.value if answer else ""
            if indicator.required and not value:
                missing.append(MissingItem(indicator, aspect, step_name(aspect), "answer"))
            elif evidence_needed(specs[indicator.code], value) and not evidence.get(indicator.pk):
                missing.append(MissingItem(indicator, aspect, step_name(aspect), "evidence"))
    return missing


def submission_progress(
    *, submission: Submission | None, questionnaire=None, answers=None, evidence=None
) -> dict:
    """Answered / required counts and missing evidence, for the dashboard and the wizard."""
    questionnaire = questionnaire or (submission.questionnaire if submission else None)
    if questionnaire is None:
        return {"required": 0, "answered": 0, "evidence_missing": 0, "percent": 0}
    content = questionnaire_for_saq(questionnaire=questionnaire)
    if submission is not None:
        answers = answers if answers is not None else submission_answers(submission=submission)
        evidence = evidence if evidence is not None else submission_evidence(submission=submission)
    answers, evidence = answers or {}, evidence or {}
    specs = questionnaire_spec(questionnaire=content).indicator_map()
    required = answered = evidence_missing = 0
    for aspect in content.aspects.all():
        for indicator in aspect.indicators.all():
            answer = answers.get(indicator.pk)
            value = answer.value if answer else ""
            if indicator.required:
                required += 1
                answered += bool(value)
            if evidence_needed(specs[indicator.code], value) and not evidence.get(indicator.pk):
                evidence_missing += 1
    percent = round(100 * answered / required) if required else 100
    return {
        "required": required,
        "answered": answered,
        "evidence_missing": evidence_missing,
        "percent": percent,
    }


def submission_score(*, submission: Submission) -> Decimal:
    """The SAQ score (DESIGN.md §3) of a submission's current answers, rounded half up."""
    content = questionnaire_for_saq(questionnaire=submission.questionnaire)
    codes = _indicators_by_pk(content)
    answers = {codes[a.indicator_id].code: a.value for a in submission.answers.all()}
    return round_score(questionnaire_score(questionnaire_spec(questionnaire=content), answers))


def submission_score_visible(*, submission: Submission) -> bool:
    """Operators see their SAQ score once submitted, unless the period hides it."""
    return submission.is_submitted and not submission.period.hide_saq_score


def participation(*, period: Period) -> dict:
    """Per level: units not started / in progress / submitted, and each unit's state."""
    units = list(
        Unit.objects.filter(active=True)
        .select_related("level", "parent")
        .order_by("level__order", "parent__name", "name")
    )
    submissions = {
        s.unit_id: s
        for s in Submission.objects.filter(period=period).annotate(
            answered=Count("answers", filter=~Q(answers__value="")),
            last_change=Max("answers__updated_at"),
        )
    }
    levels: dict[str, dict] = {}
    rows = []
    for unit in units:
        submission = submissions.get(unit.pk)
        if submission is None or (not submission.is_submitted and submission.answered == 0):
            state = "not_started"
        elif submission.is_submitted:
            state = "submitted"
        else:
            state = "in_progress"
        level = levels.setdefault(
            unit.level.code,
            {"level": unit.level, "not_started": 0, "in_progress": 0, "submitted": 0, "total": 0},
        )
        level[state] += 1
        level["total"] += 1
        rows.append({"unit": unit, "submission": submission, "state": state})
    for level in levels.values():
        total = level["total"] or 1
        for state in ("not_started", "in_progress", "submitted"):
            level[f"{state}_percent"] = round(100 * level[state] / total)
    return {"levels": list(levels.values()), "rows": rows}


def operator_saq_cards(*, period: Period | None, units: list[Unit]) -> list[Unit]:
    """Each unit with its SAQ state in ``period`` for the operator's dashboard."""
    from award.selectors import period_saq_deadline, period_saq_is_open

    if period is None:
        return units
    submissions = {
        s.unit_id: s
        for s in Submission.objects.filter(period=period, unit__in=units).select_related("period")
    }
    for unit in units:
        unit.saq_deadline = period_saq_deadline(period=period, unit=unit)
        unit.saq_open = period_saq_is_open(period=period, unit=unit)
        unit.submission = submissions.get(unit.pk)
        questionnaire = (
            unit.submission.questionnaire
            if unit.submission
            else questionnaire_active(period=period, level=unit.level)
        )
        unit.questionnaire = questionnaire
        unit.progress = submission_progress(submission=unit.submission, questionnaire=questionnaire)
        unit.score_visible = bool(
            unit.submission and submission_score_visible(submission=unit.submission)
        )
    return units


# === scoring results ======================================================================
