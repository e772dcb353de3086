"""Jinja2 fragments: the parts of pages every user repeats, too large for Django's template
engine to render fast (the SAQ step, the jury's verification sheet). A fragment holds no
text of its own — its caller passes every text translated, as ``t`` — and gets one CSRF
token for all its forms (each ``csrf_input`` would mask a new one)."""

from django.middleware.csrf import get_token
from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def fragment_render(template: str, request, context: dict, *, texts: dict) -> SafeString:
    """``template`` of the Jinja2 engine, ready to place in a Django template."""
    html = (
        engines["jinja2"]
        .get_template(template)
        .render({**context, "t": texts, "csrf": get_token(request)}, request)
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 output, autoescaped
