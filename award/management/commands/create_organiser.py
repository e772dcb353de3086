from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from award.models import Organiser, OrganiserMembership
from award.organisers import organiser_create, organiser_member_invite
from award.scoping import PlatformCommand


class Command(PlatformCommand):
    help = "Create an organiser (penyelenggara) with its default levels and, optionally, its admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="short name for URLs, e.g. bontang")
        parser.add_argument(
            "--kind", default=Organiser.Kind.DISKOMINFO, choices=Organiser.Kind.values
        )
        parser.add_argument("--region-code", default="", help="Kemendagri code, e.g. 64.74")
        parser.add_argument("--admin-email", default="", help="invite this person as its admin")

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                organiser = organiser_create(
                    name=options["name"],
                    slug=options["slug"],
                    kind=options["kind"],
                    region_code=options["region_code"],
                )
                if options["admin_email"]:
                    organiser_member_invite(
                        organiser=organiser,
                        email=options["admin_email"],
                        role=OrganiserMembership.Role.ADMIN,
                    )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Organiser %(name)s created: its pages start at /%(slug)s/.")
                % {"name": organiser.name, "slug": organiser.slug}
            )
        )
