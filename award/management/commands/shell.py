"""Django's shell, run for one organiser (``--organiser SLUG``; the only one by default), or
for the platform when there are several and none is named."""

from django.core.management.commands.shell import Command as DjangoShell

from award.scoping import OrganiserCommand


class Command(OrganiserCommand, DjangoShell):
    organiser_required = False
