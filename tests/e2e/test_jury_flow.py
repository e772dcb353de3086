"""Issue #12's "done when", in a real browser: the admin imports juries with a conflict and
assigns them automatically; a jury previews a PDF inline and verifies with the keyboard, one
adjustment and one rejection; the operator (on a phone) objects to the rejection; the jury
accepts the objection and the verified value changes; a finalist gets a schedule and the
juries score it (a wrong score is refused and kept); the admin sees the agreement figures,
finalises once nothing is left open, and the explanation page shows the verified and
presentation numbers."""

import pytest
from django.core.files.base import ContentFile

from award.models import ADMIN_GROUP, JURY_GROUP, OPERATOR_GROUP, OperatorMembership, Period
from evaluasi.models import Answer, Evidence, Submission
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from penilaian.models import Score, ScoringRun
from penjurian.models import Assignment, Objection, PresentationScore, Verification
from penjurian.verification import verification_save
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DesaFactory, KecamatanFactory, PeriodFactory, UserFactory
from tests.penilaian.test_golden import run_period
from tests.workbooks import xlsx

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def _stage(period, stage):
    Period.objects.filter(pk=period.pk).update(stage_override=stage)


def _world():
    period = PeriodFactory(year=2026, stage_override="verifikasi", finalist_minimum=0)
    questionnaire = questionnaire_services.questionnaire_publish(
        questionnaire=questionnaire_services.questionnaire_import(
            data=default_workbook_path("desa").read_bytes(), period=period
        )
    )
    bengalon = KecamatanFactory(code="64.08.09", name="Kecamatan Bengalon")
    sepaso = DesaFactory(code="64.08.09.2001", name="Desa Sepaso", parent=bengalon)
    other = KecamatanFactory(code="64.08.01", name="Kecamatan Muara Ancalong")
    kelinjau = DesaFactory(code="64.08.01.2001", name="Desa Kelinjau Ulu", parent=other)
    yes_no = list(
        questionnaire.indicators.filter(type="ya_tidak").order_by("aspect__order", "order")
    )
    for unit in (sepaso, kelinjau):
        submission = Submission.objects.create(
            period=period, unit=unit, questionnaire=questionnaire, status="submitted"
        )
        for indicator in yes_no:
            Answer.objects.create(submission=submission, indicator=indicator, value="ya")
    first = yes_no[0]
    sepaso_saq = Submission.objects.get(unit=sepaso)
    evidence = Evidence(
        submission=sepaso_saq,
        indicator=first,
        kind=Evidence.Kind.FILE,
        original_name="sk-ppid.pdf",
        content_type="application/pdf",
        size=9,
    )
    evidence.file.save("sk-ppid.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    operator = UserFactory(username="op.sepaso", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=operator, unit=sepaso)
    UserFactory(username="admin.juri", groups=[ADMIN_GROUP], first_name="Admin")
    for name in ("juri.a", "juri.b", "juri.c"):
        UserFactory(username=name, groups=[JURY_GROUP], first_name=name.title())
    return period, sepaso, kelinjau, sepaso_saq, yes_no


def test_jury_work_from_import_to_penetapan(page, browser, live_server, tmp_path):
    period, sepaso, kelinjau, saq, yes_no = _world()
    base = live_server.url

    # 1. The admin imports three juries, juri.a in conflict with Kecamatan Bengalon, and
    #    assigns two per unit automatically.
    workbook = tmp_path / "juri.xlsx"
    workbook.write_bytes(
        xlsx(
            {
                "juri": [
                    ["username", "nama", "email", "tingkat", "konflik"],
                    ["juri.a", "Juri A", "a@example.org", "desa", "64.08.09"],
                    ["juri.b", "Juri B", "b@example.org", "", ""],
                    ["juri.c", "Juri C", "c@example.org", "", ""],
                ]
            }
        )
    )
    login(page, live_server, "admin.juri", PASSWORD)
    page.goto(f"{base}/periode/2026/juri/")
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.get_by_role("button", name="Impor").click()
    page.get_by_text("juri ditambahkan").first.wait_for()
    page.get_by_role("button", name="Tugaskan juri").click()
    page.get_by_text("penugasan baru").first.wait_for()
    sepaso_juries = set(
        Assignment.objects.filter(unit=sepaso).values_list("jury__username", flat=True)
    )
    assert sepaso_juries == {"juri.b", "juri.c"}, "juri.a is in conflict with Bengalon"
    page.goto(f"{base}/periode/2026/penugasan/")
    assert page.locator("td", has_text="konflik").count() >= 1
    page.context.clear_cookies()

    # 2. juri.b previews the PDF inline, accepts with the keyboard, adjusts one, rejects one.
    login(page, live_server, "juri.b", PASSWORD)
    page.goto(f"{base}/juri/")
    page.get_by_role("link", name="Desa Sepaso").click()
    with page.expect_response("**/juri/bukti/*/") as preview:
        page.locator("summary", has_text="Pratinjau").first.click()
    response = preview.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert "attachment" not in response.headers.get("content-disposition", "")
    first = page.locator(f"#ind-{yes_no[0].pk}")
    first.focus()
    with page.expect_response(lambda r: r.request.method == "POST" and "/juri/unit/" in r.url):
        page.keyboard.press("a")
    first.get_by_text("Tersimpan").wait_for()
    second = page.locator(f"#ind-{yes_no[1].pk}")
    second.get_by_text("Sesuaikan", exact=True).click()
    second.locator("select[name=value]").select_option("tidak")
    second.locator("textarea[name=reason]").fill("Laporan layanan belum ada")
    second.get_by_role("button", name="Simpan dan lanjut").click()
    third = page.locator(f"#ind-{yes_no[2].pk}")
    third.get_by_text("Tolak", exact=True).click()
    third.get_by_role("button", name="Simpan dan lanjut").click()
    assert page.get_by_text("tidak tersimpan").first.is_visible()  # a reason is required
    page.locator(f"#ind-{yes_no[2].pk} textarea[name=reason]").fill("SK tidak ditandatangani")
    page.locator(f"#ind-{yes_no[2].pk}").get_by_role("button", name="Simpan dan lanjut").click()
    page.wait_for_load_state()
    verdicts = dict(
        Verification.objects.filter(jury__username="juri.b").values_list("indicator_id", "decision")
    )
    assert verdicts == {yes_no[0].pk: "accept", yes_no[1].pk: "adjust", yes_no[2].pk: "reject"}
    page.context.clear_cookies()

    # 3. On a phone, the operator objects to the rejection during the objection window.
    _stage(period, "sanggah")
    phone = browser.new_context(
        locale="id-ID", timezone_id="Asia/Makassar", viewport={"width": 360, "height": 740}
    )
    mobile = phone.new_page()
    login(mobile, live_server, "op.sepaso", PASSWORD)
    mobile.get_by_role("link", name="Hasil verifikasi dan sanggah").click()
    rejected = Verification.objects.get(jury__username="juri.b", indicator=yes_no[2])
    card = mobile.locator(f"#v-{rejected.pk}")
    assert "SK tidak ditandatangani" in card.inner_text()
    assert "juri.b" not in mobile.content() and "Juri B" not in mobile.content()
    card.get_by_text("Sanggah putusan ini").click()
    card.locator("textarea[name=text]").fill("SK sudah ditandatangani Kepala Desa; lihat lampiran.")
    card.get_by_role("button", name="Kirim sanggahan").click()
    mobile.get_by_text("Sanggahan terkirim").wait_for()
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the objection page is {width}px wide on a phone"
    phone.close()

    # 4. The jury accepts the objection: the verdict becomes "accept", the old one recorded.
    login(page, live_server, "juri.b", PASSWORD)
    page.goto(f"{base}/juri/")
    assert page.get_by_text("1 sanggahan perlu dijawab").first.is_visible()
    page.get_by_role("link", name="Desa Sepaso").click()
    page.get_by_role("link", name="1 sanggahan perlu dijawab").click()
    page.get_by_text("Terima sanggahan").click()
    page.get_by_role("button", name="Kirim jawaban").click()
    page.get_by_text("Jawaban disimpan").wait_for()
    objection = Objection.objects.get()
    rejected.refresh_from_db()
    assert objection.status == "accepted" and objection.before_decision == "reject"
    assert rejected.decision == "accept"
    page.context.clear_cookies()

    # 5. Every remaining verdict (the rest of the work, by the service), a scoring run for the
    #    finalists; the admin sets criteria and a schedule, both juries score the finalist.
    for unit in (sepaso, kelinjau):
        submission = Submission.objects.get(unit=unit)
        for assignment in Assignment.objects.filter(unit=unit):
            done = set(
                Verification.objects.filter(
                    submission=submission, jury=assignment.jury
                ).values_list("indicator_id", flat=True)
            )
            for indicator in submission.questionnaire.indicators.exclude(pk__in=done):
                verification_save(
                    submission=submission,
                    indicator=indicator,
                    jury=assignment.jury,
                    decision="accept",
                )
    _stage(period, "presentasi")
    run_period(period)
    login(page, live_server, "admin.juri", PASSWORD)
    page.goto(f"{base}/periode/2026/presentasi/")
    page.locator("input[name=k-0-code]").fill("M")
    page.locator("input[name=k-0-name]").fill("Materi")
    page.locator("input[name=k-0-weight]").fill("60")
    page.locator("input[name=k-1-code]").fill("W")
    page.locator("input[name=k-1-name]").fill("Wawancara")
    page.locator("input[name=k-1-weight]").fill("40")
    page.get_by_role("button", name="Simpan kriteria").click()
    page.get_by_text("Kriteria presentasi disimpan").wait_for()
    slot = page.locator(f"input[name=s{sepaso.pk}-starts_at]")
    slot.fill("2026-12-20T09:30")
    page.locator(f"input[name=s{sepaso.pk}-place]").fill("Aula Diskominfo")
    slot.locator("xpath=ancestor::form").get_by_role("button", name="Simpan").click()
    page.get_by_text("Jadwal Desa Sepaso disimpan").wait_for()
    page.context.clear_cookies()
    for jury, (materi, wawancara) in (("juri.b", ("150", "80")), ("juri.c", ("70", "75,5"))):
        login(page, live_server, jury, PASSWORD)
        page.goto(f"{base}/juri/presentasi/")
        page.get_by_role("link", name="Desa Sepaso").click()
        page.get_by_label("M · Materi").fill(materi)
        page.get_by_label("W · Wawancara").fill(wawancara)
        page.get_by_role("button", name="Simpan nilai").click()
        if materi == "150":
            assert page.get_by_text("antara 0 dan 100").first.is_visible()
            assert page.get_by_label("W · Wawancara").input_value() == "80"
            page.get_by_label("M · Materi").fill("90")
            page.get_by_role("button", name="Simpan nilai").click()
        page.get_by_text("nilai Desa Sepaso disimpan").wait_for()
        page.context.clear_cookies()
    assert PresentationScore.objects.count() == 4

    # 6. Agreement figures, finalisation once nothing is open, and the explanation page.
    _stage(period, "penetapan")
    login(page, live_server, "admin.juri", PASSWORD)
    page.goto(f"{base}/periode/2026/pengawasan/")
    assert page.get_by_text("Alpha Krippendorff, nilai verifikasi").is_visible()
    assert page.get_by_text("Kesepakatan antarjuri").is_visible()
    page.goto(f"{base}/periode/2026/penilaian/")
    page.get_by_role("button", name="Mulai penilaian").click()
    page.wait_for_url("**/penilaian/*/")
    page.locator(".progress-bar.bg-success").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tetapkan dan umumkan").click()
    assert page.get_by_text("ditetapkan dan diumumkan").first.is_visible()
    run = ScoringRun.objects.get(finalised_at__isnull=False)
    score = Score.objects.get(run=run, unit=sepaso)
    # Juries' presentation scores: juri.b 0.6·90 + 0.4·80 = 86, juri.c 0.6·70 + 0.4·75.5 = 72.2
    assert f"{score.presentation:.2f}" == "79.10" and score.finalist
    page.goto(f"{base}/penilaian/{run.pk}/unit/{sepaso.pk}/")
    body = page.content()
    assert "79,10" in body and f"{score.verified:.2f}".replace(".", ",") in body
    assert "SK sudah ditandatangani" in body  # the objection and its answer are on the page
