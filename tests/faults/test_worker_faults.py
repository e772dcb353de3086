"""Faults with real processes (issue #14): Celery workers killed with SIGKILL in the middle of a
scoring run. A chunk whose worker process died is delivered again and the run finishes on the
workers still alive, with the same input hash and the same results as a run nobody disturbed;
a whole worker killed inside the final stage leaves the previous results current, the run
ends failed (never "running" forever), and a new run gives the same hash and results."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import timezone

from penilaian import services as scoring_services
from penilaian.models import ScoringRun
from tests.conftest import process_env
from tests.faults.conftest import wait_until
from tests.penilaian import golden
from tests.penilaian.test_golden import results, run_period

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]
QUEUE = "ppid-worker-faults"


def start_worker(node: str, private_root, **extra) -> subprocess.Popen:
    env = process_env(
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
        PRIVATE_ROOT=str(private_root),
        SCORING_CHUNK_UNITS="2",
        **extra,
    )
    return subprocess.Popen(  # noqa: S603 - our own worker
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork", "-c", "1",
         "-Q", QUEUE, "-n", f"{node}@%h", "--without-gossip", "--without-mingle", "-l", "warning"],
        env=env,
        cwd=settings.BASE_DIR,
        start_new_session=True,  # its own process group: killpg takes the pool children too
    )  # fmt: skip


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


@pytest.fixture
def on_fault_queue():
    from config.celery import app

    app.control.purge()
    app.conf.task_always_eager = False
    app.conf.task_default_queue = QUEUE
    yield app
    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    app.conf.task_always_eager = True
    app.control.purge()


def run_into_the_final_stage(app, period) -> ScoringRun:
    """Start a run on the fault worker and wait until it is inside its final transaction."""
    wait_until(lambda: app.control.ping(timeout=0.5), 30, "the worker")
    run = scoring_services.scoring_run_start(period=period)

    def saving():
        run.refresh_from_db()
        assert run.is_active, run.message
        return run.progress >= 94

    wait_until(saving, 60, "the final stage (inside its transaction)")
    return run


def active_chunk(app, node_prefix: str):
    """The pid of the pool process of ``node_prefix`` running a scoring chunk, if any."""
    active = app.control.inspect(timeout=1.0).active() or {}
    for node, tasks in active.items():
        if node.startswith(node_prefix):
            for task in tasks:
                if task["name"] == "penilaian.scoring_chunk":
                    return task["worker_pid"]
    return None


def test_a_chunk_whose_worker_process_is_killed_runs_again_on_the_others(
    on_fault_queue, private_root, settings
):
    settings.SCORING_CHUNK_UNITS = 2
    period, _units, _juries = golden.main_period()
    on_fault_queue.conf.task_always_eager = True
    undisturbed = run_period(period)  # eager, in this process: the reference
    on_fault_queue.conf.task_always_eager = False
    expected = results(undisturbed)
    workers = [
        start_worker(node, private_root, SCORING_CHUNK_FAULT_DELAY="3") for node in ("w1", "w2")
    ]
    try:
        wait_until(lambda: len(on_fault_queue.control.ping(timeout=0.5)) >= 2, 30, "both workers")
        run = scoring_services.scoring_run_start(period=period)
        pid = wait_until(lambda: active_chunk(on_fault_queue, "w1"), 30, "w1 computing a chunk")
        nodes = [name for reply in on_fault_queue.control.ping(timeout=0.5) for name in reply]
        w1 = next(name for name in nodes if name.startswith("w1@"))
        # w1 takes nothing more from the queue; its chunk is killed mid-way: the message goes
        # back to the queue (reject_on_worker_lost) and only w2 can finish the run.
        on_fault_queue.control.cancel_consumer(QUEUE, destination=[w1], reply=True)
        os.kill(pid, signal.SIGKILL)  # the pool process of w1, in the middle of the chunk

        def finished():
            run.refresh_from_db()
            return not run.is_active

        wait_until(finished, 90, "the run to finish on the surviving processes")
        assert run.status == ScoringRun.Status.SUCCEEDED, run.message
        assert run.chunks_done == run.chunks_total == 3
        assert run.input_hash == undisturbed.input_hash
        assert results(run) == expected
        assert run.is_current
        stats = on_fault_queue.control.inspect(timeout=1.0).stats() or {}
        done_by = {
            node.split("@")[0]: info.get("total", {}).get("penilaian.scoring_chunk", 0)
            for node, info in stats.items()
        }
        # w2 ran the chunk w1 lost besides its own (w1 took nothing after the kill).
        assert done_by.get("w2", 0) >= 2, done_by
    finally:
        for worker in workers:
            stop(worker)


def test_a_worker_killed_in_the_final_stage_fails_the_run_and_a_new_run_agrees(
    on_fault_queue, private_root
):
    period, _units, _juries = golden.main_period()
    on_fault_queue.conf.task_always_eager = True
    good = run_period(period)
    on_fault_queue.conf.task_always_eager = False
    before = results(good)
    worker = start_worker("final", private_root, SCORING_FAULT_DELAY="30")
    try:
        run = run_into_the_final_stage(on_fault_queue, period)
        time.sleep(1.0)
        stop(worker)  # SIGKILL to the whole worker: main process and pool
    finally:
        stop(worker)
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.RUNNING and not run.is_current
    good.refresh_from_db()
    assert good.is_current and results(good) == before, "the previous results stay current"
    later = timezone.now() + timezone.timedelta(minutes=settings.SCORING_STALE_MINUTES + 1)
    assert scoring_services.scoring_runs_fail_stale(period=period, moment=later) == 1
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.FAILED and run.message

    on_fault_queue.conf.task_always_eager = True
    again = run_period(period)
    assert again.status == ScoringRun.Status.SUCCEEDED and again.is_current
    assert again.input_hash == good.input_hash
    assert results(again) == before


def test_a_run_whose_worker_died_ends_failed_within_a_minute_with_no_beat(
    on_fault_queue, private_root, admin_user, client, settings
):
    """No Celery beat, a whole worker SIGKILLed in the final stage: the scoring page sees
    within a minute that nothing beats for the run and nothing of it waits in the queue, ends
    it failed with a message, and a new run may start at once (issue #19, defect 11)."""
    from django.urls import reverse

    settings.WORK_STALE_SECONDS = 5
    period, _units, _juries = golden.main_period()
    worker = start_worker(
        "beat", private_root, SCORING_FAULT_DELAY="60", WORK_HEARTBEAT_SECONDS="1"
    )
    try:
        run = run_into_the_final_stage(on_fault_queue, period)
        time.sleep(2.0)
        client.force_login(admin_user)
        page = client.get(reverse("penilaian:scoring_run", args=[run.pk]))
        assert page.status_code == 200
        run.refresh_from_db()
        assert run.is_active, "a worker that beats is never taken for dead"
        stop(worker)
        killed = time.monotonic()
    finally:
        stop(worker)

    def ended():
        client.get(reverse("penilaian:scoring_run", args=[run.pk]))
        run.refresh_from_db()
        return not run.is_active

    wait_until(ended, 60, "the run ended failed")
    assert time.monotonic() - killed < 60
    assert run.status == ScoringRun.Status.FAILED and "berhenti" in run.message
    response = client.get(reverse("penilaian:scoring", args=[period.year]))
    assert "sedang berjalan" not in response.content.decode()


def test_the_admin_cancels_a_stuck_run_and_a_new_one_may_start(on_fault_queue, admin_user, client):
    """No worker takes the run: the admin cancels it on its page; its message is revoked,
    the previous results stay, and a new run may start."""
    from django.urls import reverse

    period, _units, _juries = golden.main_period()
    run = scoring_services.scoring_run_start(period=period)
    assert run.is_active
    client.force_login(admin_user)
    response = client.post(reverse("penilaian:scoring_run_cancel", args=[run.pk]), follow=True)
    assert response.status_code == 200
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.FAILED
    assert run.message.startswith("Dibatalkan oleh")
    assert "Proses dibatalkan" in response.content.decode()
    again = scoring_services.scoring_run_start(period=period)
    assert again.is_active and again.pk != run.pk
    assert scoring_services.scoring_run_cancel(run_id=run.pk, user=admin_user) is False
