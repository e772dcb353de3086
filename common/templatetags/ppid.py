from django import template

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
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.{int(digits)}f}".replace(".", ",")


@register.filter
def signed(value) -> str:
    """A change with its sign: +3,25 / −1,50 / –."""
    if value is None:
        return "–"
    number = float(value)
    text = f"{abs(number):.2f}".replace(".", ",")
    return ("+" if number > 0 else "−" if number < 0 else "±") + text


@register.filter
def waktu(value) -> str:
    """A moment as people in Kutai Timur write it: “21 Desember 2026 pukul 23.59 WITA”."""
    from common.formats import moment_text

    return moment_text(value)


@register.filter
def waktu_hari(value) -> str:
    """The same with the day: “Senin, 21 Desember 2026 pukul 23.59 WITA”."""
    from common.formats import moment_text

    return moment_text(value, with_day=True)
