"""The golden periods through a whole scoring run (tests/evaluasi/golden.py has the numbers).

Every test here runs twice: eagerly in-process and, on PostgreSQL, through a real Celery
worker over Redis. `make test` also runs the eager ones on SQLite (the embedded default).
"""

import math
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from penilaian import selectors as scoring_selectors
from penilaian import services as scoring_services
from penilaian.models import Score, ScoringRun
from tests.penilaian import golden

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["eager", "worker"])
def mode(request, default_levels):
    if request.param == "worker":
        if connection.vendor != "postgresql":
            pytest.fail("The worker mode needs PostgreSQL; run the embedded suite with -k eager")
        request.getfixturevalue("celery_live")
    return request.param


def run_period(period, **kwargs):
    run = scoring_services.scoring_run_start(period=period, **kwargs)
    deadline = time.monotonic() + 60
    while True:
        run.refresh_from_db()
        if not run.is_active:
            break
        assert time.monotonic() < deadline, "the scoring run did not finish in 60 s"
        time.sleep(0.1)
    assert run.status == ScoringRun.Status.SUCCEEDED, run.message
    return run


def results(run):
    def text(value):
        return None if value is None else str(value)

    return {
        s.unit.code: (
            text(s.saq),
            text(s.verified),
            text(s.presentation),
            text(s.final),
            s.qualification,
            s.rank,
            s.finalist,
            s.verified_count,
        )
        for s in Score.objects.filter(run=run).select_related("unit")
    }


def two(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_main_period_mean(mode, settings):
    settings.SCORING_CHUNK_UNITS = 2  # several chunks even for five units (in this process)
    period, units, _juries = golden.main_period()
    run = run_period(period)
    assert run.chunks_total == (3 if mode == "eager" else 1)
    assert results(run) == golden.MAIN_EXPECTED
    g01 = Score.objects.get(run=run, unit__code="G01")
    # A1 verified = (2·50 + 100 + 62.5)/4 = 65.625 · A2 = (80 + 3·57.5)/4 = 63.125
    assert g01.aspects == {"A1": [93.75, 65.63], "A2": [95.0, 63.13]}
    assert "G05" not in results(run), "a draft submission gets no score and no rank"
    assert run.is_current and len(run.input_hash) == 64 and run.code_version


@pytest.mark.parametrize("method", ["median", "trimmed_mean"])
def test_main_period_median_and_trimmed_mean(mode, method):
    period, units, _juries = golden.main_period(aggregation=method)
    run = run_period(period)
    # G01 i5: median (50+80)/2 = 65, trimmed mean drops 100 and 0: (50+80)/2 = 65
    # A2 = (80 + 3·65)/4 = 68.75 · V = 39.375 + 27.5 = 66.875 → 66.88
    expected = dict(golden.MAIN_EXPECTED)
    expected["G01"] = ("94.25", "66.88", None, "66.88", "Cukup Informatif", 4, False, 3)
    # Presentation: two juries per unit, so the median and the trimmed mean are the mean.
    assert results(run) == expected


def test_main_period_zscore(mode):
    period, units, _juries = golden.main_period(normalisation="zscore")
    run = run_period(period)
    # Jury scores: j1 84 (G04), 94 (G03), 100 (G06); j2 66 (G04), 86 (G03).
    mu = (84 + 94 + 100 + 66 + 86) / 5  # 86
    sigma = math.sqrt(((84 - 86) ** 2 + 8**2 + 14**2 + 20**2 + 0**2) / 5)  # √132.8
    mu1 = (84 + 94 + 100) / 3
    sigma1 = math.sqrt(((84 - mu1) ** 2 + (94 - mu1) ** 2 + (100 - mu1) ** 2) / 3)
    # j1 scored 3 units with a spread: normalised; j2 scored only 2: kept as is.
    p_g04 = (mu + sigma * (84 - mu1) / sigma1 + 66) / 2  # 68.4334…
    p_g03 = (mu + sigma * (94 - mu1) / sigma1 + 86) / 2  # 87.1641…
    f_g04 = 0.8 * 92 + 0.2 * p_g04  # 87.2867…
    f_g03 = 0.8 * 90.5 + 0.2 * p_g03  # 89.8328…
    got = results(run)
    assert got["G04"][2:6] == (two(p_g04), two(f_g04), "Menuju Informatif", 2)
    assert got["G03"][2:6] == (two(p_g03), two(f_g03), "Menuju Informatif", 1)
    assert (two(p_g04), two(f_g04), two(p_g03), two(f_g03)) == ("68.43", "87.29", "87.16", "89.83")


def test_without_presentation_stage_nobody_is_finalist(mode):
    period, units, _juries = golden.main_period(has_presentation=False)
    run = run_period(period)
    got = results(run)
    assert {code: row[5] for code, row in got.items()} == {
        "G04": 1, "G03": 2, "G06": 3, "G01": 4, "G02": 5,
    }  # fmt: skip
    assert not any(row[6] for row in got.values())
    assert all(row[2] is None and row[3] == row[1] for row in got.values()), "F = V"


@pytest.mark.parametrize(
    ("policy", "expected"), [("unique", golden.TIE_UNIQUE), ("shared", golden.TIE_SHARED)]
)
def test_tie_breaks_and_shared_ranks(mode, policy, expected):
    period, units = golden.tie_period(tie_policy=policy)
    run = run_period(period)
    got = results(run)
    assert {code: row[5] for code, row in got.items()} == expected
    assert got["T01"][:4] == ("90.00", None, "80.00", "85.00"), "no verification stage: V empty"
    assert got["T04"][3] == "80.00"
    pending = Score.objects.get(run=run, unit__code="T04")
    assert pending.finalist and pending.presentation_pending


def test_same_inputs_same_hash_and_results_changed_input_new_hash(mode):
    period, units, _juries = golden.main_period()
    first = run_period(period)
    second = run_period(period)
    assert first.input_hash == second.input_hash
    assert results(first) == results(second)
    assert not ScoringRun.objects.get(pk=first.pk).is_current
    from evaluasi.models import Answer

    answer = Answer.objects.get(submission__unit__code="G02", indicator__code="i5")
    answer.value = "16"
    answer.save()
    third = run_period(period)
    assert third.input_hash != first.input_hash
    assert results(third)["G02"][0] == "27.50"  # A2 = (20 + 3·60)/4 = 50 → 7.5 + 20


def test_explanation_agrees_with_the_run(mode):
    period, units, _juries = golden.main_period(normalisation="zscore")
    run = run_period(period)
    for code in ("G01", "G02", "G03", "G04", "G06"):
        explained = scoring_selectors.scoring_explain(run=run, unit=units[code])
        assert explained["agrees"], code
        score = explained["score"]
        assert explained["recomputed"]["final"] == score.final
    g01 = scoring_selectors.scoring_explain(run=run, unit=units["G01"])
    i5 = next(i for i in g01["aspects"][1]["indicators"] if i.indicator.code == "i5")
    assert i5.self_score == 100 and i5.verified_score == 57.5
    assert sorted(j["score"] for j in i5.juries) == [0, 50, 80, 100]
    assert g01["aspects"][0]["saq"] == 93.75
    # The operator's picture: G01's verified aspect scores (worked by hand in
    # test_main_period_mean: A1 65.63, A2 63.13) beside its level's average and best.
    chart = scoring_selectors.score_aspect_comparison(
        score=g01["score"], aspects=[a["aspect"] for a in g01["aspects"]]
    )
    own = [row["bars"][0]["value"] for row in chart["rows"]]
    assert own == [65.63, 63.13]
    for row in chart["rows"]:
        _unit, mean, best = (bar["value"] for bar in row["bars"])
        assert best >= max(mean, row["bars"][0]["value"])
