"""Every period a person has something to do in stays on the dashboard: creating next year's
period (in preparation) never hides this year's open SAQ; past years' results are listed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from award import selectors
from award.models import Period
from tests.conftest import client_for
from tests.factories import PeriodFactory, score_make


@pytest.mark.django_db
def test_next_years_period_keeps_this_years_open_saq(client, period, operator_a, submission):
    PeriodFactory(
        year=2027,
        saq_open=timezone.now() + dt.timedelta(days=200),
    )
    assert [p.year for p in selectors.periods_in_view()] == [2026]
    body = client_for(client, operator_a).get(reverse("award:dashboard")).content.decode()
    start = reverse("evaluasi:saq_start", args=[2026, submission.unit_id])
    assert start in body
    assert "PPID Award 2026" in body


@pytest.mark.django_db
def test_two_open_periods_both_shown_soonest_deadline_first(client, period, operator_a, unit_a):
    later = PeriodFactory(year=2027, saq_open=timezone.now() - dt.timedelta(days=1))
    Period.objects.filter(pk=later.pk).update(saq_close=timezone.now() + dt.timedelta(days=90))
    period.saq_close = timezone.now() + dt.timedelta(days=3)
    period.save()
    assert [p.year for p in selectors.periods_in_view()] == [2026, 2027]
    body = client_for(client, operator_a).get(reverse("award:dashboard")).content.decode()
    assert body.index("PPID Award 2026") < body.index("PPID Award 2027")


@pytest.mark.django_db
def test_past_years_results_are_listed(client, period, operator_a, unit_a, admin_user):
    from penilaian.models import ScoringRun

    old = PeriodFactory(year=2025, saq_open=timezone.now() - dt.timedelta(days=400))
    Period.objects.filter(pk=old.pk).update(stage_override="selesai")
    run = ScoringRun.objects.create(
        period=old, number=1, status="succeeded", is_current=True, finalised_at=timezone.now()
    )
    score_make(run=run, unit=unit_a, score=80, final=81.5, rank=2)
    body = client_for(client, operator_a).get(reverse("award:dashboard")).content.decode()
    assert "Hasil tahun-tahun sebelumnya" in body and "81,50" in body
    assert reverse("penilaian:score_explain", args=[run.pk, unit_a.pk]) in body
