"""Reads of the SAQ: answers, evidence, what is missing, progress, the SAQ score,
participation and the operator's cards."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from award.models import Level, OperatorMembership, Period, Unit
from award.selectors import (
    UNREAD,
    period_saq_deadline,
    period_saq_is_open,
    saq_extension_close,
    unit_search,
)
from common import charts
from evaluasi.models import Answer, Aspect, Evidence, Indicator, Submission
from evaluasi.questionnaires.rubric import (
    evidence_needed,
    questionnaire_score,
    round_score,
)
from evaluasi.questionnaires.selectors import (
    _indicators_by_pk,
    levels_ready,
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


def submission_rows() -> QuerySet[Submission]:
    """Submissions with what the SAQ's screens and rules read: the period, the unit and its
    level, the questionnaire, and the unit's deadline extension — in one query."""
    return Submission.objects.select_related("period", "unit__level", "questionnaire").annotate(
        saq_extension_close=saq_extension_close()
    )


def submission_share_period(submission: Submission) -> Submission:
    """The questionnaire reads its period (``is_frozen``): the submission's, already loaded."""
    if submission.questionnaire.period_id == submission.period_id:
        submission.questionnaire.period = submission.period
    return submission


def submission_extension_close(*, submission: Submission):
    """The unit's extended deadline when the submission was loaded with it
    (``award.selectors.saq_extension_close`` annotated as ``saq_extension_close``), else
    ``UNREAD``: the deadline rules then read it themselves."""
    return submission.__dict__.get("saq_extension_close", UNREAD)


def submission_saq_deadline(*, submission: Submission):
    return period_saq_deadline(
        period=submission.period,
        unit=submission.unit,
        extension_close=submission_extension_close(submission=submission),
    )


def step_name(aspect: Aspect) -> str:
    """The wizard step of an aspect (its position, so codes with dots stay out of URLs)."""
    return f"aspek-{aspect.order}-{aspect.pk}"


def submission_missing(*, submission: Submission, answers=None, evidence=None) -> list[MissingItem]:
    """Every required answer and required evidence still missing, in questionnaire order
    (``answers`` and ``evidence`` when the caller has them loaded)."""
    questionnaire = questionnaire_for_saq(questionnaire=submission.questionnaire)
    if answers is None:
        answers = submission_answers(submission=submission)
    if evidence is None:
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


def submission_score(*, submission: Submission, answers=None) -> Decimal:
    """The SAQ score (DESIGN.md §3) of a submission's current answers (``answers`` when the
    caller has them loaded, as ``submission_answers`` gives them), rounded half up."""
    content = questionnaire_for_saq(questionnaire=submission.questionnaire)
    codes = _indicators_by_pk(content)
    if answers is None:
        answers = submission_answers(submission=submission)
    answers = {codes[pk].code: answer.value for pk, answer in answers.items()}
    return round_score(questionnaire_score(questionnaire_spec(questionnaire=content), answers))


def submission_score_visible(*, submission: Submission) -> bool:
    """Operators see their SAQ score once submitted, unless the period hides it."""
    return submission.is_submitted and not submission.period.hide_saq_score


def _participation_terms(period: Period) -> dict:
    """The three states of a unit's SAQ in ``period`` as conditions on ``Unit`` rows."""
    submitted = Submission.objects.filter(
        period=period, unit=OuterRef("pk"), status=Submission.Status.SUBMITTED
    )
    answered = Answer.objects.filter(
        submission__period=period,
        submission__unit=OuterRef("pk"),
        submission__status=Submission.Status.DRAFT,
    ).exclude(value="")
    return {
        "submitted": Exists(submitted),
        "in_progress": Exists(answered),
        "not_started": ~Exists(submitted) & ~Exists(answered),
    }


def _without_contact():
    """No operator with an email and no operator email on the unit (an anti-join)."""
    operators = OperatorMembership.objects.filter(unit=OuterRef("pk")).exclude(user__email="")
    return Q(operator_email="") & ~Exists(operators)


def participation_units(
    *, period: Period, state: str = "", level: str = "", query: str = "", without: bool = False
):
    """The active units on the participation board, filtered in the database by SAQ state in
    ``period``, level code, a name or code search and “no operator with an email”; ordered by
    level and code. Light on purpose (the board pages it and details only the page's rows:
    ``participation_rows``), so 83,000 units page fast."""
    terms = _participation_terms(period)
    units = Unit.objects.filter(active=True)
    if state in terms:
        units = units.filter(terms[state])
    if level:
        units = units.filter(level__code=level)
    units = unit_search(units=units, text=query)
    if without:
        units = units.filter(_without_contact())
    return units.order_by("level__order", "code")


def participation_rows(*, period: Period, ids) -> list[Unit]:
    """The units of ``ids`` (a page of ``participation_units(...).values_list("pk")``: the
    board sorts and pages bare ids, then details only these), in that order, with ``state``,
    ``sub_id``, ``last_change`` and ``contacts``."""
    ids = list(ids)
    found = Unit.objects.filter(pk__in=ids).select_related("level", "parent").in_bulk()
    units = [found[pk] for pk in ids if pk in found]
    submissions = {
        s.unit_id: s
        for s in Submission.objects.filter(period=period, unit__in=ids).annotate(
            answered=Count("answers", filter=~Q(answers__value="")),
            last_change=Max("answers__updated_at"),
        )
    }
    contacts = dict(
        OperatorMembership.objects.filter(unit__in=ids)
        .exclude(user__email="")
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    for unit in units:
        submission = submissions.get(unit.pk)
        unit.sub_id = submission.pk if submission else None
        unit.last_change = submission.last_change if submission else None
        unit.contacts = contacts.get(unit.pk, 0) + bool(unit.operator_email)
        if submission and submission.is_submitted:
            unit.state = "submitted"
        elif submission and submission.answered:
            unit.state = "in_progress"
        else:
            unit.state = "not_started"
    return units


def participation_levels(*, period: Period) -> list[dict]:
    """Per level: how many active units have not started, are filling in, have submitted
    (three grouped counts, whatever the number of units)."""
    levels = {level.pk: level for level in Level.objects.order_by("order")}  # scoped
    counts = {
        level_id: (total, submitted, in_progress)
        for level_id, total, submitted, in_progress in _participation_counts(
            period=period, level_ids=list(levels)
        )
    }
    ready = levels_ready(period=period)
    rows = []
    for level in (levels[pk] for pk in levels if pk in counts):
        # A level without a published questionnaire cannot start: said so, and listed last.
        total, submitted, in_progress = counts[level.pk]
        row = {"level": level, "total": total, "ready": level.pk in ready}
        row["submitted"] = submitted
        row["in_progress"] = in_progress
        row["not_started"] = row["total"] - row["submitted"] - row["in_progress"]
        for state in ("not_started", "in_progress", "submitted"):
            row[f"{state}_percent"] = round(100 * row[state] / (row["total"] or 1))
        rows.append(row)
    return sorted(rows, key=lambda row: not row["ready"])


def _participation_counts(*, period: Period, level_ids: list[int]) -> list[tuple]:
    """(level id, active units, submitted, filling in) per level in one scan of the units
    (three semi-joins, one per state, cost three scans at 83,000 units). The organiser's
    scope reaches this raw SQL through ``level_ids``, which come from its scoped levels."""
    if not level_ids:
        return []
    unit, submission, answer = (m._meta.db_table for m in (Unit, Submission, Answer))
    sql = (
        "SELECT u.level_id, COUNT(*),"  # noqa: S608 - table names from the models
        " COUNT(*) FILTER (WHERE s.status = %s),"
        # An uncorrelated IN: PostgreSQL hashes the drafts with an answer once (a correlated
        # EXISTS here ran once per unit and took longer than the three scans it replaces).
        " COUNT(*) FILTER (WHERE s.id IN ("
        f"  SELECT a.submission_id FROM {answer} a JOIN {submission} d ON d.id = a.submission_id"
        "   WHERE d.period_id = %s AND d.status = %s AND a.value <> ''))"
        f" FROM {unit} u LEFT JOIN {submission} s ON s.unit_id = u.id AND s.period_id = %s"
        " WHERE u.active AND u.level_id = ANY(%s) GROUP BY u.level_id"
    )
    params = [
        Submission.Status.SUBMITTED,
        period.pk,
        Submission.Status.DRAFT,
        period.pk,
        level_ids,
    ]
    if connection.vendor != "postgresql":  # SQLite (make run) has no ANY(array)
        sql = sql.replace("= ANY(%s)", "IN (" + ",".join(["%s"] * len(level_ids)) + ")")
        params = params[:4] + level_ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def participation(*, period: Period) -> dict:
    """Per level counts and every unit with its state (small periods and tests; the board
    pages ``participation_units``)."""
    units = participation_rows(
        period=period, ids=participation_units(period=period).values_list("pk", flat=True)
    )
    return {
        "levels": participation_levels(period=period),
        "rows": [{"unit": unit, "state": unit.state} for unit in units],
    }


def operator_saq_cards(*, period: Period | None, units: list[Unit]) -> list[Unit]:
    """Each unit with its SAQ state in ``period`` for the operator's dashboard."""
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


CHART_DAYS = 92  # the SAQ window is a month or two; a longer one shows its last three months


def submission_daily(*, period: Period) -> dict | None:
    """Submissions per day (WITA) and level during the SAQ, as stacked columns: from the day
    the SAQ opened to the day it closed (or today, if sooner), and any later day with a
    submission (an extension)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    counts: dict[dt.date, dict[int, int]] = {}
    for day, level_id, n in (
        Submission.objects.filter(period=period, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=zone))
        .values_list("day", "unit__level_id")
        .annotate(n=Count("pk"))
        .values_list("day", "unit__level_id", "n")
    ):
        counts.setdefault(day, {})[level_id] = n  # one row per (day, level)
    first = timezone.localtime(period.saq_open, zone).date()
    last = min(timezone.localtime(period.saq_close, zone), timezone.localtime(None, zone)).date()
    if counts:
        first, last = min(first, *counts), max(last, *counts)
    if last < first:
        return None
    first = max(first, last - dt.timedelta(days=CHART_DAYS - 1))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    levels = list(Level.objects.order_by("order", "code"))
    top = charts.nice_top(max((sum(c.values()) for c in counts.values()), default=1))
    step = 360 / len(days)
    columns = []
    for index, day in enumerate(days):
        base = 130.0
        parts = []
        for level in levels:
            n = counts.get(day, {}).get(level.pk, 0)
            if n:
                height = charts.scaled(n, top=top, length=120)
                base -= height
                parts.append(
                    {
                        "y": round(base, 1),
                        "h": height,
                        "colour": charts.level_colour(level),
                        "n": n,
                        "level": level,
                    }
                )
        columns.append(
            {
                "day": day,
                "x": round(34 + index * step, 1),
                "w": round(max(step - 1, 0.8), 1),
                "parts": parts,
                "total": sum(p["n"] for p in parts),
                "label": index % max(1, len(days) // 5) == 0 and index * step < 330,
            }
        )
    totals = Counter()
    for per_level in counts.values():
        totals.update(per_level)
    legend = [
        {"level": level, "colour": charts.level_colour(level), "total": totals.get(level.pk, 0)}
        for level in levels
    ]
    return {"columns": columns, "top": top, "legend": legend, "total": sum(totals.values())}
