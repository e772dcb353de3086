"""The audit trail (issue #14): who changed what, when, from where, old and new value — written
by PostgreSQL triggers, so a write behind the app's back is there too. The admin's page answers
"who changed the weights of 2026, and what were they before" in one filter; an operator sees
its own unit's history and no other."""

import io
import re

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from evaluasi.saq import services as saq_services
from tests.award.test_periods import form_data
from tests.factories import DesaFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_who_changed_the_weights_of_2026_and_what_they_were(admin_client, admin_user, period):
    admin_user.first_name, admin_user.last_name = "Rahmat", "Admin"
    admin_user.save()
    update = reverse("award:period_update", args=[2026])
    data = form_data(year="2026", name="PPID Award 2026")
    assert admin_client.post(update, data).status_code == 302
    response = admin_client.post(
        update, {**data, "weight_verification": "0.65", "weight_presentation": "0.35"},
        REMOTE_ADDR="10.20.30.40",
    )  # fmt: skip
    assert response.status_code == 302

    page = text(admin_client.get(reverse("audit:audit"), {"period": "2026", "kind": "period"}))
    assert "Rahmat Admin" in page and "10.20.30.40" in page
    assert "/periode/2026/ubah/" in page
    # Before → after, with the field's name in Indonesian.
    assert "Bobot nilai verifikasi:</span> <del>0,8</del> → <strong>0,65</strong>" in page
    assert "Bobot nilai presentasi:</span> <del>0,2</del> → <strong>0,35</strong>" in page
    # Moments read as moments: the SAQ closed at 23.59 WITA after the change.
    assert "1 Maret 2027 pukul 23.59 WITA</strong>" in page
    # The download button carries the filters on the screen.
    assert 'href="?period=2026&amp;kind=period&amp;format=xlsx"' in page

    workbook = load_workbook(
        io.BytesIO(
            b"".join(
                admin_client.get(
                    reverse("audit:audit"), {"period": "2026", "kind": "period", "format": "xlsx"}
                ).streaming_content
            )
        )
    )
    rows = list(workbook["jejak-audit"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Waktu", "Pengguna", "Alamat")
    weights = [r for r in rows if r[7] == "Bobot nilai verifikasi"]
    assert weights and weights[0][1] == "Rahmat Admin" and weights[0][2] == "10.20.30.40"
    assert (weights[0][8], weights[0][9]) == ("0,8", "0,65")


def test_a_unit_renamed_leaves_a_trace(admin_client, admin_user, unit_a):
    response = admin_client.post(
        reverse("award:unit_update", args=[unit_a.pk]),
        {"code": unit_a.code, "name": "Desa Swarga Bara Baru", "level": unit_a.level_id,
         "parent": unit_a.parent_id, "website": "", "operator_email": "", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:500]
    page = text(admin_client.get(reverse("audit:audit"), {"unit": unit_a.code, "kind": "unit"}))
    assert "<del>Desa Swarga Bara</del> → <strong>Desa Swarga Bara Baru</strong>" in page
    assert (admin_user.get_full_name() or admin_user.username) in page


def test_a_write_behind_the_apps_back_is_recorded(admin_client, operator_a, submission):
    indicator = submission.questionnaire.indicators.filter(type="ya_tidak").first()
    saq_services.answer_save(
        submission=submission, indicator=indicator, raw="ya", version=None, user=operator_a
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluasi_answer SET value = 'tidak' WHERE submission_id = %s"
            " AND indicator_id = %s",
            [submission.pk, indicator.pk],
        )
    page = text(admin_client.get(reverse("audit:audit"), {"kind": "answer"}))
    assert "<del>ya</del> → <strong>tidak</strong>" in page
    assert "sistem (perintah atau basis data)" in page
    assert f"indikator {indicator.code}" in page
    # Answers reach the period and the unit through their SAQ; another unit has none.
    for filters in ({"period": "2026"}, {"unit": submission.unit.code}):
        scoped = text(admin_client.get(reverse("audit:audit"), {**filters, "kind": "answer"}))
        assert "<del>ya</del> → <strong>tidak</strong>" in scoped, filters
    other = DesaFactory(code="64.08.04.2999", parent=submission.unit.parent)
    empty = text(admin_client.get(reverse("audit:audit"), {"unit": other.code, "kind": "answer"}))
    assert "Tidak ada perubahan yang cocok." in empty


def test_an_operator_sees_its_units_history_and_no_other(
    client, operator_a, operator_b, unit_a, unit_b, submission
):
    indicator = submission.questionnaire.indicators.filter(type="ya_tidak").first()
    client.force_login(operator_a)
    step = f"aspek-{indicator.aspect.order}-{indicator.aspect_id}"
    response = client.post(
        reverse("evaluasi:saq_autosave", args=[submission.pk, indicator.pk]),
        {"prefix": f"{step}-", f"{step}-i{indicator.pk}": "ya", f"{step}-v{indicator.pk}": "0"},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    page = text(client.get(reverse("audit:unit_history", args=[unit_a.pk])))
    assert f"indikator {indicator.code}" in page and "dibuat" in page
    assert client.get(reverse("audit:unit_history", args=[unit_b.pk])).status_code == 403
    assert client.get(reverse("audit:audit")).status_code == 403


def test_the_filters_say_what_is_wrong_and_keep_what_was_typed(admin_client):
    page = text(admin_client.get(reverse("audit:audit"), {"unit": "TIDAK-ADA", "user": "siapa"}))
    assert "Ketik kodenya" in page or "kode" in page
    assert 'value="TIDAK-ADA"' in page and 'value="siapa"' in page
    assert "Tidak ada akun" in page


@pytest.mark.django_db(transaction=True)  # the run's tasks are queued on commit
@pytest.mark.usefixtures("default_levels")
def test_changes_made_by_a_celery_task_name_the_task():
    from audit.selectors import audit_events, audit_rows
    from tests.penilaian import golden
    from tests.penilaian.test_golden import run_period

    period, _units, _juries = golden.main_period()
    run_period(period)  # eager: the tasks run here, with their signals
    rows = audit_rows(audit_events(period=period, kinds=["run"]))
    finished = [r for r in rows if any(new == "succeeded" for _f, _o, new in r.changes)]
    assert finished, [(r.who, r.changes) for r in rows]
    assert finished[0].who.startswith("tugas sistem penilaian.")
