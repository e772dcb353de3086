"""Tasks through the real Redis broker to a real Celery worker process, reading results back."""

import os
import time

import pytest

from award import services
from award.models import Unit
from common import jobs
from common.models import Job
from config.celery import ping
from tests.workbooks import units_xlsx

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def wait_for(job: Job, statuses, timeout=60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job stayed {job.status}")


def test_a_task_round_trips_through_redis_to_a_worker_process(celery_live):
    result = ping.delay(41)
    answer = result.get(timeout=30)
    assert answer["pong"] == 41
    assert answer["pid"] == celery_live.pid != os.getpid()


def test_units_import_runs_on_the_worker_with_preview_then_apply(celery_live, admin_user):
    data = units_xlsx(
        [
            ["64.08.01", "Kecamatan Muara Ancalong", "kecamatan", "", "", ""],
            ["64.08.01.2001", "Desa Kelinjau Ilir", "desa", "64.08.01", "", ""],
        ]
    )
    job = services.units_import_start(data=data, file_name="unit.xlsx", user=admin_user)
    job = wait_for(job, {Job.Status.READY, Job.Status.FAILED})
    assert job.status == Job.Status.READY, job.result
    assert job.result["created"] == 2
    assert Unit.objects.count() == 0

    assert jobs.job_confirm(job=job)
    job = wait_for(job, {Job.Status.SUCCEEDED, Job.Status.FAILED})
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert Unit.objects.get(code="64.08.01.2001").parent.code == "64.08.01"


def test_a_broken_workbook_fails_on_the_worker_and_saves_nothing(celery_live, admin_user):
    job = services.units_import_start(data=b"not a workbook", file_name="x.xlsx", user=admin_user)
    job = wait_for(job, {Job.Status.READY, Job.Status.FAILED})
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == [
        "berkas: Berkas bukan workbook Excel (.xlsx). Gunakan templat yang disediakan."
    ]
    assert Unit.objects.count() == 0
