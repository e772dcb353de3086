import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from award import presets, services
from award.models import Period
from award.scoping import OrganiserCommand

DATE_OPTIONS = [
    "saq_open",
    "saq_close",
    "verification_close",
    "objection_close",
    "presentation_close",
    "finalisation_date",
]


def parse_moment(value: str, *, end_of_day: bool = False) -> dt.datetime:
    """An ISO date or date-time in WITA. A date alone means the start of that day for an
    opening and its end (23.59.59) for a close: “until 21 December” includes the 21st."""
    try:
        day = parse_date(value) if len(value.strip()) == 10 else None
        moment = None if day else parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. 2031-13-45
        day = moment = None
    if moment is None:
        if day is None:
            raise CommandError(
                _("'%(value)s' is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM).")
                % {"value": value}
            )
        moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end_of_day else dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(OrganiserCommand):
    help = "Create an award period. Without dates the SAQ opens now and closes 30 days later."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--without-verification", action="store_true")
        parser.add_argument("--without-presentation", action="store_true")
        parser.add_argument(
            "--preset",
            choices=sorted(presets.PRESETS_BY_KEY),
            help="start from a known scoring scheme",
        )
        parser.add_argument("--copy-from", type=int, help="start from an earlier period's settings")
        for option in DATE_OPTIONS:
            parser.add_argument(
                "--" + option.replace("_", "-"), dest=option, help="ISO date or date-time (WITA)"
            )

    def handle(self, *args, **options):
        if Period.objects.filter(year=options["year"]).exists():
            raise CommandError(
                _("A period for %(year)s already exists.") % {"year": options["year"]}
            )
        given = {
            k: parse_moment(options[k], end_of_day=k != "saq_open")
            for k in DATE_OPTIONS
            if options.get(k)
        }
        start = {}
        if options.get("preset"):
            start = presets.preset_values(key=options["preset"])
        if options.get("copy_from"):
            start = presets.period_start_values(start=f"periode-{options['copy_from']}")
            if start is None:
                raise CommandError(
                    _("There is no period %(year)s to copy.") % {"year": options["copy_from"]}
                )
        with_verification = not options["without_verification"] and start.get(
            "has_verification", True
        )
        with_presentation = not options["without_presentation"] and start.get(
            "has_presentation", True
        )
        start.update(has_verification=with_verification, has_presentation=with_presentation)
        saq_open = given.get("saq_open") or timezone.now().replace(microsecond=0)
        dates = services.period_default_dates(
            saq_open=saq_open,
            saq_close=given.get("saq_close"),
            with_verification=with_verification,
            with_presentation=with_presentation,
        )
        dates.update(given)
        try:
            period = services.period_create(
                year=options["year"], name=options["name"], **start, **dates
            )
        except ValidationError as error:
            raise CommandError(_format(error)) from error
        local = timezone.localtime
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Period %(year)s “%(name)s” created; stage %(stage)s; "
                    "SAQ %(open)s → %(close)s WITA."
                )
                % {
                    "year": period.year,
                    "name": period.name,
                    "stage": period.stage_label,
                    "open": f"{local(period.saq_open):%Y-%m-%d %H:%M}",
                    "close": f"{local(period.saq_close):%Y-%m-%d %H:%M}",
                }
            )
        )


def _format(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return "; ".join(error.messages)
