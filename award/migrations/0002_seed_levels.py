from django.db import migrations

LEVELS = [
    # code, name, order, parent level code
    ("kecamatan", "Kecamatan", 2, None),
    ("desa", "Desa", 1, "kecamatan"),
    ("opd", "OPD", 3, None),
]


def seed(apps, schema_editor):
    Level = apps.get_model("award", "Level")
    for code, name, order, _parent in LEVELS:
        Level.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for code, _name, _order, parent in LEVELS:
        if parent:
            Level.objects.filter(code=code).update(
                parent_level=Level.objects.get(code=parent)
            )


def unseed(apps, schema_editor):
    apps.get_model("award", "Level").objects.filter(
        code__in=[code for code, *_ in LEVELS], units__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("award", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
