"""Shared questionnaires (issue #22): an organiser offers a published questionnaire as a
template, another organiser's admin copies it into one of its periods as a draft, for the level
it chooses; the template is a snapshot; withdrawing stops new copies only."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from award.models import OrganiserMembership
from award.organisers import organiser_create
from award.scoping import organiser_url
from evaluasi.models import Questionnaire, SharedQuestionnaire
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_spec
from evaluasi.questionnaires.selectors import questionnaire_spec
from tests.factories import PeriodFactory, UserFactory, kutim, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def bontang(db):
    organiser = organiser_create(name="Diskominfo Kota Bontang", slug="bontang")
    period = PeriodFactory(year=2026, organiser=organiser, name="PPID Award Bontang 2026")
    admin = UserFactory(username="admin.bontang")
    OrganiserMembership.objects.create(user=admin, organiser=organiser, role="admin")
    viewer = UserFactory(username="pemantau.bontang")
    OrganiserMembership.objects.create(user=viewer, organiser=organiser, role="viewer")
    return {"organiser": organiser, "period": period, "admin": admin, "viewer": viewer}


def share_from_kutim(admin_client, questionnaire):
    response = admin_client.post(
        organiser_url(
            questionnaire.period.organiser, "evaluasi:questionnaire_share", pk=questionnaire.pk
        ),
        follow=True,
    )
    return response.content.decode()


def test_a_kabupaten_copies_the_template_another_organiser_shares(
    client, admin_client, desa_questionnaire, bontang
):
    page = share_from_kutim(admin_client, desa_questionnaire)
    assert "Kuesioner dibagikan" in page
    shared = SharedQuestionnaire.objects.get()
    assert (shared.level_code, shared.year, shared.indicator_count) == ("desa", 2026, 39)

    client.force_login(bontang["admin"])
    listing = organiser_url(bontang["organiser"], "evaluasi:shared_questionnaire_list", year=2026)
    page = client.get(listing).content.decode()
    assert "Diskominfo Staper Kabupaten Kutai Timur" in page
    assert desa_questionnaire.title in page

    kecamatan = level("kecamatan", bontang["organiser"])
    copy_url = organiser_url(
        bontang["organiser"], "evaluasi:shared_questionnaire_copy", year=2026, pk=shared.pk
    )
    response = client.post(copy_url, {"level": kecamatan.pk})
    copy = Questionnaire.objects.get(period=bontang["period"])
    assert response.status_code == 302
    assert response["Location"] == organiser_url(
        bontang["organiser"], "evaluasi:questionnaire_detail", pk=copy.pk
    )
    assert (copy.status, copy.level, copy.version) == ("draft", kecamatan, 1)
    assert "Kutai Timur" in copy.source_file_name
    original, copied = (questionnaire_spec(questionnaire=q) for q in (desa_questionnaire, copy))
    assert copied.level == "kecamatan"
    copied.level = "desa"
    assert copied == original

    # The copy is Bontang's: Kutai Timur's scope does not see it, Bontang's does.
    with scope(organiser=desa_questionnaire.period.organiser_id):
        assert not Questionnaire.objects.filter(pk=copy.pk).exists()
    with scope(organiser=bontang["organiser"].pk):
        assert Questionnaire.objects.filter(pk=copy.pk).exists()


def test_the_template_is_a_snapshot_and_withdrawing_stops_new_copies(
    client, admin_client, admin_user, desa_questionnaire, bontang
):
    share_from_kutim(admin_client, desa_questionnaire)
    shared = SharedQuestionnaire.objects.get()
    # The source is still editable (its SAQ has not opened); an edit does not reach the template.
    period = desa_questionnaire.period
    period.saq_open = timezone.now() + timezone.timedelta(days=3)
    period.save(update_fields=["saq_open"])
    desa_questionnaire.refresh_from_db()
    aspect = desa_questionnaire.aspects.get(code="A1")
    questionnaire_services.aspect_save(
        questionnaire=desa_questionnaire, aspect=aspect, weight=Decimal(15)
    )
    shared.refresh_from_db()
    assert shared.spec["aspects"][0]["weight"] == "10"

    # Sharing again while shared is refused, with the reason.
    page = share_from_kutim(admin_client, desa_questionnaire)
    assert "Kuesioner ini sudah dibagikan." in page

    # Bontang's admin cannot withdraw Kutai Timur's template: the questionnaire is not its own.
    client.force_login(bontang["admin"])
    foreign = organiser_url(
        bontang["organiser"], "evaluasi:questionnaire_unshare", pk=desa_questionnaire.pk
    )
    assert client.post(foreign).status_code == 404

    client.force_login(admin_user)
    client.post(organiser_url(kutim(), "evaluasi:questionnaire_unshare", pk=desa_questionnaire.pk))
    client.force_login(bontang["admin"])
    shared.refresh_from_db()
    assert shared.withdrawn_at is not None
    listing = organiser_url(bontang["organiser"], "evaluasi:shared_questionnaire_list", year=2026)
    assert desa_questionnaire.title not in client.get(listing).content.decode()
    copy_url = organiser_url(
        bontang["organiser"], "evaluasi:shared_questionnaire_copy", year=2026, pk=shared.pk
    )
    response = client.post(copy_url, {"level": level("desa", bontang["organiser"]).pk})
    assert response.status_code == 404
    assert not Questionnaire.objects.filter(period=bontang["period"]).exists()


def test_a_draft_cannot_be_shared(admin_client, period):
    draft = questionnaire_services.questionnaire_create_from_spec(
        spec=default_spec("opd"),
        period=period,
    )
    page = share_from_kutim(admin_client, draft)
    assert "Hanya kuesioner yang sudah terbit yang dapat dibagikan." in page
    assert not SharedQuestionnaire.objects.exists()


def test_copy_needs_a_level_an_open_period_and_an_admin(
    client, admin_client, desa_questionnaire, bontang
):
    share_from_kutim(admin_client, desa_questionnaire)
    shared = SharedQuestionnaire.objects.get()
    copy_url = organiser_url(
        bontang["organiser"], "evaluasi:shared_questionnaire_copy", year=2026, pk=shared.pk
    )
    desa = level("desa", bontang["organiser"])

    client.force_login(bontang["viewer"])  # a read-only viewer looks but does not copy
    listing = organiser_url(bontang["organiser"], "evaluasi:shared_questionnaire_list", year=2026)
    assert client.get(listing).status_code == 200
    assert client.post(copy_url, {"level": desa.pk}).status_code == 403

    client.force_login(bontang["admin"])
    page = client.post(copy_url, {}, follow=True).content.decode()
    assert "Pilih tingkat untuk salinan ini." in page
    # Kutai Timur's level is not Bontang's to copy into.
    kutim_desa = level("desa")
    page = client.post(copy_url, {"level": kutim_desa.pk}, follow=True).content.decode()
    assert "Pilih tingkat untuk salinan ini." in page

    bontang["period"].finalised_at = timezone.now()
    bontang["period"].save(update_fields=["finalised_at"])
    page = client.post(copy_url, {"level": desa.pk}, follow=True).content.decode()
    assert "sudah ditetapkan dan diumumkan" in page
    assert not Questionnaire.objects.filter(period=bontang["period"]).exists()
