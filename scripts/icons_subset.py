"""Cut Bootstrap Icons down to the icons the app uses (a phone on a weak link should not load
134 kB of font for 70 icons).

    .venv/bin/python scripts/icons_subset.py

Reads the vendored full font and stylesheet (static/vendor/bootstrap-icons/), finds every
``bi-*`` class named in templates, scripts and Python, and writes
``bootstrap-icons.subset.css`` and ``fonts/bootstrap-icons.subset.woff2`` beside them. Run it
after using a new icon; tests/test_static_assets.py fails until it has been run.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "static" / "vendor" / "bootstrap-icons"
FULL_CSS = ICONS / "bootstrap-icons.min.css"
FULL_FONT = ICONS / "fonts" / "bootstrap-icons.woff2"
SUBSET_CSS = ICONS / "bootstrap-icons.subset.css"
SUBSET_FONT = ICONS / "fonts" / "bootstrap-icons.subset.woff2"
SOURCES = (
    "*/templates/**/*.html",
    "*/jinja2/**/*.html",
    "templates/**/*.html",
    "static/js/*.js",
    "*/*.py",
)
RULE = re.compile(r'\.(bi-[a-z0-9-]+)::before\{content:"\\([0-9a-f]+)"\}')


def icons_available() -> dict[str, int]:
    """Every icon of the full stylesheet: class name → code point."""
    return {name: int(code, 16) for name, code in RULE.findall(FULL_CSS.read_text())}


def icons_used(available: dict[str, int]) -> list[str]:
    names: set[str] = set()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            if ".venv" in path.parts or path == SUBSET_CSS:
                continue
            names.update(re.findall(r"\bbi-[a-z0-9-]+", path.read_text(errors="ignore")))
    return sorted(name for name in names if name in available)


def subset_css(used: list[str], available: dict[str, int]) -> str:
    full = FULL_CSS.read_text()
    generic = re.search(r"\.bi::before,\[class\*=\" bi-\"\]::before.*?\}", full).group(0)
    rules = "".join(f'.{name}::before{{content:"\\{available[name]:x}"}}' for name in used)
    return (
        "/* Bootstrap Icons v1.13.2 (MIT, https://icons.getbootstrap.com/): only the icons the"
        " app uses, written by scripts/icons_subset.py. */\n"
        '@font-face{font-display:block;font-family:bootstrap-icons;src:url("fonts/'
        f'{SUBSET_FONT.name}") format("woff2")}}{generic}{rules}\n'
    )


def main() -> None:
    from fontTools import subset  # dev tool, only to rebuild the icon subset

    available = icons_available()
    used = icons_used(available)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = ["*"]
    font = subset.load_font(str(FULL_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[available[name] for name in used])
    subsetter.subset(font)
    subset.save_font(font, str(SUBSET_FONT), options)
    SUBSET_CSS.write_text(subset_css(used, available))
    print(
        f"{len(used)} icons: {SUBSET_FONT.stat().st_size / 1000:.1f} kB font "
        f"(full: {FULL_FONT.stat().st_size / 1000:.1f} kB)"
    )


if __name__ == "__main__":
    main()
