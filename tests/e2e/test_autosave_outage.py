"""Autosave through a real outage: the web server (gunicorn, in its own process) is stopped
while an operator types and started again. Nothing typed is lost, the page says at once that a
value is not saved, warns before the tab closes, sends the value when the server is back (also
from a tab that was closed meanwhile), and never overwrites a newer value someone else saved."""

import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings

from award.models import OPERATOR_GROUP, OperatorMembership
from evaluasi.models import Answer, Submission
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.saq import services as saq_services
from tests.conftest import process_env, session_cookie
from tests.factories import DesaFactory, KecamatanFactory, PeriodFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


class AppServer:
    """gunicorn serving the test database on a loopback port, stoppable and restartable."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = process_env(ALLOWED_HOSTS="127.0.0.1", AXES_ENABLED="0")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=settings.BASE_DIR,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/sehat/web/", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def app_server():
    server = AppServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def stored(submission, indicator):
    answer = Answer.objects.filter(submission=submission, indicator=indicator).first()
    return answer.value if answer else None


def wait_until(check, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_typing_during_an_outage_loses_nothing(browser, app_server):
    period = PeriodFactory(year=2026)
    questionnaire = questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    questionnaire_services.questionnaire_publish(questionnaire=questionnaire)
    kecamatan = KecamatanFactory(code="64.08.04")
    desa = DesaFactory(code="64.08.04.2002", name="Desa Swarga Bara", parent=kecamatan)
    operator = UserFactory(username="op.swarga", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=operator, unit=desa)
    number = questionnaire.indicators.get(code="1.2.3")

    context = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    try:
        signed_in(context, app_server, operator)
        outage_scenario(context, app_server, desa, number)
    finally:
        context.close()


def signed_in(context, app_server, user):
    """A session made here and handed to the browser."""
    context.add_cookies(
        [
            {"name": name, "value": value, "url": app_server.url}
            for name, value in session_cookie(user).items()
        ]
    )


def outage_scenario(context, app_server, desa, number):
    page = context.new_page()
    page.goto(app_server.url + "/dasbor/")
    page.get_by_role("link", name="Mulai mengisi SAQ").click()
    page.get_by_role("heading", name=re.compile("Langkah 1 dari 7")).wait_for()
    submission = Submission.objects.get()
    field = page.locator(f"#indikator-{number.pk} input[type=text]")
    status = page.locator(f"#status-{number.pk}")

    field.fill("3")
    status.get_by_text("Tersimpan pukul").wait_for()
    assert stored(submission, number) == "3"

    # --- the server goes away while the operator types -------------------------------------
    app_server.stop()
    field.click()  # a real gesture: browsers ask before unload only after one
    field.fill("7")
    status.get_by_text("Belum tersimpan").wait_for(timeout=15000)
    page.locator("#autosave-banner").get_by_text("1 jawaban belum tersimpan").wait_for()
    unsent = page.evaluate(f"window.localStorage.getItem('ppid-unsent-{submission.pk}')")
    assert '"value":"7"' in unsent
    assert stored(submission, number) == "3"

    # Closing the tab asks first.
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()

    # The operator gives up and closes the tab anyway; the value lives on in the browser.
    page.close()

    # --- the server comes back; the operator opens the SAQ again ---------------------------
    app_server.start()
    page = context.new_page()
    page.goto(app_server.url + f"/saq/2026/unit/{desa.pk}/")
    page.get_by_role("heading", name=re.compile("Langkah 1 dari 7")).wait_for()
    assert wait_until(lambda: stored(submission, number) == "7"), "sent once the server is back"
    page.locator(f"#status-{number.pk}").get_by_text("Tersimpan pukul").wait_for()
    assert page.locator(f"#indikator-{number.pk} input[type=text]").input_value() == "7"
    assert page.evaluate(f"window.localStorage.getItem('ppid-unsent-{submission.pk}')") is None

    # --- a second outage; meanwhile someone else saves a newer value ------------------------
    app_server.stop()
    page.locator(f"#indikator-{number.pk} input[type=text]").fill("9")
    page.locator(f"#status-{number.pk}").get_by_text("Belum tersimpan").wait_for(timeout=15000)
    answer = Answer.objects.get(submission=submission, indicator=number)
    saq_services.answer_save(
        submission=submission, indicator=number, raw="11", version=answer.version, user=None
    )
    app_server.start()
    # The retry finds a newer value: both are shown, the newer one is kept until chosen.
    page.locator(f"#status-{number.pk}").get_by_role("button", name="Pakai jawaban saya").wait_for(
        timeout=70000
    )
    assert stored(submission, number) == "11"
    # "Pakai jawaban saya": the operator's value is saved over the newer one and the conflict
    # box gives way to the saved mark (issue #13: it used to stay on screen).
    status = page.locator(f"#status-{number.pk}")
    status.get_by_role("button", name="Pakai jawaban saya").click()
    status.get_by_text("Tersimpan pukul").wait_for()
    assert status.get_by_role("button", name="Pakai jawaban saya").count() == 0
    assert stored(submission, number) == "9"
    assert page.locator(f"#indikator-{number.pk} input[type=text]").input_value() == "9"
