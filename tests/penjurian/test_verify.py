"""The jury's inbox and verification page: only assigned juries without a conflict, verdicts
with reasons, entered values kept on error, evidence inline only for PDF and images."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from evaluasi.models import Evidence, Submission
from penjurian.models import Assignment, Verification
from tests.conftest import client_for


@pytest.fixture
def assigned(client, period, unit_a, submission, jury_user):
    submission.status = Submission.Status.SUBMITTED
    submission.save()
    Assignment.objects.create(period=period, unit=unit_a, jury=jury_user)
    return client_for(client, jury_user)


def _evidence(submission, name, content_type, data):
    indicator = submission.questionnaire.indicators.order_by("order", "id").first()
    item = Evidence(
        submission=submission,
        indicator=indicator,
        kind=Evidence.Kind.FILE,
        original_name=name,
        content_type=content_type,
        size=len(data),
    )
    item.file.save(name, ContentFile(data), save=True)
    return item


@pytest.mark.django_db
def test_inbox_and_verdicts_with_reasons(assigned, submission, jury_user):
    indicators = list(
        submission.questionnaire.indicators.order_by("aspect__order", "aspect__id", "order", "id")
    )
    page = reverse("penjurian:verify", args=[submission.pk])
    inbox = assigned.get(reverse("penjurian:inbox")).content.decode()
    assert page in inbox and f"0 dari {len(indicators)}" in inbox

    first, second = indicators[0], indicators[1]
    response = assigned.post(page, {"indicator": first.pk, "decision": "accept"})
    assert response.status_code == 302 and response["Location"].endswith(f"#ind-{second.pk}")
    # Rejecting without a reason: a clear message at the indicator, nothing saved, input kept.
    response = assigned.post(
        page, {"indicator": second.pk, "decision": "reject", "reason": "  ", "value": ""}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Berikan alasan" in body or "alasan" in body.lower()
    assert not Verification.objects.filter(indicator=second).exists()
    response = assigned.post(
        page, {"indicator": second.pk, "decision": "reject", "reason": "SK tidak ditandatangani"}
    )
    assert response.status_code == 302
    verdicts = dict(Verification.objects.values_list("indicator_id", "decision"))
    assert verdicts == {first.pk: "accept", second.pk: "reject"}
    inbox = assigned.get(reverse("penjurian:inbox")).content.decode()
    assert f"2 dari {len(indicators)}" in inbox


@pytest.mark.django_db
def test_adjust_keeps_the_typed_reason_when_the_value_is_invalid(assigned, submission):
    choice = submission.questionnaire.indicators.filter(type="pilihan").first()
    page = reverse("penjurian:verify", args=[submission.pk])
    response = assigned.post(
        page,
        {"indicator": choice.pk, "decision": "adjust", "value": "", "reason": "Alasan panjang"},
    )
    assert response.status_code == 422
    assert "Alasan panjang" in response.content.decode()
    assert not Verification.objects.exists()
    option = choice.options.order_by("value").first()
    response = assigned.post(
        page,
        {"indicator": choice.pk, "decision": "adjust", "value": option.code, "reason": "Cek"},
    )
    assert response.status_code == 302
    assert option.label in assigned.get(page).content.decode()


@pytest.mark.django_db
def test_evidence_inline_only_for_pdf_and_images_and_conflict_is_403(
    assigned, submission, period, jury_user, unit_a, kecamatan
):
    pdf = _evidence(submission, "sk.pdf", "application/pdf", b"%PDF-1.4 sk")
    doc = _evidence(submission, "sk.docx", "application/octet-stream", b"PK docx")
    response = assigned.get(reverse("penjurian:evidence", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    response = assigned.get(reverse("penjurian:evidence", args=[doc.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        "sk.pdf" in assigned.get(reverse("penjurian:verify", args=[submission.pk])).content.decode()
    )

    # Declaring a conflict with the kecamatan above the desa closes the unit to this jury.
    period.juries.get(user=jury_user).conflicts.add(kecamatan)
    assert unit_a.parent_id == kecamatan.pk
    for url in (
        reverse("penjurian:verify", args=[submission.pk]),
        reverse("penjurian:evidence", args=[pdf.pk]),
    ):
        assert assigned.get(url).status_code == 403
    assert (
        assigned.post(
            reverse("penjurian:verify", args=[submission.pk]),
            {"indicator": pdf.indicator_id, "decision": "accept"},
        ).status_code
        == 403
    )
    assert not Verification.objects.exists()


@pytest.mark.django_db
def test_no_decision_is_named(assigned, submission):
    indicator = submission.questionnaire.indicators.first()
    response = assigned.post(
        reverse("penjurian:verify", args=[submission.pk]),
        {"indicator": indicator.pk, "reason": "catatan"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Pilih Terima, Sesuaikan atau Tolak." in body and "catatan" in body
    assert not Verification.objects.exists()


@pytest.mark.django_db
def test_accept_the_rest_of_an_aspect_keeps_given_verdicts(assigned, submission, jury_user):
    aspect = submission.questionnaire.aspects.order_by("order", "id").first()
    indicators = list(aspect.indicators.order_by("order", "id"))
    page = reverse("penjurian:verify", args=[submission.pk])
    assigned.post(page, {"indicator": indicators[0].pk, "decision": "reject", "reason": "Kosong"})
    response = assigned.post(
        reverse("penjurian:aspect_accept", args=[submission.pk, aspect.pk]), follow=True
    )
    assert response.status_code == 200
    verdicts = dict(
        Verification.objects.filter(jury=jury_user).values_list("indicator_id", "decision")
    )
    assert verdicts[indicators[0].pk] == "reject", "a verdict already given stays"
    assert {verdicts[i.pk] for i in indicators[1:]} == {"accept"}
    assert len(verdicts) == len(indicators), "other aspects are untouched"
    assert f"{len(indicators) - 1} indikator" in response.content.decode()


@pytest.mark.django_db
def test_one_jury_in_two_tabs_never_overwrites_silently(assigned, submission):
    indicator = submission.questionnaire.indicators.order_by("order", "id").first()
    page = reverse("penjurian:verify", args=[submission.pk])
    # Both tabs opened the page before any verdict (version "").
    first = assigned.post(
        page,
        {"indicator": indicator.pk, "decision": "accept", "version": ""},
        headers={"X-Autosave": "1"},
    )
    assert first.status_code == 200 and first.json()["ok"]
    version = first.json()["version"]
    stale = assigned.post(
        page,
        {"indicator": indicator.pk, "decision": "reject", "reason": "x", "version": ""},
        headers={"X-Autosave": "1"},
    )
    assert stale.status_code == 409 and stale.json()["conflict"]
    assert Verification.objects.get().decision == "accept"
    # Without script the same: 409, the saved verdict shown, the typed reason kept.
    stale = assigned.post(
        page, {"indicator": indicator.pk, "decision": "reject", "reason": "Tab dua", "version": ""}
    )
    assert stale.status_code == 409 and "Tab dua" in stale.content.decode()
    fresh = assigned.post(
        page,
        {"indicator": indicator.pk, "decision": "reject", "reason": "Tab satu", "version": version},
        headers={"X-Autosave": "1"},
    )
    assert fresh.status_code == 200 and Verification.objects.get().decision == "reject"


@pytest.mark.django_db
def test_two_juries_on_one_unit_keep_their_own_verdicts(assigned, submission, period, unit_a):
    from award.models import JURY_GROUP
    from penjurian.verification import verification_save
    from tests.factories import UserFactory

    other = UserFactory(username="juri.dua", groups=[JURY_GROUP])
    period.juries.create(user=other)
    Assignment.objects.create(period=period, unit=unit_a, jury=other)
    indicator = submission.questionnaire.indicators.order_by("order", "id").first()
    page = reverse("penjurian:verify", args=[submission.pk])
    assigned.post(page, {"indicator": indicator.pk, "decision": "accept", "version": ""})
    verification_save(
        submission=submission,
        indicator=indicator,
        jury=other,
        decision="reject",
        reason="r",
        version="",
    )
    assert sorted(Verification.objects.values_list("decision", flat=True)) == ["accept", "reject"]


@pytest.mark.django_db
def test_the_matrix_assigns_by_hand_within_the_rules(
    admin_client, period, unit_a, kecamatan, jury_user, submission
):
    from penjurian.verification import verification_save

    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    submission.refresh_from_db()
    page = reverse("penjurian:matrix", args=[period.year])
    body = admin_client.get(page, {"tingkat": unit_a.level_id}).content.decode()
    assert unit_a.name in body
    change = reverse("penjurian:assignment_change", args=[period.year])
    data = {"unit": unit_a.pk, "jury": jury_user.pk}
    admin_client.post(change, {**data, "action": "add"})
    assert Assignment.objects.filter(unit=unit_a, jury=jury_user).exists()
    # Work done: taking it away is refused.
    indicator = submission.questionnaire.indicators.first()
    verification_save(submission=submission, indicator=indicator, jury=jury_user, decision="accept")
    admin_client.post(change, {**data, "action": "remove"})
    assert Assignment.objects.filter(unit=unit_a, jury=jury_user).exists()
    Verification.objects.all().delete()
    admin_client.post(change, {**data, "action": "remove"})
    assert not Assignment.objects.exists()
    # A declared conflict with the kecamatan covers its desa: assigning is refused.
    edit = reverse("penjurian:jury_edit", args=[period.year, period.juries.get().pk])
    response = admin_client.post(edit, {"conflicts": "TIDAK.ADA"})
    assert response.status_code == 422 and "TIDAK.ADA" in response.content.decode()
    admin_client.post(edit, {"conflicts": kecamatan.code})
    response = admin_client.post(change, {**data, "action": "add"}, follow=True)
    assert "tidak boleh menilai" in response.content.decode()
    assert not Assignment.objects.exists()
    assert "konflik" in admin_client.get(page).content.decode()


@pytest.mark.django_db
def test_the_admin_adds_a_jury_with_levels_and_conflicts(admin_client, period, unit_a):
    from award.models import Level

    url = reverse("penjurian:jury_add", args=[period.year])
    desa = Level.objects.get(code="desa")
    response = admin_client.post(
        url,
        {
            "email": "baru@example.org",
            "full_name": "Juri Baru",
            "levels": [desa.pk],
            "conflicts": "X.1",
        },
    )
    assert response.status_code == 422 and "X.1" in response.content.decode()
    assert not period.juries.exists()
    response = admin_client.post(
        url,
        {
            "email": "baru@example.org",
            "full_name": "Juri Baru",
            "levels": [desa.pk],
            "conflicts": unit_a.code,
        },
    )
    assert response.status_code == 302
    membership = period.juries.get()
    assert list(membership.levels.all()) == [desa] and list(membership.conflicts.all()) == [unit_a]


@pytest.mark.django_db
def test_the_matrix_pages_with_its_filters_and_returns_to_the_same_page(
    admin_client, period, unit_a, kecamatan, jury_user, submission
):
    from tests.factories import DesaFactory

    for n in range(55):
        unit = DesaFactory(
            code=f"64.08.04.4{n:03d}", name=f"Desa Matriks {n:02d}", parent=kecamatan
        )
        Submission.objects.create(
            period=period,
            unit=unit,
            questionnaire=submission.questionnaire,
            status=Submission.Status.SUBMITTED,
        )
    page = reverse("penjurian:matrix", args=[period.year])
    filters = {"tingkat": unit_a.level_id, "kecamatan": kecamatan.pk}
    first = admin_client.get(page, filters).content.decode()
    assert "Halaman 1 dari 2" in first and "Desa Matriks 00" in first
    assert f"?tingkat={unit_a.level_id}&amp;kecamatan={kecamatan.pk}&amp;halaman=2" in first
    second = admin_client.get(page, {**filters, "halaman": 2}).content.decode()
    assert "Halaman 2 dari 2" in second and "Desa Matriks 54" in second
    assert "Desa Matriks 00" not in second
    last = Submission.objects.get(unit__name="Desa Matriks 54").unit
    back = f"tingkat={unit_a.level_id}&kecamatan={kecamatan.pk}&halaman=2"
    response = admin_client.post(
        reverse("penjurian:assignment_change", args=[period.year]),
        {"unit": last.pk, "jury": jury_user.pk, "action": "add", "back": back},
    )
    assert response.status_code == 302 and response.url == f"{page}?{back}"
    assert Assignment.objects.filter(unit=last, jury=jury_user).exists()
