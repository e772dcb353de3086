"""Moments as people in Kutai Timur read them, for pages, messages and emails alike:
“21 Desember 2026 pukul 23.59 WITA” (the ``waktu`` template filter uses the same)."""

from django.utils import dateformat, timezone, translation


def moment_text(value, *, with_day: bool = False) -> str:
    if value in (None, ""):
        return "–"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    pattern = r"j F Y \p\u\k\u\l H.i"
    with translation.override("id"):
        return dateformat.format(local, ("l, " if with_day else "") + pattern) + " WITA"
