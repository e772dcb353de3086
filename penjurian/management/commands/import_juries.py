"""``import_juries FILE --period Y``: the juries of a period from a workbook, all or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Period
from award.scoping import OrganiserCommand
from common.jobs import ImportRejected
from common.workbooks import problems_command_error
from penjurian.juries import juries_import_apply


class Command(OrganiserCommand):
    help = "Import the juries of a period (sheet 'juri'); new users get an invitation."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", type=int, required=True, help="the period's year")

    def handle(self, *args, file, period, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        target = Period.objects.filter(year=period).first()
        if target is None:
            raise CommandError(_("Period %(year)s does not exist.") % {"year": period})
        try:
            plan = juries_import_apply(period=target, data=path.read_bytes())
        except ImportRejected as rejected:
            raise problems_command_error(
                problems=rejected.problems, stderr=self.stderr
            ) from rejected
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        for warning in plan.problems.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        self.stdout.write(
            self.style.SUCCESS(
                _("%(added)s juries added (%(created)s new accounts invited), %(updated)s updated.")
                % {"added": plan.added, "created": plan.created_users, "updated": plan.updated}
            )
        )
