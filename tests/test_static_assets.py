"""Static files stay light for phones on a weak link (issue #13): the icon font carries only
the icons the app names, and every icon it names is in it."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _icons_script():
    spec = importlib.util.spec_from_file_location("icons_subset", ROOT / "scripts/icons_subset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_icon_subset_has_every_icon_used_and_nothing_else():
    script = _icons_script()
    available = script.icons_available()
    used = script.icons_used(available)
    assert len(used) > 20
    assert script.SUBSET_CSS.read_text() == script.subset_css(used, available), (
        "an icon was added or dropped: run .venv/bin/python scripts/icons_subset.py"
    )


def test_the_icon_font_is_small_and_holds_the_used_glyphs():
    from fontTools.ttLib import TTFont

    script = _icons_script()
    available = script.icons_available()
    used = script.icons_used(available)
    font = TTFont(script.SUBSET_FONT)
    assert {available[name] for name in used} <= set(font.getBestCmap())
    assert script.SUBSET_FONT.stat().st_size < 20_000
    assert "bootstrap-icons.subset.css" in (ROOT / "templates/base.html").read_text()
