"""Set-based engine blocks (DESIGN.md §3), with values worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from penilaian.formulas import (
    combine_juries,
    normalise_zscore,
    qualify,
    rank,
    round_half_up,
    select_finalists,
)

JURY_VALUES = pd.DataFrame(
    [
        ("u1", "i1", 60), ("u1", "i1", 80),
        ("u1", "i2", 0), ("u1", "i2", 50), ("u1", "i2", 100), ("u1", "i2", 90),
        ("u2", "i1", 10), ("u2", "i1", 20), ("u2", "i1", 30), ("u2", "i1", 40), ("u2", "i1", 100),
    ],
    columns=["unit", "indicator", "value"],
)  # fmt: skip


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # u1/i1: (60+80)/2 · u1/i2: 240/4 · u2/i1: 200/5
        ("mean", [70, 60, 40]),
        # medians: 70 · (50+90)/2 · 30
        ("median", [70, 70, 30]),
        # fewer than 4 values: the mean · drop 0 and 100: (50+90)/2 · drop 10 and 100: 90/3
        ("trimmed_mean", [70, 70, 30]),
    ],
)
def test_combining_juries(method, expected):
    combined = combine_juries(JURY_VALUES, keys=["unit", "indicator"], value="value", method=method)
    assert list(combined.round(10)) == expected


def test_zscore_normalisation_only_for_juries_with_3_units_and_spread():
    frame = pd.DataFrame(
        {
            "jury": ["A", "A", "A", "B", "B", "C", "C", "C"],
            "score": [70.0, 80.0, 90.0, 60.0, 60.0, 50.0, 50.0, 50.0],
        }
    )
    normalised = normalise_zscore(frame)
    mu = 510 / 8  # 63.75
    sigma = math.sqrt(1587.5 / 8)  # Σ(x−μ)² = 1587.5
    sigma_a = math.sqrt(200 / 3)  # A: mean 80, deviations −10, 0, 10
    assert normalised[0] == pytest.approx(mu - sigma * 10 / sigma_a)
    assert normalised[1] == pytest.approx(mu)
    assert normalised[2] == pytest.approx(mu + sigma * 10 / sigma_a)
    # B scored only 2 units, C has no spread: both keep their scores.
    assert list(normalised[3:]) == [60.0, 60.0, 50.0, 50.0, 50.0]


def test_round_half_up_on_floats():
    assert list(round_half_up([80.005, 80.0049, 74.345, 100 / 3, 99.995])) == [
        80.01, 80.0, 74.35, 33.33, 100.0,
    ]  # fmt: skip


def test_qualifications_at_the_boundaries():
    scores = [100, 90, 89.99, 80, 79.99, 60, 59.99, 40, 39.99, 0]
    assert list(qualify(scores, (90, 80, 60, 40))) == [
        "Informatif", "Informatif", "Menuju Informatif", "Menuju Informatif",
        "Cukup Informatif", "Cukup Informatif", "Kurang Informatif", "Kurang Informatif",
        "Tidak Informatif", "Tidak Informatif",
    ]  # fmt: skip


def units():
    return pd.DataFrame(
        {
            "code": ["a", "b", "c", "d", "e", "g"],
            "level": ["desa"] * 6,
            "verified": [85.0, 85.0, 59.996, 59.994, 90.0, 70.0],
            "presentation": [70.0, 80.0, np.nan, np.nan, 75.0, np.nan],
            "submitted_at": pd.to_datetime(
                ["2026-01-05", "2026-01-03", "2026-01-04", "2026-01-02", "2026-01-06",
                 "2026-01-01"]
            ),
        }
    )  # fmt: skip


def test_finalists_cut_by_minimum_and_count():
    frame = units().assign(presentation=np.nan)  # finalists are chosen before presenting
    # e (90) first; a and b tie at 85 → b submitted earlier; then g (70); c rounds to 60.00 and
    # qualifies, d (59.99) does not.
    picked = select_finalists(frame, minimum=60, count=3)
    assert sorted(frame.code[picked]) == ["a", "b", "e"]
    picked = select_finalists(frame, minimum=60, count=5)
    assert sorted(frame.code[picked]) == ["a", "b", "c", "e", "g"]


@pytest.mark.parametrize(
    ("shared", "expected"), [(False, [3, 2, 5, 6, 1, 4]), (True, [2, 2, 5, 6, 1, 4])]
)
def test_ranking_finalists_first_then_tie_breaks(shared, expected):
    frame = units()
    frame["finalist"] = frame.code.isin(["a", "b", "e"])
    # Final scores are given here (computing F is the run's job); a and b tie on purpose.
    frame["final"] = [85.0, 85.0, 59.996, 59.994, 87.0, 89.0]
    # g (89) outscores every finalist but ranks after them; a and b tie on F and V → b's
    # higher presentation score wins (unique ranks) or they share rank 2.
    assert list(rank(frame, shared=shared)) == expected


def test_finalists_by_the_saq_score_as_ki_dki_chooses():
    """KI DKI: only units with an SAQ score of at least 65 present, best SAQ first. By hand:
    SAQ a 70, b 64.996 (rounds to 65.00: in), c 90, d 64.994 (64.99: out), e 60, g 66; the
    verified scores (85, 85, 60, 60, 90, 70) would have chosen e first."""
    frame = units().assign(presentation=np.nan, saq=[70.0, 64.996, 90.0, 64.994, 60.0, 66.0])
    picked = select_finalists(frame, minimum=65, count=3, basis="saq")
    assert sorted(frame.code[picked]) == ["a", "c", "g"]
    picked = select_finalists(frame, minimum=65, count=5, basis="saq")
    assert sorted(frame.code[picked]) == ["a", "b", "c", "g"]
