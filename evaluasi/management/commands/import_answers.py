from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.scoping import OrganiserCommand
from common.workbooks import problems_command_error
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.saq import offline


class Command(OrganiserCommand):
    help = (
        "Import a unit's answers workbook (sheets jawaban and pengaturan), or a ZIP with the "
        "workbook and the evidence files named in bukti_berkas; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--submit", action="store_true", help="submit the SAQ afterwards")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            plan = offline.answers_import_apply(
                data=path.read_bytes(), user=None, submit=options["submit"], file_name=path.name
            )
        except questionnaire_services.QuestionnaireRejected as rejected:
            raise problems_command_error(
                problems=rejected.problems, stderr=self.stderr
            ) from rejected
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        for warning in plan.problems.as_lists()["warnings"]:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(offline.answers_import_message(plan)))
        if options["submit"]:
            self.stdout.write(self.style.SUCCESS(_("Your SAQ has been submitted. Thank you!")))
