"""The scoring rules of DESIGN.md §3 for a whole period, over pandas/NumPy arrays, in the
order §3 gives them:

- rounding half up to 2 decimals (``round_half_up``);
- the verified score: juries' values combined by the period's method (``combine_juries``,
  ``verified_values``);
- the presentation score: each jury's weighted mean over criteria, optional per-jury z-score,
  combined over juries (``normalise_zscore``, ``presentation_values``);
- finalists (``finalists``), the final score (``final_scores``);
- qualifications (``QUALIFICATIONS``, ``qualify``);
- ranking with every tie-break, unique or shared (``rank_units``).

They take and return DataFrames, never touch the database and never loop per unit in
Python. The indicator, aspect and questionnaire scores of one submission are
``evaluasi.questionnaires.rubric`` (exact, used for the SAQ score) and, set-based,
``penilaian.data.score_sql`` and ``penilaian.scoring``; tests hold them equal.

Rounding: floats cannot hold 80.005 exactly (it is 80.00499999…), so ``round_half_up`` adds
1e-9 before flooring. Scores are weighted means of inputs with at most two decimals, whose
float error is below 1e-12, so this rounds every true x.xx5 up and nothing else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from award.qualifications import LABELS

EPSILON = 1e-9


def round_half_up(values) -> np.ndarray:
    """Round half up to 2 decimals (see the module docstring for why the epsilon is safe)."""
    array = np.asarray(values, dtype="float64")
    return np.floor(array * 100 + 0.5 + EPSILON) / 100


def combine_juries(frame: pd.DataFrame, *, keys: list[str], value: str, method: str) -> pd.Series:
    """Combine several juries' values per ``keys`` (e.g. unit and indicator).

    ``mean`` (default), ``median``, or ``trimmed_mean``: the mean after dropping the single
    highest and lowest value when there are at least 4 values (the plain mean otherwise).
    """
    grouped = frame.groupby(keys, sort=True)[value]
    if method == "median":
        return grouped.median()
    if method == "trimmed_mean":
        stats = grouped.agg(["sum", "count", "max", "min"])
        trimmed = (stats["sum"] - stats["max"] - stats["min"]) / (stats["count"] - 2)
        plain = stats["sum"] / stats["count"]
        return trimmed.where(stats["count"] >= 4, plain)
    return grouped.mean()


def normalise_zscore(frame: pd.DataFrame, *, jury: str = "jury", value: str = "score") -> pd.Series:
    """Per-jury z-score normalisation of presentation scores: x' = μ + σ·(x − μⱼ)/σⱼ.

    μ, σ are the mean and (population) standard deviation of all juries' scores; μⱼ, σⱼ those
    of one jury over the units it scored. Only juries with at least 3 scored units and
    σⱼ > 0 are normalised; the others keep their scores.
    """
    scores = frame[value].astype("float64")
    mu = scores.mean()
    sigma = scores.std(ddof=0)
    by_jury = frame.groupby(jury)[value]
    mu_j = by_jury.transform("mean")
    sigma_j = by_jury.transform(lambda s: s.std(ddof=0))
    count_j = by_jury.transform("count")
    normalised = mu + sigma * (scores - mu_j) / sigma_j.where(sigma_j > 0)
    applies = (count_j >= 3) & (sigma_j > 0)
    return normalised.where(applies, scores)


QUALIFICATIONS = LABELS  # award.qualifications: labels, thresholds, colours in one place


def qualify(rounded, thresholds: tuple[float, float, float, float]) -> np.ndarray:
    """Qualification of rounded scores given the four lower bounds (90, 80, 60, 40 by default)."""
    scores = np.asarray(rounded, dtype="float64")
    conditions = [scores >= threshold - EPSILON for threshold in thresholds]
    return np.select(conditions, QUALIFICATIONS[:4], default=QUALIFICATIONS[4])


def select_finalists(
    frame: pd.DataFrame,
    *,
    minimum: float,
    count: int,
    level: str = "level",
    basis: str = "verified",
) -> pd.Series:
    """Finalists per level: the rounded ``basis`` score (verified, or the SAQ score as KI DKI
    chooses) ≥ ``minimum``, at most ``count``, best first by that score, then P, then earlier
    submission, then unit code."""
    ordered = frame.assign(_v=round_half_up(frame[basis])).sort_values(
        [level, "_v", "presentation", "submitted_at", "code"],
        ascending=[True, False, False, True, True],
        na_position="last",
    )
    eligible = ordered[ordered["_v"] >= minimum - EPSILON]
    chosen = eligible.groupby(level, sort=False).head(count).index
    return pd.Series(frame.index.isin(chosen), index=frame.index)


def rank(frame: pd.DataFrame, *, shared: bool, level: str = "level") -> pd.Series:
    """Ranks per level: finalists first, then rounded final score, verified score,
    presentation score (descending), earlier submission, unit code. With ``shared`` equal
    rounded final scores share a rank (1, 1, 3) within finalists and within the others."""
    work = frame.assign(
        _f=round_half_up(frame["final"]),
        _v=round_half_up(frame["verified"]),
        _p=round_half_up(frame["presentation"].fillna(-1)),
    )
    ordered = work.sort_values(
        [level, "finalist", "_f", "_v", "_p", "submitted_at", "code"],
        ascending=[True, False, False, False, False, True, True],
    )
    position = ordered.groupby(level, sort=False).cumcount() + 1
    if shared:
        key = [ordered[level], ordered["finalist"], ordered["_f"]]
        position = position.groupby(key, sort=False).transform("min")
    return position.reindex(frame.index)


def verified_values(verifications: pd.DataFrame, method: str) -> pd.DataFrame:
    """The juries' values of each verified indicator combined by the period's method: one row
    per (submission, indicator) with ``self_score``, ``verified_score`` and ``juries``."""
    keys = ["submission", "indicator"]
    if verifications.empty:
        return pd.DataFrame(columns=[*keys, "self_score", "verified_score", "juries"])
    combined = combine_juries(verifications, keys=keys, value="jury_score", method=method).rename(
        "verified_score"
    )
    grouped = verifications.groupby(keys, sort=True)
    return pd.concat(
        [grouped["self_score"].first(), combined, grouped["jury"].count().rename("juries")],
        axis=1,
    ).reset_index()


def presentation_values(frame: pd.DataFrame, *, normalisation: str, method: str):
    """Each jury's weighted mean over criteria per unit, normalised, then combined per unit.

    Returns (per_jury frame with ``raw`` and ``normalised``, Series P per unit)."""
    if frame.empty:
        empty = pd.DataFrame(columns=["unit", "jury", "raw", "normalised"])
        return empty, pd.Series(dtype="float64", name="presentation")
    weighted = frame.assign(product=frame["weight"] * frame["score"])
    per_jury = weighted.groupby(["unit", "jury"], sort=True)[["product", "weight"]].sum()
    per_jury = (per_jury["product"] / per_jury["weight"]).rename("raw").reset_index()
    if normalisation == "zscore":
        per_jury["normalised"] = normalise_zscore(per_jury, jury="jury", value="raw")
    else:
        per_jury["normalised"] = per_jury["raw"]
    combined = combine_juries(per_jury, keys=["unit"], value="normalised", method=method).rename(
        "presentation"
    )
    return per_jury, combined


def final_scores(units: pd.DataFrame, settings_) -> pd.Series:
    """F = w_v·V + w_p·P for finalists with a presentation score, F = V otherwise."""
    with_presentation = units["finalist"] & units["presentation"].notna()
    return pd.Series(
        np.where(
            with_presentation,
            settings_.weight_verification * units["verified"]
            + settings_.weight_presentation * units["presentation"].fillna(0),
            units["verified"],
        ),
        index=units.index,
        dtype="float64",
    )
