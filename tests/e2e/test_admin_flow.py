"""The Foundation's "done when", in a real browser: an admin creates a period, imports units
from a workbook and invites an operator; the operator activates the account and gets 403 on
an admin page."""

import re

import pytest
from django.core import mail

from award.models import Period, Unit
from tests.e2e.conftest import login
from tests.factories import PASSWORD, UserFactory
from tests.workbooks import units_xlsx

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def test_admin_creates_period_imports_units_invites_operator(page, live_server, tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from award.models import ADMIN_GROUP

    UserFactory(username="admin.e2e", groups=[ADMIN_GROUP], first_name="Admin")
    login(page, live_server, "admin.e2e", PASSWORD)
    assert "Selamat datang" in page.content()

    # Create a period; first with a mistake, which is explained and keeps the input.
    page.get_by_role("link", name="Periode baru").first.click()
    page.get_by_label("Tahun").fill("2027")
    page.get_by_label("Nama").fill("PPID Award Kutim 2027")
    page.get_by_label("bobot nilai presentasi").fill("0.3")
    page.get_by_role("button", name="Simpan").click()
    assert page.get_by_text("Jumlah bobot verifikasi dan presentasi harus 1").is_visible()
    assert page.get_by_label("Nama").input_value() == "PPID Award Kutim 2027"
    page.get_by_label("bobot nilai presentasi").fill("0.2")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url("**/periode/2027/")
    assert page.get_by_role("heading", name="PPID Award Kutim 2027").is_visible()
    assert Period.objects.filter(year=2027).exists()

    # Import units from a workbook: upload, preview, confirm.
    workbook = tmp_path / "unit-kutim.xlsx"
    workbook.write_bytes(
        units_xlsx(
            [
                ["64.08.04", "Kecamatan Sangatta Utara", "kecamatan", "", "", ""],
                ["64.08.04.2002", "Desa Swarga Bara", "desa", "64.08.04", "", ""],
                ["OPD.DISKOMINFO", "Dinas Kominfo", "opd", "", "", ""],
            ]
        )
    )
    page.goto(live_server.url + "/unit/impor/")
    page.get_by_label("Workbook (.xlsx)").set_input_files(str(workbook))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_text("Pratinjau: yang akan berubah").wait_for()
    assert Unit.objects.count() == 0
    page.get_by_role("button", name="Konfirmasi impor").click()
    page.get_by_text("3 unit dibuat, 0 diperbarui, 0 tidak berubah.").wait_for()
    assert Unit.objects.count() == 3

    # Search the list, open the desa and invite its operator.
    page.get_by_role("link", name="Lihat daftar unit").click()
    page.get_by_label("Cari").fill("swarga")
    page.locator("#unit-table").get_by_text("1 unit").wait_for()
    page.get_by_role("link", name="Desa Swarga Bara").click()
    page.get_by_label("Nama lengkap").fill("Operator Swarga Bara")
    page.get_by_label("Email").fill("op.swarga@desa.id")
    page.get_by_role("button", name="Kirim undangan").click()
    page.get_by_text("Undangan dikirim ke op.swarga@desa.id").wait_for()
    link = re.search(r"(/akun/undangan/\S+/)", mail.outbox[-1].body).group(1)
    assert not page.console_errors, page.console_errors

    # The operator activates the account, signs in and is refused the admin pages.
    page.get_by_role("button", name=re.compile("Admin")).click()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/masuk/")
    page.goto(live_server.url + link)
    page.get_by_label("Sandi baru", exact=True).fill("Kutim#Informatif27")
    page.get_by_label("Konfirmasi sandi baru").fill("Kutim#Informatif27")
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.get_by_text("Akun Anda sudah aktif").wait_for()
    login(page, live_server, "op.swarga@desa.id", "Kutim#Informatif27")
    assert page.get_by_text("Desa Swarga Bara").first.is_visible()
    response = page.goto(live_server.url + "/periode/")
    assert response.status == 403
    assert page.get_by_role("heading", name="Akses ditolak").is_visible()
    unexpected = [e for e in page.console_errors if "403 (Forbidden)" not in e]
    assert not unexpected, unexpected
