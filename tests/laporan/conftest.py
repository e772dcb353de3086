"""Fixtures of the laporan tests."""

import pytest

from penilaian import services
from penjurian.verification import verification_save
from tests.penilaian import golden


def run_period(period, **kwargs):
    run = services.scoring_run_start(period=period, inline=True, **kwargs)
    assert run.status == "succeeded", run.message
    return run


@pytest.fixture
def published(default_levels, admin_user, django_capture_on_commit_callbacks):
    period, units, juries = golden.main_period()
    run = run_period(period)
    with django_capture_on_commit_callbacks(execute=True):
        services.scoring_run_finalise(run=run, user=admin_user)
    run.refresh_from_db()
    return period, run, units, juries


def correction_publish(*, published, user, capture):
    """Correct the golden period (G04's evidence for i1 rejected by the first jury) and
    publish the correction: version 2. ``capture``: django_capture_on_commit_callbacks."""
    period, _run, units, (jury, *_rest) = published
    services.period_correction_open(period=period, reason="Bukti G04 ditolak", user=user)
    submission = units["G04"].submissions.get(period=period)
    indicator = submission.questionnaire.indicators.get(code="i1")
    verification_save(
        submission=submission, indicator=indicator, jury=jury, decision="reject", reason="Palsu"
    )
    second = run_period(period, user=user)
    with capture(execute=True):
        services.scoring_run_finalise(run=second, user=user)
    return second
