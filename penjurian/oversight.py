"""Oversight of jury work for the admin: progress per jury and per unit, reminders to juries
that are behind, what is still open before penetapan (``jury_work_open``), and the agreement
between juries.

Agreement (pure figures, tested against values worked by hand, and the selector that gathers a
period's data for them):

- disagreement rate per indicator: among units that at least two juries verified on the
  indicator, the share where their verified indicator scores differ;
- Krippendorff's alpha (interval) over verified indicator scores (items = unit × indicator)
  and over presentation scores (items = finalist; values = each jury's weighted mean), with
  the maintained ``krippendorff`` package;
- outlier juries: a jury's mean difference from the mean of the other juries on the same
  items; flagged when its size is at least ``OUTLIER_POINTS`` over at least ``OUTLIER_ITEMS``
  shared items (both figures shown, so the admin can judge)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import krippendorff
import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import Period, Unit
from evaluasi.models import Indicator, Submission
from penjurian import notify
from penjurian.models import Assignment, Objection, Verification
from penjurian.presentations import presentation_open_items


def verification_progress(*, period: Period) -> dict:
    """Per jury: units assigned, units finished, indicators done of due; per unit: juries,
    indicators done of due, open objections. Counted in a few grouped queries."""
    submissions = {
        unit: (pk, questionnaire)
        for pk, unit, questionnaire in Submission.objects.filter(
            period=period, status=Submission.Status.SUBMITTED
        ).values_list("pk", "unit_id", "questionnaire_id")
    }
    indicators = dict(
        Indicator.objects.filter(questionnaire__in={q for _s, q in submissions.values()})
        .values("questionnaire")
        .annotate(n=Count("pk"))
        .values_list("questionnaire", "n")
    )
    done = {
        (submission, jury): n
        for submission, jury, n in Verification.objects.filter(submission__period=period)
        .values("submission", "jury")
        .annotate(n=Count("pk"))
        .values_list("submission", "jury", "n")
    }
    waiting = dict(
        Objection.objects.filter(submission__period=period, status=Objection.Status.OPEN)
        .values("submission__unit")
        .annotate(n=Count("pk"))
        .values_list("submission__unit", "n")
    )
    juries = defaultdict(lambda: {"units": 0, "finished": 0, "done": 0, "due": 0})
    units = defaultdict(lambda: {"juries": 0, "done": 0, "due": 0})
    for unit, jury in Assignment.objects.filter(period=period).values_list("unit_id", "jury_id"):
        if unit not in submissions:
            continue
        submission, questionnaire = submissions[unit]
        due = indicators.get(questionnaire, 0)
        made = min(done.get((submission, jury), 0), due)
        for row in (juries[jury], units[unit]):
            row["done"] += made
            row["due"] += due
        juries[jury]["units"] += 1
        juries[jury]["finished"] += made == due
        units[unit]["juries"] += 1
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(juries))}
    unit_rows = {u.pk: u for u in Unit.objects.filter(pk__in=list(units)).select_related("level")}
    closed = period.verification_close is not None and period.verification_close <= timezone.now()
    jury_list = [
        {
            "user": users[jury],
            **row,
            "percent": round(100 * row["done"] / row["due"]) if row["due"] else 100,
            "late": closed and row["done"] < row["due"],
        }
        for jury, row in juries.items()
    ]
    jury_list.sort(key=lambda r: (r["percent"], r["user"].username))
    unit_list = [
        {
            "unit": unit_rows[unit],
            "submission": submissions[unit][0],
            **row,
            "percent": round(100 * row["done"] / row["due"]) if row["due"] else 100,
            "objections": waiting.get(unit, 0),
        }
        for unit, row in units.items()
    ]
    unit_list.sort(key=lambda r: (r["percent"], r["unit"].code))
    return {"juries": jury_list, "units": unit_list}


def juries_remind(*, period: Period, jury_ids: list[int] | None = None) -> int:
    """Email every jury (or the ones named) that has unfinished units; returns how many."""
    rows = [
        row
        for row in verification_progress(period=period)["juries"]
        if row["done"] < row["due"] and (jury_ids is None or row["user"].pk in jury_ids)
    ]
    notify.juries_remind_notify(period=period, rows=rows)
    return len(rows)


def jury_work_open(*, period: Period) -> list[dict]:
    """What jury work is unfinished before penetapan, each item with a stable key (for an
    admin override), the unit it concerns and a sentence in Indonesian."""
    items = []
    if period.has_verification:
        for row in verification_progress(period=period)["units"]:
            if row["done"] < row["due"]:
                unit = row["unit"]
                items.append(
                    {
                        "key": f"verifikasi:{unit.pk}",
                        "unit": unit,
                        "label": _("Verification of %(unit)s: %(done)s of %(due)s verdicts given.")
                        % {"unit": unit.name, "done": row["done"], "due": row["due"]},
                    }
                )
        for objection in Objection.objects.filter(
            submission__period=period, status=Objection.Status.OPEN
        ).select_related("submission__unit", "verification__indicator"):
            unit = objection.submission.unit
            items.append(
                {
                    "key": f"sanggah:{objection.pk}",
                    "unit": unit,
                    "label": _("Objection of %(unit)s on %(code)s is not answered.")
                    % {"unit": unit.name, "code": objection.verification.indicator.code},
                }
            )
    if period.has_presentation:
        for slot, missing in presentation_open_items(period=period):
            items.append(
                {
                    "key": f"presentasi:{slot.unit_id}",
                    "unit": slot.unit,
                    "label": _("Presentation of %(unit)s not scored by %(juries)s.")
                    % {
                        "unit": slot.unit.name,
                        "juries": ", ".join(j.get_full_name() or j.username for j in missing),
                    },
                }
            )
    return items


# --- agreement between juries --------------------------------------------------------------
OUTLIER_POINTS = 10.0
OUTLIER_ITEMS = 3


@dataclass(frozen=True)
class JuryDeviation:
    jury: int
    items: int
    mean_difference: float
    flagged: bool


def _by_item(values: list[tuple]) -> dict:
    """(item, jury, value) rows → item → {jury: value}."""
    grouped: dict = defaultdict(dict)
    for item, jury, value in values:
        grouped[item][jury] = float(value)
    return grouped


def alpha_interval(values: list[tuple]) -> float | None:
    """Krippendorff's alpha (interval) of (item, jury, value) rows; None when no item has two
    values or every value is the same (alpha is not defined then)."""
    grouped = {item: v for item, v in _by_item(values).items() if len(v) >= 2}
    if not grouped:
        return None
    juries = sorted({jury for v in grouped.values() for jury in v})
    items = sorted(grouped)
    data = np.full((len(juries), len(items)), np.nan)
    index = {jury: row for row, jury in enumerate(juries)}
    for column, item in enumerate(items):
        for jury, value in grouped[item].items():
            data[index[jury], column] = value
    present = data[~np.isnan(data)]
    if len(set(present.tolist())) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))


def disagreement_rates(values: list[tuple]) -> dict:
    """(item, jury, value) rows where item = (unit, indicator) → indicator → (pairs, differ)."""
    rates: dict = defaultdict(lambda: [0, 0])
    for (_unit, indicator), juries in _by_item(values).items():
        if len(juries) < 2:
            continue
        rates[indicator][0] += 1
        if len(set(juries.values())) > 1:
            rates[indicator][1] += 1
    return {indicator: tuple(counts) for indicator, counts in rates.items()}


def jury_deviations(values: list[tuple]) -> list[JuryDeviation]:
    """Each jury's mean (its value − the mean of the others) over items shared with others."""
    differences: dict = defaultdict(list)
    for juries in _by_item(values).values():
        if len(juries) < 2:
            continue
        total = sum(juries.values())
        for jury, value in juries.items():
            others = (total - value) / (len(juries) - 1)
            differences[jury].append(value - others)
    out = []
    for jury in sorted(differences):
        diffs = differences[jury]
        mean = sum(diffs) / len(diffs)
        flagged = len(diffs) >= OUTLIER_ITEMS and abs(mean) >= OUTLIER_POINTS
        out.append(JuryDeviation(jury, len(diffs), mean, flagged))
    return out


# --- the period's data ----------------------------------------------------------------------
# The values come from the engine's formulas (penilaian computes every score): penilaian
# registers its reader here when it starts; without it the figures are empty.
_values_reader = None


def agreement_values_register(*, reader) -> None:
    """Make ``reader(period=...)`` → (verified, presented) the source of the figures."""
    global _values_reader
    _values_reader = reader


def agreement_figures(*, period) -> dict:
    """Everything the oversight page shows, from today's verdicts and scores."""
    verified, presented = _values_reader(period=period) if _values_reader else ([], [])
    return agreement_of(verified=verified, presented=presented)


def agreement_of(*, verified: list[tuple], presented: list[tuple]) -> dict:
    """The figures of the oversight page and the ranking workbook (which hands in what its
    run read): alphas, disagreement per indicator, deviation per jury with names."""

    names = {
        user.pk: user.get_full_name() or user.username
        for user in get_user_model().objects.filter(
            pk__in={jury for _i, jury, _v in verified} | {jury for _i, jury, _v in presented}
        )
    }
    rates = disagreement_rates(verified)
    return {
        "verification_alpha": alpha_interval(verified),
        "presentation_alpha": alpha_interval(presented),
        "indicators": [
            {"code": code, "pairs": pairs, "differ": differ, "rate": differ / pairs}
            for code, (pairs, differ) in sorted(rates.items())
        ],
        "verification_juries": [
            {"name": names.get(d.jury, "?"), **d.__dict__} for d in jury_deviations(verified)
        ],
        "presentation_juries": [
            {"name": names.get(d.jury, "?"), **d.__dict__} for d in jury_deviations(presented)
        ],
    }
