from django import template

from common.formats import decimal_plain, decimal_text, moment_text
from common.uploads import upload_guard_attrs

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's full name, else username; a dash when there is no user (e.g. a command)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


@register.filter
def score(value, digits=2) -> str:
    """A score with a decimal comma (Indonesian), or a dash when there is none."""
    if value is None or value == "":
        return "–"
    try:
        return decimal_text(value, digits)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def angka(value) -> str:
    """A setting as typed, with a decimal comma and no trailing zeros: 0.800 → “0,8”."""
    return "–" if value is None else decimal_plain(value)


@register.filter
def signed(value) -> str:
    """A change with its sign: +3,25 / −1,50 / –."""
    if value is None:
        return "–"
    number = float(value)
    return ("+" if number > 0 else "−" if number < 0 else "±") + decimal_text(abs(number))


@register.filter
def waktu(value) -> str:
    """A moment as people in Kutai Timur write it: “21 Desember 2026 pukul 23.59 WITA”."""
    return moment_text(value)


@register.filter
def waktu_hari(value) -> str:
    """The same with the day: “Senin, 21 Desember 2026 pukul 23.59 WITA”."""
    return moment_text(value, with_day=True)


@register.simple_tag
def upload_guard():
    """Attributes for a file input: the size limit and the message the browser shows before
    sending a file over it (static/js/app.js); the server refuses it too (common.uploads)."""
    return upload_guard_attrs()
