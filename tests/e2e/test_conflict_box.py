"""Two windows on one SAQ answer (issue #13): the window that saved second sees both values;
"Pakai jawaban saya" saves its value and the box goes away for good; "Pakai jawaban tersimpan"
puts the other value in its field and the box goes away too."""

import re
import time

import pytest

from award.models import OPERATOR_GROUP, OperatorMembership
from evaluasi.models import Answer
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DesaFactory, KecamatanFactory, PeriodFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def test_two_windows_resolve_a_conflict_either_way(browser, live_server):
    period = PeriodFactory(year=2026)
    questionnaire = questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    questionnaire_services.questionnaire_publish(questionnaire=questionnaire)
    unit = DesaFactory(parent=KecamatanFactory())
    operator = UserFactory(username="op.dua", first_name="Dua", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=operator, unit=unit)
    number = questionnaire.indicators.get(code="1.2.3")
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    first, second = context.new_page(), context.new_page()
    login(first, live_server, "op.dua", PASSWORD)
    start = f"{live_server.url}/saq/2026/unit/{unit.pk}/"
    for page in (first, second):
        page.goto(start)
        page.get_by_role("heading", name=re.compile("Langkah 1 dari")).wait_for()

    def field(page):
        return page.locator(f"#indikator-{number.pk} input[type=text]")

    def status(page):
        return page.locator(f"#status-{number.pk}")

    def stored():
        return Answer.objects.get(submission__unit=unit, indicator=number).value

    field(first).fill("3")
    status(first).get_by_text("Tersimpan pukul").wait_for()
    field(second).fill("5")
    status(second).get_by_role("button", name="Pakai jawaban saya").wait_for(timeout=15000)
    assert stored() == "3"

    status(second).get_by_role("button", name="Pakai jawaban saya").click()
    status(second).get_by_text("Tersimpan pukul").wait_for()
    time.sleep(3)  # a late autosave of the old version must not bring the box back
    assert status(second).get_by_role("button", name="Pakai jawaban saya").count() == 0
    assert stored() == "5"

    # Now the first window is behind; it types, gets the box, and takes the saved value.
    field(first).fill("4")
    status(first).get_by_role("button", name="Pakai jawaban tersimpan").wait_for(timeout=15000)
    status(first).get_by_role("button", name="Pakai jawaban tersimpan").click()
    assert field(first).input_value() == "5"
    time.sleep(3)
    assert status(first).get_by_role("button", name="Pakai jawaban tersimpan").count() == 0
    assert stored() == "5"
    # Typing again after that saves normally: the window has the current version.
    field(first).fill("6")
    status(first).get_by_text("Tersimpan pukul").wait_for()
    assert stored() == "6"
    context.close()
