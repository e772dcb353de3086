"""Issue #22: a database made by the code just before organisers existed migrates with all its
data into the organiser "Diskominfo Staper Kabupaten Kutai Timur" (``kutim``): the demo is
loaded, scored and its certificates issued by that code, then today's migrations run, and the
counts, the ranking export and the certificate codes are the same as before; every level, unit
and period is Kutai Timur's and its admins are Kutai Timur's team."""

from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.conftest import database_url
from tests.test_migration_from_today import manage, old_tree_database, workbook_values

BEFORE = "9ca5a46940860bb8a669cd066e7c674d3bbb3da7"  # the last commit without organisers
DATABASE = "ppid_migration_organisers"
TABLES = [
    "award_level",
    "award_unit",
    "award_period",
    "award_jurymembership",
    "award_operatormembership",
    "evaluasi_questionnaire",
    "evaluasi_indicator",
    "evaluasi_submission",
    "evaluasi_answer",
    "evaluasi_evidence",
    "evaluasi_evidencecheck",
    "evaluasi_assignment",
    "evaluasi_verification",
    "evaluasi_presentationscore",
    "evaluasi_scoringrun",
    "evaluasi_score",
    "laporan_certificate",
    "penjurian_objection",
]
SCORE_AND_CERTIFICATES = """
from award.models import Period
from penilaian.services import scoring_run_start
from penilaian.selectors import scoring_run_published
from laporan.services import certificates_issue
scoring_run_start(period=Period.objects.get(year=2026), reason="drill", inline=True)
certificates_issue(run=scoring_run_published(period=Period.objects.get(year=2025)))
"""
CODES = """
from laporan.models import Certificate
print(",".join(sorted(Certificate.objects.values_list("code", flat=True))))
"""


def query(sql: str):
    with psycopg.connect(database_url(DATABASE)) as conn:
        return conn.execute(sql).fetchall()


def counts() -> dict:
    return {t: query(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_todays_data_becomes_kutai_timurs_with_nothing_lost(tmp_path):
    today = Path(settings.BASE_DIR)
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
        admins = query(
            "SELECT ug.user_id FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id "
            "WHERE g.name = 'Admin Diskominfo' ORDER BY 1"
        )
        assert admins

        manage(today, "migrate", "--noinput", env=env)
        assert counts() == before, "every row is still there"
        assert query("SELECT slug, name, region_code FROM award_organiser") == [
            ("kutim", "Diskominfo Staper Kabupaten Kutai Timur", "64.08")
        ]
        for table in ("award_level", "award_unit", "award_period"):
            owners = f"SELECT DISTINCT o.slug FROM {table} t JOIN award_organiser o ON o.id = t.organiser_id"  # noqa: S608,E501
            assert query(owners) == [("kutim",)], table
        assert (
            query("SELECT user_id FROM award_organisermembership WHERE role = 'admin' ORDER BY 1")
            == admins
        )
        manage(
            today, "export_ranking", "--period", "2026", "--out", str(tmp_path / "b.xlsx"), env=env
        )
        assert workbook_values(tmp_path / "b.xlsx") == workbook_values(tmp_path / "a.xlsx")
        codes_after = manage(today, "shell", "-c", CODES, env=env).strip().splitlines()[-1]
        assert codes_after == codes_before and codes_after
