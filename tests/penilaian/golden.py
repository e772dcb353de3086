"""The golden periods of the scoring engine: every expected number is worked out by hand from
DESIGN.md §3 in the comments next to it.

Main questionnaire (level OPD, so no parent units):
  A1 (B = 60): i1 ya_tidak b=2 · i2 pilihan b=1 (a=100, b=50, c=0) · i3 angka b=1 (0..10)
               · t1 teks b=0
  A2 (B = 40): i4 ya_tidak b=1 with options ya=80, tidak=20 · i5 angka b=3 (10..20) · u1 url b=0
so SAQ = 0.6·(2·s1 + s2 + s3)/4 + 0.4·(s4 + 3·s5)/4.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from award.models import JURY_GROUP, Level, Unit
from evaluasi.models import Answer, Aspect, Indicator, Option, Questionnaire, Submission
from penjurian.assignment import assignment_add
from penjurian.models import PresentationCriterion
from penjurian.presentations import presentation_scores_save
from penjurian.verification import verification_save
from tests.factories import PeriodFactory, UserFactory

WITA = dt.timezone(dt.timedelta(hours=8))
MORNING = dt.datetime(2030, 3, 1, 9, 0, tzinfo=WITA)

MAIN_ASPECTS = [
    ("A1", 60, [("i1", "ya_tidak", 2, None), ("i2", "pilihan", 1, None),
                ("i3", "angka", 1, (0, 10)), ("t1", "teks", 0, None)]),
    ("A2", 40, [("i4", "ya_tidak", 1, None), ("i5", "angka", 3, (10, 20)), ("u1", "url", 0, None)]),
]  # fmt: skip
MAIN_OPTIONS = {
    "i2": [("a", 100), ("b", 50), ("c", 0)],
    "i4": [("ya", 80), ("tidak", 20)],
}

# Answers per unit (missing key = unanswered).
MAIN_ANSWERS = {
    # A1 = (2·100 + 100 + 75)/4 = 93.75 · A2 = (80 + 3·100)/4 = 95 (25 clamps to 20)
    # SAQ = 0.6·93.75 + 0.4·95 = 56.25 + 38 = 94.25
    "G01": {"i1": "ya", "i2": "a", "i3": "7.5", "t1": "catatan", "i4": "ya", "i5": "25"},
    # A1 = (0 + 50 + 0)/4 = 12.5 (i3 unanswered) · A2 = (20 + 3·50)/4 = 42.5
    # SAQ = 7.5 + 17 = 24.5
    "G02": {"i1": "tidak", "i2": "b", "i4": "tidak", "i5": "15"},
    # A1 = 100 · A2 = (80 + 300)/4 = 95 · SAQ = 60 + 38 = 98
    "G03": {"i1": "ya", "i2": "a", "i3": "10", "i4": "ya", "i5": "20", "u1": "https://g03.go.id"},
    # A1 = 100 · A2 = (20 + 300)/4 = 80 · SAQ = 60 + 32 = 92
    "G04": {"i1": "ya", "i2": "a", "i3": "10", "i4": "tidak", "i5": "20"},
    # A1 = (200 + 100 + 0.3)/4 = 75.075 · A2 = 95 · SAQ = 45.045 + 38 = 83.045 → 83.05
    # (half up; half-even and naive float rounding both give 83.04)
    "G06": {"i1": "ya", "i2": "a", "i3": "0.03", "i4": "ya", "i5": "20"},
}
DRAFT_ANSWERS = {"G05": {"i1": "ya"}}  # started, never submitted: no score, no rank


def build_questionnaire(period, level, aspects, options, title="Kuesioner emas"):
    questionnaire = Questionnaire.objects.create(
        period=period, level=level, title=title, status=Questionnaire.Status.PUBLISHED
    )
    order = 0
    for a_order, (code, weight, indicators) in enumerate(aspects):
        aspect = Aspect.objects.create(
            questionnaire=questionnaire,
            code=code,
            name=f"Aspek {code}",
            weight=weight,
            order=a_order,
        )
        for i_code, kind, i_weight, bounds in indicators:
            order += 1
            indicator = Indicator.objects.create(
                questionnaire=questionnaire,
                aspect=aspect,
                code=i_code,
                question=f"Pertanyaan {i_code}",
                type=kind,
                weight=i_weight,
                min_value=bounds[0] if bounds else None,
                max_value=bounds[1] if bounds else None,
                order=order,
            )
            for o_order, (o_code, value) in enumerate(options.get(i_code, [])):
                Option.objects.create(
                    indicator=indicator,
                    code=o_code,
                    label=o_code.upper(),
                    value=value,
                    order=o_order,
                )
    return questionnaire


def submit(period, questionnaire, unit, answers, *, at=None, submitted=True):
    submission = Submission.objects.create(
        period=period,
        unit=unit,
        questionnaire=questionnaire,
        status=Submission.Status.SUBMITTED if submitted else Submission.Status.DRAFT,
        submitted_at=at if submitted else None,
    )
    indicators = {i.code: i for i in questionnaire.indicators.all()}
    Answer.objects.bulk_create(
        Answer(submission=submission, indicator=indicators[code], value=value)
        for code, value in answers.items()
    )
    return submission


def juries(period, count):
    users = []
    for n in range(1, count + 1):
        user = UserFactory(username=f"juri{n}.{period.year}", groups=[JURY_GROUP])
        period.juries.create(user=user)
        users.append(user)
    return users


def finished(period):
    """A golden period is a finished award: every stage before penetapan is over."""
    from award.models import Stage

    type(period).objects.filter(pk=period.pk).update(stage_override=Stage.FINALISATION)
    period.refresh_from_db()
    jury_work_waived(period)


def jury_work_waived(period):
    """Golden periods verify a few indicators on purpose: the rest is waived for penetapan
    with a recorded reason, as an admin would (``finalisation_override``)."""
    from penilaian.models import FinalisationOverride
    from penilaian.selectors import jury_work_items

    for item in jury_work_items(period=period):
        if item["override"] is None:
            FinalisationOverride.objects.create(
                period=period,
                key=item["key"],
                unit=item["unit"],
                label=item["label"],
                reason="Data uji: verifikasi sebagian disengaja.",
            )


def main_period(year=2030, **settings):
    """The main golden period. Returns (period, units by code, juries)."""
    fields = {
        "finalist_count": 2,
        "finalist_minimum": Decimal("60"),
        "saq_open": timezone.now() - timezone.timedelta(days=60),
    }
    fields.update(settings)
    period = PeriodFactory(year=year, **fields)
    opd = Level.objects.get(code="opd")
    questionnaire = build_questionnaire(period, opd, MAIN_ASPECTS, MAIN_OPTIONS)
    units = {
        code: Unit.objects.get_or_create(
            code=code, defaults={"name": f"Dinas {code}", "level": opd}
        )[0]
        for code in ["G01", "G02", "G03", "G04", "G05", "G06"]
    }
    submissions = {}
    for offset, (code, answers) in enumerate(MAIN_ANSWERS.items()):
        at = MORNING + dt.timedelta(minutes=offset)
        submissions[code] = submit(period, questionnaire, units[code], answers, at=at)
    submit(period, questionnaire, units["G05"], DRAFT_ANSWERS["G05"], submitted=False)

    j1, j2, j3, j4 = juries(period, 4)
    for jury in (j1, j2, j3, j4):
        assignment_add(period=period, jury=jury, unit=units["G01"])
    for jury in (j1, j2):
        for code in ("G03", "G04", "G06"):
            assignment_add(period=period, jury=jury, unit=units[code])
    indicator = {i.code: i for i in questionnaire.indicators.all()}

    def verify(code, ind, jury, decision, value="", reason="Bukti tidak sesuai"):
        verification_save(
            submission=submissions[code],
            indicator=indicator[ind],
            jury=jury,
            decision=decision,
            value=value,
            reason=reason if decision != "accept" else "",
        )

    # G01 i1: accept (100), reject (0): mean = median = trimmed (2 values) = 50
    verify("G01", "i1", j1, "accept")
    verify("G01", "i1", j2, "reject")
    # G01 i3: adjust to 5 (50), accept (75): 62.5 for every method
    verify("G01", "i3", j1, "adjust", "5")
    verify("G01", "i3", j2, "accept")
    # G01 i5: accept (100), adjust 15 (50), reject (0), adjust 18 (80):
    #   mean 230/4 = 57.5 · median (50+80)/2 = 65 · trimmed: drop 100 and 0 → 65
    verify("G01", "i5", j1, "accept")
    verify("G01", "i5", j2, "adjust", "15")
    verify("G01", "i5", j3, "reject")
    verify("G01", "i5", j4, "adjust", "18")
    # G03 i2: adjust to b (50): A1 = (200 + 50 + 100)/4 = 87.5 · V = 52.5 + 38 = 90.5
    verify("G03", "i2", j1, "adjust", "b")
    # G04 i1 accepted and the text indicator t1 accepted: V = SAQ = 92, 2 verified indicators
    verify("G04", "i1", j1, "accept")
    verify("G04", "t1", j1, "accept")

    # Presentation rubric: C1 weight 60, C2 weight 40 → a jury's score = 0.6·C1 + 0.4·C2
    c1 = PresentationCriterion.objects.create(period=period, code="C1", name="Materi", weight=60)
    c2 = PresentationCriterion.objects.create(period=period, code="C2", name="Wawancara", weight=40)
    for code, jury, s1, s2 in [
        ("G04", j1, 80, 90),  # 84
        ("G04", j2, 70, 60),  # 66
        ("G03", j1, 90, 100),  # 94
        ("G03", j2, 90, 80),  # 86
        ("G06", j1, 100, 100),  # 100 (G06 is not a finalist; it only counts for j1's z-score)
    ]:
        presentation_scores_save(
            period=period, unit=units[code], jury=jury, scores={c1.pk: s1, c2.pk: s2}
        )
    finished(period)
    return period, units, (j1, j2, j3, j4)


# Expected results of the main period with the default settings (mean, no normalisation,
# w_v = 0.8, w_p = 0.2, 2 finalists from 60, unique ranks):
#   V: G01 = 0.6·(2·50 + 100 + 62.5)/4 + 0.4·(80 + 3·57.5)/4 = 39.375 + 25.25 = 64.625 → 64.63
#   finalists: G04 (V 92) and G03 (V 90.5); G06 (83.05) is third.
#   P: G04 = (84 + 66)/2 = 75 · G03 = (94 + 86)/2 = 90
#   F: G04 = 0.8·92 + 0.2·75 = 88.6 · G03 = 0.8·90.5 + 0.2·90 = 90.4 · others F = V
#   rank: finalists first: G03 1, G04 2; then G06 3, G01 4, G02 5
MAIN_EXPECTED = {
    # code: (saq, verified, presentation, final, qualification, rank, finalist, verified_count)
    "G03": ("98.00", "90.50", "90.00", "90.40", "Informatif", 1, True, 1),
    "G04": ("92.00", "92.00", "75.00", "88.60", "Menuju Informatif", 2, True, 2),
    "G06": ("83.05", "83.05", None, "83.05", "Menuju Informatif", 3, False, 0),
    "G01": ("94.25", "64.63", None, "64.63", "Cukup Informatif", 4, False, 3),
    "G02": ("24.50", "24.50", None, "24.50", "Tidak Informatif", 5, False, 0),
}


def tie_period(year=2031, **settings):
    """Ties: one aspect with one number indicator (0..100), so SAQ = the number; no
    verification stage (F = SAQ), presentation weights 0.5/0.5, 4 finalists from 0."""
    fields = {
        "has_verification": False,
        "weight_verification": Decimal("0.5"),
        "weight_presentation": Decimal("0.5"),
        "finalist_count": 4,
        "finalist_minimum": Decimal("0"),
        "saq_open": timezone.now() - timezone.timedelta(days=60),
    }
    fields.update(settings)
    period = PeriodFactory(year=year, **fields)
    opd = Level.objects.get(code="opd")
    questionnaire = build_questionnaire(
        period, opd, [("A", 100, [("n", "angka", 1, (0, 100))])], {}, title="Kuesioner seri"
    )
    rows = [
        # code, number, submitted at (minutes after 09:00), P from one jury (None: not scored)
        ("T01", "90", 0, 80),  # F = 0.5·90 + 0.5·80 = 85
        ("T02", "80", 0, 90),  # F = 85: tie with T01, T01 first by verified score (90 > 80)
        ("T03", "80", 0, 80),  # F = 80
        ("T04", "80", 0, None),  # F = V = 80 (presentasi belum dinilai): after T03 by P
        ("T07", "70", 60, None),  # not finalists (F = 70): T05 and T06 submitted at 09:00,
        ("T05", "70", 0, None),  # T07 at 10:00; T05 before T06 by unit code
        ("T06", "70", 0, None),
    ]
    (jury,) = juries(period, 1)
    criterion = PresentationCriterion.objects.create(period=period, code="C", name="C", weight=1)
    units = {}
    for code, number, minutes, presentation in rows:
        unit = Unit.objects.get_or_create(
            code=code, defaults={"name": f"Dinas {code}", "level": opd}
        )[0]
        units[code] = unit
        submit(
            period, questionnaire, unit, {"n": number}, at=MORNING + dt.timedelta(minutes=minutes)
        )
        if presentation is not None:
            assignment_add(period=period, jury=jury, unit=unit)
            presentation_scores_save(
                period=period, unit=unit, jury=jury, scores={criterion.pk: presentation}
            )
    finished(period)
    return period, units


TIE_UNIQUE = {"T01": 1, "T02": 2, "T03": 3, "T04": 4, "T05": 5, "T06": 6, "T07": 7}
TIE_SHARED = {"T01": 1, "T02": 1, "T03": 3, "T04": 3, "T05": 5, "T06": 5, "T07": 5}
