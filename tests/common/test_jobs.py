"""Jobs always end: hostile workbooks are refused before any reader allocates memory, a worker
that dies or a broker that forgets leaves a failed job (never "running" forever), a job that
cannot be queued says so, and the same work is never queued twice at once."""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook

from award import services
from common import jobs
from common.models import Job
from common.workbooks import Problems, workbook_open
from config.celery import app, ping
from tests.award.test_celery_worker import wait_for
from tests.conftest import process_env
from tests.workbooks import UNIT_HEADER, units_xlsx

ROWS = [["64.08.01", "Kecamatan Muara Ancalong", "kecamatan", "", "", ""]]


def far_cell_workbook() -> bytes:
    """2 KB: a units sheet that declares one cell at XFD1048576 (a reader would allocate
    16,384 × 1,048,576 cells for it)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "unit"
    sheet.append(UNIT_HEADER)
    sheet.append(ROWS[0])
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb_workbook() -> bytes:
    """A units workbook whose sheet unpacks to ~160 MB (well under 1 MB as a file)."""
    good = units_xlsx(ROWS)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (160 * 1024 * 1024))
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.django_db
def test_a_cell_at_xfd1048576_is_refused_naming_the_sheet():
    data = far_cell_workbook()
    assert len(data) < 8 * 1024
    problems = Problems()
    assert workbook_open(data, problems) is None
    (error,) = problems.errors
    assert error.sheet == "unit" and error.cell == "XFD1048576"
    assert "1.048.576" in error.message and "16384" in error.message


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    data = zip_bomb_workbook()
    assert len(data) < 1024 * 1024
    problems = Problems()
    started = time.perf_counter()
    assert workbook_open(data, problems) is None
    assert time.perf_counter() - started < 2
    assert "MB" in problems.errors[0].message


@pytest.mark.django_db
def test_a_normal_workbook_still_opens():
    problems = Problems()
    assert workbook_open(units_xlsx(ROWS * 1), problems) is not None
    assert not problems.errors


@pytest.mark.django_db
def test_the_same_work_is_queued_once_while_it_runs(
    admin_user, settings, django_capture_on_commit_callbacks
):
    app.conf.task_always_eager = False  # keep the jobs queued (no worker consumes this queue)
    app.conf.task_default_queue = "ppid-idle-test"
    try:
        data = units_xlsx(ROWS)
        with django_capture_on_commit_callbacks(execute=True) as sent:
            first = services.units_import_start(data=data, file_name="a.xlsx", user=admin_user)
            second = services.units_import_start(data=data, file_name="b.xlsx", user=admin_user)
        assert len(sent) == 1, "one task queued for the two clicks"
        other = services.units_import_start(
            data=units_xlsx(ROWS + [["OPD.X", "Dinas X", "opd", "", "", ""]]),
            file_name="c.xlsx",
            user=admin_user,
        )
        assert first.pk == second.pk != other.pk
        assert Job.objects.count() == 2
        Job.objects.filter(pk=first.pk).update(status=Job.Status.FAILED)
        again = services.units_import_start(data=data, file_name="a.xlsx", user=admin_user)
        assert again.pk != first.pk, "a failed job can be started again"
    finally:
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        app.control.purge()
        _drop_queue("ppid-idle-test")


def _drop_queue(name):
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(name)


@pytest.mark.django_db
def test_a_job_whose_message_was_lost_ends_failed(
    admin_user, settings, django_capture_on_commit_callbacks
):
    """Redis restarted without persistence: the job is queued, the broker holds nothing."""
    app.conf.task_always_eager = False
    app.conf.task_default_queue = "ppid-idle-test"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.units_import_start(
                data=units_xlsx(ROWS), file_name="a.xlsx", user=admin_user
            )
        Job.objects.filter(pk=job.pk).update(
            queued_at=timezone.now() - timezone.timedelta(minutes=5)
        )
        assert jobs.broker_holds_task(Job.objects.get(pk=job.pk).task_id) is True
        assert jobs.jobs_fail_lost() == 0, "its message is still waiting: not lost"
        _drop_queue("ppid-idle-test")  # what a restart without persistence does
        assert jobs.jobs_fail_lost() == 1
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED and "antrean" in job.message
    finally:
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        _drop_queue("ppid-idle-test")


@pytest.mark.django_db
def test_a_job_that_cannot_be_queued_fails_at_once_with_a_message(
    admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from common.jobs import job_run_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(job_run_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.units_import_start(
            data=units_xlsx(ROWS), file_name="a.xlsx", user=admin_user
        )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Redis" in job.message and "tidak dapat dihubungi" in job.message
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.units_import_start(
            data=units_xlsx(ROWS), file_name="a.xlsx", user=admin_user
        )
    assert again.pk != job.pk, "it can be started again"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_levels")
def test_the_bomb_through_the_worker_fails_the_job_and_the_worker_survives(celery_live, admin_user):
    job = services.units_import_start(
        data=far_cell_workbook(), file_name="bom.xlsx", user=admin_user
    )
    job = wait_for(job, {Job.Status.READY, Job.Status.FAILED})
    assert job.status == Job.Status.FAILED
    assert any("XFD1048576" in line and "unit" in line for line in job.result["errors"])
    assert celery_live.poll() is None, "the worker process is alive"
    assert ping.delay(7).get(timeout=20)["pong"] == 7


@pytest.fixture
def prefork_worker(celery_worker_process, private_root):
    """A second worker, prefork with one child that pauses in every job (JOB_FAULT_DELAY),
    on its own queue, so a test can kill the child in the middle of a job."""
    env = process_env(
        CELERY_TASK_DEFAULT_QUEUE="ppid-fault-test",
        PRIVATE_ROOT=str(private_root),
        JOB_FAULT_DELAY="30",
        WORK_HEARTBEAT_SECONDS="1",
    )
    process = subprocess.Popen(  # noqa: S603 - our own worker
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            "1",
            "-Q",
            "ppid-fault-test",
            "-n",
            "fault@%h",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    app.conf.task_always_eager = False
    app.conf.task_default_queue = "ppid-fault-test"
    try:
        yield process
    finally:
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def failed_within(job: Job, seconds: float) -> Job:
    """Apply the lost-job rules (as the job page does) until the job fails or time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        jobs.jobs_fail_lost(jobs=[Job.objects.get(pk=job.pk)])
        job.refresh_from_db()
        if job.status == Job.Status.FAILED:
            break
        time.sleep(0.5)
    return job


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_levels")
def test_a_job_whose_worker_process_is_killed_ends_failed(prefork_worker, admin_user):
    job = services.units_import_start(data=units_xlsx(ROWS), file_name="a.xlsx", user=admin_user)
    job = wait_for(job, {Job.Status.RUNNING}, timeout=60)
    (child,) = _children(prefork_worker.pid)
    os.kill(child, signal.SIGKILL)
    job = failed_within(job, 30)
    assert job.status == Job.Status.FAILED, job.status
    assert "berhenti" in job.message
    assert prefork_worker.poll() is None, "the worker itself survives and replaces its child"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_levels")
def test_a_job_whose_whole_worker_is_killed_ends_failed_within_a_minute(
    prefork_worker, admin_user, settings
):
    """The whole worker SIGKILLed (its message stays unacknowledged for the visibility
    timeout): no beat and nothing waiting in the queue ends the job failed at once."""
    settings.WORK_STALE_SECONDS = 5
    job = services.units_import_start(data=units_xlsx(ROWS), file_name="a.xlsx", user=admin_user)
    job = wait_for(job, {Job.Status.RUNNING}, timeout=60)
    jobs.jobs_fail_lost(jobs=[Job.objects.get(pk=job.pk)])
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING, "a beating worker lives"
    children = _children(prefork_worker.pid)
    for pid in [prefork_worker.pid, *children]:
        os.kill(pid, signal.SIGKILL)
    job = failed_within(job, 60)
    assert job.status == Job.Status.FAILED, job.status
    assert "berhenti" in job.message
