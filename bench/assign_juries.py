"""Jury assignment at national scale (Jury work issue): ``assign_juries`` for 83,000 units and
300 juries with 5% conflicts, in a scratch PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/assign_juries.py \\
        [--units 83000] [--juries 300]

Builds ~7,100 kecamatan with their desa (every desa with a submitted SAQ), 300 juries, each
declaring conflicts with 5% of the kecamatan (which covers their desa) and judging the desa
level; then times the whole service (`assignments_fill`: facts from the database, the plan,
the write) for k = 2, a second run (idempotent: nothing to add) and, as the baseline of the
same run, the first again with the audit trigger switched off. Target: < 10 s.
"""

import argparse
import random
import time

from _django import scratch_database
from _units import national_units


def build(units: int, juries: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from award.models import JuryMembership, Level
    from award.services import period_create, period_default_dates
    from evaluasi.models import Questionnaire, Submission

    desa = Level.objects.get(code="desa")
    kecamatan_level = Level.objects.get(code="kecamatan")
    period = period_create(
        year=2030, **period_default_dates(saq_open=timezone.now() - timezone.timedelta(days=1))
    )
    questionnaire = Questionnaire.objects.create(
        period=period, level=desa, version=1, title="Bench", status="published"
    )
    kecamatan, villages = national_units(
        units=units, desa=desa, kecamatan_level=kecamatan_level, name="Desa {n}"
    )
    Submission.objects.bulk_create(
        (
            Submission(
                period=period,
                unit=unit,
                questionnaire=questionnaire,
                status=Submission.Status.SUBMITTED,
                submitted_at=timezone.now(),
            )
            for unit in villages
        ),
        batch_size=5000,
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"juri{n:03d}") for n in range(juries)
    )
    memberships = JuryMembership.objects.bulk_create(
        JuryMembership(user=user, period=period) for user in users
    )
    rng = random.Random(7)
    through = JuryMembership.conflicts.through
    through.objects.bulk_create(
        (
            through(jurymembership_id=membership.pk, unit_id=unit.pk)
            for membership in memberships
            for unit in rng.sample(kecamatan, max(1, len(kecamatan) // 20))
        ),
        batch_size=10000,
    )
    levels = JuryMembership.levels.through
    levels.objects.bulk_create(
        levels(jurymembership_id=membership.pk, level_id=desa.pk) for membership in memberships
    )
    return period


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=83_000)
    parser.add_argument("--juries", type=int, default=300)
    args = parser.parse_args()
    with scratch_database() as name:
        from penjurian.assignment import assignments_fill

        print(f"scratch database {name}; building ...", flush=True)
        begin = time.perf_counter()
        period = build(args.units, args.juries)
        print(f"built in {time.perf_counter() - begin:.1f} s", flush=True)
        begin = time.perf_counter()
        report = assignments_fill(period=period)
        first = time.perf_counter() - begin
        begin = time.perf_counter()
        again = assignments_fill(period=period)
        second = time.perf_counter() - begin
        # Baseline in the same run: the same assignment with the audit trigger switched off,
        # so the ratio is what the audit trail costs a bulk write.
        import pgtrigger
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM evaluasi_assignment WHERE period_id = %s", [period.pk])
        with pgtrigger.ignore("penjurian.Assignment:insert_insert"):
            begin = time.perf_counter()
            assignments_fill(period=period)
            untracked = time.perf_counter() - begin
        loads = report.loads.values()
        print(
            f"assign_juries: {args.units:,} units, {args.juries} juries, 5% conflicts: "
            f"{first:.2f} s for {report.created:,} assignments (target < 10 s); loads "
            f"{min(loads)}-{max(loads)}; {len(report.short)} units short; "
            f"again {second:.2f} s, {again.created} added; without the audit trigger "
            f"{untracked:.2f} s (ratio {first / untracked:.2f})"
        )


if __name__ == "__main__":
    main()
