"""Invitations, password reset and change: the account life cycle through the screens."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from award.models import OperatorMembership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def invite(admin_client, unit, email, callbacks):
    with callbacks(execute=True):
        return admin_client.post(
            reverse("award:operator_invite", args=[unit.pk]),
            {"full_name": "Siti Rahmawati", "email": email},
        )


def test_invited_operator_activates_the_account_and_sees_only_its_unit(
    client, admin_client, unit_a, unit_b, mailoutbox, django_capture_on_commit_callbacks
):
    response = invite(admin_client, unit_a, "Siti@Desa.ID", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "Undangan dikirim ke siti@desa.id" in page
    assert "undangan belum diterima" in page

    user = User.objects.get(email="siti@desa.id")
    assert not user.has_usable_password()
    assert OperatorMembership.objects.filter(user=user, unit=unit_a).exists()
    (mail,) = mailoutbox
    assert mail.to == ["siti@desa.id"]
    assert mail.subject == "Undangan PPID Award"
    assert "operator PPID untuk Desa Swarga Bara" in mail.body
    link = re.search(r"http://testserver(/kutim/akun/undangan/\S+/)", mail.body).group(1)

    admin_client.logout()
    form = client.get(link, follow=True)
    assert "Aktifkan akun Anda" in form.content.decode()
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    response = client.post(
        set_url, {"new_password1": "Sangatta#2026!", "new_password2": "Sangatta#2026!"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("login")

    # The link works once.
    again = client.get(link, follow=True)
    assert "tidak valid atau sudah pernah dipakai" in again.content.decode()

    response = client.post(
        reverse("login"), {"username": "siti@desa.id", "password": "Sangatta#2026!"}
    )
    assert response["Location"] == reverse("award:dashboard")
    dashboard = client.get(reverse("award:dashboard")).content.decode()
    assert "Desa Swarga Bara" in dashboard
    assert client.get(reverse("award:unit_detail", args=[unit_a.pk])).status_code == 200
    assert client.get(reverse("award:unit_detail", args=[unit_b.pk])).status_code == 403
    assert client.get(reverse("award:unit_list")).status_code == 403


def test_inviting_twice_says_so_and_keeps_the_form(
    admin_client, unit_a, django_capture_on_commit_callbacks
):
    invite(admin_client, unit_a, "dua@desa.id", django_capture_on_commit_callbacks)
    response = invite(admin_client, unit_a, "dua@desa.id", django_capture_on_commit_callbacks)
    body = response.content.decode()
    assert response.status_code == 200
    assert "dua@desa.id sudah menjadi operator unit ini." in body
    assert 'value="Siti Rahmawati"' in body
    assert OperatorMembership.objects.filter(unit=unit_a).count() == 1


def test_an_existing_account_becomes_operator_of_a_second_unit_without_a_new_password(
    admin_client, unit_a, unit_b, operator_a, mailoutbox, django_capture_on_commit_callbacks
):
    invite(admin_client, unit_b, operator_a.email, django_capture_on_commit_callbacks)
    assert set(operator_a.operator_memberships.values_list("unit__code", flat=True)) == {
        unit_a.code,
        unit_b.code,
    }
    assert operator_a.has_usable_password()
    assert "/akun/undangan/" not in mailoutbox[0].body


def test_invalid_email_is_explained(admin_client, unit_a):
    response = admin_client.post(
        reverse("award:operator_invite", args=[unit_a.pk]),
        {"full_name": "X", "email": "bukan-email"},
    )
    assert "Masukkan alamat email yang valid." in response.content.decode()


def test_password_reset_sends_a_working_link(client, mailoutbox):
    UserFactory(username="op.lupa", email="lupa@desa.id")
    response = client.post(reverse("password_reset"), {"email": "lupa@desa.id"})
    assert response["Location"] == reverse("password_reset_done")
    (mail,) = mailoutbox
    assert mail.subject == "Atur ulang kata sandi PPID Award"
    link = re.search(r"http://testserver(/kutim/akun/reset/\S+/)", mail.body).group(1)
    page = client.get(link, follow=True)
    url = page.redirect_chain[-1][0]
    response = client.post(
        url, {"new_password1": "Baru#Sekali99", "new_password2": "Baru#Sekali99"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert User.objects.get(username="op.lupa").check_password("Baru#Sekali99")


def test_password_change(client):
    user = UserFactory(username="op.ganti")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "kata-sandi-uji-123",
            "new_password1": "Ganti#Sandi2026",
            "new_password2": "Ganti#Sandi2026",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Ganti#Sandi2026")


def test_logout_is_a_post(client, operator_a):
    client.force_login(operator_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(reverse("award:dashboard")).status_code == 302


def test_operator_removed_from_a_unit_loses_access(client, admin_client, operator_a, unit_a):
    membership = operator_a.operator_memberships.get()
    admin_client.post(reverse("award:operator_remove", args=[unit_a.pk, membership.pk]))
    client.force_login(operator_a)
    # No part left in Kutai Timur at all: its pages answer as if they did not exist.
    assert client.get(reverse("award:unit_detail", args=[unit_a.pk])).status_code == 404


@pytest.mark.django_db
def test_login_error_and_invitation_name_the_username_once(client, operator_a):
    response = client.post(reverse("login"), {"username": "op.a", "password": "salah"})
    body = response.content.decode()
    assert "nama pengguna nama pengguna" not in body.lower()
    assert "alamat email" in body  # where an invited account's username comes from
