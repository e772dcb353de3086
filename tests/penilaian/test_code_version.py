"""The recorded code version covers every module whose change can change a stored number."""

import ast
import importlib
from pathlib import Path

from penilaian import scoring

# First-party modules the scoring modules import that cannot change a number, with the reason.
NOT_NUMBERS = {
    "common.formats": "texts of messages only",
    "penilaian.models": "the tables; a change of precision comes with a migration",
    "award.models": "table names for the SQL (penilaian.data.T)",
    "evaluasi.models": "table names for the SQL (penilaian.data.T)",
    "penjurian.models": "table names for the SQL (penilaian.data.T)",
}
FIRST_PARTY = ("award", "common", "evaluasi", "penilaian", "penjurian", "laporan")


def imported_modules(name: str) -> set[str]:
    module = importlib.import_module(name)
    tree = ast.parse(Path(module.__file__).read_text())
    package = name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = f"{package}.{base}" if base else package
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                try:
                    importlib.import_module(candidate)
                    found.add(candidate)
                except ImportError:
                    found.add(base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.split(".")[0] in FIRST_PARTY}


def test_every_module_the_scoring_code_imports_is_in_the_digest():
    listed = set(scoring.SCORING_MODULES)
    for name in scoring.SCORING_MODULES:
        missing = imported_modules(name) - listed - set(NOT_NUMBERS)
        assert not missing, f"{name} imports {missing}: add them to SCORING_MODULES"


def test_a_change_to_the_sql_or_the_writes_changes_the_code_version(monkeypatch):
    before = scoring.code_version()
    for name in ("penilaian.data", "penilaian.results", "award.qualifications"):
        changed = Path(importlib.import_module(name).__file__)
        original = Path.read_bytes

        def read(path, _changed=changed, _original=original):
            data = _original(path)
            return data + b"\n# changed" if path == _changed else data

        monkeypatch.setattr(Path, "read_bytes", read)
        assert scoring.code_version() != before, name
        monkeypatch.setattr(Path, "read_bytes", original)
    assert scoring.code_version() == before
