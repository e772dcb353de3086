"""WCAG 2.2 AA (issue #19): axe-core (axe-playwright-python, its script shipped in the package,
nothing fetched) on the pages of every role in the Kutai Timur demo and on the public pages —
no serious or critical violation; and an SAQ step filled by keyboard alone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from award.models import Organiser, Period
from award.scoping import organiser_url
from evaluasi.models import Submission
from evaluasi.saq.selectors import step_name
from penilaian.selectors import scoring_run_current, scoring_run_published
from penjurian.models import Assignment, PresentationSlot
from tests.conftest import session_cookie

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def serious(page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def sign_in(context, live_server, username):
    user = get_user_model().objects.get(username=username)
    context.clear_cookies()
    context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in session_cookie(user).items()
        ]
    )


def own_submission(period) -> Submission:
    """Desa Swarga Bara's SAQ in the demo (empty: started here as its operator would)."""
    from award.models import Unit
    from evaluasi.saq import services as saq_services

    unit = Unit.objects.get(operator_memberships__user__username="op.swargabara")
    return saq_services.submission_start(period=period, unit=unit)


def pages_of_every_role() -> dict[str | None, list[str]]:
    period = Period.objects.order_by("-year").first()
    last = Period.objects.order_by("year").first()
    year = period.year
    submitted = Submission.objects.filter(period=period, status=Submission.Status.SUBMITTED).first()
    own = own_submission(period)
    tepian = Submission.objects.get(
        period=period, unit__operator_memberships__user__username="op.tepianterap"
    )
    run = scoring_run_current(period=period)
    published = scoring_run_published(period=last)
    juri = Assignment.objects.filter(period=period, jury__username="juri2").first()
    slot = PresentationSlot.objects.filter(period=period).first()
    first_step = step_name(own.questionnaire.aspects.order_by("order").first())
    bontang = Organiser.objects.get(slug="bontang")
    return {
        None: [
            "/",
            reverse("login"),
            reverse("laporan:public_ranking", args=[last.year]),
            organiser_url(None, "laporan:verify_file"),
            organiser_url(None, "laporan:api_docs"),
            "/halaman-yang-tidak-ada/",
        ],
        "admin": [
            reverse("award:dashboard"),
            reverse("award:period_list"),
            reverse("award:period_detail", args=[year]),
            reverse("award:period_update", args=[year]),
            reverse("award:unit_list"),
            reverse("evaluasi:questionnaire_list", args=[year]),
            reverse("evaluasi:questionnaire_detail", args=[own.questionnaire_id]),
            reverse("evaluasi:participation", args=[year]),
            reverse("penjurian:juries", args=[year]),
            reverse("penjurian:matrix", args=[year]),
            reverse("penjurian:oversight", args=[year]),
            reverse("penilaian:scoring", args=[year]),
            reverse("penjurian:presentations_admin", args=[year]),
            *([reverse("penilaian:scoring_run", args=[run.pk])] if run else []),
            reverse("penilaian:scoring_run", args=[published.pk]),
            reverse("penilaian:ranking", args=[published.pk]),
            reverse("laporan:report", args=[last.year]),
            reverse("laporan:signer"),
            reverse("evaluasi:saq_summary", args=[submitted.pk]),
            reverse("evaluasi:shared_questionnaire_list", args=[year]),
            reverse("award:period_create") + "?mulai=ki_dki",
        ],
        # Several organisers (issue #22): the platform's screens, the chooser, Bontang's pages.
        "superadmin": [
            organiser_url(None, "award:organiser_list"),
            organiser_url(None, "award:organiser_update", slug="bontang"),
            organiser_url(None, "award:dashboard"),
        ],
        "juri.bersama": [organiser_url(None, "award:dashboard")],
        "admin.bontang": [
            organiser_url(bontang, "award:dashboard"),
            organiser_url(bontang, "evaluasi:shared_questionnaire_list", year=year),
            organiser_url(bontang, "laporan:public_ranking", year=last.year),
        ],
        "op.swargabara": [
            reverse("award:dashboard"),
            reverse("evaluasi:saq_step", args=[own.pk, first_step]),
            reverse("evaluasi:saq_step", args=[own.pk, "tinjau"]),
        ],
        "op.tepianterap": [
            reverse("evaluasi:saq_summary", args=[tepian.pk]),
            reverse("penjurian:objections", args=[tepian.pk]),
        ],
        "juri2": [
            reverse("award:dashboard"),
            reverse("penjurian:inbox"),
            *(
                [
                    reverse(
                        "penjurian:verify",
                        args=[Submission.objects.get(period=period, unit=juri.unit).pk],
                    )
                ]
                if juri
                else []
            ),
            reverse("penjurian:objections_jury", args=[tepian.pk]),
            reverse("penjurian:presentations"),
            *([reverse("penjurian:presentation_score", args=[slot.pk])] if slot else []),
        ],
    }


def test_no_serious_violation_on_any_page_of_any_role(browser, live_server):
    call_command("demo_kutim", verbosity=0)
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    page = context.new_page()
    problems = []
    for role, paths in pages_of_every_role().items():
        if role is None:
            context.clear_cookies()
        else:
            sign_in(context, live_server, role)
        for path in paths:
            page.goto(live_server.url + path)
            problems += [f"{role or 'publik'} {path}: {found}" for found in serious(page)]
    context.close()
    assert not problems, "\n".join(problems)


def test_an_saq_step_is_filled_by_keyboard_alone(browser, live_server):
    """Every control is reached with Tab and used with the keyboard, focus is visible, the
    answer is saved, and a refused number is announced (role=alert) beside its field."""
    call_command("demo_kutim", verbosity=0)
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    page = context.new_page()
    sign_in(context, live_server, "op.swargabara")
    own = own_submission(Period.objects.order_by("-year").first())
    aspect = own.questionnaire.aspects.order_by("order").first()
    page.goto(live_server.url + reverse("evaluasi:saq_step", args=[own.pk, step_name(aspect)]))
    first = aspect.indicators.filter(type="ya_tidak").order_by("order").first()
    yes = page.locator(f"#indikator-{first.pk} input[type=radio]").first
    for _ in range(60):  # Tab through the page until the first answer has the focus
        page.keyboard.press("Tab")
        if yes.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the first answer cannot be reached with Tab")
    outline = yes.evaluate(
        "el => { const s = getComputedStyle(el); return s.outlineStyle + ' ' + s.boxShadow; }"
    )
    assert outline.split()[0] != "none" or "rgb" in outline, "focus is visible"
    page.keyboard.press("Space")
    page.locator(f"#indikator-{first.pk}").get_by_text("Tersimpan pukul").wait_for()
    assert own.answers.get(indicator=first).value == "ya"
    # Every field of the step has a label a screen reader reads.
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !el.labels?.length && !el.getAttribute('aria-label')
                            && !el.getAttribute('aria-labelledby'))
              .map(el => el.name || el.id)"""
    )
    assert unlabelled == []
    number = aspect.indicators.filter(type="angka", input_min__isnull=False).first()
    assert number is not None, "the demo's first aspect has a number with a lower limit"
    field = page.locator(f"#indikator-{number.pk} input[type=text]")
    field.focus()
    page.keyboard.type("-5")
    page.keyboard.press("Tab")
    status = page.locator(f"#status-{number.pk}")
    status.locator(".text-danger").wait_for()
    assert status.get_attribute("role") == "status", "the refusal is announced"
    assert re.search(r"tidak boleh|di bawah", status.inner_text())
    context.close()
