"""Many-to-many tables made by Django (an account's groups — its roles —, a jury's levels and
conflicts) get no trigger migrations of their own, and the first belongs to
django.contrib.auth: install their audit triggers here (PostgreSQL only, like every trigger)."""

from django.db import migrations


def _roles_triggers():
    import pgtrigger

    return [(model, trigger) for model, trigger in pgtrigger.registered() if model._meta.auto_created]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, trigger in _roles_triggers():
        trigger.install(model, database=schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, trigger in _roles_triggers():
        trigger.uninstall(model, database=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
