"""The scoring rules of DESIGN.md §3 for one submission, with values worked out by hand."""

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluasi.questionnaires.rubric import (
    AspectSpec,
    IndicatorSpec,
    OptionSpec,
    QuestionnaireSpec,
    aspect_score,
    indicator_score,
    questionnaire_score,
    round_score,
)

ABC = [OptionSpec("a", "A", D(100)), OptionSpec("b", "B", D(50)), OptionSpec("c", "C", D(0))]


def spec() -> QuestionnaireSpec:
    """Aspect A (weight 60) and B (weight 40), every answer type (see the test for the sums)."""
    return QuestionnaireSpec(
        title="Uji",
        level="desa",
        aspects=[
            AspectSpec(
                "A",
                "Aspek A",
                D(60),
                indicators=[
                    IndicatorSpec("I1", "?", "ya_tidak", D(2)),
                    IndicatorSpec("I2", "?", "pilihan", D(1), options=ABC),
                    IndicatorSpec("I3", "?", "angka", D(1), min_value=D(0), max_value=D(10)),
                    IndicatorSpec("T1", "?", "teks", D(0)),
                    IndicatorSpec("U1", "?", "url", D(0)),
                ],
            ),
            AspectSpec(
                "B",
                "Aspek B",
                D(40),
                indicators=[
                    IndicatorSpec(
                        "J1",
                        "?",
                        "ya_tidak",
                        D(1),
                        options=[
                            OptionSpec("ya", "Ya", D(80)),
                            OptionSpec("tidak", "Tidak", D(20)),
                        ],
                    ),
                    IndicatorSpec("J2", "?", "angka", D(3), min_value=D(10), max_value=D(20)),
                    IndicatorSpec("J3", "?", "ya_tidak", D(1)),
                    IndicatorSpec("J4", "?", "ya_tidak", D(0)),  # weight 0: never scored
                ],
            ),
        ],
    )


def test_worked_example_every_answer_type():
    answers = {
        "I1": "ya",
        "I2": "b",
        "I3": "7.5",
        "T1": "teks",
        "J1": "tidak",
        "J2": 25,
        "J4": "ya",
    }
    s = spec()
    # A = (2·100 + 1·50 + 1·75) / 4 = 81.25 ; teks/url are not scored
    assert aspect_score(s.aspects[0], answers) == Fraction(8125, 100)
    # B = (1·20 + 3·100 [25 clamps to 100] + 1·0 [J3 unanswered]) / 5 = 64 ; J4 weight 0 ignored
    assert aspect_score(s.aspects[1], answers) == 64
    # Q = (60·81.25 + 40·64) / 100 = 74.35
    assert questionnaire_score(s, answers) == Fraction(7435, 100)
    assert round_score(questionnaire_score(s, answers)) == D("74.35")


def test_worked_example_clamp_below_and_comma_decimal():
    answers = {"I1": "ya", "I2": "b", "I3": "-5", "J1": "tidak", "J2": "12,5"}
    s = spec()
    # A = (200 + 50 + 0 [−5 clamps to 0]) / 4 = 62.5 ; B = (20 + 3·25 + 0) / 5 = 19
    assert aspect_score(s.aspects[0], answers) == Fraction(125, 2)
    assert aspect_score(s.aspects[1], answers) == 19
    # Q = (60·62.5 + 40·19) / 100 = 45.1
    assert round_score(questionnaire_score(s, answers)) == D("45.10")


def test_nothing_answered_scores_zero():
    assert questionnaire_score(spec(), {}) == 0


@pytest.mark.parametrize(
    ("kind", "answer", "expected"),
    [
        ("ya_tidak", "ya", 100),
        ("ya_tidak", "YA", 100),
        ("ya_tidak", "tidak", 0),
        ("ya_tidak", None, 0),
        ("pilihan", "a", 100),
        ("pilihan", "c", 0),
        ("pilihan", "zz", 0),
        ("angka", "10", 100),
        ("angka", "0", 0),
        ("angka", "2,5", 25),
        ("angka", "bukan angka", 0),
        ("angka", "", 0),
    ],
)
def test_indicator_scores(kind, answer, expected):
    indicator = IndicatorSpec(
        "X",
        "?",
        kind,
        D(1),
        options=ABC if kind == "pilihan" else [],
        min_value=D(0),
        max_value=D(10),
    )
    assert indicator_score(indicator, answer) == expected


def test_unscored_indicators_give_none():
    assert indicator_score(IndicatorSpec("T", "?", "teks", D(0)), "x") is None
    assert indicator_score(IndicatorSpec("Y", "?", "ya_tidak", D(0)), "ya") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(80005, 1000), "80.01"),  # x.xx5 rounds up
        (Fraction(800049, 10000), "80.00"),
        (Fraction(99995, 1000), "100.00"),
        (Fraction(1, 3) * 100, "33.33"),
        (Fraction(2, 3) * 100, "66.67"),
        (Fraction(0), "0.00"),
    ],
)
def test_round_half_up_exactly(value, expected):
    assert round_score(value) == D(expected)


def test_rounding_at_xxx5_from_a_real_answer():
    # 800.05 of 0..1000 is exactly 80.005; binary floats would give 80.00499… and round down.
    s = QuestionnaireSpec(
        "Uji",
        "desa",
        aspects=[
            AspectSpec(
                "A",
                "A",
                D(100),
                indicators=[
                    IndicatorSpec("N", "?", "angka", D(1), min_value=D(0), max_value=D(1000))
                ],
            )
        ],
    )
    assert round_score(questionnaire_score(s, {"N": "800.05"})) == D("80.01")
    assert round(80.005, 2) == 80.0  # the float pitfall this avoids


def test_aspect_without_scored_indicators_is_left_out():
    s = QuestionnaireSpec(
        "Uji",
        "desa",
        aspects=[
            AspectSpec("A", "A", D(50), indicators=[IndicatorSpec("Y", "?", "ya_tidak", D(1))]),
            AspectSpec("B", "B", D(50), indicators=[IndicatorSpec("T", "?", "teks", D(0))]),
        ],
    )
    assert questionnaire_score(s, {"Y": "ya"}) == 100


# --- properties ---------------------------------------------------------------------------
weights = st.integers(min_value=0, max_value=20).map(D)


@st.composite
def indicators(draw, code):
    kind = draw(st.sampled_from(["ya_tidak", "pilihan", "angka", "teks"]))
    weight = D(0) if kind == "teks" else draw(weights)
    if kind == "pilihan":
        values = draw(st.lists(st.integers(0, 100), min_size=1, max_size=4))
        options = [OptionSpec(f"o{i}", "x", D(v)) for i, v in enumerate(values)]
        return IndicatorSpec(code, "?", kind, weight, options=options)
    if kind == "angka":
        low = draw(st.integers(-50, 50))
        high = low + draw(st.integers(1, 100))
        return IndicatorSpec(code, "?", kind, weight, min_value=D(low), max_value=D(high))
    return IndicatorSpec(code, "?", kind, weight)


@st.composite
def questionnaires(draw):
    aspects = []
    counter = 0
    for a in range(draw(st.integers(1, 4))):
        items = []
        for _ in range(draw(st.integers(1, 5))):
            counter += 1
            items.append(draw(indicators(f"i{counter}")))
        aspects.append(AspectSpec(f"a{a}", "A", draw(st.integers(0, 60).map(D)), indicators=items))
    return QuestionnaireSpec("Uji", "desa", aspects=aspects)


@st.composite
def answer_for(draw, indicator):
    if indicator.type == "ya_tidak":
        return draw(st.sampled_from(["ya", "tidak", None]))
    if indicator.type == "pilihan":
        return draw(st.sampled_from([o.code for o in indicator.options] + [None]))
    if indicator.type == "angka":
        return str(draw(st.decimals(-200, 200, places=2)))
    return "teks"


@st.composite
def filled(draw):
    s = draw(questionnaires())
    return s, {i.code: draw(answer_for(i)) for i in s.indicators()}


@settings(max_examples=200, deadline=None)
@given(filled())
def test_score_stays_between_0_and_100(case):
    s, answers = case
    assert 0 <= questionnaire_score(s, answers) <= 100


def _raise(indicator, answer):
    if indicator.type == "ya_tidak":
        return "ya"
    if indicator.type == "pilihan":
        return max(indicator.options, key=lambda o: o.value).code
    if indicator.type == "angka":
        return str(D(answer) + D(7))
    return answer


@settings(max_examples=200, deadline=None)
@given(filled(), st.data())
def test_raising_one_answer_never_lowers_the_score(case, data):
    s, answers = case
    code = data.draw(st.sampled_from(sorted(answers)))
    indicator = s.indicator_map()[code]
    better = dict(answers, **{code: _raise(indicator, answers[code])})
    assert questionnaire_score(s, better) >= questionnaire_score(s, answers)


@settings(max_examples=200, deadline=None)
@given(filled(), st.integers(2, 1000))
def test_scaling_an_aspects_indicator_weights_changes_nothing(case, factor):
    s, answers = case
    before = questionnaire_score(s, answers)
    for indicator in s.aspects[0].indicators:
        indicator.weight = indicator.weight * factor
    assert questionnaire_score(s, answers) == before
