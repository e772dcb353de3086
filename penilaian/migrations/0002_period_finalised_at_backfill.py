from django.db import migrations
from django.db.models import Max


def backfill(apps, schema_editor):
    """Periods published before Period.finalised_at existed get the moment of their run's
    penetapan, so their inputs are read-only from now on."""
    Period = apps.get_model("award", "Period")
    ScoringRun = apps.get_model("penilaian", "ScoringRun")
    published = (
        ScoringRun.objects.filter(finalised_at__isnull=False)
        .values("period_id")
        .annotate(last=Max("finalised_at"))
    )
    for row in published:
        Period.objects.filter(pk=row["period_id"], finalised_at__isnull=True).update(
            finalised_at=row["last"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("award", "0009_period_finalisation_and_correction"),
        ("penilaian", "0001_scoring_from_evaluasi"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
