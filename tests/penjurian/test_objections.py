"""Objections (sanggah): only inside the window, once per verdict, with a text; one answer by
the jury whose verdict it is; an accepted objection changes the verdict and keeps the old one;
identities hidden from operators unless the period shows them; mail to jury and operator."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from award.models import Period, Stage
from evaluasi.models import Answer, Submission
from penjurian import objections
from penjurian.models import Assignment, Objection, Verification
from penjurian.verification import verification_save
from tests.conftest import client_for


def _window(period, stage=Stage.OBJECTION):
    Period.objects.filter(pk=period.pk).update(stage_override=stage)
    period.refresh_from_db()


@pytest.fixture
def verdicts(period, unit_a, submission, jury_user, operator_a):
    """The operator answered Ya to the first two yes/no indicators; the jury rejected one and
    adjusted the other to Tidak, and accepted a third."""
    jury_user.email = "juri@example.org"
    jury_user.save()
    operator_a.email = "op@example.org"
    operator_a.save()
    yes_no = list(
        submission.questionnaire.indicators.filter(type="ya_tidak").order_by(
            "aspect__order", "order"
        )[:3]
    )
    for indicator in yes_no:
        Answer.objects.create(submission=submission, indicator=indicator, value="ya")
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    submission.refresh_from_db()
    Assignment.objects.create(period=period, unit=unit_a, jury=jury_user)
    save = verification_save
    rejected = save(
        submission=submission,
        indicator=yes_no[0],
        jury=jury_user,
        decision="reject",
        reason="SK tidak terbaca",
    )
    adjusted = save(
        submission=submission,
        indicator=yes_no[1],
        jury=jury_user,
        decision="adjust",
        value="tidak",
        reason="Belum ada laporan",
    )
    accepted = save(submission=submission, indicator=yes_no[2], jury=jury_user, decision="accept")
    return rejected, adjusted, accepted


@pytest.mark.django_db
def test_the_operator_sees_only_differing_verdicts_without_the_jurys_name(
    client, period, submission, verdicts, operator_a, operator_b, jury_user
):
    rejected, adjusted, accepted = verdicts
    jury_user.first_name = "Rahasia"
    jury_user.save()
    page = reverse("penjurian:objections", args=[submission.pk])
    body = client_for(client, operator_a).get(page).content.decode()
    assert f'id="v-{rejected.pk}"' in body and f'id="v-{adjusted.pk}"' in body
    assert f'id="v-{accepted.pk}"' not in body
    assert "Rahasia" not in body and "juri.uji" not in body and "Juri 1" in body
    assert "SK tidak terbaca" in body  # the reason is shown
    Period.objects.filter(pk=period.pk).update(show_jury_identity=True)
    assert "Rahasia" in client.get(page).content.decode()
    assert client_for(client, operator_b).get(page).status_code == 403


@pytest.mark.django_db
def test_objection_only_inside_the_window_once_and_with_a_text(
    client, period, submission, verdicts, operator_a, django_capture_on_commit_callbacks
):
    rejected, _adjusted, accepted = verdicts
    page = reverse("penjurian:objections", args=[submission.pk])
    operator = client_for(client, operator_a)
    # Before the window (SAQ stage): refused with a clear message, the text kept.
    response = operator.post(page, {"verification": rejected.pk, "text": "Sudah ada SK"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Masa sanggah" in body and "Sudah ada SK" in body
    assert not Objection.objects.exists()
    _window(period)
    response = operator.post(page, {"verification": rejected.pk, "text": "   "})
    assert response.status_code == 422 and not Objection.objects.exists()
    with pytest.raises(ValidationError):
        objections.objection_file(verification=accepted, text="x", user=operator_a)
    upload = SimpleUploadedFile("sk.pdf", b"%PDF-1.4 sk baru", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            page, {"verification": rejected.pk, "text": "SK terlampir", "file": upload}
        )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.text == "SK terlampir" and objection.file_name == "sk.pdf"
    assert [m.to for m in mail.outbox] == [["juri@example.org"]]
    # A second objection to the same verdict is refused.
    response = operator.post(page, {"verification": rejected.pk, "text": "lagi"})
    assert response.status_code == 422 and Objection.objects.count() == 1
    # A wrong file type: refused, nothing saved.
    _adj = verdicts[1]
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = operator.post(page, {"verification": _adj.pk, "text": "t", "file": bad})
    assert response.status_code == 422 and Objection.objects.count() == 1
    # After the window: refused.
    _window(period, Stage.PRESENTATION)
    response = operator.post(page, {"verification": _adj.pk, "text": "terlambat"})
    assert response.status_code == 422 and Objection.objects.count() == 1


@pytest.mark.django_db
def test_the_jury_answers_once_and_an_accepted_objection_changes_the_verdict(
    client, period, submission, verdicts, operator_a, jury_user, django_capture_on_commit_callbacks
):
    rejected, adjusted, _accepted = verdicts
    _window(period)
    first = objections.objection_file(verification=rejected, text="Ada SK", user=operator_a)
    second = objections.objection_file(verification=adjusted, text="Ada laporan", user=operator_a)
    page = reverse("penjurian:objections_jury", args=[submission.pk])
    jury = client_for(client, jury_user)
    assert "Ada SK" in jury.get(page).content.decode()
    # A verdict under objection changes only through the answer.
    with pytest.raises(ValidationError):
        verification_save(
            submission=submission, indicator=rejected.indicator, jury=jury_user, decision="accept"
        )
    # Rejecting without a reason: refused, typed answer kept (empty here), nothing changed.
    response = jury.post(page, {"objection": second.pk, "outcome": "reject", "answer": ""})
    assert response.status_code == 422
    assert Objection.objects.get(pk=second.pk).status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        response = jury.post(page, {"objection": first.pk, "outcome": "accept", "answer": "SK sah"})
    assert response.status_code == 302
    first.refresh_from_db()
    rejected.refresh_from_db()
    assert first.status == "accepted" and first.before_decision == "reject"
    assert first.before_reason == "SK tidak terbaca"
    assert rejected.decision == "accept" and "SK sah" in rejected.reason
    assert [m.to for m in mail.outbox] == [["op@example.org"]]
    # One answer per objection.
    response = jury.post(page, {"objection": first.pk, "outcome": "reject", "answer": "ubah"})
    assert response.status_code == 422
    assert Objection.objects.get(pk=first.pk).status == "accepted"
    response = jury.post(page, {"objection": second.pk, "outcome": "reject", "answer": "Tidak ada"})
    assert response.status_code == 302
    adjusted.refresh_from_db()
    assert adjusted.decision == "adjust" and adjusted.value == "tidak"
    # The operator sees both answers.
    body = (
        client_for(client, operator_a)
        .get(reverse("penjurian:objections", args=[submission.pk]))
        .content.decode()
    )
    assert "SK sah" in body and "Tidak ada" in body


@pytest.mark.django_db
def test_another_jury_cannot_answer(period, submission, verdicts, operator_a, unit_a):
    from award.models import JURY_GROUP
    from tests.factories import UserFactory

    rejected, _a, _b = verdicts
    _window(period)
    objection = objections.objection_file(verification=rejected, text="Ada", user=operator_a)
    other = UserFactory(username="juri.dua", groups=[JURY_GROUP])
    period.juries.create(user=other)
    Assignment.objects.create(period=period, unit=unit_a, jury=other)
    with pytest.raises(ValidationError):
        objections.objection_answer(objection=objection, jury=other, accepted=True, answer="")
    assert Verification.objects.get(pk=rejected.pk).decision == "reject"
