"""A database made by the code as it was before the layout change (models in award and
evaluasi) migrates forward with all its data: the demo is loaded, scored and its certificates
issued by that code, then today's migrations run, and the counts, the ranking export and the
certificate verification codes are the same as before."""

import contextlib
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from openpyxl import load_workbook

from tests.conftest import database_url

# The last commit with the old layout (jobs in award, jury and scoring models in evaluasi).
BEFORE = "847784d55e3a62382f19ddf85ae9e771c110e43d"
DATABASE = "ppid_migration_drill"
TABLES = [
    "award_unit",
    "award_period",
    "award_job",
    "evaluasi_questionnaire",
    "evaluasi_indicator",
    "evaluasi_submission",
    "evaluasi_answer",
    "evaluasi_evidence",
    "evaluasi_assignment",
    "evaluasi_verification",
    "evaluasi_presentationscore",
    "evaluasi_scoringrun",
    "evaluasi_score",
    "laporan_certificate",
]


def answers_as_text(rows):
    """The ``Jawaban`` column (G) as text: 7.5 and "7.5" (and 25 and "25") alike."""
    from decimal import Decimal, InvalidOperation

    def text(value):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except (InvalidOperation, ValueError):
            return value

    return [(*row[:6], text(row[6]), *row[7:]) if len(row) > 6 else row for row in rows]


SCORE_AND_CERTIFICATES = """
from award.models import Period
from evaluasi.services import scoring_run_start
from evaluasi.selectors import scoring_run_published
from laporan.services import certificates_issue
scoring_run_start(period=Period.objects.get(year=2026), reason="drill", inline=True)
certificates_issue(run=scoring_run_published(period=Period.objects.get(year=2025)))
"""
CODES = """
from laporan.models import Certificate
print(",".join(sorted(Certificate.objects.values_list("code", flat=True))))
"""


def manage(tree: Path, *args: str, env: dict) -> str:
    run = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=tree, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def counts() -> dict:
    with psycopg.connect(database_url(DATABASE)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def workbook_values(path: Path) -> list:
    workbook = load_workbook(path, read_only=True)
    return [
        (sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)])
        for sheet in workbook.worksheets
    ]


@contextlib.contextmanager
def old_tree_database(tmp_path: Path, commit: str, database: str):
    """The code of ``commit`` (a git archive) and an empty database of its own, with the
    environment to run both: yields (tree, env); the database is dropped afterwards."""
    import os

    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit],  # noqa: S607 - git from PATH
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=True,
    ).stdout
    old = tmp_path / "before"
    old.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(old, filter="data")
    admin = database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=database_url(database),
        DEBUG="1",
        SECRET_KEY="drill",
        PRIVATE_ROOT=str(tmp_path / "private"),
    )
    try:
        yield old, env
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_old_layout_migrates_with_all_its_data(tmp_path):
    with old_tree_database(tmp_path, BEFORE, DATABASE) as (old, env):
        manage(old, "migrate", "--noinput", env=env)
        manage(old, "demo_kutim", env=env)
        manage(old, "shell", "-c", SCORE_AND_CERTIFICATES, env=env)
        manage(
            old, "export_ranking", "--period", "2026", "--out", str(tmp_path / "a.xlsx"), env=env
        )
        codes_before = manage(old, "shell", "-c", CODES, env=env).strip().splitlines()[-1]
        before = counts()
        assert before["evaluasi_score"] > 100 and before["laporan_certificate"] > 0

        manage(Path(settings.BASE_DIR), "migrate", "--noinput", env=env)
        assert counts() == before, "every row is still there"
        manage(
            Path(settings.BASE_DIR),
            "export_ranking",
            "--period",
            "2026",
            "--out",
            str(tmp_path / "b.xlsx"),
            env=env,
        )
        # Everything the old export had is there unchanged; later issues only added the jury
        # agreement columns of ``juri`` and the ``kesepakatan`` sheet.
        before_sheets = dict(workbook_values(tmp_path / "a.xlsx"))
        after_sheets = dict(workbook_values(tmp_path / "b.xlsx"))
        assert set(after_sheets) - set(before_sheets) == {"kesepakatan"}
        for title, rows in before_sheets.items():
            width = len(rows[0])
            after = [row[:width] for row in after_sheets[title]]
            if title == "indikator":  # issue #13: number answers became number cells
                rows, after = answers_as_text(rows), answers_as_text(after)
            assert after == rows, title
        codes_after = (
            manage(Path(settings.BASE_DIR), "shell", "-c", CODES, env=env).strip().splitlines()[-1]
        )
        assert codes_after == codes_before and codes_after
