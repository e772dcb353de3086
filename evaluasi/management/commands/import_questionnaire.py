from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Period
from award.scoping import OrganiserCommand
from common.workbooks import problems_command_error
from evaluasi.questionnaires import services as questionnaire_services


class Command(OrganiserCommand):
    help = "Import a questionnaire workbook into a period as a new draft version (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--publish", action="store_true", help="publish it after importing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        period = Period.objects.filter(year=options["period"]).first()
        if period is None:
            raise CommandError(_("No period for year %(year)s.") % {"year": options["period"]})
        try:
            questionnaire = questionnaire_services.questionnaire_import(
                data=path.read_bytes(), period=period, file_name=path.name
            )
        except questionnaire_services.QuestionnaireRejected as rejected:
            raise problems_command_error(
                problems=rejected.problems, stderr=self.stderr
            ) from rejected
        if options["publish"]:
            questionnaire_services.questionnaire_publish(questionnaire=questionnaire)
        self.stdout.write(
            self.style.SUCCESS(
                _("Questionnaire “%(title)s” imported as draft version %(version)s.")
                % {"title": questionnaire.title, "version": questionnaire.version}
            )
        )
