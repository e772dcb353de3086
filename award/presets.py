"""Scoring presets: the schemes organisers are known to use, as data a new period starts from
(issue #22), or the settings of any earlier period of the same organiser."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from award.models import Period

# The settings a preset or an earlier period hands to a new period (never its dates or year);
# the period form edits these and the dates (award.forms.PeriodForm).
SETTINGS = [
    "has_verification",
    "has_presentation",
    "presentation_name",
    "weight_verification",
    "weight_presentation",
    "aggregation",
    "normalisation",
    "threshold_informatif",
    "threshold_menuju",
    "threshold_cukup",
    "threshold_kurang",
    "finalist_basis",
    "finalist_minimum",
    "finalist_count",
    "tie_policy",
    "hide_saq_score",
    "reminder_days",
    "evidence_years",
    "evidence_link_domains",
]


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    description: str
    values: dict = field(default_factory=dict)


PRESETS = [
    Preset(
        "kutim",
        _("Kutai Timur"),
        _("SAQ and verification 80%, presentation of the 5 best per level 20% (from 60)."),
        {"weight_verification": Decimal("0.80"), "weight_presentation": Decimal("0.20")},
    ),
    Preset(
        "ki_kaltim",
        _("Komisi Informasi Kalimantan Timur"),
        _("SAQ and verification 80%, visit (visitasi) 20%."),
        {
            "weight_verification": Decimal("0.80"),
            "weight_presentation": Decimal("0.20"),
            "presentation_name": "visitasi",
        },
    ),
    Preset(
        "ki_bali",
        _("Komisi Informasi Bali"),
        _("SAQ and verification 70%, video and public presentation 30%."),
        {"weight_verification": Decimal("0.70"), "weight_presentation": Decimal("0.30")},
    ),
    Preset(
        "ki_dki",
        _("Komisi Informasi DKI Jakarta"),
        _("SAQ and verification 70%, presentation 30% for SAQ scores from 65."),
        {
            "weight_verification": Decimal("0.70"),
            "weight_presentation": Decimal("0.30"),
            "finalist_basis": "saq",
            "finalist_minimum": Decimal("65"),
        },
    ),
]
PRESETS_BY_KEY = {preset.key: preset for preset in PRESETS}


def preset_values(*, key: str) -> dict:
    """A preset's settings over the defaults of a new period (unknown key: KeyError)."""
    defaults = {name: Period._meta.get_field(name).get_default() for name in SETTINGS}
    return {**defaults, **PRESETS_BY_KEY[key].values}


def period_settings_copy(*, period: Period) -> dict:
    """The settings of an earlier period, for a new one."""
    return {name: getattr(period, name) for name in SETTINGS}


def period_start_values(*, start: str) -> dict | None:
    """What a new period starts from: ``start`` is a preset's key or ``periode-<year>`` of an
    earlier period of the organiser; None when it names neither."""
    if start in PRESETS_BY_KEY:
        return preset_values(key=start)
    if start.startswith("periode-") and start[8:].isdigit():
        period = Period.objects.filter(year=int(start[8:])).first()
        return period_settings_copy(period=period) if period else None
    return None


def period_start_choices() -> list[tuple[str, str]]:
    """The presets, then the organiser's earlier periods, for the period form's selector."""
    choices = [(p.key, f"{p.name} — {p.description}") for p in PRESETS]
    choices += [
        (f"periode-{p.year}", _("Copy of %(name)s") % {"name": p.name})
        for p in Period.objects.order_by("-year")
    ]
    return choices
