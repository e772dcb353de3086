"""Backup and restore drill (issue #14), run by `make test` on the Kutai Timur demo.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppid .venv/bin/python scripts/backup_drill.py

1. A scratch database is migrated and loaded with the demo (units, questionnaires, answers
   and evidence files, juries, a finalised 2025 run), and the 2025 certificates are issued.
2. The documented backup runs as written: `scripts/backup.sh` (docs/OPERATIONS.md).
3. The documented restore runs as written into an EMPTY database and empty folders:
   `scripts/restore.sh`.
4. Both sides are compared: every run's rankings and scores, the SAQ scores, every
   certificate's verification code, and the SHA-256 of every evidence file a row points at.

Prints what it compared and exits 1 on the first difference (0 when the restore is faithful).
The scratch databases are dropped at the end, whatever happened.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SOURCE, TARGET = "ppid_drill_source", "ppid_drill_restored"
BASH = shutil.which("bash") or "/bin/bash"

# What must come back identical, as (name, SQL): rankings and scores of every run, SAQ
# scores, certificates and the evidence rows (their files are compared by checksum).
CHECKS = [
    (
        "rankings and scores",
        "SELECT r.number, p.year, u.code, s.level_id, s.rank, s.saq, s.verified, s.presentation,"
        " s.final, s.qualification, s.finalist, s.aspects::text FROM evaluasi_score s"
        " JOIN evaluasi_scoringrun r ON r.id = s.run_id JOIN award_period p ON p.id = r.period_id"
        " JOIN award_unit u ON u.id = s.unit_id ORDER BY p.year, r.number, u.code",
    ),
    (
        "scoring runs",
        "SELECT r.id, r.number, r.status, r.input_hash, r.finalised_at, r.is_current"
        " FROM evaluasi_scoringrun r ORDER BY r.id",
    ),
    (
        "SAQ submissions",
        "SELECT s.id, u.code, s.status, s.saq_score, s.submitted_at FROM evaluasi_submission s"
        " JOIN award_unit u ON u.id = s.unit_id ORDER BY s.id",
    ),
    ("answers", "SELECT submission_id, indicator_id, value FROM evaluasi_answer ORDER BY 1, 2"),
    (
        "certificate verification codes",
        "SELECT c.code, u.code, c.kind, c.title FROM laporan_certificate c"
        " JOIN award_unit u ON u.id = c.unit_id ORDER BY c.code",
    ),
    (
        "evidence rows",
        "SELECT id, kind, file, size, url FROM evaluasi_evidence ORDER BY id",
    ),
]


def url_for(base: str, name: str) -> str:
    parts = urlparse(base)
    return urlunparse(parts._replace(path="/" + name))


def admin_execute(base: str, *statements: str) -> None:
    with psycopg.connect(url_for(base, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_demo(source_url: str, private: Path, media: Path) -> None:
    """The demo into the scratch database, in a child process with its own settings."""
    env = {
        **os.environ,
        "DATABASE_URL": source_url,
        "PRIVATE_ROOT": str(private),
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "drill-only-secret-key"),
    }
    env.pop("CELERY_BROKER_URL", None)  # eager Celery: the demo's jobs run in this process
    env.pop("CACHE_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*manage, "demo_kutim"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    issue = (
        "from laporan.services import certificates_issue\n"
        "from penilaian.models import ScoringRun\n"
        "runs = ScoringRun.objects.filter(finalised_at__isnull=False)\n"
        "print(sum(len(certificates_issue(run=run)) for run in runs))\n"
    )
    result = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", issue],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"  demo loaded; {result.stdout.strip().splitlines()[-1]} certificates issued")


def main() -> int:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppid")
    source_url, target_url = url_for(base, SOURCE), url_for(base, TARGET)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="ppid-drill-"))
    private, media = work / "private", work / "media"
    backup, restored_private, restored_media = work / "cadangan", work / "private2", work / "media2"
    for folder in (private, media):
        folder.mkdir()
    admin_execute(
        base,
        f"DROP DATABASE IF EXISTS {SOURCE} WITH (FORCE)",
        f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)",
        f"CREATE DATABASE {SOURCE}",
        f"CREATE DATABASE {TARGET}",
    )
    failures: list[str] = []
    try:
        print(f"1. demo into {SOURCE}")
        load_demo(source_url, private, media)
        print("2. scripts/backup.sh (as documented)")
        subprocess.run(  # noqa: S603 - the documented command, as written
            [BASH, "scripts/backup.sh", source_url, str(private), str(media), str(backup)],
            cwd=ROOT,
            check=True,
        )
        print(f"3. scripts/restore.sh into the empty {TARGET} and empty folders")
        subprocess.run(  # noqa: S603 - the documented command, as written
            [
                BASH,
                "scripts/restore.sh",
                str(backup),
                target_url,
                str(restored_private),
                str(restored_media),
            ],
            cwd=ROOT,
            check=True,
        )
        print("4. compare")
        for name, sql in CHECKS:
            before, after = rows(source_url, sql), rows(target_url, sql)
            same = before == after
            print(f"   {'same' if same else 'DIFFERENT'}: {name} ({len(before)} rows)")
            if not same:
                failures.append(name)
        files = [row[0] for row in rows(target_url, "SELECT file FROM evaluasi_evidence")]
        files = [name for name in files if name]
        differing = [
            name
            for name in files
            if not (restored_private / name).is_file()
            or sha256(restored_private / name) != sha256(private / name)
        ]
        print(
            f"   {'same' if not differing else 'DIFFERENT'}: evidence file checksums "
            f"({len(files)} files, SHA-256)"
        )
        if not files:
            failures.append("no evidence file to compare (the demo should upload some)")
        if differing:
            failures.append(f"evidence files {differing[:5]}")
    finally:
        admin_execute(
            base,
            f"DROP DATABASE IF EXISTS {SOURCE} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)",
        )
    elapsed = time.monotonic() - started
    if failures:
        print(f"backup drill FAILED after {elapsed:.0f} s: {', '.join(failures)}")
        return 1
    print(f"backup drill passed in {elapsed:.0f} s: the restore gives back the same results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
