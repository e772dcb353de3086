"""Levels are edited in the app (issue #13): add, rename, reorder, parent level; the code of a
level in use stays; a circle of parent levels and removing a level in use are refused with a
message, nothing changed."""

import pytest
from django.urls import reverse

from award.models import Level
from tests.factories import DesaFactory, KecamatanFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_levels")]


def test_admin_adds_renames_and_reorders_a_level(admin_client):
    page = admin_client.get(reverse("award:level_list")).content.decode()
    assert "Tambah tingkat" in page and "Kecamatan" in page
    kecamatan = Level.objects.get(code="kecamatan")
    response = admin_client.post(
        reverse("award:level_list"),
        {"code": "kelurahan", "name": "Kelurahan", "order": "4", "parent_level": kecamatan.pk},
    )
    assert response.status_code == 302
    kelurahan = Level.objects.get(code="kelurahan")
    assert kelurahan.parent_level == kecamatan and kelurahan.order == 4
    response = admin_client.post(
        reverse("award:level_update", args=["kelurahan"]),
        {"code": "kelurahan", "name": "Kelurahan / Desa Adat", "order": "0", "parent_level": ""},
    )
    assert response.status_code == 302
    kelurahan.refresh_from_db()
    assert kelurahan.name == "Kelurahan / Desa Adat" and kelurahan.parent_level is None
    listed = admin_client.get(reverse("award:level_list")).content.decode()
    assert listed.index("Kelurahan / Desa Adat") < listed.index(">Desa<")


def test_a_duplicate_code_is_refused_and_what_was_typed_stays(admin_client):
    response = admin_client.post(
        reverse("award:level_list"), {"code": "desa", "name": "Desa Kedua", "order": "9"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Tingkat dengan Kode telah ada" in page
    assert 'value="Desa Kedua"' in page
    assert Level.objects.filter(code="desa").count() == 1


def test_the_code_of_a_level_in_use_stays_and_circles_are_refused(admin_client):
    DesaFactory(parent=KecamatanFactory())
    desa = Level.objects.get(code="desa")
    kecamatan = Level.objects.get(code="kecamatan")
    response = admin_client.post(
        reverse("award:level_update", args=["desa"]),
        {"code": "desa-baru", "name": "Desa", "order": "1", "parent_level": kecamatan.pk},
    )
    assert "Kode tingkat yang sudah dipakai tidak dapat diubah" in response.content.decode()
    assert Level.objects.filter(code="desa").exists()
    response = admin_client.post(
        reverse("award:level_update", args=["kecamatan"]),
        {"code": "kecamatan", "name": "Kecamatan", "order": "2", "parent_level": desa.pk},
    )
    assert "berputar" in response.content.decode()
    kecamatan.refresh_from_db()
    assert kecamatan.parent_level is None


def test_only_a_level_nothing_uses_can_be_removed(admin_client):
    DesaFactory(parent=KecamatanFactory())
    response = admin_client.post(reverse("award:level_delete", args=["desa"]), follow=True)
    assert "dipakai dan tidak dapat dihapus" in response.content.decode()
    assert Level.objects.filter(code="desa").exists()
    Level.objects.create(code="kelurahan", name="Kelurahan", order=5)
    admin_client.post(reverse("award:level_delete", args=["kelurahan"]))
    assert not Level.objects.filter(code="kelurahan").exists()
