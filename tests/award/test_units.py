"""Unit list, search, filters and the unit form."""

import pytest
from django.urls import reverse

from award.models import Unit
from tests.factories import DesaFactory, KecamatanFactory, OpdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    bengalon = KecamatanFactory(code="64.08.09", name="Kecamatan Bengalon")
    wahau = KecamatanFactory(code="64.08.02", name="Kecamatan Muara Wahau")
    DesaFactory(code="64.08.09.2001", name="Desa Sepaso", parent=bengalon)
    DesaFactory(code="64.08.09.2002", name="Desa Sepaso Barat", parent=bengalon)
    DesaFactory(code="64.08.02.2001", name="Desa Wanasari", parent=wahau)
    OpdFactory(code="OPD.DINKES", name="Dinas Kesehatan")
    return bengalon


def names(response):
    return [unit.name for unit in response.context["page"]]


def test_search_and_filters(admin_client, units):
    url = reverse("award:unit_list")
    assert len(names(admin_client.get(url))) == 6
    assert names(admin_client.get(url, {"q": "sepaso"})) == ["Desa Sepaso", "Desa Sepaso Barat"]
    assert names(admin_client.get(url, {"q": "OPD.DIN"})) == ["Dinas Kesehatan"]
    assert names(admin_client.get(url, {"level": "kecamatan"})) == [
        "Kecamatan Bengalon",
        "Kecamatan Muara Wahau",
    ]
    by_kecamatan = names(admin_client.get(url, {"parent": "64.08.09"}))
    assert sorted(by_kecamatan) == ["Desa Sepaso", "Desa Sepaso Barat", "Kecamatan Bengalon"]
    assert names(admin_client.get(url, {"level": "desa", "parent": "64.08.02"})) == [
        "Desa Wanasari"
    ]


def test_htmx_search_returns_only_the_table(admin_client, units):
    response = admin_client.get(
        reverse("award:unit_list"), {"q": "wanasari"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Desa Wanasari" in body and "1 unit" in body


def test_unit_form_validates_the_parent_rule_and_keeps_input(admin_client, units):
    opd = Unit.objects.get(code="OPD.DINKES")
    data = {
        "code": "64.08.09.2003",
        "name": "Desa Baru",
        "level": Unit.objects.get(code="64.08.09.2001").level_id,
        "parent": "",
        "website": "",
        "operator_email": "",
        "active": "on",
    }
    response = admin_client.post(reverse("award:unit_create"), data)
    body = response.content.decode()
    assert "Unit tingkat Desa wajib memiliki unit induk tingkat Kecamatan." in body
    assert 'value="Desa Baru"' in body
    assert not Unit.objects.filter(code="64.08.09.2003").exists()

    data["parent"] = units.pk
    response = admin_client.post(reverse("award:unit_create"), data)
    assert response.status_code == 302
    created = Unit.objects.get(code="64.08.09.2003")
    assert created.parent == units

    # Duplicate code is refused.
    response = admin_client.post(reverse("award:unit_create"), data)
    assert "Unit dengan Kode telah ada." in response.content.decode()

    # Editing: an OPD cannot get a parent.
    response = admin_client.post(
        reverse("award:unit_update", args=[opd.pk]),
        {"code": opd.code, "name": "Dinas Kesehatan", "level": opd.level_id, "parent": units.pk},
    )
    assert (
        "Unit tingkat OPD tidak memiliki unit induk; kosongkan induknya."
        in response.content.decode()
    )
    opd.refresh_from_db()
    assert opd.parent is None and opd.active


@pytest.mark.django_db
def test_a_units_page_links_to_its_saq(admin_client, submission):
    body = admin_client.get(
        reverse("award:unit_detail", args=[submission.unit_id])
    ).content.decode()
    assert reverse("evaluasi:saq_summary", args=[submission.pk]) in body
