from django import template

from award.qualifications import qualification as qualification_of

register = template.Library()


@register.inclusion_tag("components/qualification.html")
def qualification(label):
    """A coloured badge for a qualification label."""
    return {"label": label, "css": qualification_of(label).css}
