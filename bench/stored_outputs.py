"""What keeping a run's outputs costs at national scale (Layout issue), against the code from
before (BEFORE: runs stored scores and aspect scores only), both measured in the same bench run.
Today a run also stores its settings and presentation scores, and keeps the answers and
verifications it read copy-on-write (database triggers), which costs nothing while they do
not change.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/stored_outputs.py [--units 83000] [--repeat 3]

Builds the national data set of bench/scoring.py once (83,000 desa, 100 indicators, 7.9 M
answers, 830,000 verification rows, presentation scores), then alternates full runs of the
national period: one by today's code, one by the code of BEFORE (its tree taken with
``git archive``, its own Celery worker), each started with that tree's ``score_period`` and
timed from the run's own start and end stamps. Prints each run, the medians, their ratio
(target ≤ 1.2), and what the stored outputs take in the database.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from _django import ROOT, scratch_database

BEFORE = "847784d55e3a62382f19ddf85ae9e771c110e43d"


def database_url():
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    )


def environment(queue: str, settings_module: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "0",
    }


def start_worker(tree: Path, app: str, queue: str, settings_module: str):
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", app, "worker", "-P", "prefork", "-c", "2",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "warning"],
        env=environment(queue, settings_module),
        cwd=tree,
    )  # fmt: skip


def timed_run(tree: Path, year: int, queue: str, settings_module: str) -> tuple[float, int]:
    from penilaian.models import ScoringRun

    before = set(ScoringRun.objects.values_list("pk", flat=True))
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "score_period", "--period", str(year), "--wait"],
        env=environment(queue, settings_module),
        cwd=tree,
        check=True,
        capture_output=True,
    )
    run = ScoringRun.objects.exclude(pk__in=before).get()
    assert run.status == "succeeded", run.message
    return (run.finished_at - run.created_at).total_seconds(), run.pk


def relation_mb(*tables: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        total = 0
        for table in tables:
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            total += cursor.fetchone()[0]
    return total / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=83_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", BEFORE], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as folder, scratch_database() as name:
        old = Path(folder) / "before"
        old.mkdir()
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(old, filter="data")
        sys.path.insert(0, str(ROOT / "bench"))
        from scoring import build

        print(f"scratch database {name}; building {args.units:,} units ...", flush=True)
        begin = time.perf_counter()
        periods, _juries = build(args.units)
        print(f"built in {time.perf_counter() - begin:.0f} s", flush=True)
        year = periods["full"][0].year
        workers = [
            start_worker(ROOT, "config", "bench-new", "config.settings"),
            start_worker(old, "award", "bench-old", "award.settings"),
        ]
        times = {"today": [], "before": []}
        try:
            time.sleep(8)
            # Warm-up of both (caches, the finalists).
            timed_run(ROOT, year, "bench-new", "config.settings")
            timed_run(old, year, "bench-old", "award.settings")
            for _ in range(args.repeat):
                times["before"].append(timed_run(old, year, "bench-old", "award.settings")[0])
                seconds, last_today = timed_run(ROOT, year, "bench-new", "config.settings")
                times["today"].append(seconds)
                print(
                    f"before {times['before'][-1]:.2f} s, today {times['today'][-1]:.2f} s",
                    flush=True,
                )
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=60)
        from penilaian.models import ScorePresentation

        presentations = ScorePresentation.objects.filter(run_id=last_today).count()
        before = statistics.median(times["before"])
        today = statistics.median(times["today"])
        print()
        print(f"national run, median of {args.repeat}: before {before:.2f} s, today {today:.2f} s")
        print(f"ratio today / before: {today / before:.2f} (target <= 1.2)")
        kept = relation_mb("penilaian_answersnapshot", "penilaian_verificationsnapshot")
        print(
            f"storage per run: {presentations} presentation rows; answer and verification "
            f"snapshots {kept:.2f} MB (copy-on-write: nothing changed after these runs)"
        )


if __name__ == "__main__":
    main()
