"""Reads of scoring results: runs, rankings, the explanation of one unit's score."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, F, IntegerField, QuerySet
from django.db.models.functions import Cast, Floor, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import Level, Period, Stage, Unit
from award.selectors import period_saq_deadlines
from common import charts
from evaluasi.models import Indicator, Submission, SubmissionEvent
from evaluasi.questionnaires.selectors import answer_label, questionnaire_with_content
from penilaian.formulas import QUALIFICATIONS
from penilaian.models import FinalisationOverride, Score, ScorePresentation, ScoringRun
from penjurian.models import Objection
from penjurian.oversight import jury_work_open

from . import data, formulas, scoring
from .formulas import round_half_up


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


def scoring_run_unchanged(*, run: ScoringRun) -> ScoringRun | None:
    """The published run whose inputs ``run`` has too (a correction that would replace
    nothing: penetapan refuses it), else None."""
    published = scoring_run_published(period=run.period)
    if published is None or published.pk == run.pk or published.input_hash != run.input_hash:
        return None
    return published


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


def _text(value) -> str:
    """A stored answer value as text ('' for a missing one, whatever pandas made of it)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def scoring_explain(*, run: ScoringRun, unit: Unit) -> dict:
    """How a unit's scores in ``run`` come about, from what the run read and stored (answers
    and verifications as it read them, its presentation scores and settings), worked through with
    the engine's own functions. ``agrees`` checks that they give the stored result again."""
    period = run.period
    score = Score.objects.filter(run=run, unit=unit).first()
    submission = (
        Submission.objects.filter(period=period, unit=unit).select_related("questionnaire").first()
    )
    result: dict = {"run": run, "unit": unit, "score": score, "submission": submission}
    if score is None or submission is None:
        return result
    questionnaire = questionnaire_with_content(pk=submission.questionnaire_id)
    aspects, indicators, _options = data.load_rubric([questionnaire.pk])
    settings_ = scoring.PeriodSettings.stored(run)
    rows = data.stored_answers_scored(run.pk, unit.pk).merge(
        indicators[["indicator", "weight"]], on="indicator"
    )
    rows["submission"] = submission.pk
    answered = rows[(rows["value"] != "") & rows["self_score"].notna()]
    sums = (
        answered.assign(weighted=answered["weight"] * answered["self_score"])
        .groupby(["submission", "aspect"], as_index=False)["weighted"]
        .sum()
    )
    verifications = (
        data.stored_verdicts(run.pk, unit.pk)
        .drop(columns=["unit"])
        .assign(submission=submission.pk)
    )
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

    per_jury = pd.DataFrame(
        list(
            ScorePresentation.objects.filter(run=run, unit=unit).values_list(
                "unit_id", "jury_id", "raw", "normalised"
            )
        ),
        columns=["unit", "jury", "raw", "normalised"],
    )
    combined = (
        formulas.combine_juries(
            per_jury, keys=["unit"], value="normalised", method=settings_.aggregation
        )
        if len(per_jury)
        else pd.Series(dtype="float64")
    )
    presentation = float(combined[unit.pk]) if unit.pk in combined.index else None
    if not score.finalist:
        presentation = None
    frame = pd.DataFrame(
        {"finalist": [score.finalist], "verified": [base], "presentation": [presentation]}
    )
    frame["presentation"] = frame["presentation"].astype("float64")
    final = float(formulas.final_scores(frame, settings_).iloc[0])

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
    reasons = {(row.indicator, row.jury): row.reason for row in verifications.itertuples()}
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
            juries = juries_by_indicator.get(indicator.pk, [])
            for entry in juries:
                entry["label"] = answer_label(indicator=indicator, value=_text(entry["value"]))
            items.append(
                ExplainedIndicator(
                    indicator=indicator,
                    answer=answer_label(indicator=indicator, value=_text(row["value"])),
                    self_score=self_score,
                    verified_score=verified_score
                    if period.has_verification and verified_score is not None
                    else self_score,
                    juries=juries,
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


def units_with_published_result(*, period: Period, units: list[Unit]) -> list[Unit]:
    """Each unit with ``result``: its Score in the period's published run, or None."""
    published = scoring_run_published(period=period)
    results = (
        {s.unit_id: s for s in Score.objects.filter(run=published, unit__in=units)}
        if published
        else {}
    )
    for unit in units:
        unit.result = results.get(unit.pk)
    return units


def operator_past_results(*, units: list[Unit], exclude=()) -> list[Score]:
    """The published results of the operator's units in other periods, newest year first."""
    return list(
        Score.objects.filter(
            unit__in=units,
            run__finalised_at__isnull=False,
            run__superseded_by__isnull=True,
        )
        .exclude(run__period__in=list(exclude))
        .select_related("run__period", "unit")
        .order_by("-run__period__year", "unit__code")
    )


def finalisation_blockers(*, period: Period, moment=None, jury_items=None) -> list[str]:
    """What still stands in the way of penetapan, each said in Indonesian: a stage the period
    uses still open, a unit whose SAQ deadline was extended past now, a SAQ reopened."""
    moment = moment or timezone.now()
    blockers = []
    stage = period.stage_at(moment)
    if stage not in (Stage.FINALISATION, Stage.CLOSED):
        blockers.append(
            _("The stage “%(stage)s” is still open; finalisation comes after it.")
            % {"stage": Stage(stage).label}
        )
    extended = [unit for unit, due in period_saq_deadlines(period=period).items() if due > moment]
    if extended:
        blockers.append(
            _("%(count)s units still have an extended SAQ deadline.") % {"count": len(extended)}
        )
    reopened = (
        Submission.objects.filter(period=period, status=Submission.Status.DRAFT)
        .filter(events__kind=SubmissionEvent.Kind.REOPENED)
        .select_related("unit")
        .distinct()
    )
    names = [submission.unit.name for submission in reopened[:5]]
    if names:
        blockers.append(
            _("%(count)s SAQ are reopened and not submitted again (%(names)s).")
            % {"count": reopened.count(), "names": ", ".join(names)}
        )
    if jury_items is None:  # a screen that also lists the items hands them in (read once)
        jury_items = jury_work_items(period=period)
    blockers += [item["label"] for item in jury_items if not item["override"]]
    return blockers


def jury_work_items(*, period: Period) -> list[dict]:
    """Unfinished jury work (``penjurian.oversight.jury_work_open``), each with the admin's
    override of it when there is one."""
    overrides = {o.key: o for o in FinalisationOverride.objects.filter(period=period)}
    items = jury_work_open(period=period)
    for item in items:
        item["override"] = overrides.get(item["key"])
    return items


JURY_WORK_KINDS = ("verifikasi", "sanggah", "presentasi")  # the key prefixes of jury_work_open


def jury_work_groups(*, items: list[dict]) -> list[dict]:
    """Unfinished jury work grouped by kind (verifications, objections, presentations), each
    with its open and overridden items: penetapan may wait for a hundred items, and the admin
    acts on a kind at once."""
    titles = {
        "verifikasi": _("Verifications not finished"),
        "sanggah": _("Objections not answered"),
        "presentasi": _("Presentations not scored"),
    }
    groups = []
    for kind in JURY_WORK_KINDS:
        of_kind = [item for item in items if item["key"].startswith(f"{kind}:")]
        if of_kind:
            groups.append(
                {
                    "kind": kind,
                    "title": titles[kind],
                    "items": of_kind,
                    "open": [item for item in of_kind if not item["override"]],
                }
            )
    return groups


def unit_overrides(*, period: Period, unit: Unit):
    return FinalisationOverride.objects.filter(period=period, unit=unit).select_related(
        "created_by"
    )


def unit_objections(*, period: Period, unit: Unit) -> list:
    """The unit's objections and their answers, for its explanation page (process records:
    they cannot change once the period is finalised)."""
    return list(
        Objection.objects.filter(submission__period=period, submission__unit=unit)
        .select_related("verification__indicator")
        .order_by("filed_at")
    )


def _level_aspect_stats(*, run: ScoringRun, level_id: int) -> dict[str, tuple[float, float]]:
    """Per aspect code, the mean and the best verified aspect score of the level's units in
    ``run``, from the run's stored scores. A run's scores never change once written, so the
    figures are cached per run and level."""
    key = f"penilaian:aspect-stats:{run.pk}:{level_id}"
    stats = cache.get(key)
    if stats is None:
        totals: dict[str, list[float]] = {}
        rows = Score.objects.filter(run=run, level_id=level_id).values_list("aspects", flat=True)
        for aspects in rows.iterator(chunk_size=5000):
            for code, (own, checked) in aspects.items():
                value = checked if checked is not None else own
                if value is None:
                    continue
                entry = totals.setdefault(code, [0.0, 0, float("-inf")])
                entry[0] += float(value)
                entry[1] += 1
                entry[2] = max(entry[2], float(value))
        stats = {code: (total / count, best) for code, (total, count, best) in totals.items()}
        cache.set(key, stats, 24 * 3600)
    return stats


def score_aspect_comparison(*, score: Score, aspects: list) -> dict:
    """The unit's aspect scores beside the mean and the best of its level in the same run
    (``aspects``: the Aspect rows in questionnaire order), with the bars' geometry."""
    stats = _level_aspect_stats(run=score.run, level_id=score.level_id)
    rows = []
    for index, aspect in enumerate(aspects):
        own, checked = score.aspects.get(aspect.code, (None, None))
        value = checked if checked is not None else own
        mean, best = stats.get(aspect.code, (None, None))
        bars = [
            {"label": _("This unit"), "value": value, "colour": charts.colour(0)},
            {"label": _("Level average"), "value": mean, "colour": "#6c757d"},
            {"label": _("Best of level"), "value": best, "colour": charts.colour(2)},
        ]
        for offset, bar in enumerate(bars):
            bar["y"] = 78 * index + 24 + 17 * offset
            bar["width"] = charts.scaled(bar["value"], top=100, length=210)
        rows.append({"aspect": aspect, "y": 78 * index + 15, "bars": bars})
    return {"rows": rows, "height": 78 * len(rows) + 4}


SCORE_BINS = 10  # 0–10, 10–20, …, 90–100


def score_distribution(*, run: ScoringRun) -> list[dict]:
    """Per level, how many units' final scores fall in each ten-point band in ``run``, with
    the columns' geometry (one small chart per level)."""
    band = Least(Cast(Floor(F("final") / 10), IntegerField()), SCORE_BINS - 1)
    counts: dict[int, dict[int, int]] = {}
    for level_id, bin_, n in (
        Score.objects.filter(run=run)
        .annotate(band=band)
        .values_list("level_id", "band")
        .annotate(n=Count("pk"))
        .values_list("level_id", "band", "n")
    ):
        counts.setdefault(level_id, {})[int(bin_)] = n
    levels = Level.objects.filter(pk__in=counts).order_by("order", "code")
    charts_ = []
    for level in levels:
        per_bin = counts[level.pk]
        top = charts.nice_top(max(per_bin.values()))
        columns = []
        for bin_ in range(SCORE_BINS):
            n = per_bin.get(bin_, 0)
            height = charts.scaled(n, top=top, length=100)
            columns.append(
                {
                    "low": 10 * bin_,
                    "count": n,
                    "x": 30 + 27 * bin_,
                    "y": round(110 - height, 1),
                    "h": height,
                    "label_x": 42 + 27 * bin_,
                    "label_y": round(107 - height, 1),
                }
            )
        charts_.append(
            {
                "level": level,
                "total": sum(per_bin.values()),
                "top": top,
                "colour": charts.level_colour(level),
                "columns": columns,
            }
        )
    return charts_
