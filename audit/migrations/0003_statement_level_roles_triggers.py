"""The audit triggers became statement-level (one call per statement over its transition
table): install those of the many-to-many tables again, as 0002 did (pgtrigger drops the old
trigger of the same name first). The other tables' triggers move in their apps' migrations."""

from importlib import import_module

from django.db import migrations

roles = import_module("audit.migrations.0002_roles_triggers")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_roles_triggers")]

    operations = [migrations.RunPython(roles.install, roles.install)]
