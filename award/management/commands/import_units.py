from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from award import services


class Command(BaseCommand):
    help = "Import units from a workbook (sheet 'unit'). All or nothing; never deletes a unit."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only, save nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        data = path.read_bytes()
        try:
            if options["dry_run"]:
                plan = services.units_import_check(data=data)
                if plan.problems.errors:
                    raise services.ImportRejected(plan.problems)
            else:
                plan = services.units_import_apply(data=data)
        except services.ImportRejected as rejected:
            for problem in rejected.problems.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(rejected.problems.errors)} problems; nothing was saved."
            ) from rejected
        for warning in plan.problems.warnings:
            self.stderr.write(f"warning: {warning}")
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(plan.rows)} rows: {plan.created} units {verb} created, "
                f"{plan.updated} updated, {plan.unchanged} unchanged."
            )
        )
