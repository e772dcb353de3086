"""The layout rules of DESIGN.md §2, checked on the source: apps import one way (audit →
laporan → penilaian → penjurian → evaluasi → award → common; config and demo above all), no
import cycle between modules, no module over 600 lines (migrations and shipped data aside)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = [
    "common",
    "award",
    "evaluasi",
    "penjurian",
    "penilaian",
    "laporan",
    "audit",
    "demo",
    "config",
]
SHIPPED_DATA = {"evaluasi/questionnaires/defaults.py", "demo/data.py"}


def modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def imports_of(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {item for item in found if item.split(".")[0] in LAYERS}


def graph():
    known = dict(modules())
    edges = {}
    for name, path in known.items():
        edges[name] = {target for target in imports_of(name, path) if target in known} - {name}
    return edges


def test_apps_import_one_way():
    wrong = []
    for name, targets in graph().items():
        layer = LAYERS.index(name.split(".")[0])
        for target in targets:
            if LAYERS.index(target.split(".")[0]) > layer:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_import_cycles():
    edges = graph()
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" → ".join(stack[stack.index(target) :] + [target]))
            elif target not in state:
                visit(target, stack + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_module_over_600_lines():
    long = [
        f"{path.relative_to(ROOT)}: {count}"
        for _name, path in modules()
        if (count := len(path.read_text().splitlines())) > 600
        and str(path.relative_to(ROOT)) not in SHIPPED_DATA
    ]
    assert long == []


def _url_patterns(resolver, prefix=""):
    from django.urls import URLPattern, URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def test_views_under_a_year_take_the_period_from_the_one_mixin():
    """Every URL with ``<int:year>`` is served by a class view with ``award.mixins.PeriodMixin``
    (the period resolved once, permissions checked against it), and no view module looks a
    period up by year itself."""
    from django.urls import get_resolver

    from award.mixins import PeriodMixin

    served, outside = [], []
    for route, pattern in _url_patterns(get_resolver()):
        if "<int:year>" not in route:
            continue
        view = getattr(pattern.callback, "view_class", None)
        (served if view is not None and issubclass(view, PeriodMixin) else outside).append(route)
    assert outside == []
    assert len(served) > 30, "the check found the period routes"
    for name, path in modules():
        if "views" in name.split(".")[-1]:
            text = path.read_text()
            assert "Period, year=" not in text and "period_or_404" not in text, name


def _function_imports(path: Path):
    """(line, text) of every import statement inside a function of ``path``."""
    text = path.read_text()
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield inner.lineno, lines[inner.lineno - 1 : inner.end_lineno]


def test_an_import_inside_a_function_says_why_on_its_line():
    """Imports run at the top of a module; one inside a function (Django's ``ready()``, a heavy
    library loaded only when needed, ...) carries its reason as a comment on its lines."""
    silent = [
        f"{path.relative_to(ROOT)}:{line}"
        for _name, path in modules()
        for line, statement in _function_imports(path)
        if not any("#" in part for part in statement)
    ]
    assert silent == []


# The §3 score functions. The per-answer rule and the exact self-assessed figure of one
# submission live with the questionnaire (evaluasi.questionnaires.rubric); the scores of a
# period — verified, presentation, final, ranks, the juries' agreement — only in penilaian.
SCORE_FUNCTIONS = {"indicator_score", "aspect_score", "questionnaire_score", "round_score"}
# The formulas and the engine; reading what a run stored (penilaian.data) is asking penilaian.
SCORE_MODULES = {"penilaian.formulas", "penilaian.scoring", "penilaian.data.score_sql"}
SCORE_OUTSIDE_PENILAIAN = {
    "evaluasi.questionnaires.rubric": "defines the per-answer rule",
    "evaluasi.saq.selectors": "the self-assessed SAQ score shown at submission (exact)",
}


def test_no_module_outside_penilaian_computes_a_score():
    computing = set()
    for name, path in modules():
        if name.split(".")[0] == "penilaian":
            continue
        found = imports_of(name, path)
        if found & SCORE_MODULES or any(
            item.rsplit(".", 1)[-1] in SCORE_FUNCTIONS for item in found
        ):
            computing.add(name)
        if name == "evaluasi.questionnaires.rubric":
            computing.add(name)
    assert computing == set(SCORE_OUTSIDE_PENILAIAN)
