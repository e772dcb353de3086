"""The qualifications of DESIGN.md §3 (Perki 1/2022), defined once: each label with the
Period field that holds its lower bound (with the default), its colour on pages, badges and
charts, and whether it earns a qualification certificate. Every part of the system reads
them from here: the scoring rules, the period form, templates, badges, charts, certificates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Qualification:
    label: str  # as stored on a score and printed (a proper name, not translated)
    threshold_field: str | None  # the Period field with its lower bound; None: the rest
    default: str  # that bound's default
    css: str  # badge class in static/css/app.css
    colour: str  # for SVG badges, charts and certificates
    certificate: bool  # earns a qualification certificate


QUALIFICATIONS: tuple[Qualification, ...] = (
    Qualification("Informatif", "threshold_informatif", "90", "q-informatif", "#0f7b3d", True),
    Qualification("Menuju Informatif", "threshold_menuju", "80", "q-menuju", "#1a7f8e", True),
    Qualification("Cukup Informatif", "threshold_cukup", "60", "q-cukup", "#f2b705", True),
    Qualification("Kurang Informatif", "threshold_kurang", "40", "q-kurang", "#e07b00", False),
    Qualification("Tidak Informatif", None, "0", "q-tidak", "#b42318", False),
)
LABELS = [q.label for q in QUALIFICATIONS]
BY_LABEL = {q.label: q for q in QUALIFICATIONS}
UNKNOWN = QUALIFICATIONS[-1]


def qualification(label: str) -> Qualification:
    return BY_LABEL.get(label, UNKNOWN)


def thresholds_of(period) -> tuple[float, ...]:
    """The lower bounds of every qualification but the last, best first."""
    return tuple(float(getattr(period, q.threshold_field)) for q in QUALIFICATIONS[:-1])
