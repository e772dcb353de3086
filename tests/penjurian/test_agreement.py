"""Agreement figures against values worked by hand (Krippendorff's alpha, interval level:
α = 1 − D_o/D_e), disagreement rates and outlier juries."""

from fractions import Fraction

import pytest

from penjurian.oversight import (
    OUTLIER_POINTS,
    alpha_interval,
    disagreement_rates,
    jury_deviations,
)


def test_alpha_interval_worked_by_hand():
    # Item 1: both juries 1; item 2: juries 3 and 5. Pairable values 1, 1, 3, 5 (n = 4).
    # D_o = (1/n)·Σ_u 1/(m_u − 1)·Σ_{i≠j}(v_i − v_j)² = (1/4)·(0 + 2·(3 − 5)²) = 2
    # D_e = Σ_{i≠j}(v_i − v_j)² / (n(n − 1)) = 2·(0 + 4 + 16 + 4 + 16 + 4) / 12 = 88/12
    # α = 1 − 2 / (88/12) = 1 − 24/88 = 8/11
    values = [("u1", "A", 1), ("u1", "B", 1), ("u2", "A", 3), ("u2", "B", 5)]
    assert alpha_interval(values) == pytest.approx(float(Fraction(8, 11)), abs=1e-12)


def test_alpha_of_perfect_agreement_and_undefined_cases():
    assert alpha_interval([("u1", "A", 0), ("u1", "B", 0), ("u2", "A", 100), ("u2", "B", 100)]) == 1
    # One jury per item: nothing pairable. Every value equal: no expected disagreement.
    assert alpha_interval([("u1", "A", 50), ("u2", "B", 70)]) is None
    assert alpha_interval([("u1", "A", 50), ("u1", "B", 50)]) is None


def test_alpha_ignores_items_with_a_single_value():
    # u3 has one value only and does not count: the figure equals the two-item case.
    values = [("u1", "A", 1), ("u1", "B", 1), ("u2", "A", 3), ("u2", "B", 5), ("u3", "A", 99)]
    assert alpha_interval(values) == pytest.approx(8 / 11)


def test_disagreement_rate_per_indicator():
    values = [
        (("d1", "1.1"), "A", 100),
        (("d1", "1.1"), "B", 100),
        (("d2", "1.1"), "A", 100),
        (("d2", "1.1"), "B", 0),
        (("d3", "1.1"), "A", 0),  # one jury only: not counted
        (("d1", "1.2"), "A", 50),
        (("d1", "1.2"), "B", 50),
        (("d1", "1.2"), "C", 50),
    ]
    assert disagreement_rates(values) == {"1.1": (2, 1), "1.2": (1, 0)}


def test_jury_deviation_from_the_others_and_the_flag():
    # Three items scored by A, B, C; C is 30 points above the mean of A and B every time.
    values = []
    for item, (a, b, c) in enumerate([(60, 70, 95), (50, 50, 80), (80, 90, 115)]):
        values += [(item, "A", a), (item, "B", b), (item, "C", c)]
    rows = {row.jury: row for row in jury_deviations(values)}
    # C: 95 − 65 = 30, 80 − 50 = 30, 115 − 85 = 30 → mean +30 over 3 items: flagged.
    assert rows["C"].mean_difference == pytest.approx(30) and rows["C"].items == 3
    assert rows["C"].flagged and OUTLIER_POINTS <= 30
    # A: 60 − 82.5, 50 − 65, 80 − 102.5 → (−22.5 − 15 − 22.5)/3 = −20: flagged too (below).
    assert rows["A"].mean_difference == pytest.approx(-20) and rows["A"].flagged
    # B: 70 − 77.5, 50 − 65, 90 − 97.5 → (−7.5 − 15 − 7.5)/3 = −10: just at the limit.
    assert rows["B"].mean_difference == pytest.approx(-10) and rows["B"].flagged
    # Two items are too few to flag anyone.
    assert not any(row.flagged for row in jury_deviations([v for v in values if v[0] != 2]))
