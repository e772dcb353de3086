"""Geometry for the server-rendered SVG charts (no script, no CDN; readable on a phone and in
print). The selectors put numbers in, the templates draw what these helpers return."""

from __future__ import annotations

import math

# Okabe–Ito: distinguishable by people with colour-vision deficiencies and in greyscale print
# (each chart also writes its numbers beside the shapes, so no colour carries meaning alone).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def level_colour(level) -> str:
    """A level's colour, the same on every chart and page whatever levels are added or
    reordered later (taken from its id, never from its place in a list)."""
    return colour(level.pk - 1)


def nice_top(value: float) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at least ``value`` (at least 1): the top of an axis."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def scaled(value: float | None, *, top: float, length: float) -> float:
    """``value`` on an axis of ``length`` units that ends at ``top`` (0 for nothing)."""
    if not value or not top:
        return 0.0
    return round(length * min(float(value), top) / top, 1)
