"""Each jury's scores, computed here by the engine's own formulas (no module outside penilaian
computes a score): the admin's presentation overview (raw score beside the per-jury z-score),
the values the agreement figures are taken from (today's, for the oversight page), and the
verified indicator values a run read (for its workbook's indicator sheet). penjurian shows the
first two through the readers registered in ``PenilaianConfig.ready``."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model

from award.models import Period
from evaluasi.models import Indicator, Submission
from penilaian import data, formulas
from penilaian.models import Score, ScoringRun
from penilaian.selectors import scoring_run_current
from penjurian.models import Assignment, PresentationSlot


def presentation_overview(*, period: Period) -> dict:
    """The finalists of the current run with their schedule, and each assigned jury's raw
    presentation score beside its per-jury z-score (DESIGN.md §3), for the admin."""
    run = scoring_run_current(period=period)
    finalists = []
    if run is not None:
        finalists = list(
            Score.objects.filter(run=run, finalist=True)
            .select_related("unit", "unit__level")
            .order_by("unit__level__order", "rank")
        )
    slots = {
        slot.unit_id: slot
        for slot in PresentationSlot.objects.filter(period=period).select_related("unit__level")
    }
    per_jury, combined = formulas.presentation_values(
        data.load_presentation(period.pk), normalisation="zscore", method=period.aggregation
    )
    figures = {
        (int(row.unit), int(row.jury)): (row.raw, row.normalised)
        for row in per_jury.itertuples(index=False)
    }
    names = {
        user.pk: user.get_full_name() or user.username
        for user in get_user_model().objects.filter(
            pk__in=Assignment.objects.filter(period=period).values("jury")
        )
    }
    juries_of = {}
    for unit_id, jury_id in Assignment.objects.filter(
        period=period, unit__in=[s.unit_id for s in finalists] + list(slots)
    ).values_list("unit_id", "jury_id"):
        juries_of.setdefault(unit_id, []).append(jury_id)
    finalist_units = {score.unit_id for score in finalists}
    scheduled = [
        slot for unit_id, slot in slots.items() if unit_id not in finalist_units
    ]  # scheduled before the latest run, or no longer a finalist: still shown
    entries = [(score, score.unit) for score in finalists] + [
        (None, slot.unit) for slot in sorted(scheduled, key=lambda s: s.starts_at)
    ]
    rows = []
    for score, unit in entries:
        unit_id = unit.pk
        rows.append(
            {
                "score": score,
                "unit": unit,
                "slot": slots.get(unit_id),
                "juries": [
                    {
                        "name": names.get(jury, "?"),
                        "raw": figures.get((unit_id, jury), (None, None))[0],
                        "z": figures.get((unit_id, jury), (None, None))[1],
                    }
                    for jury in sorted(juries_of.get(unit_id, []), key=lambda j: names.get(j, ""))
                ],
            }
        )
    return {"run": run, "rows": rows}


def agreement_values(*, period: Period) -> tuple[list[tuple], list[tuple]]:
    """Today's values for the agreement figures: ((unit, indicator code), jury, verified
    indicator score) for every scored verdict, and (unit, jury, weighted mean over criteria)
    for every jury's presentation scores."""
    verdicts = data.load_verifications("s.period_id = %s", [period.pk])
    verdicts = verdicts[verdicts["jury_score"].notna()]
    codes = dict(
        Indicator.objects.filter(pk__in=verdicts["indicator"].unique().tolist()).values_list(
            "pk", "code"
        )
    )
    units = dict(Submission.objects.filter(period=period).values_list("pk", "unit_id"))
    verified = sorted(
        ((units[int(row.submission)], codes[int(row.indicator)]), int(row.jury),
         float(row.jury_score))
        for row in verdicts.itertuples(index=False)
    )  # fmt: skip
    sums: dict = defaultdict(lambda: [0.0, 0.0])
    for row in data.load_presentation(period.pk).itertuples(index=False):
        sums[(int(row.unit), int(row.jury))][0] += row.weight * row.score
        sums[(int(row.unit), int(row.jury))][1] += row.weight
    presented = [
        (unit, jury, total / weight) for (unit, jury), (total, weight) in sorted(sums.items())
    ]
    return verified, presented


def run_verified_indicators(*, run: ScoringRun) -> dict:
    """(unit, indicator) → (verified indicator score, juries) as the run read its verdicts
    and with its settings (NaN: not a scored indicator)."""
    verdicts = data.stored_verdicts(run.pk).rename(columns={"unit": "submission"})
    method = (run.settings or {}).get("aggregation") or run.period.aggregation
    verified = formulas.verified_values(verdicts, method)
    return {
        (int(row.submission), int(row.indicator)): (row.verified_score, int(row.juries))
        for row in verified.itertuples()
    }
