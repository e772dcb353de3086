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
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
