"""The Kutai Timur demo: real kecamatan, desa under them, OPD, a period, demo accounts.

Loading the demo takes most of a minute, so it is loaded once, by one test, and each part
of it is checked in a subtest of that test (reported on its own when it fails)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope

from award.models import Period, Unit
from demo.data import DEMO_PASSWORD, KECAMATAN
from tests.factories import kutim

User = get_user_model()

pytestmark = pytest.mark.django_db


LOGINS = [
    ("admin", "Administrator"),
    ("op.swargabara", "Desa Swarga Bara"),
    ("op.bengalon", "Desa Sepaso"),
    ("juri1", "Juri"),
]


def test_the_demo(client, capsys, subtests):
    from django.core import mail

    call_command("demo_kutim")
    first = capsys.readouterr().out
    assert mail.outbox == [], "the demo sends nobody a real email"
    with subtests.test("saq"):
        demo_saq_data_and_pages_render(client)
    with subtests.test("submitted"):
        demo_submitted_units_are_complete()
    with subtests.test("juries"):
        demo_jury_data_respects_the_rules()
    with subtests.test("last year"), scope(organiser=kutim().pk):
        last_years_date()
    with subtests.test("bontang"):
        kota_bontang_is_a_second_organiser_beside_kutai_timur(client)
    for username, section in LOGINS:
        with subtests.test("login", username=username):
            login_reaches_its_dashboard(client, username, section)
    with subtests.test("loads once"), scope(organiser=kutim().pk):  # Bontang has its own
        kutai_timur_loads_once(first, capsys)


def kutai_timur_loads_once(first, capsys):
    counts = {
        code: Unit.objects.filter(level__code=code).count() for code in ["kecamatan", "desa", "opd"]
    }
    assert counts == {"kecamatan": 18, "desa": 139, "opd": 40}
    assert {name for _n, name, _d in KECAMATAN} >= {"Sangatta Utara", "Bengalon", "Busang"}
    for desa in Unit.objects.filter(level__code="desa").select_related("parent__level"):
        assert desa.parent.level.code == "kecamatan"
        assert desa.kode_wilayah == desa.code  # Kemendagri codes, shown and in the open data
    assert not Unit.objects.filter(level__code="opd").exclude(kode_wilayah="").exists()
    from laporan.signing import signer_certificate_current

    signer = signer_certificate_current()  # a demo CA's signer, so certificates come out signed
    assert signer is not None and "demo" in signer.subject
    assert "admin" in first and DEMO_PASSWORD in first
    call_command("demo_kutim")
    assert Unit.objects.count() == 197
    assert Period.objects.count() == 2, "this year and last year's closed award"
    from penilaian.models import Score
    from penilaian.selectors import scoring_run_published

    last_year = Period.objects.order_by("year").first()
    published = scoring_run_published(period=last_year)
    assert published is not None and Score.objects.filter(run=published).count() > 40
    assert "0 baru" in capsys.readouterr().out


def login_reaches_its_dashboard(client, username, section):
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response["Location"] == reverse("award:dashboard")
    body = client.get(response["Location"]).content.decode()
    assert section in body


def demo_saq_data_and_pages_render(client):
    """The demo fills most units' SAQs (some submitted by the loader, with no user)."""
    from evaluasi.models import Submission

    submitted = Submission.objects.filter(status="submitted")
    assert submitted.count() > 50
    assert Submission.objects.filter(status="draft").exists()
    assert not Submission.objects.filter(unit__code="64.08.04.2002").exists()
    assert all(0 <= s.saq_score <= 100 for s in submitted)
    client.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD})
    for url in [
        reverse("evaluasi:participation", args=[submitted.first().period.year]),
        reverse("evaluasi:saq_summary", args=[submitted.first().pk]),
        reverse("award:dashboard"),
    ]:
        assert client.get(url).status_code == 200, url


def demo_submitted_units_are_complete():
    from evaluasi.models import Submission
    from evaluasi.saq.selectors import submission_missing

    for submission in Submission.objects.filter(status="submitted")[:10]:
        assert submission_missing(submission=submission) == []


def demo_jury_data_respects_the_rules():
    from penjurian.models import Assignment, PresentationScore, Verification

    assert Assignment.objects.exists() and Verification.objects.exists()
    assert PresentationScore.objects.exists()
    for assignment in Assignment.objects.select_related("period"):
        home = assignment.period.juries.get(user=assignment.jury).home_unit_id
        assert assignment.unit_id != home
    assert not Verification.objects.filter(decision="reject", reason="").exists()
    # juri4 judges desa only and never one of Kecamatan Bengalon; every submitted unit of this
    # year has its juries by the rules, and some of them are still to be verified.
    from evaluasi.models import Submission

    juri4 = Assignment.objects.filter(jury__username="juri4").select_related("unit__level")
    assert juri4.exists()
    assert {a.unit.level.code for a in juri4} == {"desa"}
    assert not juri4.filter(unit__parent__code="64.08.09").exists()
    period = Submission.objects.filter(status="submitted").latest("period__year").period
    for submission in Submission.objects.filter(period=period, status="submitted"):
        assert Assignment.objects.filter(period=period, unit=submission.unit).count() >= 2
    assert (
        Assignment.objects.filter(period=period).count()
        > Verification.objects.values("submission__unit", "jury").distinct().count()
    )
    # The sanggah and presentation parts of the demo: the best desa fully verified, an
    # answered (accepted, verdict changed and the old one kept) and an open objection, a
    # schedule for the top units of each level.
    from penjurian.models import Objection, PresentationSlot

    statuses = sorted(Objection.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "open"]
    accepted = Objection.objects.get(status="accepted")
    assert accepted.verification.decision == "accept" and accepted.before_decision in (
        "reject",
        "adjust",
    )
    assert PresentationSlot.objects.filter(period=period).count() >= 3
    assert Verification.objects.filter(decision="adjust").exists()


def last_years_date():
    from penilaian.models import ScoringRun

    current = Period.objects.order_by("-year").first()
    previous = Period.objects.get(year=current.year - 1)
    run = ScoringRun.objects.get(period=previous, finalised_at__isnull=False)
    assert run.finalised_at == previous.finalisation_date
    assert run.finalised_at < current.saq_open  # not "today"


def kota_bontang_is_a_second_organiser_beside_kutai_timur(client):
    """Issue #22: 3 kecamatan, 15 kelurahan and 10 OPD (one with the code of a Kutai Timur
    desa), a published 2025 and an open 2026 period, its admin, and a jury of both."""
    from award.models import Organiser, Period
    from evaluasi.models import Questionnaire, SharedQuestionnaire
    from penilaian.selectors import scoring_run_published

    bontang = Organiser.objects.get(slug="bontang")
    with scope(organiser=bontang.pk):
        counts = {
            code: Unit.objects.filter(level__code=code).count()
            for code in ["kecamatan", "kelurahan", "opd"]
        }
        assert counts == {"kecamatan": 3, "kelurahan": 15, "opd": 10}
        assert Unit.objects.filter(code="OPD.DISKOMINFO").exists()
        years = {p.year: p for p in Period.objects.all()}
        last, this = sorted(years)
        assert scoring_run_published(period=years[last]) is not None
        assert years[this].stage_label == "Pengisian SAQ"
        # Its kelurahan answer the desa questionnaire Kutai Timur shares as a template.
        kelurahan = Questionnaire.objects.get(period=years[this], level__code="kelurahan")
        assert kelurahan.source_file_name == "templat Diskominfo Staper Kabupaten Kutai Timur"
        assert kelurahan.status == "published"
    shared = SharedQuestionnaire.objects.get()
    assert (shared.organiser.slug, shared.level_code) == ("kutim", "desa")
    assert {o.slug for o in Organiser.objects.all()} == {"kutim", "bontang"}
    client.force_login(User.objects.get(username="admin.bontang"))
    assert client.get("/bontang/dasbor/").status_code == 200
    assert client.get("/kutim/periode/").status_code == 404, "another organiser's page"
    client.force_login(User.objects.get(username="juri.bersama"))
    page = client.get("/dasbor/").content.decode()
    assert "Diskominfo Kota Bontang" in page and "Kutai Timur" in page
