"""The documented backup and restore commands (scripts/backup.sh and scripts/restore.sh, quoted
in docs/OPERATIONS.md), run as written: a restore into an empty database ends without a
single error and gives back the same rows and the same files."""

import hashlib
import subprocess

import psycopg
import pytest
from django.conf import settings

from evaluasi.models import Answer, Evidence
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.saq import services as saq_services
from tests.conftest import database_url
from tests.evaluasi.conftest import fill_everything

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_levels")]

TABLES = ["award_unit", "evaluasi_submission", "evaluasi_answer", "evaluasi_evidence"]


def counts(database_url):
    with psycopg.connect(database_url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def checksums(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_documented_backup_restores_into_an_empty_database(
    operator_a, unit_a, period, tmp_path, private_root
):
    questionnaire = questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    questionnaire_services.questionnaire_publish(questionnaire=questionnaire)
    submission = saq_services.submission_start(period=period, unit=unit_a)
    fill_everything(submission, operator_a)
    assert Answer.objects.exists() and Evidence.objects.filter(kind="file").exists()
    source = database_url()
    target_name = "ppid_restore_drill"
    admin = database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {target_name}")
        conn.execute(f"CREATE DATABASE {target_name}")
    try:
        backup = tmp_path / "cadangan"
        media = tmp_path / "media"
        media.mkdir()
        run = subprocess.run(
            ["bash", "scripts/backup.sh", source, str(private_root), str(media), str(backup)],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        restored_private, restored_media = tmp_path / "private2", tmp_path / "media2"

        def restore():
            return subprocess.run(
                [
                    "bash",
                    "scripts/restore.sh",
                    str(backup),
                    database_url(target_name),
                    str(restored_private),
                    str(restored_media),
                ],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
            )

        run = restore()
        assert run.returncode == 0, run.stderr
        assert "error" not in run.stderr.lower(), run.stderr
        assert counts(database_url(target_name)) == counts(source)
        assert checksums(restored_private) == checksums(private_root)
        # The same command over a database that already holds the data works too.
        run = restore()
        assert run.returncode == 0, run.stderr
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {target_name} WITH (FORCE)")


def test_the_operations_guide_quotes_the_tested_commands():
    guide = (settings.BASE_DIR / "docs" / "OPERATIONS.md").read_text()
    assert "scripts/backup.sh" in guide and "scripts/restore.sh" in guide
    restore = (settings.BASE_DIR / "scripts" / "restore.sh").read_text()
    assert "--clean --if-exists" in restore
    assert "pg_restore -d ppid --clean\n" not in guide
