"""Services stopping under a running app (issue #14), with real processes on loopback ports:
Redis stopped — operators keep saving answers, starting a job says clearly that the queue is
down, everything works again when Redis is back; PostgreSQL restarted — gunicorn keeps running
and recovers by itself, and no answer the server acknowledged is lost."""

import re

import httpx
import pytest
from django.urls import reverse

from award.models import ADMIN_GROUP, OPERATOR_GROUP, OperatorMembership
from evaluasi.models import Answer
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.saq import selectors as saq_selectors
from evaluasi.saq import services as saq_services
from penilaian.models import ScoringRun
from tests.conftest import session_cookie
from tests.factories import DesaFactory, KecamatanFactory, PeriodFactory, UserFactory
from tests.faults.conftest import Gunicorn

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_levels")]
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
VERSION = re.compile(r'id="id_[^"]*v(\d+)" value="(\d+)"')


@pytest.fixture
def saq(private_root):
    period = PeriodFactory(year=2026)
    questionnaire = questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    questionnaire_services.questionnaire_publish(questionnaire=questionnaire)
    unit = DesaFactory(parent=KecamatanFactory())
    operator = UserFactory(username="op.fault", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=operator, unit=unit)
    admin = UserFactory(username="admin.fault", groups=[ADMIN_GROUP])
    submission = saq_services.submission_start(period=period, unit=unit)
    aspect = questionnaire.aspects.order_by("order").first()
    numbers = list(aspect.indicators.filter(type="angka")) or list(
        questionnaire.indicators.filter(type="angka")
    )
    return {
        "period": period,
        "operator": operator,
        "admin": admin,
        "submission": submission,
        "step": saq_selectors.step_name(numbers[0].aspect),
        "number": numbers[0],
    }


class Operator:
    """One operator's browser, reduced to what autosave sends: one number answer of one SAQ."""

    def __init__(self, url: str, cookies: dict, *, submission: int, step: str, indicator: int):
        self.http = httpx.Client(base_url=url, cookies=cookies, timeout=20)
        self.submission, self.step, self.indicator = submission, step, indicator
        self.version = "0"
        self.acknowledged: str | None = None
        # Made here: the threads that type have no script prefix (/kutim/) of their own.
        self.step_url = reverse("evaluasi:saq_step", args=[submission, step])
        self.autosave_url = reverse("evaluasi:saq_autosave", args=[submission, indicator])
        self.refresh()

    @classmethod
    def of(cls, server, saq):
        return cls(
            server.url,
            session_cookie(saq["operator"]),
            submission=saq["submission"].pk,
            step=saq["step"],
            indicator=saq["number"].pk,
        )

    def refresh(self):
        page = self.http.get(self.step_url)
        assert page.status_code == 200, page.status_code
        self.csrf = CSRF.search(page.text).group(1)
        for pk, version in VERSION.findall(page.text):
            if int(pk) == self.indicator:
                self.version = version

    def save(self, value: str) -> int:
        step, pk = self.step, self.indicator
        try:
            response = self.http.post(
                self.autosave_url,
                data={"prefix": f"{step}-", f"{step}-i{pk}": value, f"{step}-v{pk}": self.version},
                headers={"X-CSRFToken": self.csrf, "HX-Request": "true"},
            )
        except httpx.HTTPError:
            return 0
        if response.status_code == 200:
            self.acknowledged = value
            match = VERSION.search(response.text)
            if match:
                self.version = match.group(2)
        return response.status_code


def start_scoring(server, saq) -> str:
    """The admin presses "Mulai penilaian"; returns the page it lands on."""
    with httpx.Client(
        base_url=server.url, cookies=session_cookie(saq["admin"]), timeout=20
    ) as http:
        url = reverse("penilaian:scoring", args=[saq["period"].year])
        page = http.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = http.post(url, data={"csrfmiddlewaretoken": token, "reason": ""})
        assert response.status_code == 302, response.status_code
        return http.get(response.headers["location"]).text


def test_redis_stopped_answers_still_save_jobs_say_so_and_all_recovers(saq, own_redis):
    server = Gunicorn(CELERY_BROKER_URL=own_redis.url)
    server.start()
    try:
        operator = Operator.of(server, saq)
        assert operator.save("3") == 200

        own_redis.stop()
        assert operator.save("4") == 200, "the answer is saved with Redis down"
        assert operator.save("5") == 200
        page = start_scoring(server, saq)
        assert "Antrean pekerjaan (Redis) tidak dapat dihubungi" in page
        run = ScoringRun.objects.get(period=saq["period"])
        assert run.status == ScoringRun.Status.FAILED, "nothing left half-started"

        own_redis.start()
        assert operator.save("6") == 200
        page = start_scoring(server, saq)
        assert "tidak dapat dihubungi" not in page
        queued = ScoringRun.objects.filter(period=saq["period"]).exclude(pk=run.pk).get()
        assert queued.status == ScoringRun.Status.QUEUED, "queued for a worker once Redis is back"
    finally:
        server.stop()
    answer = Answer.objects.get(submission=saq["submission"], indicator=saq["number"])
    assert answer.value == operator.acknowledged == "6"


SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from award.models import OPERATOR_GROUP, Level, OperatorMembership, Unit
from award.services import period_create, period_default_dates
from evaluasi.questionnaires import services as q
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.saq import selectors as saq_selectors, services as saq
from django.utils import timezone
period = period_create(year=2026, **period_default_dates(saq_open=timezone.now()))
questionnaire = q.questionnaire_publish(questionnaire=q.questionnaire_import(
    data=default_workbook_path("desa").read_bytes(), period=period))
levels = {level.code: level for level in Level.objects.all()}
kecamatan = Unit.objects.create(code="K1", name="Kecamatan Uji", level=levels["kecamatan"])
unit = Unit.objects.create(code="K1.1", name="Desa Uji", level=levels["desa"], parent=kecamatan)
user = get_user_model().objects.create_user("op.pg")
user.groups.add(Group.objects.get_or_create(name=OPERATOR_GROUP)[0])
OperatorMembership.objects.create(user=user, unit=unit)
submission = saq.submission_start(period=period, unit=unit)
number = questionnaire.indicators.filter(type="angka").order_by("id").first()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(json.dumps({"submission": submission.pk, "step": saq_selectors.step_name(number.aspect),
                  "number": number.pk, "session": session.session_key}))
"""


def test_postgresql_restarted_under_the_app_loses_no_acknowledged_answer():
    import json
    import subprocess
    import sys
    import threading
    import time

    import psycopg
    from django.conf import settings

    from tests.conftest import process_env
    from tests.faults.conftest import Postgres

    database = Postgres()
    database.init()
    server = None
    try:
        env = process_env(DATABASE_URL=database.url, SECRET_KEY=settings.SECRET_KEY)
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=settings.BASE_DIR, check=True)  # noqa: S603
        made = subprocess.run(  # noqa: S603
            [*manage, "shell", "-c", SETUP], env=env, cwd=settings.BASE_DIR,
            capture_output=True, text=True,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr[-2000:]
        ids = json.loads(made.stdout.strip().splitlines()[-1])
        server = Gunicorn(DATABASE_URL=database.url)
        server.start()
        pid = server.process.pid
        operator = Operator(
            server.url,
            {settings.SESSION_COOKIE_NAME: ids["session"]},
            submission=ids["submission"],
            step=ids["step"],
            indicator=ids["number"],
        )

        codes: list[int] = []
        stop = threading.Event()

        def typing():
            value = 0
            while not stop.is_set():
                value += 1
                codes.append(operator.save(str(value)))
                if codes[-1] == 409:  # a save whose answer did not reach us: take the version
                    operator.refresh()
                time.sleep(0.05)

        writer = threading.Thread(target=typing)
        writer.start()
        time.sleep(2)
        before_restart = len(codes)
        database.restart()
        time.sleep(3)
        stop.set()
        writer.join(30)
        after = codes[before_restart:]
        assert codes[:before_restart] and all(c == 200 for c in codes[:before_restart])
        assert any(c != 200 for c in after), "the restart happened while answers were saved"
        assert 200 in after[-5:], f"saves work again after the restart: {after[-10:]}"
        assert server.process.poll() is None and server.process.pid == pid, "gunicorn kept running"
        with psycopg.connect(database.url) as conn:
            stored = conn.execute(
                "SELECT value FROM evaluasi_answer WHERE submission_id = %s AND indicator_id = %s",
                [ids["submission"], ids["number"]],
            ).fetchone()[0]
        assert stored == operator.acknowledged, "the last acknowledged answer is the one stored"
    finally:
        if server is not None:
            server.stop()
        database.stop()
