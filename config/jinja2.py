"""The Jinja2 environment for the fragments Django's template engine renders too slowly (see
TEMPLATES in settings): autoescaping on, undefined names fail loudly, and the few Django
filters those fragments use, so numbers and sizes read as on every other page."""

from django.template import defaultfilters
from jinja2 import Environment, StrictUndefined


def environment(**options) -> Environment:
    options.setdefault("undefined", StrictUndefined)
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.filters.update(
        {
            "filesizeformat": defaultfilters.filesizeformat,
            "linebreaksbr": defaultfilters.linebreaksbr,
            "truncatechars": defaultfilters.truncatechars,
        }
    )
    return env
