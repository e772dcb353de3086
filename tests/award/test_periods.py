"""Periods: stage derivation, date and settings validation, extensions, create_period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from award import selectors, services
from award.models import Period, Stage
from tests.factories import DesaFactory, PeriodFactory

pytestmark = pytest.mark.django_db
WITA = dt.timezone(dt.timedelta(hours=8))


def at(day, hour=0, minute=0, second=0):
    return dt.datetime(2026, 1, 1, hour, minute, second, tzinfo=WITA) + dt.timedelta(days=day)


def make_period(**overrides) -> Period:
    fields = {
        "year": 2026,
        "saq_open": at(0),
        "saq_close": at(30),
        "verification_close": at(44),
        "objection_close": at(51),
        "presentation_close": at(65),
        "finalisation_date": at(72),
        **overrides,
    }
    return services.period_create(**fields)


def test_defaults_follow_design():
    period = make_period()
    assert period.name == "PPID Award 2026"
    assert (period.weight_verification, period.weight_presentation) == (
        Decimal("0.800"),
        Decimal("0.200"),
    )
    assert period.aggregation == "mean" and period.normalisation == "none"
    assert period.finalist_minimum == Decimal("60") and period.finalist_count == 5
    assert [period.threshold_informatif, period.threshold_menuju] == [90, 80]
    assert [period.threshold_cukup, period.threshold_kurang] == [60, 40]
    assert period.tie_policy == "unique"


@pytest.mark.parametrize(
    ("moment", "stage"),
    [
        (at(-1), Stage.PREPARATION),
        (at(0), Stage.SAQ),
        (at(30) - dt.timedelta(seconds=1), Stage.SAQ),
        (at(30), Stage.VERIFICATION),
        (at(44), Stage.OBJECTION),
        (at(51), Stage.PRESENTATION),
        (at(65), Stage.FINALISATION),
        (at(72), Stage.CLOSED),
    ],
)
def test_stage_is_derived_from_the_dates(moment, stage):
    assert make_period().stage_at(moment) == stage


def test_switched_off_stages_are_skipped():
    period = make_period(
        has_verification=False,
        has_presentation=False,
        verification_close=None,
        objection_close=None,
        presentation_close=None,
        finalisation_date=at(40),
    )
    assert period.stage_at(at(31)) == Stage.FINALISATION
    assert [s for s, _ in period.stage_boundaries()] == ["saq", "penetapan", "selesai"]


def test_admin_override_wins_over_dates():
    period = make_period(stage_override=Stage.VERIFICATION)
    assert period.stage_at(at(1)) == Stage.VERIFICATION


def test_dates_out_of_order_are_refused_with_a_field_message():
    with pytest.raises(ValidationError) as error:
        make_period(objection_close=at(40))
    assert error.value.message_dict == {
        "objection_close": ["Tidak boleh lebih awal dari verifikasi ditutup."]
    }
    with pytest.raises(ValidationError) as error:
        make_period(saq_close=at(0))
    assert "SAQ harus ditutup setelah dibuka." in error.value.message_dict["saq_close"]
    assert not Period.objects.exists()


def test_stage_dates_are_required_for_enabled_stages():
    with pytest.raises(ValidationError) as error:
        make_period(verification_close=None, presentation_close=None)
    messages = error.value.message_dict
    assert messages["verification_close"] == ["Wajib diisi bila periode memiliki tahap verifikasi."]
    assert messages["presentation_close"] == ["Wajib diisi bila periode memiliki tahap presentasi."]


def test_weights_must_sum_to_one_and_thresholds_decrease():
    with pytest.raises(ValidationError) as error:
        make_period(weight_verification=Decimal("0.7"), weight_presentation=Decimal("0.2"))
    assert error.value.message_dict["weight_presentation"] == [
        "Jumlah bobot verifikasi dan presentasi harus 1 (saat ini 0,9)."
    ]
    with pytest.raises(ValidationError) as error:
        make_period(threshold_cukup=Decimal("85"))
    assert "threshold_cukup" in error.value.message_dict


@pytest.mark.parametrize(
    ("score", "label"),
    [
        ("100", "Informatif"),
        ("90.00", "Informatif"),
        ("89.99", "Menuju Informatif"),
        ("80", "Menuju Informatif"),
        ("79.99", "Cukup Informatif"),
        ("60", "Cukup Informatif"),
        ("59.99", "Kurang Informatif"),
        ("40", "Kurang Informatif"),
        ("39.99", "Tidak Informatif"),
        ("0", "Tidak Informatif"),
    ],
)
def test_qualification_boundaries(score, label):
    assert make_period().qualification_for(Decimal(score)) == label


def test_deadline_extension_per_unit_around_midnight_wita(unit_a, unit_b, admin_user):
    period = make_period(saq_close=at(30))  # 31 January 2026 00:00 WITA
    services.deadline_extension_set(
        period=period, unit=unit_a, saq_close=at(33), reason="Jaringan putus", created_by=admin_user
    )
    last_second = at(30) - dt.timedelta(seconds=1)
    assert selectors.period_saq_is_open(period=period, unit=unit_b, moment=last_second)
    assert not selectors.period_saq_is_open(period=period, unit=unit_b, moment=at(30))
    assert selectors.period_saq_is_open(period=period, unit=unit_a, moment=at(30))
    assert not selectors.period_saq_is_open(period=period, unit=unit_a, moment=at(33))
    assert selectors.period_saq_deadline(period=period, unit=unit_a) == at(33)
    with pytest.raises(ValidationError):
        services.deadline_extension_set(
            period=period, unit=unit_b, saq_close=at(29), reason="x", created_by=admin_user
        )


# --- screens ----------------------------------------------------------------------------
def form_data(**overrides):
    data = {
        "year": "2027",
        "name": "",
        "has_verification": "on",
        "has_presentation": "on",
        "saq_open": "2027-02-01T08:00",
        "saq_close": "2027-03-01T23:59",
        "verification_close": "2027-03-15T16:00",
        "objection_close": "2027-03-22T16:00",
        "presentation_close": "2027-04-05T16:00",
        "finalisation_date": "2027-04-12T10:00",
        "stage_override": "",
        "weight_verification": "0.8",
        "weight_presentation": "0.2",
        "aggregation": "mean",
        "normalisation": "none",
        "threshold_informatif": "90",
        "threshold_menuju": "80",
        "threshold_cukup": "60",
        "threshold_kurang": "40",
        "finalist_minimum": "60",
        "finalist_count": "5",
        "tie_policy": "unique",
        "reminder_days": "7,3,1",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_period_in_wita(admin_client):
    response = admin_client.post(reverse("award:period_create"), form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    period = Period.objects.get(year=2027)
    assert period.name == "PPID Award 2027"
    assert timezone.localtime(period.saq_close).strftime("%Y-%m-%d %H:%M") == "2027-03-01 23:59"
    assert period.saq_close.utcoffset() is not None
    assert period.saq_close == dt.datetime(2027, 3, 1, 15, 59, tzinfo=dt.UTC)


def test_invalid_period_form_keeps_input_and_explains(admin_client):
    data = form_data(objection_close="2027-03-10T16:00", weight_presentation="0.3", name="Uji")
    response = admin_client.post(reverse("award:period_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tidak boleh lebih awal dari verifikasi ditutup." in body
    assert "Jumlah bobot verifikasi dan presentasi harus 1 (saat ini 1,1)." in body
    assert 'value="Uji"' in body and 'value="2027-03-10T16:00"' in body
    assert not Period.objects.filter(year=2027).exists()


def test_rejected_edit_leaves_the_period_untouched(admin_client):
    period = PeriodFactory(year=2027, name="Asli")
    url = reverse("award:period_update", args=[2027])
    response = admin_client.post(url, form_data(name="Baru", saq_close="2027-01-01T00:00"))
    assert response.status_code == 200
    period.refresh_from_db()
    assert period.name == "Asli"
    response = admin_client.post(url, form_data(name="Baru"))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.name == "Baru"


def test_admin_adds_an_extension_and_a_jury_from_the_period_page(
    admin_client, period, unit_a, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("award:period_extension_add", args=[period.year])
    late = timezone.localtime(period.saq_close + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = admin_client.post(
        url, {"ext-unit_code": unit_a.code, "ext-saq_close": late, "ext-reason": "Banjir"}
    )
    assert response.status_code == 302
    assert period.extensions.get().unit == unit_a
    response = admin_client.post(
        url, {"ext-unit_code": "TIDAK-ADA", "ext-saq_close": late, "ext-reason": "x"}
    )
    assert "Tidak ada unit dengan kode atau nama yang memuat “TIDAK-ADA”." in (
        response.content.decode()
    )
    assert period.extensions.count() == 1, "nothing saved"
    # A name finds the unit when it names one; several matches are listed with their codes.
    DesaFactory(code="64.08.04.2009", name="Desa Swarga Baru", parent=unit_a.parent)
    response = admin_client.post(
        url, {"ext-unit_code": "swarga", "ext-saq_close": late, "ext-reason": "Banjir"}
    )
    page = response.content.decode()
    assert "Beberapa unit cocok dengan “swarga”" in page
    assert "Desa Swarga Bara (64.08.04.2002)" in page and "(64.08.04.2009)" in page
    assert 'value="swarga"' in page, "what was typed stays in the form"
    response = admin_client.post(
        url, {"ext-unit_code": "  swarga   baru ", "ext-saq_close": late, "ext-reason": "Banjir"}
    )
    assert response.status_code == 302
    assert period.extensions.filter(unit__code="64.08.04.2009").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("penjurian:jury_add", args=[period.year]),
            {"full_name": "Juri Baru", "email": "juri.baru@contoh.id"},
        )
    assert response.status_code == 302
    assert period.juries.get().user.email == "juri.baru@contoh.id"
    assert "/akun/undangan/" in mailoutbox[0].body


# --- command ----------------------------------------------------------------------------
def test_create_period_command_defaults_to_30_days(capsys):
    before = timezone.now()
    call_command("create_period", "--year", "2030", "--without-presentation")
    period = Period.objects.get(year=2030)
    assert period.stage == Stage.SAQ
    assert period.saq_open >= before.replace(microsecond=0)
    # The SAQ closes at the end of the 30th day, 23.59 WITA, and pages say so.
    close = timezone.localtime(period.saq_close)
    assert close.date() == timezone.localtime(period.saq_open + dt.timedelta(days=30)).date()
    assert (close.hour, close.minute, close.second) == (23, 59, 59)
    from common.formats import moment_text

    assert moment_text(period.saq_close).endswith("pukul 23.59 WITA")
    assert not period.has_presentation and period.presentation_close is None
    assert "Periode 2030" in capsys.readouterr().out


def test_create_period_command_with_dates_and_errors():
    call_command(
        "create_period", "--year", "2031", "--saq-open", "2031-01-05", "--saq-close", "2031-02-05"
    )
    period = Period.objects.get(year=2031)
    # A date without a time: the SAQ opens at the start of its day and closes at the end.
    assert timezone.localtime(period.saq_open).isoformat() == "2031-01-05T00:00:00+08:00"
    assert timezone.localtime(period.saq_close).isoformat() == "2031-02-05T23:59:59+08:00"
    with pytest.raises(CommandError, match="sudah ada"):
        call_command("create_period", "--year", "2031")
    with pytest.raises(CommandError, match="bukan tanggal ISO"):
        call_command("create_period", "--year", "2032", "--saq-open", "besok")
    with pytest.raises(CommandError, match="bukan tanggal ISO"):
        call_command("create_period", "--year", "2032", "--saq-close", "2032-13-45")
    with pytest.raises(CommandError, match="SAQ harus ditutup setelah dibuka"):
        call_command(
            "create_period",
            "--year",
            "2033",
            "--saq-open",
            "2033-02-01",
            "--saq-close",
            "2033-01-01",
        )
    assert not Period.objects.filter(year__in=[2032, 2033]).exists()
