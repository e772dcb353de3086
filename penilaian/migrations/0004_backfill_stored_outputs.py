"""Runs made before runs stored what their outputs show get it now, from the data as it is at
this upgrade (the best record there is; inputs of published periods were locked since): the
answers with each score, the juries' verdicts, the presentation scores and the settings.

Runs once, with this release's scoring code (``penilaian.data``, ``penilaian.services``)."""

import json
from dataclasses import asdict

from django.db import connection, migrations


def backfill(apps, schema_editor):
    from penilaian import data, rules, scoring
    from penilaian.models import ScoringRun as RealRun
    from penilaian.results import presentations_write, verdicts_write

    ScoringRun = apps.get_model("penilaian", "ScoringRun")
    Period = apps.get_model("award", "Period")
    if connection.vendor == "postgresql":
        kept = "CAST(json_object_agg(a.indicator_id, a.value) AS TEXT)"
    else:
        kept = "json_group_object(a.indicator_id, a.value)"
    for run in ScoringRun.objects.filter(status="succeeded", settings={}):
        period = Period.objects.get(pk=run.period_id)
        settings_ = scoring.PeriodSettings.of(period)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE evaluasi_score SET answers = COALESCE((SELECT {kept}"  # noqa: S608
                " FROM evaluasi_answer a JOIN evaluasi_submission s ON s.id = a.submission_id"
                " WHERE s.unit_id = evaluasi_score.unit_id AND s.period_id = %s), '{}')"
                " WHERE run_id = %s",
                [period.pk, run.pk],
            )
        verifications = data.load_verifications(data.SUBMITTED_WHERE, [period.pk])
        units = dict(
            apps.get_model("evaluasi", "Submission")
            .objects.filter(period_id=period.pk)
            .values_list("pk", "unit_id")
        )
        verifications["unit"] = verifications["submission"].map(units)
        verdicts_write(run_id=run.pk, chunk=0, verdicts=verifications[scoring.VERDICT_COLUMNS])
        per_jury, _combined = rules.presentation_values(
            data.load_presentation(period.pk),
            normalisation=settings_.normalisation,
            method=settings_.aggregation,
        )
        presentations_write(run=RealRun.objects.get(pk=run.pk), per_jury=per_jury)
        run.settings = json.loads(json.dumps(asdict(settings_), default=str))
        run.save(update_fields=["settings"])


class Migration(migrations.Migration):
    dependencies = [
        ("penilaian", "0003_run_stores_its_outputs"),
        ("evaluasi", "0007_indicator_input_limits"),
        ("penjurian", "0001_jury_data_from_evaluasi"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
