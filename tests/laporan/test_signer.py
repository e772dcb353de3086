"""The signer certificate (issue #23): an organiser's admin uploads a PKCS#12 file and its
password; it is checked, stored encrypted, never handed out again, replaceable; its subject
and validity are shown; without one the pages say documents are not signed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo import pki
from laporan import signing
from laporan.models import SignerCertificate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ca():
    return pki.authority()


def upload(client, data: bytes, password: str = "rahasia", name: str = "penandatangan.p12"):  # noqa: S107 - a test file's password
    return client.post(
        reverse("laporan:signer"),
        {"file": SimpleUploadedFile(name, data), "password": password},
        follow=True,
    )


def test_the_admin_uploads_a_signer_and_sees_who_signs(admin_client, ca, period):
    page = admin_client.get(reverse("laporan:signer")).content.decode()
    assert "Belum ada sertifikat penandatangan" in page
    report = admin_client.get(reverse("laporan:report", args=[period.year])).content.decode()
    assert "tidak ditandatangani secara elektronik" in report

    data = pki.signer_pkcs12(ca)
    page = upload(admin_client, data).content.decode()
    assert "Kepala Diskominfo Kutai Timur" in page and "CA Uji PPID Award" in page
    signer = SignerCertificate.objects.get()
    # Encrypted at rest: neither the file nor the password is in the row as given.
    assert bytes(signer.pkcs12_encrypted) != data and data[:64] not in bytes(
        signer.pkcs12_encrypted
    )
    assert b"rahasia" not in bytes(signer.password_encrypted)
    material = signing.signer_material(signer=signer)
    assert (material.pkcs12, material.password) == (data, b"rahasia")
    report = admin_client.get(reverse("laporan:report", args=[period.year])).content.decode()
    assert "ditandatangani secara elektronik oleh" in report and "Kepala Diskominfo" in report
    # Never downloadable: no page shows the encrypted or plain material.
    assert data[:32].hex() not in page and "pkcs12" not in page.lower()

    # Replacing it keeps one row, the new signer's.
    upload(admin_client, pki.signer_pkcs12(ca, name="Sekretaris Diskominfo"))
    assert list(SignerCertificate.objects.values_list("subject", flat=True)) == [
        "CN=Sekretaris Diskominfo,C=ID"
    ]
    admin_client.post(reverse("laporan:signer_delete"))
    assert not SignerCertificate.objects.exists()


@pytest.mark.parametrize(
    ("make", "password", "message"),
    [
        (lambda ca: b"bukan sertifikat", "rahasia", "bukan berkas PKCS#12"),
        (lambda ca: pki.signer_pkcs12(ca), "salah", "sandinya salah"),
        (lambda ca: pki.signer_pkcs12(ca, days=-10), "rahasia", "tidak berlaku hari ini"),
        (lambda ca: b"x" * (300 * 1024), "rahasia", "terlalu besar"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_stored(
    admin_client, ca, make, password, message
):
    response = upload(admin_client, make(ca), password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SignerCertificate.objects.exists()


def test_only_the_organisers_admin_may_change_it(client, ca, operator_a, jury_user):
    for user in (operator_a, jury_user):
        client.force_login(user)
        assert client.get(reverse("laporan:signer")).status_code == 403
        response = client.post(
            reverse("laporan:signer"),
            {"file": SimpleUploadedFile("a.p12", pki.signer_pkcs12(ca)), "password": "rahasia"},
        )
        assert response.status_code == 403
    assert not SignerCertificate.objects.exists()
