"""The Scoring and Laporan issues' "done when", in a real browser: the admin starts a run,
watches the progress bar, opens a unit's explanation, finalises; the rankings show the
qualifications; the admin makes the certificates, a certificate's verification page opens,
and the public page lists the rankings with badges."""

import pytest

from award.models import ADMIN_GROUP
from common.models import Job
from laporan import jobs as laporan_jobs
from laporan.models import Certificate
from tests.e2e.conftest import login
from tests.factories import PASSWORD, UserFactory
from tests.penilaian import golden

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def test_admin_scores_finalises_and_publishes(page, live_server):
    period, units, _juries = golden.main_period()
    UserFactory(username="admin.nilai", groups=[ADMIN_GROUP], first_name="Admin")
    login(page, live_server, "admin.nilai", PASSWORD)

    page.goto(f"{live_server.url}/periode/{period.year}/penilaian/")
    page.get_by_role("button", name="Mulai penilaian").click()
    page.wait_for_url("**/penilaian/*/")
    page.locator(".progress-bar.bg-success").wait_for()
    assert page.get_by_text("Berhasil").first.is_visible()

    page.get_by_role("link", name="Peringkat").first.click()
    table = page.locator("#tingkat-opd")
    assert table.get_by_text("Menuju Informatif").first.is_visible()
    assert table.locator("tbody tr").first.inner_text().startswith("1")
    table.locator("tr", has_text="Dinas G01").get_by_role("link", name="Rincian").click()
    assert page.get_by_text("64,63").first.is_visible()
    assert page.get_by_text("F = V").first.is_visible() or page.get_by_text("Bukan finalis")

    page.go_back()
    # While the SAQ is still open, penetapan waits and says why.
    from award.models import Period

    Period.objects.filter(pk=period.pk).update(stage_override="saq")
    page.get_by_role("link", name="#1").first.click()
    blockers = page.locator("#penetapan-blockers")
    assert "Pengisian mandiri (SAQ)" in blockers.inner_text() or "SAQ" in blockers.inner_text()
    assert page.get_by_role("button", name="Tetapkan dan umumkan").is_disabled()
    Period.objects.filter(pk=period.pk).update(stage_override="penetapan")
    page.reload()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tetapkan dan umumkan").click()
    assert page.get_by_text("ditetapkan dan diumumkan").first.is_visible()

    page.get_by_role("link", name="Laporan dan sertifikat").click()
    page.get_by_role("button", name="Sertifikat").click()
    page.get_by_role("link", name="Satu PDF per unit (ZIP)").wait_for(timeout=60_000)
    assert Job.objects.filter(kind=laporan_jobs.CERTIFICATES, status="succeeded").exists()

    code = Certificate.objects.filter(unit__code="G03", kind="terbaik_1").get().code
    page.goto(f"{live_server.url}/verifikasi/{code}/")
    assert page.get_by_text("Sertifikat ini asli dan berlaku").is_visible()

    page.goto(f"{live_server.url}/hasil/{period.year}/")
    first = page.locator("tbody tr").first
    assert "Dinas G03" in first.inner_text()
    assert first.locator(".q-badge").inner_text() == "Informatif"
    assert not page.console_errors
