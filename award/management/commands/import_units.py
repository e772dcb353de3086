from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award import services
from award.scoping import OrganiserCommand
from common import jobs
from common.workbooks import problems_command_error


class Command(OrganiserCommand):
    help = "Import units from a workbook (sheet 'unit'). All or nothing; never deletes a unit."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only, save nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        data = path.read_bytes()
        try:
            if options["dry_run"]:
                plan = services.units_import_check(data=data)
                if plan.problems.errors:
                    raise jobs.ImportRejected(plan.problems)
            else:
                plan = services.units_import_apply(data=data)
        except jobs.ImportRejected as rejected:
            raise problems_command_error(
                problems=rejected.problems, stderr=self.stderr
            ) from rejected
        for warning in plan.problems.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if options["dry_run"]:
            summary = _("Check only: %(created)s units would be created, %(updated)s updated.")
        else:
            summary = _("%(created)s units created, %(updated)s updated, %(unchanged)s unchanged.")
        self.stdout.write(
            self.style.SUCCESS(
                summary
                % {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged}
            )
        )
