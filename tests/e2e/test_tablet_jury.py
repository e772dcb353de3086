"""Jury work on a tablet (issue #12: "works on a tablet"): a jury on an 800 × 1280 touch screen
(portrait, then landscape) opens its inbox, taps a unit, opens the PDF preview and gives
verdicts by touch only. Every page fits the screen, the touch rules of the stylesheet apply
(pointer: coarse), each control the jury taps is at least 44 px tall, and in landscape the
question and the verdict sit side by side."""

import pytest
from django.contrib.auth import get_user_model

from award.models import JuryMembership
from penjurian.assignment import assignments_fill
from penjurian.models import Assignment, Verification
from tests.e2e.conftest import login
from tests.e2e.test_jury_flow import _world
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]

User = get_user_model()
PORTRAIT = {"width": 800, "height": 1280}
LANDSCAPE = {"width": 1280, "height": 800}


def _fits(page, viewport) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} is {width}px wide on a tablet"


def _tall_enough(locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not on the screen"
    assert box["height"] >= 44, f"{what} is {box['height']:.0f}px tall (touch needs 44)"


def test_jury_verifies_by_touch_on_a_tablet(browser, live_server):
    period, sepaso, _kelinjau, saq, yes_no = _world()
    for name in ("juri.b", "juri.c"):
        JuryMembership.objects.create(user=User.objects.get(username=name), period=period)
    assignments_fill(period=period)
    assert Assignment.objects.filter(unit=sepaso, jury__username="juri.b").exists()

    context = browser.new_context(
        locale="id-ID",
        timezone_id="Asia/Makassar",
        viewport=PORTRAIT,
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "juri.b", PASSWORD)
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")

    page.goto(f"{live_server.url}/juri/")
    _fits(page, PORTRAIT)
    page.get_by_role("link", name="Desa Sepaso").tap()
    page.wait_for_url(f"**/juri/unit/{saq.pk}/")
    _fits(page, PORTRAIT)

    # The PDF opens inline beside its question, no wider than the screen.
    first = page.locator(f"#ind-{yes_no[0].pk}")
    summary = first.locator("summary", has_text="Pratinjau")
    _tall_enough(summary, "the preview toggle")
    summary.tap()
    frame = first.locator("iframe.evidence-preview")
    frame.wait_for()
    assert frame.bounding_box()["width"] <= PORTRAIT["width"]

    # Accept by touch: the decision buttons and "Simpan dan lanjut" are finger-sized; the
    # verdict saves as it is tapped, and "Simpan dan lanjut" goes on to the next indicator.
    accept = first.get_by_text("Terima", exact=True)
    save = first.get_by_role("button", name="Simpan dan lanjut")
    _tall_enough(accept, "the accept button")
    _tall_enough(save, "Simpan dan lanjut")
    accept.tap()
    first.get_by_text("Tersimpan").wait_for()
    save.tap()
    page.wait_for_url(f"**/juri/unit/{saq.pk}/#ind-{yes_no[1].pk}")

    # Reject by touch with the on-screen keyboard's text.
    second = page.locator(f"#ind-{yes_no[1].pk}")
    second.get_by_text("Tolak", exact=True).tap()
    second.locator("textarea[name=reason]").tap()
    page.keyboard.type("Daftar informasi publik tidak dilampirkan")
    second.get_by_text("Tersimpan").wait_for()
    verdicts = dict(
        Verification.objects.filter(jury__username="juri.b").values_list("indicator_id", "decision")
    )
    assert verdicts == {yes_no[0].pk: "accept", yes_no[1].pk: "reject"}

    # Turned to landscape: still fits, and the verdict sits beside the question.
    page.set_viewport_size(LANDSCAPE)
    page.reload()
    _fits(page, LANDSCAPE)
    third = page.locator(f"#ind-{yes_no[2].pk}")
    question = third.locator(".fw-semibold").first.bounding_box()
    verdict = third.locator("form[data-verdict]").bounding_box()
    assert verdict["x"] > question["x"] + question["width"] - 1, "verdict below the question"
    for path in ("/juri/presentasi/", f"/juri/unit/{saq.pk}/sanggah/"):
        page.goto(live_server.url + path)
        assert page.url.endswith(path), path
        _fits(page, LANDSCAPE)
    context.close()
    assert not errors, errors
