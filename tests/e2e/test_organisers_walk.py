"""Issue #22's "done when", in a real browser: the platform superuser creates Kota Bontang and
its admin; Bontang's admin imports units whose codes Kutai Timur also uses, creates a period
from the KI Bali 70/30 preset, scores it and publishes; the public sees both organisers'
results at their own URLs; Kutai Timur's admin gets 404 on a Bontang URL; an old bookmark
still lands on the right page."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from award.models import Organiser, OrganiserMembership, Period, Unit
from award.scoping import organiser_scope
from penilaian.services import scoring_run_finalise, scoring_run_start
from penjurian.assignment import assignment_add
from penjurian.models import PresentationCriterion
from penjurian.presentations import presentation_scores_save
from tests.e2e.conftest import login
from tests.factories import PASSWORD, OpdFactory, UserFactory, kutim
from tests.penilaian import golden
from tests.workbooks import units_xlsx

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def kutai_timur_published():
    """Kutai Timur's golden period 2030, scored and published (DESIGN.md §3 values)."""
    period, _units, _juries = golden.main_period(year=2030)
    admin = UserFactory(username="admin.kutim")
    OrganiserMembership.objects.create(user=admin, organiser=kutim(), role="admin")
    OpdFactory(code="OPD.DISKOMINFO", name="Dinas Kominfo Kutai Timur")
    run = scoring_run_start(period=period, reason="Uji", inline=True)
    scoring_run_finalise(run=run, user=admin)
    return period


def bontang_answers(period):
    """What Bontang's OPD answered (the golden G03 and G04 answers) and one jury's
    presentation scores: G03 → SAQ 98, presentation 0.6·90 + 0.4·100 = 94; G04 → SAQ 92,
    presentation 0.6·80 + 0.4·90 = 84. No verification was made, so V = SAQ."""
    bontang = Organiser.objects.get(slug="bontang")
    with organiser_scope(bontang):
        opd = bontang.levels.get(code="opd")
        questionnaire = golden.build_questionnaire(
            period, opd, golden.MAIN_ASPECTS, golden.MAIN_OPTIONS
        )
        kominfo = Unit.objects.get(organiser=bontang, code="OPD.DISKOMINFO")
        bappeda = Unit.objects.get(organiser=bontang, code="OPD.BAPPEDA")
        golden.submit(period, questionnaire, kominfo, golden.MAIN_ANSWERS["G03"])
        golden.submit(period, questionnaire, bappeda, golden.MAIN_ANSWERS["G04"])
        (jury,) = golden.juries(period, 1)
        c1 = PresentationCriterion.objects.create(
            period=period, code="C1", name="Materi", weight=60
        )
        c2 = PresentationCriterion.objects.create(
            period=period, code="C2", name="Wawancara", weight=40
        )
        for unit, s1, s2 in [(kominfo, 90, 100), (bappeda, 80, 90)]:
            assignment_add(period=period, jury=jury, unit=unit)
            presentation_scores_save(
                period=period, unit=unit, jury=jury, scores={c1.pk: s1, c2.pk: s2}
            )
        golden.finished(period)


def test_a_second_organiser_from_creation_to_published_results(
    page, browser, live_server, tmp_path, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kutai_timur = kutai_timur_published()
    UserFactory(username="superadmin", is_superuser=True, is_staff=True)

    # The platform superuser creates Kota Bontang, then its admin.
    login(page, live_server, "superadmin", PASSWORD)
    page.goto(live_server.url + "/penyelenggara/")
    page.locator("#id_name").fill("Diskominfo Kota Bontang")
    page.locator("#id_slug").fill("bontang")
    page.locator("#id_region_code").fill("64.74")
    page.locator("#id_contact_email").fill("diskominfo@bontangkota.go.id")
    page.get_by_role("button", name="Buat").click()
    page.get_by_text("Penyelenggara Diskominfo Kota Bontang dibuat").wait_for()
    page.locator("#id_email").fill("admin@bontangkota.go.id")
    page.locator("#id_full_name").fill("Admin Bontang")
    page.locator("#id_role").select_option("admin")
    page.locator("button", has_text="Tambah").click()
    page.get_by_text("kini Admin Diskominfo Kota Bontang").wait_for()
    invitation = mail.outbox[-1]
    assert "Diskominfo Kota Bontang" in invitation.body
    link = re.search(r"(/akun/undangan/\S+/)", invitation.body).group(1)

    # Bontang's admin activates the account and imports units with Kutai Timur's codes.
    page.context.clear_cookies()
    page.goto(live_server.url + link)
    page.get_by_label("Sandi baru", exact=True).fill("Bontang#Informatif26")
    page.get_by_label("Konfirmasi sandi baru").fill("Bontang#Informatif26")
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.get_by_text("Akun Anda sudah aktif").wait_for()
    login(page, live_server, "admin@bontangkota.go.id", "Bontang#Informatif26")
    assert "/bontang/" in page.url
    workbook = tmp_path / "unit-bontang.xlsx"
    workbook.write_bytes(
        units_xlsx(
            [
                ["OPD.DISKOMINFO", "Dinas Kominfo Kota Bontang", "opd", "", "", ""],
                ["OPD.BAPPEDA", "Bappeda Kota Bontang", "opd", "", "", ""],
            ]
        )
    )
    page.goto(live_server.url + "/bontang/unit/impor/")
    page.get_by_label("Workbook (.xlsx)").set_input_files(str(workbook))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_role("button", name="Konfirmasi impor").click()
    page.get_by_text("2 unit dibuat, 0 diperbarui, 0 tidak berubah.").wait_for()
    bontang = Organiser.objects.get(slug="bontang")
    assert set(Unit.objects.filter(code="OPD.DISKOMINFO").values_list("organiser", flat=True)) == {
        kutim().pk,
        bontang.pk,
    }

    # A period from the KI Bali preset: 70 % SAQ and verification, 30 % presentation.
    page.goto(live_server.url + "/bontang/periode/baru/")
    page.locator("#id_mulai").select_option("ki_bali")
    page.get_by_role("button", name="Isi pengaturan").click()
    assert page.get_by_label("bobot nilai presentasi").input_value() in ("0.30", "0,30", "0.3")
    page.get_by_label("Tahun").fill("2026")
    page.get_by_label("Nama").fill("PPID Award Kota Bontang 2026")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url("**/bontang/periode/2026/")
    period = Period.objects.get(organiser=bontang, year=2026)
    assert (period.weight_verification, period.weight_presentation) == (
        Decimal("0.70"),
        Decimal("0.30"),
    )

    # The operators' answers and the jury's scores (their own screens are tested elsewhere);
    # the admin scores and publishes in the browser.
    bontang_answers(period)
    page.goto(live_server.url + "/bontang/periode/2026/penilaian/")
    page.get_by_role("button", name="Mulai penilaian").click()
    page.wait_for_url("**/penilaian/*/")
    page.locator(".progress-bar.bg-success").wait_for()
    page.reload()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tetapkan dan umumkan").click()
    assert page.get_by_text("ditetapkan dan diumumkan").first.is_visible()

    # The public sees each organiser's results at its own URL, and the start page lists both.
    public = browser.new_context(locale="id-ID").new_page()
    public.goto(live_server.url + "/bontang/hasil/2026/")
    body = public.content()
    # F = 0.7·V + 0.3·P: 0.7·98 + 0.3·94 = 96.8 and 0.7·92 + 0.3·84 = 89.6 (80/20 gives 97.2).
    assert "Dinas Kominfo Kota Bontang" in body and "96,80" in body and "89,60" in body
    assert "Dinas G03" not in body and "Dinas Kominfo Kutai Timur" not in body
    public.goto(live_server.url + f"/kutim/hasil/{kutai_timur.year}/")
    body = public.content()
    assert "Dinas G03" in body and "90,40" in body and "Kota Bontang" not in body
    public.goto(live_server.url + "/")
    start = public.locator("main").inner_text()
    assert "Diskominfo Kota Bontang" in start and "Kutai Timur" in start

    # An old bookmark (before organisers had their URLs) lands on Kutai Timur's page.
    public.goto(live_server.url + f"/hasil/{kutai_timur.year}/")
    assert public.url == live_server.url + f"/kutim/hasil/{kutai_timur.year}/"
    assert "Dinas G03" in public.content()
    public.context.close()

    # Kutai Timur's admin opens a Bontang page: it does not exist for them.
    page.context.clear_cookies()
    login(page, live_server, "admin.kutim", PASSWORD)
    response = page.goto(live_server.url + "/bontang/periode/2026/")
    assert response.status == 404
    response = page.goto(live_server.url + "/bontang/unit/")
    assert response.status == 404
    assert not [e for e in page.console_errors if "404" not in e], page.console_errors
