"""No package host is named in the code or the docs (they say "the package index")."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Built from parts so that this file names no host either.
NAMES = ["py" + "pi", "python" + "hosted", "registry." + "npmjs", "deb." + "debian"]
HOSTS = re.compile("(?:" + "|".join(re.escape(n) for n in NAMES) + r")\.org", re.IGNORECASE)


def test_no_file_of_the_project_names_a_package_host():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    named = []
    for name in files:
        path = ROOT / name
        if path.suffix in {".png", ".jpg", ".mo", ".xlsx", ".pdf", ".woff2", ".ico"}:
            continue
        if not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        named += [f"{name}: {m.group(0)}" for m in HOSTS.finditer(text)]
    assert not named, named
