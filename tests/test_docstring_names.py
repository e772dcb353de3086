"""Every module, class or function a docstring or comment names exists: a name in backticks
that starts with one of our apps (``penilaian.scoring.code_version``, ``common/jobs.py``)
resolves, so the text a new engineer reads points at the code that is there."""

import ast
import importlib
import re
from pathlib import Path

from django.conf import settings

from tests.test_layout import LAYERS

ROOT = Path(settings.BASE_DIR)
APPS = tuple(LAYERS)  # every app of DESIGN.md §2
_APP = "(?:" + "|".join(APPS) + ")"
DOTTED = re.compile(r"`{1,2}(" + _APP + r"(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\(\))?`{1,2}")
PATH = re.compile(r"`{1,2}(" + _APP + r"/[A-Za-z0-9_/]+\.(?:py|html))`{1,2}")


def _docstrings(path: Path):
    """The docstrings and the comments of a module."""
    source = path.read_text()
    yield "\n".join(line.split("#", 1)[1] for line in source.splitlines() if "#" in line)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            text = ast.get_docstring(node)
            if text:
                yield text


def _resolves(dotted: str) -> bool:
    """A module or an attribute path in one, a model label, a permission or a task name."""
    import rules
    from celery import current_app
    from django.apps import apps

    if rules.perm_exists(dotted) or dotted in current_app.tasks:
        return True
    try:
        apps.get_model(dotted)
        return True
    except (LookupError, ValueError):
        pass
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_name_in_a_docstring_exists():
    broken = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for text in _docstrings(path):
                for dotted in DOTTED.findall(text):
                    if not _resolves(dotted):
                        broken.append(f"{path.relative_to(ROOT)}: {dotted}")
                for file in PATH.findall(text):
                    if not (ROOT / file).exists() and not any(
                        (ROOT / app_dir / "templates" / file).exists() for app_dir in APPS
                    ):
                        broken.append(f"{path.relative_to(ROOT)}: {file}")
    assert broken == [], "\n".join(broken)
