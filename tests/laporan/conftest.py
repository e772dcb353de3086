"""Fixtures of the laporan tests."""

import pytest

from penilaian import services
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
