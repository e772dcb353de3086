"""Static security checks run by `make test` (issue #14).

    .venv/bin/python scripts/security_checks.py

- bandit over the project's code (not tests, benches or the virtualenv): any finding of HIGH
  severity fails;
- pip-audit over the pinned requirements: a known vulnerability fails. Where the advisory
  service cannot be reached (a closed network, a mirror without the vulnerability API), every
  package comes back "could not be audited"; that is printed as a NOTICE naming the packages
  not checked — never reported as a pass, never silent;
`manage.py check --deploy` with production settings runs inside the test suite itself
(tests/award/test_security.py), so it is not repeated here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CODE = [
    "audit",
    "award",
    "common",
    "config",
    "demo",
    "evaluasi",
    "laporan",
    "penilaian",
    "penjurian",
]


def bandit() -> bool:
    result = subprocess.run(  # noqa: S603
        [str(BIN / "bandit"), "-q", "-r", *CODE, "--severity-level", "high", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout or "{}")
    high = [r for r in report.get("results", []) if r["issue_severity"] == "HIGH"]
    totals = report.get("metrics", {}).get("_totals", {})
    print(
        f"bandit: {len(high)} high-severity findings "
        f"({totals.get('loc', '?')} lines scanned in {', '.join(CODE)})"
    )
    for finding in high:
        print(f"  {finding['filename']}:{finding['line_number']} {finding['issue_text']}")
    if result.returncode not in (0, 1) or "results" not in report:
        print(result.stderr)
        return False
    return not high


def pip_audit() -> bool:
    result = subprocess.run(  # noqa: S603
        [
            str(BIN / "pip-audit"),
            "-r",
            "requirements.txt",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            "20",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print("NOTICE: pip-audit could not run (advisory service unreachable?); skipped:")
        print("  " + (result.stderr.strip().splitlines() or ["no output"])[-1])
        return True
    dependencies = report.get("dependencies", [])
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = len(dependencies) - len(skipped)
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} pinned packages with known vulnerabilities:")
        for d in vulnerable:
            ids = ", ".join(v["id"] for v in d["vulns"])
            print(f"  {d['name']} {d['version']}: {ids}")
        return False
    if dependencies and not audited:
        print(
            f"NOTICE: pip-audit skipped — the vulnerability advisory service is not reachable "
            f"from here, so none of the {len(skipped)} pinned packages could be checked. "
            "Run `make audit` where the package index is reachable."
        )
        return True
    print(f"pip-audit: no known vulnerabilities in {audited} pinned packages")
    if skipped:
        print(f"NOTICE: not checked (not found on the advisory service): {', '.join(skipped)}")
    return True


def main() -> int:
    results = {"bandit": bandit(), "pip-audit": pip_audit()}
    failed = [name for name, ok in results.items() if not ok]
    if failed:
        print("security checks FAILED:", ", ".join(failed))
        return 1
    print("security checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
