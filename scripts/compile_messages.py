"""Compile locale/id/LC_MESSAGES/django.po to .mo with polib (no GNU gettext needed) and list
every msgid still without a translation. Exit status 1 while any is missing.

The .po file is the source of truth: after ``make messages`` adds new msgids, write their
Bahasa Indonesia msgstr in the .po and run ``make messages`` again.
"""

import sys
from pathlib import Path

import polib

PO_PATH = Path(__file__).resolve().parent.parent / "locale" / "id" / "LC_MESSAGES" / "django.po"


def untranslated(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        done = any(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr
        if not done or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    return missing


def main() -> int:
    po = polib.pofile(str(PO_PATH))
    po.metadata["Language"] = "id"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(str(PO_PATH))
    po.save_as_mofile(str(PO_PATH.with_suffix(".mo")))
    missing = untranslated(po)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
