from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Level, Period
from award.scoping import OrganiserCommand
from evaluasi.exports import QuestionnaireExporter
from evaluasi.models import Questionnaire
from evaluasi.questionnaires.selectors import questionnaire_spec


class Command(OrganiserCommand):
    help = "Export a level's questionnaire of a period (latest version) as a workbook."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True)
        parser.add_argument("--level", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--questionnaire-version", type=int, help="default: the latest version")

    def handle(self, *args, **options):
        period = Period.objects.filter(year=options["period"]).first()
        if period is None:
            raise CommandError(_("No period for year %(year)s.") % {"year": options["period"]})
        level = Level.objects.filter(code=options["level"]).first()
        if level is None:
            raise CommandError(_("Unknown level '%(value)s'.") % {"value": options["level"]})
        questionnaires = Questionnaire.objects.filter(period=period, level=level)
        if options["questionnaire_version"]:
            questionnaires = questionnaires.filter(version=options["questionnaire_version"])
        questionnaire = questionnaires.order_by("-version").first()
        if questionnaire is None:
            raise CommandError(_("No questionnaire for that period and level."))
        spec = questionnaire_spec(questionnaire=questionnaire)
        QuestionnaireExporter(spec=spec).xlsx_write(options["out"])
        self.stdout.write(
            self.style.SUCCESS(
                _("Version %(version)s of “%(title)s” written to %(path)s.")
                % {
                    "version": questionnaire.version,
                    "title": questionnaire.title,
                    "path": options["out"],
                }
            )
        )
