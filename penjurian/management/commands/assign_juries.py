"""``assign_juries --period Y [--per-unit K]``: give every unit with a submitted SAQ its juries
by the rules (DESIGN.md §4), keeping what exists."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from award.models import Period
from award.scoping import OrganiserCommand
from penjurian.assignment import assignments_fill


class Command(OrganiserCommand):
    help = "Assign juries to every unit with a submitted SAQ (keeps existing assignments)."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the period's year")
        parser.add_argument("--per-unit", type=int, help="juries per unit (default: the period's)")

    def handle(self, *args, period, per_unit=None, **options):
        target = Period.objects.filter(year=period).first()
        if target is None:
            raise CommandError(f"Periode {period} tidak ada.")
        if per_unit is not None and not 1 <= per_unit <= 10:
            raise CommandError("--per-unit harus antara 1 dan 10.")
        try:
            report = assignments_fill(period=target, per_unit=per_unit)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(
            f"{report.created} penugasan baru, {report.kept} dipertahankan; "
            f"beban per juri: {min(report.loads.values(), default=0)}–"
            f"{max(report.loads.values(), default=0)} unit."
        )
        for code, missing in report.short.items():
            self.stdout.write(f"  {code}: kurang {missing} juri (tidak cukup juri yang memenuhi)")
