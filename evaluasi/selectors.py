"""Reads of questionnaires."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet

from award.models import Period, Unit

from .engine import QUALIFICATIONS
from .models import (
    Answer,
    Aspect,
    Evidence,
    Indicator,
    Questionnaire,
    Score,
    ScoringRun,
    Submission,
    Verification,
)
from .rubric import (
    AspectSpec,
    IndicatorSpec,
    OptionSpec,
    QuestionnaireSpec,
    questionnaire_score,
    round_score,
    spec_problems,
)


def questionnaire_with_content(*, pk: int) -> Questionnaire:
    """The questionnaire with its aspects, indicators and options prefetched (4 queries)."""
    indicators = Indicator.objects.prefetch_related("options").order_by("order", "id")
    aspects = Aspect.objects.prefetch_related(Prefetch("indicators", queryset=indicators))
    return (
        Questionnaire.objects.select_related("period", "level")
        .prefetch_related(Prefetch("aspects", queryset=aspects.order_by("order", "id")))
        .get(pk=pk)
    )


def questionnaire_loaded(*, questionnaire: Questionnaire) -> Questionnaire:
    """``questionnaire`` itself when its content is already prefetched, else loaded."""
    if "aspects" in getattr(questionnaire, "_prefetched_objects_cache", {}):
        return questionnaire
    return questionnaire_with_content(pk=questionnaire.pk)


_CONTENT_CACHE: dict[int, Questionnaire] = {}


def questionnaire_for_saq(*, questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire with its aspects, indicators and options, for the SAQ screens.

    A frozen questionnaire (published, SAQ opened) cannot change any more, so its content is
    kept in process memory and shared read-only between requests: the wizard and autosave,
    the busiest screens, then load it with no query at all.
    """
    if not questionnaire.is_frozen:
        return questionnaire_with_content(pk=questionnaire.pk)
    cached = _CONTENT_CACHE.get(questionnaire.pk)
    if cached is None:
        if len(_CONTENT_CACHE) > 256:
            _CONTENT_CACHE.clear()
        cached = _CONTENT_CACHE[questionnaire.pk] = questionnaire_with_content(pk=questionnaire.pk)
    return cached


def _indicators_by_pk(content: Questionnaire) -> dict[int, Indicator]:
    """Indicators of loaded content by id, computed once per content object."""
    by_pk = getattr(content, "indicators_by_pk", None)
    if by_pk is None:
        by_pk = {i.pk: i for a in content.aspects.all() for i in a.indicators.all()}
        content.indicators_by_pk = by_pk
    return by_pk


def questionnaire_indicator(*, questionnaire: Questionnaire, pk: int) -> Indicator | None:
    """One indicator (with its options) of the questionnaire, from the SAQ content."""
    return _indicators_by_pk(questionnaire_for_saq(questionnaire=questionnaire)).get(int(pk))


def indicator_spec(*, indicator: Indicator) -> IndicatorSpec:
    """One indicator (its options prefetched) as the pure structure of ``evaluasi.rubric``."""
    i = indicator
    return IndicatorSpec(
        code=i.code,
        question=i.question,
        type=i.type,
        weight=i.weight,
        evidence=i.evidence,
        guidance=i.guidance,
        min_value=i.min_value,
        max_value=i.max_value,
        required=i.required,
        group=i.group,
        options=[OptionSpec(o.code, o.label, o.value) for o in i.options.all()],
    )


def questionnaire_spec(*, questionnaire: Questionnaire) -> QuestionnaireSpec:
    """The questionnaire as the pure structure the rules, scoring and workbooks use.

    Content already loaded (``questionnaire_with_content``, ``questionnaire_for_saq``) is used
    as it is; the spec is kept on the object, so shared frozen content builds it once."""
    q = questionnaire_loaded(questionnaire=questionnaire)
    spec = getattr(q, "rubric_spec", None)
    if spec is None:
        spec = q.rubric_spec = _build_spec(q)
    return spec


def _build_spec(q: Questionnaire) -> QuestionnaireSpec:
    return QuestionnaireSpec(
        title=q.title,
        level=q.level.code,
        version_label=q.version_label,
        aspects=[
            AspectSpec(
                code=a.code,
                name=a.name,
                weight=a.weight,
                description=a.description,
                indicators=[indicator_spec(indicator=i) for i in a.indicators.all()],
            )
            for a in q.aspects.all()
        ],
    )


def questionnaire_problems(*, questionnaire: Questionnaire):
    return spec_problems(questionnaire_spec(questionnaire=questionnaire))


def questionnaires_for_period(*, period: Period) -> QuerySet[Questionnaire]:
    return (
        Questionnaire.objects.filter(period=period)
        .select_related("level")
        .annotate(indicator_count=Count("indicators", distinct=True))
        .order_by("level__order", "-version")
    )


def questionnaire_active(*, period: Period, level) -> Questionnaire | None:
    """The questionnaire operators of ``level`` fill: the latest published version."""
    return (
        Questionnaire.objects.filter(
            period=period, level=level, status=Questionnaire.Status.PUBLISHED
        )
        .order_by("-version")
        .first()
    )


def period_previous(*, period: Period) -> Period | None:
    return Period.objects.filter(year__lt=period.year).order_by("-year").first()


# === the SAQ ==============================================================================
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
    missing = []
    for aspect in questionnaire.aspects.all():
        for indicator in aspect.indicators.all():
            answer = answers.get(indicator.pk)
            if indicator.required and not (answer and answer.value):
                missing.append(MissingItem(indicator, aspect, step_name(aspect), "answer"))
            if indicator.evidence == "wajib" and not evidence.get(indicator.pk):
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
    required = answered = evidence_missing = 0
    for aspect in content.aspects.all():
        for indicator in aspect.indicators.all():
            if indicator.required:
                required += 1
                answer = answers.get(indicator.pk)
                answered += bool(answer and answer.value)
            if indicator.evidence == "wajib" and not evidence.get(indicator.pk):
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
    published = scoring_run_published(period=period)
    results = (
        {s.unit_id: s for s in Score.objects.filter(run=published, unit__in=units)}
        if published
        else {}
    )
    for unit in units:
        unit.result = results.get(unit.pk)
    return units


# === scoring results ======================================================================
def scoring_runs(*, period: Period) -> QuerySet[ScoringRun]:
    return ScoringRun.objects.filter(period=period).select_related(
        "started_by", "finalised_by", "superseded_by"
    )


def scoring_run_current(*, period: Period) -> ScoringRun | None:
    """The admin's working results: the latest successful run."""
    return ScoringRun.objects.filter(period=period, is_current=True).first()


def scoring_run_published(*, period: Period) -> ScoringRun | None:
    """What operators and the public see: the finalised run not superseded by a correction."""
    return ScoringRun.objects.filter(
        period=period, finalised_at__isnull=False, superseded_by__isnull=True
    ).first()


def ranking_tables(*, run: ScoringRun, improved: int = 5) -> list[dict]:
    """Per level (in level order): the ranked scores and the most improved units."""
    scores = list(
        Score.objects.filter(run=run)
        .select_related("unit", "unit__parent", "level")
        .order_by("level__order", "level__code", "rank")
    )
    tables: dict[int, dict] = {}
    for score in scores:
        table = tables.setdefault(score.level_id, {"level": score.level, "scores": []})
        table["scores"].append(score)
    for table in tables.values():
        changed = [s for s in table["scores"] if s.change is not None]
        changed.sort(key=lambda s: (-s.change, s.unit.code))
        table["improved"] = [s for s in changed if s.change > 0][:improved]
        counts = Counter(s.qualification for s in table["scores"])
        table["counts"] = [(label, counts[label]) for label in QUALIFICATIONS if counts[label]]
    return list(tables.values())


@dataclass
class ExplainedIndicator:
    indicator: Indicator
    answer: str
    self_score: float | None
    verified_score: float | None
    juries: list[dict]


def scoring_explain(*, run: ScoringRun, unit: Unit) -> dict:
    """How a unit's scores in ``run`` come about, recomputed with the engine's own functions
    (``evaluasi.scoring``). ``agrees`` says whether the recomputation from today's data gives
    the stored numbers (it does not when answers or reviews changed after the run)."""
    import pandas as pd

    from . import scoring
    from .engine import round_half_up

    period = run.period
    score = Score.objects.filter(run=run, unit=unit).first()
    submission = (
        Submission.objects.filter(period=period, unit=unit).select_related("questionnaire").first()
    )
    result: dict = {"run": run, "unit": unit, "score": score, "submission": submission}
    if score is None or submission is None:
        return result
    questionnaire = questionnaire_with_content(pk=submission.questionnaire_id)
    aspects, indicators, _options = scoring.load_rubric([questionnaire.pk])
    settings_ = scoring.PeriodSettings.of(period)
    rows = scoring.answers_scored(submission.pk).merge(
        indicators[["indicator", "weight"]], on="indicator"
    )
    rows["submission"] = submission.pk
    answered = rows[(rows["value"] != "") & rows["self_score"].notna()]
    sums = (
        answered.assign(weighted=answered["weight"] * answered["self_score"])
        .groupby(["submission", "aspect"], as_index=False)["weighted"]
        .sum()
    )
    verifications = scoring.load_verifications("s.id = %s", [submission.pk])
    verified, deltas, _counts = scoring.verification_deltas(
        verifications, indicators, settings_=settings_
    )
    one = pd.DataFrame({"submission": [submission.pk], "questionnaire": [questionnaire.pk]})
    grid = scoring.aspect_table(one, aspects, sums, deltas)
    totals = scoring.questionnaire_scores(grid)
    saq = float(totals["saq"].iloc[0]) if len(totals) else 0.0
    base = float(totals["verified"].iloc[0]) if len(totals) else 0.0
    if not period.has_verification:
        base = saq

    per_jury, combined = scoring.presentation_values(
        scoring.load_presentation(period.pk),
        normalisation=settings_.normalisation,
        method=settings_.aggregation,
    )
    presentation = float(combined[unit.pk]) if unit.pk in combined.index else None
    if not score.finalist:
        presentation = None
    frame = pd.DataFrame(
        {"finalist": [score.finalist], "verified": [base], "presentation": [presentation]}
    )
    frame["presentation"] = frame["presentation"].astype("float64")
    final = float(scoring.final_scores(frame, settings_).iloc[0])

    users = {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in=verifications["jury"].unique().tolist())
    }
    users.update(
        {
            user.pk: user
            for user in get_user_model().objects.filter(
                pk__in=per_jury["jury"].unique().tolist() if len(per_jury) else []
            )
        }
    )
    verified_by_indicator = verified.set_index("indicator")["verified_score"].to_dict()
    juries_by_indicator: dict[int, list[dict]] = {}
    for row in verifications.itertuples():
        juries_by_indicator.setdefault(row.indicator, []).append(
            {
                "jury": users.get(row.jury),
                "decision": row.decision,
                "value": row.adjusted,
                "score": None if pd.isna(row.jury_score) else row.jury_score,
            }
        )
    reasons = {
        (v.indicator_id, v.jury_id): v.reason
        for v in Verification.objects.filter(submission=submission)
    }
    for indicator_id, entries in juries_by_indicator.items():
        for entry in entries:
            entry["reason"] = reasons.get((indicator_id, entry["jury"].pk if entry["jury"] else 0))
    scores_by_indicator = rows.set_index("indicator")
    grid_by_aspect = grid.set_index("aspect")
    explained_aspects = []
    for aspect in questionnaire.aspects.all():
        line = grid_by_aspect.loc[aspect.pk]
        items = []
        for indicator in aspect.indicators.all():
            row = scores_by_indicator.loc[indicator.pk]
            self_score = None if pd.isna(row["self_score"]) else float(row["self_score"])
            verified_score = verified_by_indicator.get(indicator.pk)
            if verified_score is not None and pd.isna(verified_score):
                verified_score = None
            items.append(
                ExplainedIndicator(
                    indicator=indicator,
                    answer=row["value"],
                    self_score=self_score,
                    verified_score=verified_score
                    if period.has_verification and verified_score is not None
                    else self_score,
                    juries=juries_by_indicator.get(indicator.pk, []),
                )
            )
        explained_aspects.append(
            {
                "aspect": aspect,
                "denominator": float(line["denominator"]),
                "weighted": float(line["weighted"]),
                "weighted_verified": float(line["weighted"] + line["delta"]),
                "saq": None if pd.isna(line["saq"]) else float(line["saq"]),
                "verified": None if pd.isna(line["verified"]) else float(line["verified"]),
                "indicators": items,
            }
        )
    unit_juries = per_jury[per_jury["unit"] == unit.pk] if len(per_jury) else per_jury
    presentation_rows = [
        {"jury": users.get(row.jury), "raw": row.raw, "normalised": row.normalised}
        for row in unit_juries.itertuples()
    ]

    def rounded(value):
        if value is None:
            return None
        return Decimal(f"{round_half_up([value])[0]:.2f}")

    recomputed = {
        "saq": rounded(saq),
        "verified": rounded(base) if period.has_verification else None,
        "presentation": rounded(presentation),
        "final": rounded(final),
    }
    result.update(
        {
            "aspects": explained_aspects,
            "aspect_weight_total": sum(
                a["aspect"].weight for a in explained_aspects if a["saq"] is not None
            ),
            "presentation_rows": presentation_rows,
            "settings": settings_,
            "exact": {"saq": saq, "verified": base, "presentation": presentation, "final": final},
            "recomputed": recomputed,
            "agrees": all(
                recomputed[key] == getattr(score, key)
                for key in ("saq", "verified", "presentation", "final")
            ),
        }
    )
    return result
