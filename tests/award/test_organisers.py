"""Organisers (issue #22, first part): the organiser today's data became, creating another one
with its default levels and team, per-organiser codes and years, the platform screen."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from award.models import Level, Organiser, OrganiserMembership, Period, Unit, organiser_active
from award.organisers import organiser_create, organiser_member_invite
from tests.factories import (
    KecamatanFactory,
    PeriodFactory,
    UserFactory,
    kutim,
    level,
)

pytestmark = pytest.mark.django_db


def test_todays_data_belongs_to_kutai_timur():
    """Migration 0017 made the seeded levels Kutai Timur's."""
    organiser = Organiser.objects.get()
    assert (organiser.slug, organiser.name, organiser.region_code) == (
        "kutim",
        "Diskominfo Staper Kabupaten Kutai Timur",
        "64.08",
    )
    assert set(Level.objects.values_list("organiser__slug", "code")) == {
        ("kutim", "desa"),
        ("kutim", "kecamatan"),
        ("kutim", "opd"),
    }


def test_a_new_organiser_gets_its_levels_and_may_reuse_codes_and_years(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_organiser",
            "--name",
            "Diskominfo Kota Bontang",
            "--slug",
            "bontang",
            "--region-code",
            "64.74",
            "--admin-email",
            "admin@bontangkota.go.id",
        )
    assert "/bontang/" in capsys.readouterr().out
    bontang = Organiser.objects.get(slug="bontang")
    assert sorted(bontang.levels.values_list("code", flat=True)) == ["desa", "kecamatan", "opd"]
    member = OrganiserMembership.objects.get(organiser=bontang)
    assert (member.user.email, member.role) == ("admin@bontangkota.go.id", "admin")
    assert mail.outbox[-1].to == ["admin@bontangkota.go.id"]
    assert "Diskominfo Kota Bontang" in mail.outbox[-1].body

    ours = KecamatanFactory(code="64.08.01")
    theirs = KecamatanFactory(code="64.08.01", level=level("kecamatan", bontang))
    assert (ours.organiser, theirs.organiser) == (kutim(), bontang)
    with transaction.atomic(), pytest.raises(IntegrityError):
        KecamatanFactory(code="64.08.01")
    PeriodFactory(year=2030)
    PeriodFactory(year=2030, organiser=bontang)
    assert Period.objects.filter(year=2030).count() == 2
    with transaction.atomic(), pytest.raises(IntegrityError):
        PeriodFactory(year=2030, organiser=bontang)


def test_new_rows_take_the_active_organiser_and_several_without_one_is_an_error():
    bontang = organiser_create(name="Diskominfo Kota Bontang", slug="bontang")
    with organiser_active(bontang):
        unit = Unit.objects.create(code="X", name="X", level=level("opd", bontang))
    assert unit.organiser == bontang
    with organiser_active(None), pytest.raises(Exception, match="Several organisers"):
        Unit(code="Y", name="Y")


@pytest.mark.parametrize(
    ("slug", "message"),
    [("admin", "halaman platform"), ("kutim", "telah ada"), ("Bon tang", "huruf")],
)
def test_a_short_name_that_is_a_platform_page_or_taken_is_refused(slug, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_organiser", "--name", "X", "--slug", slug)
    assert Organiser.objects.count() == 1


def test_the_superuser_creates_an_organiser_and_its_admin_in_the_screen(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get(reverse("award:organiser_list")).content.decode()
    assert "Diskominfo Staper Kabupaten Kutai Timur" in page
    response = client.post(
        reverse("award:organiser_list"),
        {"name": "Diskominfo Kota Bontang", "slug": "bontang", "kind": "diskominfo"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        reverse("award:organiser_member_add", args=["bontang"]),
        {"email": "Admin@Bontangkota.go.id", "full_name": "Admin Bontang", "role": "admin"},
    )
    assert response.status_code == 302
    team = client.get(response["Location"]).content.decode()
    assert "Admin Bontang" in team and "Admin" in team
    # A bad email keeps what was typed and says what is wrong.
    again = client.post(
        reverse("award:organiser_member_add", args=["bontang"]),
        {"email": "bukan-email", "full_name": "Tetap Ada", "role": "viewer"},
    ).content.decode()
    assert "Tetap Ada" in again and "alamat email yang valid" in again
    user = OrganiserMembership.objects.get(organiser__slug="bontang").user
    client.post(reverse("award:organiser_member_remove", args=["bontang", user.pk]))
    assert not OrganiserMembership.objects.filter(organiser__slug="bontang").exists()


def test_the_short_name_is_fixed_once_created(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.post(
        reverse("award:organiser_update", args=["kutim"]),
        {"name": "Diskominfo Kutim", "slug": "lain", "kind": "diskominfo"},
    )
    organiser = Organiser.objects.get()
    assert (organiser.slug, organiser.name) == ("kutim", "Diskominfo Kutim")


def test_a_logo_must_be_an_image(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.post(
        reverse("award:organiser_update", args=["kutim"]),
        {
            "name": "Diskominfo Kutim",
            "kind": "diskominfo",
            "logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>"),
        },
    ).content.decode()
    assert "gambar" in page
    assert not Organiser.objects.get().logo


def test_an_existing_person_joins_a_second_team_without_a_new_account():
    person = UserFactory(email="juri@contoh.go.id")
    bontang = organiser_create(name="Diskominfo Kota Bontang", slug="bontang")
    organiser_member_invite(organiser=bontang, email="juri@contoh.go.id", role="viewer")
    assert OrganiserMembership.objects.get(organiser=bontang).user == person


def test_emails_go_out_under_the_organiser_of_the_work(settings):
    """Branding (issue #22): the From name, Reply-To and signature are the organiser's whose
    work sends the mail; a platform mail has none."""
    from award.scoping import organiser_scope
    from common.mail import Mail, mail_send

    settings.DEFAULT_FROM_EMAIL = "PPID Award <ppid@kaltimprov.go.id>"
    bontang = organiser_create(
        name="Diskominfo Kota Bontang",
        slug="bontang",
        contact_email="diskominfo@bontangkota.go.id",
    )
    invitation = Mail(
        "award/email/invitation",
        {"name": "Rina", "role": "admin", "target": "x", "username": "rina", "link": ""},
        ["rina@example.id"],
    )
    mail.outbox.clear()
    with organiser_scope(bontang):
        mail_send([invitation])
    with organiser_scope(None):
        mail_send([invitation])
    branded, platform = mail.outbox
    assert branded.from_email == '"Diskominfo Kota Bontang (PPID Award)" <ppid@kaltimprov.go.id>'
    assert branded.reply_to == ["diskominfo@bontangkota.go.id"]
    assert branded.body.endswith("\n\n-- \nDiskominfo Kota Bontang\ndiskominfo@bontangkota.go.id")
    assert branded.subject == platform.subject == "Undangan PPID Award"
    assert platform.from_email == "PPID Award <ppid@kaltimprov.go.id>"
    assert platform.reply_to == [] and "-- \n" not in platform.body
