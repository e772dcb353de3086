"""Screenshots of pages as a given user, for looking at what we built.

    .venv/bin/python scripts/screenshots.py --user admin --password ppid-kutim-2026 \
        --out var/shots /dasbor/ /unit/

Uses Debian's Chromium through Playwright (no browser download).
"""

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--out", default="var/shots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--full", action="store_true", help="full-page screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        if args.user:
            page.goto(args.base + "/masuk/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.click("form button[type=submit]")
            page.wait_for_load_state()
        for path in args.paths:
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            name = (args.user or "anon") + "_" + (path.strip("/").replace("/", "_") or "home")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=args.full)
            print(target, page.title())
        for error in errors:
            print("console error:", error)
        browser.close()


if __name__ == "__main__":
    main()
