"""With the job queue (Redis) unreachable, "Mulai penilaian" and "Buat laporan" say so in
Indonesian, leave nothing half-started and can be retried; a run or job whose message the
queue lost does not block anything; three clicks on "Buat sertifikat" make one job."""

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from common.jobs import job_run_task
from common.models import Job
from laporan import jobs as laporan_jobs
from penilaian import services as scoring_services
from penilaian import tasks as scoring_tasks
from penilaian.models import ScoringRun
from tests.penilaian import golden

pytestmark = pytest.mark.django_db(transaction=True)


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def period(default_levels):
    period, _units, _juries = golden.main_period()
    return period


def test_starting_a_scoring_run_with_the_queue_down_says_so_and_can_be_retried(
    period, admin_client, monkeypatch
):
    from config.celery import app

    app.conf.task_always_eager = False
    monkeypatch.setattr(scoring_tasks.scoring_plan_task, "apply_async", broker_down)
    response = admin_client.post(reverse("penilaian:scoring", args=[period.year]), {"reason": ""})
    assert response.status_code == 302
    run = ScoringRun.objects.get(period=period)
    assert run.status == "failed"
    page = admin_client.get(response["Location"]).text
    assert "Antrean pekerjaan (Redis) tidak dapat dihubungi" in page
    monkeypatch.undo()
    app.conf.task_always_eager = True
    again = admin_client.post(reverse("penilaian:scoring", args=[period.year]), {"reason": ""})
    assert again.status_code == 302
    assert ScoringRun.objects.filter(period=period, status="succeeded").count() == 1


def test_a_queued_run_whose_message_was_lost_does_not_block_the_period(period):
    lost = ScoringRun.objects.create(
        period=period, number=1, status="queued", heartbeat_at=timezone.now(), task_id="f" * 32
    )
    ScoringRun.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=3)
    )
    assert scoring_services.scoring_runs_fail_stale(period=period) == 1
    lost.refresh_from_db()
    assert lost.status == "failed" and "antrean" in lost.message
    run = scoring_services.scoring_run_start(period=period, inline=True)
    assert run.status == "succeeded"


def test_report_jobs_with_the_queue_down_and_three_clicks(period, admin_client, monkeypatch):
    from config.celery import app

    run = scoring_services.scoring_run_start(period=period, inline=True)
    assert run.status == "succeeded"
    url = reverse("laporan:report_start", args=[period.year, "peringkat"])
    app.conf.task_always_eager = False
    monkeypatch.setattr(job_run_task, "apply_async", broker_down)
    admin_client.post(url)
    job = Job.objects.get(kind=laporan_jobs.RANKING_EXPORT)
    assert job.status == "failed" and "tidak dapat dihubungi" in job.message
    # Queue back (messages go to a queue no worker reads, so the job stays queued): three
    # clicks while it waits make one job.
    monkeypatch.undo()
    app.conf.task_default_queue = "ppid-idle-test"
    try:
        for _ in range(3):
            admin_client.post(url)
        assert Job.objects.filter(kind=laporan_jobs.RANKING_EXPORT, status="queued").count() == 1
        assert Job.objects.filter(kind=laporan_jobs.RANKING_EXPORT).count() == 2
    finally:
        from django.conf import settings

        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete("ppid-idle-test")
        app.conf.task_always_eager = True
