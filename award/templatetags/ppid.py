from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's full name, else username; a dash when there is no user (e.g. a command)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()
