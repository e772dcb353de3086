"""Moments as people in Kutai Timur read them, for pages, messages and emails alike:
“21 Desember 2026 pukul 23.59 WITA” (the ``waktu`` template filter uses the same)."""

from decimal import Decimal

from django.utils import dateformat, timezone, translation


def moment_text(value, *, with_day: bool = False) -> str:
    if value in (None, ""):
        return "–"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    pattern = r"j F Y \p\u\k\u\l H.i"
    with translation.override("id"):
        return dateformat.format(local, ("l, " if with_day else "") + pattern) + " WITA"


def decimal_text(value, digits: int = 2) -> str:
    """A number with a decimal comma, as Indonesian readers write it (“85,50”), whatever
    language is active (messages are made in tasks and commands too)."""
    return f"{float(value):.{int(digits)}f}".replace(".", ",")


def decimal_plain(value) -> str:
    """A Decimal as typed, without trailing zeros and with a decimal comma (“1,8”, “135”)."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")
