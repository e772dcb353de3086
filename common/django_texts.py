"""Django's own messages whose Indonesian translation is wrong, listed here so that our
catalogue (``locale/id``, searched before Django's) carries the right one. Never imported:
``makemessages`` reads the markers.

Django's catalogue turns "already exists" into "tidak ada" ("does not exist") for a unique
constraint over several fields: the assignment matrix then said that an existing assignment
did not exist."""

from django.utils.translation import gettext_noop

CORRECTED = [
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
]
