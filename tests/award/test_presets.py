"""Scoring presets (issue #22): a new period starts from a known scheme or an earlier period's
settings, in the period form and with create_period."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from award.models import Period
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def field_value(page: str, name: str) -> str:
    import re

    tag = re.search(rf'<(input|select)[^>]*name="{name}"[^>]*>(.*?</select>)?', page, re.S)
    assert tag, name
    if tag.group(1) == "input":
        return re.search(r'value="([^"]*)"', tag.group(0)).group(1)
    return re.search(r'<option value="([^"]*)"[^>]*selected', tag.group(0)).group(1)


@pytest.mark.parametrize(
    ("start", "weights", "basis", "minimum", "name"),
    [
        ("ki_bali", ("0.70", "0.30"), "verified", "60", "presentasi"),
        ("ki_dki", ("0.70", "0.30"), "saq", "65", "presentasi"),
        ("ki_kaltim", ("0.80", "0.20"), "verified", "60", "visitasi"),
    ],
)
def test_a_preset_fills_the_new_periods_settings(
    admin_client, start, weights, basis, minimum, name
):
    page = admin_client.get(reverse("award:period_create"), {"mulai": start}).content.decode()
    assert (
        field_value(page, "weight_verification"),
        field_value(page, "weight_presentation"),
    ) == weights
    assert field_value(page, "finalist_basis") == basis
    assert Decimal(field_value(page, "finalist_minimum")) == Decimal(minimum)
    assert field_value(page, "presentation_name") == name


def test_an_earlier_period_is_copied_and_an_unknown_start_is_said(admin_client):
    PeriodFactory(
        year=2025,
        weight_verification=Decimal("0.65"),
        weight_presentation=Decimal("0.35"),
        finalist_count=7,
        tie_policy="shared",
    )
    url = reverse("award:period_create")
    page = admin_client.get(url, {"mulai": "periode-2025"}).content.decode()
    assert Decimal(field_value(page, "weight_verification")) == Decimal("0.65")
    assert field_value(page, "finalist_count") == "7"
    assert field_value(page, "tie_policy") == "shared"
    assert field_value(page, "year") != "2025", "the dates and the year stay the new period's"
    page = admin_client.get(url, {"mulai": "periode-1999"}).content.decode()
    assert "bukan skema yang dikenal dan bukan periode" in page


def test_create_period_with_a_preset_or_a_copy(capsys):
    call_command("create_period", "--year", "2030", "--preset", "ki_dki")
    dki = Period.objects.get(year=2030)
    assert (dki.weight_verification, dki.finalist_basis, dki.finalist_minimum) == (
        Decimal("0.70"),
        "saq",
        Decimal("65.00"),
    )
    call_command("create_period", "--year", "2031", "--copy-from", "2030")
    assert Period.objects.get(year=2031).finalist_basis == "saq"
    with pytest.raises(CommandError, match="Tidak ada periode 1999"):
        call_command("create_period", "--year", "2032", "--copy-from", "1999")


def test_a_visit_is_called_a_visit():
    period = PeriodFactory(year=2030, presentation_name="visitasi", stage_override="presentasi")
    assert period.stage_label == "Visitasi"
