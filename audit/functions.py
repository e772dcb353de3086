"""The two helper functions every audit trigger calls, without the subtransactions of the
versions pgtrigger and pghistory install.

pgtrigger's ``_pgtrigger_should_ignore`` and pghistory's ``_pgh_attach_context`` read their
settings inside ``BEGIN … EXCEPTION WHEN OTHERS`` blocks, and the settings are usually unset
or empty, so each trigger call opens a subtransaction and rolls it back. PostgreSQL then walks
the whole queue of pending after-trigger events of the transaction (Django's deferred foreign
key checks are such events, one per inserted row) at every rollback: a bulk write becomes
quadratic — 166,000 jury assignments took 541 s instead of 6 s. These versions read the same
settings with ``current_setting(name, true)`` (NULL when missing, '' treated as unset) and
otherwise do what the originals do — except that a malformed value now raises instead of
being ignored (the libraries only ever set well-formed ones). They are installed after every
``migrate`` (the libraries' migrations may put their own back), on PostgreSQL only.
"""

from __future__ import annotations

from django.db import connections
from pgtrigger import features


def _should_ignore_sql() -> str:
    schema = features.schema()
    name = f'"{schema}"._pgtrigger_should_ignore' if schema else "_pgtrigger_should_ignore"
    return f"""
        CREATE OR REPLACE FUNCTION {name}(trigger_name NAME) RETURNS BOOLEAN AS $$
            DECLARE
                _pgtrigger_ignore TEXT[];
            BEGIN
                _pgtrigger_ignore := NULLIF(current_setting('pgtrigger.ignore', true), '')::TEXT[];
                RETURN COALESCE(trigger_name = ANY(_pgtrigger_ignore), FALSE);
            END;
        $$ LANGUAGE plpgsql;
    """


ATTACH_CONTEXT_SQL = """
    CREATE OR REPLACE FUNCTION _pgh_attach_context() RETURNS pghistory_context.id%TYPE AS $$
        DECLARE
            _pgh_context_id UUID;
            _pgh_context_metadata JSONB;
        BEGIN
            _pgh_context_id := NULLIF(current_setting('pghistory.context_id', true), '')::UUID;
            _pgh_context_metadata :=
                NULLIF(current_setting('pghistory.context_metadata', true), '')::JSONB;
            IF _pgh_context_id IS NOT NULL AND _pgh_context_metadata IS NOT NULL THEN
                INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
                    VALUES (_pgh_context_id, _pgh_context_metadata, NOW(), NOW())
                    ON CONFLICT (id) DO UPDATE
                        SET metadata = EXCLUDED.metadata,
                            updated_at = EXCLUDED.updated_at
                        WHERE pghistory_context.metadata != EXCLUDED.metadata;
                RETURN _pgh_context_id;
            END IF;
            RETURN NULL;
        END;
    $$ LANGUAGE plpgsql;
"""


def audit_functions_install(*, using: str = "default", **_kwargs) -> None:
    """Replace both helper functions (a ``post_migrate`` receiver; PostgreSQL only)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_should_ignore_sql())
        cursor.execute(ATTACH_CONTEXT_SQL)
