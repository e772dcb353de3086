"""Shared set-up for benchmark scripts: Django on a throw-away test database."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppid")


@contextmanager
def scratch_database():
    """Create a fresh, migrated database for the run and drop it afterwards."""
    import django

    django.setup()
    from django.db import connection

    name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    from award.models import Organiser
    from award.scoping import organiser_scope

    try:
        # Everything a bench does runs as the first organiser (migration 0017's Kutai Timur),
        # inside its scope, as a request, task or command does.
        with organiser_scope(Organiser.objects.order_by("pk").first()):
            yield name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
