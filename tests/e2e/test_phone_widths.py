"""Phones first (issue #13): every operator and public page fits a 360 px screen — no
horizontal scroll (`document.documentElement.scrollWidth` ≤ 360) and no Content-Security-Policy
error in the console (inline styles or scripts the policy blocks) — checked in Chromium."""

import pytest

from award.models import ADMIN_GROUP, OPERATOR_GROUP, OperatorMembership
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.saq import services as saq_services
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DesaFactory, KecamatanFactory, PeriodFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def test_operator_and_public_pages_fit_360_px(browser, live_server):
    period = PeriodFactory(year=2026, name="PPID Award Kabupaten Kutai Timur 2026")
    questionnaire_services.questionnaire_publish(
        questionnaire=questionnaire_services.questionnaire_import(
            data=default_workbook_path("desa").read_bytes(), period=period
        )
    )
    kecamatan = KecamatanFactory(code="64.08.05", name="Kecamatan Sangkulirang")
    unit = DesaFactory(
        code="64.08.05.2011", name="Desa Tepian Terap Sangkulirang Hilir", parent=kecamatan
    )
    operator = UserFactory(username="op.hp", groups=[OPERATOR_GROUP], first_name="Operator")
    OperatorMembership.objects.create(user=operator, unit=unit)
    submission = saq_services.submission_start(period=period, unit=unit)
    first = submission.questionnaire.indicators.order_by("aspect__order", "order").first()
    saq_services.answer_save(
        submission=submission, indicator=first, raw="ya", version=None, user=operator
    )
    saq_services.evidence_add_url(
        submission=submission,
        indicator=first,
        url="https://ppid.kutaitimurkab.go.id/bukti/sangat/panjang/sekali/sk-penetapan-ppid-desa-2026.pdf",
        user=operator,
    )

    context = browser.new_context(
        locale="id-ID", timezone_id="Asia/Makassar", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    console = []
    page.on(
        "console", lambda m: console.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    base = live_server.url
    wide = {}

    def check(path):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[path] = width

    for path in ("/hasil/", "/verifikasi/", "/verifikasi/ABCD-EFGH-JKMN/", "/masuk/"):
        check(path)
    login(page, live_server, "op.hp", PASSWORD)
    check("/dasbor/")
    steps = set(
        page.eval_on_selector_all("a[href*='/saq/']", "els => els.map(e => e.getAttribute('href'))")
    )
    page.goto(base + f"/saq/{submission.pk}/tinjau/")
    steps |= set(
        page.eval_on_selector_all(
            f"a[href^='/saq/{submission.pk}/']", "els => els.map(e => e.getAttribute('href'))"
        )
    )
    for href in sorted(steps):
        if href.endswith(".xlsx"):
            continue
        check(href)
    check(f"/saq/{submission.pk}/")
    check(f"/sanggah/{submission.pk}/")
    # The admin's main screens too: the dashboard with its charts, units, levels, periods and
    # the participation board (tables become cards below 576 px).
    page.context.clear_cookies()
    UserFactory(username="admin.hp", groups=[ADMIN_GROUP])
    login(page, live_server, "admin.hp", PASSWORD)
    admin_pages = ("/dasbor/", "/unit/", "/tingkat/", "/periode/", "/periode/2026/")
    for path in (*admin_pages, "/periode/2026/partisipasi/"):
        check(path)
    # Several organisers (issue #22): a period from a preset, the shared templates, and the
    # platform superuser's organiser screens.
    check("/periode/baru/?mulai=ki_bali")
    check("/periode/2026/kuesioner/templat-bersama/")
    page.context.clear_cookies()
    UserFactory(username="super.hp", is_superuser=True, is_staff=True)
    login(page, live_server, "super.hp", PASSWORD)
    for path in ("/penyelenggara/", "/penyelenggara/kutim/"):
        check(path)
    context.close()
    assert not wide, f"pages wider than 360 px: {wide}"
    csp = [line for line in console if "Content Security Policy" in line]
    assert not csp, csp
