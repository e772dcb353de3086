"""Pictures over tables (issue #13): the operator's aspect scores against its level's average
and best, the admin's daily submissions per level and score distribution per level — figures
worked by hand from the rows below, and the SVG on the pages that show them."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from award.models import Level
from evaluasi.models import Submission
from evaluasi.saq import selectors as saq_selectors
from penilaian import selectors
from penilaian.models import Score, ScoringRun
from tests.factories import DesaFactory, KecamatanFactory, OpdFactory, PeriodFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_levels")]
WITA = ZoneInfo("Asia/Makassar")


def score(run, unit, final, aspects):
    return Score.objects.create(
        run=run,
        unit=unit,
        level=unit.level,
        saq=Decimal(final),
        final=Decimal(final),
        qualification="Informatif",
        rank=1,
        aspects=aspects,
    )


@pytest.fixture
def scored():
    period = PeriodFactory(year=2026)
    run = ScoringRun.objects.create(
        period=period, number=1, status=ScoringRun.Status.SUCCEEDED, is_current=True
    )
    kecamatan = KecamatanFactory(code="64.08.04", name="Kecamatan Sangatta Utara")
    desa = [DesaFactory(code=f"64.08.04.200{n}", parent=kecamatan) for n in range(1, 4)]
    opd = OpdFactory(code="OPD-01")
    # A1: verified 60, 80, 100 → mean 80, best 100. A2: verified None for the second unit
    # (its SAQ value, 50, counts), 70 and 40 → mean (70 + 50 + 40) / 3 = 53.33…, best 70.
    first = score(run, desa[0], "65.00", {"A1": [90.0, 60.0], "A2": [75.0, 70.0]})
    score(run, desa[1], "70.00", {"A1": [80.0, 80.0], "A2": [50.0, None]})
    score(run, desa[2], "100.00", {"A1": [100.0, 100.0], "A2": [40.0, 40.0]})
    # Another level never mixes in.
    score(run, opd, "5.00", {"A1": [0.0, 0.0], "A2": [100.0, 100.0]})
    return SimpleNamespace(period=period, run=run, first=first, desa=desa, opd=opd)


def test_aspect_comparison_against_the_level_average_and_best(scored):
    aspects = [SimpleNamespace(code="A1", name="Sarana"), SimpleNamespace(code="A2", name="SDM")]
    chart = selectors.score_aspect_comparison(score=scored.first, aspects=aspects)
    values = [[bar["value"] for bar in row["bars"]] for row in chart["rows"]]
    assert values[0] == [60.0, 80.0, 100.0]
    assert values[1][0] == 70.0 and values[1][2] == 70.0
    assert values[1][1] == pytest.approx(160 / 3)
    # Bars on a 0–100 axis 210 units long (labels get 120): 60 → 126, 80 → 168, 100 → 210.
    assert [bar["width"] for bar in chart["rows"][0]["bars"]] == [126.0, 168.0, 210.0]
    assert chart["height"] == 2 * 78 + 4


def test_score_distribution_per_level_in_ten_point_bands(scored):
    charts = selectors.score_distribution(run=scored.run)
    by_level = {c["level"].code: c for c in charts}
    assert set(by_level) == {"desa", "opd"}
    desa = {c["low"]: c["count"] for c in by_level["desa"]["columns"]}
    # 65 → band 60, 70 → band 70, 100 → the top band (90–100), not an eleventh one.
    assert desa == {0: 0, 10: 0, 20: 0, 30: 0, 40: 0, 50: 0, 60: 1, 70: 1, 80: 0, 90: 1}
    assert by_level["desa"]["total"] == 3 and by_level["desa"]["top"] == 1
    assert {c["low"]: c["count"] for c in by_level["opd"]["columns"]}[0] == 1


def test_daily_submissions_per_level_in_wita_days(scored):
    period = scored.period
    period.saq_open = dt.datetime(2026, 11, 20, 0, 0, tzinfo=WITA)
    period.saq_close = dt.datetime(2026, 11, 23, 23, 59, 59, tzinfo=WITA)
    period.save()
    desa, opd = scored.desa, scored.opd
    questionnaire_stub = _questionnaires(period)

    def submit(unit, moment):
        Submission.objects.create(
            period=period,
            unit=unit,
            questionnaire=questionnaire_stub[unit.level.code],
            status=Submission.Status.SUBMITTED,
            submitted_at=moment,
        )

    # 21 Nov 23:30 WITA is 21 Nov 15:30 UTC; 22 Nov 00:30 WITA is still 21 Nov in UTC.
    submit(desa[0], dt.datetime(2026, 11, 21, 23, 30, tzinfo=WITA))
    submit(desa[1], dt.datetime(2026, 11, 22, 0, 30, tzinfo=WITA))
    submit(opd, dt.datetime(2026, 11, 22, 9, 0, tzinfo=WITA))
    Submission.objects.create(
        period=period, unit=desa[2], questionnaire=questionnaire_stub["desa"]
    )  # a draft is not a submission
    chart = saq_selectors.submission_daily(period=period)
    days = {c["day"]: {p["level"].code: p["n"] for p in c["parts"]} for c in chart["columns"]}
    assert list(days) == [dt.date(2026, 11, d) for d in (20, 21, 22, 23)]
    assert days[dt.date(2026, 11, 21)] == {"desa": 1}
    assert days[dt.date(2026, 11, 22)] == {"desa": 1, "opd": 1}
    assert days[dt.date(2026, 11, 20)] == {} and days[dt.date(2026, 11, 23)] == {}
    assert chart["total"] == 3
    assert {item["level"].code: item["total"] for item in chart["legend"]} == {
        "desa": 2,
        "kecamatan": 0,
        "opd": 1,
    }


def _questionnaires(period):
    from evaluasi.models import Questionnaire

    return {
        level.code: Questionnaire.objects.create(period=period, level=level, title=level.name)
        for level in Level.objects.all()
    }


def test_the_admin_dashboard_draws_both_charts(client, scored, admin_user):
    period = scored.period
    period.saq_open = timezone.now() - dt.timedelta(days=5)
    period.save()
    client.force_login(admin_user)
    page = client.get(reverse("award:dashboard")).content.decode()
    assert "Kiriman SAQ per hari" in page
    assert "Nilai akhir per tingkat" in page
    assert page.count('<svg class="w-100 chart-svg"') >= 3  # submissions + two levels
