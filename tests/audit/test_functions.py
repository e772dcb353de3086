"""The audit triggers' helper functions (audit/functions.py): ours replace the libraries' after
every migrate, read their settings without subtransactions, and behave as the originals —
an ignored trigger writes nothing, a context is attached when set and not otherwise."""

import pghistory
import pgtrigger
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from audit.functions import audit_functions_install
from award.models import Unit
from tests.factories import DesaFactory

pytestmark = pytest.mark.django_db


def _source(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
        (source,) = cursor.fetchone()
    return source


@pytest.mark.parametrize("name", ["_pgtrigger_should_ignore", "_pgh_attach_context"])
def test_the_functions_in_place_open_no_subtransaction(name):
    source = _source(name)
    assert "current_setting" in source.lower() and "EXCEPTION" not in source.upper()


def test_a_migrate_that_puts_the_library_version_back_ends_with_ours():
    from pghistory.models import Context

    Context.install_pgh_attach_context_func()  # what pghistory's own migrations do
    assert "EXCEPTION" in _source("_pgh_attach_context")
    call_command("migrate", "audit", verbosity=0)  # nothing to apply; post_migrate still runs
    assert "EXCEPTION" not in _source("_pgh_attach_context")
    audit_functions_install(using="default")  # and it may run any number of times


def test_an_ignored_trigger_writes_nothing_and_others_still_do(unit_a):
    events = apps.get_model("audit", "UnitAudit").objects
    with pgtrigger.ignore("award.Unit:update_update"):
        Unit.objects.filter(pk=unit_a.pk).update(name="Desa Diam-diam")
    assert not events.filter(pgh_obj=unit_a, pgh_label="update").exists()
    Unit.objects.filter(pk=unit_a.pk).update(name="Desa Terang")
    assert events.filter(pgh_obj=unit_a, pgh_label="update").count() == 1


def test_a_context_is_attached_when_set_and_not_when_the_settings_are_empty(kecamatan):
    with pghistory.context(user=7, url="/unit/impor/"):
        inside = DesaFactory(code="64.08.04.9001", parent=kecamatan)
    # What a session shows once a context has been set and reset: empty strings, not missing.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', '', true), "
            "set_config('pghistory.context_metadata', '', true), "
            "set_config('pgtrigger.ignore', '', true)"
        )
    outside = DesaFactory(code="64.08.04.9002", parent=kecamatan)
    created = apps.get_model("audit", "UnitAudit").objects.filter(pgh_label="insert")
    assert created.get(pgh_obj=inside).pgh_context.metadata == {"user": 7, "url": "/unit/impor/"}
    assert created.get(pgh_obj=outside).pgh_context is None
