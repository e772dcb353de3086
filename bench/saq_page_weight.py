"""Weight of an SAQ step on a phone with a weak connection (In the field issue, #13).

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/saq_page_weight.py

gunicorn serves the app as deployed (DEBUG off, collected, compressed and hashed static files)
on a scratch database with the default desa questionnaire; Debian's Chromium, 360 × 740 and a
slow mobile link (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, CDP network emulation),
opens step 1 of the SAQ cold (empty cache), then again warm (as after the first step). Printed:
requests and bytes on the wire per kind, and the time to the page being usable
(DOMContentLoaded) and fully loaded. Budget: cold ≤ 12 requests and ≤ 300 kB, warm ≤ 2
requests (the page itself; static files from the cache without asking). The baseline, measured
in the same run on the same link, is the login page (same frame, no questionnaire): the
ratio says what the SAQ step itself adds.
"""

import os
import platform
import shutil
import tempfile

os.environ.setdefault("PRIVATE_ROOT", tempfile.mkdtemp(prefix="ppid-bench-private-"))

from _django import scratch_database  # noqa: E402
from _server import gunicorn_serving  # noqa: E402

PASSWORD = "Bench#Operator2026"  # noqa: S105
SLOW = {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 94_000}


def prepare() -> str:
    """The period, the default desa questionnaire, one desa with its operator; the path of
    the SAQ's first step."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from django.utils import timezone

    from award.models import OPERATOR_GROUP, Level, OperatorMembership, Unit
    from award.services import period_create, period_default_dates
    from evaluasi.questionnaires import services as questionnaires
    from evaluasi.questionnaires.defaults import default_workbook_path
    from evaluasi.saq import selectors as saq_selectors
    from evaluasi.saq import services as saq

    period = period_create(
        year=2026, **period_default_dates(saq_open=timezone.now() - dt.timedelta(days=3))
    )
    questionnaire = questionnaires.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    questionnaires.questionnaire_publish(questionnaire=questionnaire)
    kecamatan = Unit.objects.create(
        code="64.08.05", name="Kecamatan Sangkulirang", level=Level.objects.get(code="kecamatan")
    )
    unit = Unit.objects.create(
        code="64.08.05.2011",
        name="Desa Tepian Terap",
        level=Level.objects.get(code="desa"),
        parent=kecamatan,
    )
    user = get_user_model().objects.create_user("op.bench", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=OPERATOR_GROUP)[0])
    OperatorMembership.objects.create(user=user, unit=unit)
    submission = saq.submission_start(period=period, unit=unit)
    first = questionnaire.aspects.order_by("order", "id").first()
    return reverse("evaluasi:saq_step", args=[submission.pk, saq_selectors.step_name(first)])


def measure(page, url: str) -> dict:
    """Requests and encoded bytes of one navigation, by resource kind, and its timings."""
    seen: list = []

    def finished(request):
        seen.append(request)

    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", finished)
    kinds: dict[str, list[int]] = {}
    total = 0
    wire = []
    for request in seen:
        sizes = request.sizes()
        if sizes["responseBodySize"] < 0 or sizes["responseHeadersSize"] <= 0:
            continue  # served from the browser's cache without asking the server
        wire.append(request)
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        entry = kinds.setdefault(request.resource_type, [0, 0])
        entry[0] += 1
        entry[1] += size
    timing = page.evaluate(
        "(() => { const t = performance.getEntriesByType('navigation')[0];"
        " return [t.domContentLoadedEventEnd, t.loadEventEnd]; })()"
    )
    if os.environ.get("BENCH_VERBOSE"):
        for request in wire:
            print("   ", request.resource_type, request.url, request.sizes()["responseBodySize"])
    return {
        "requests": len(wire),
        "bytes": total,
        "kinds": kinds,
        "ready": timing[0],
        "load": timing[1],
    }


def show(name: str, result: dict) -> None:
    kinds = ", ".join(
        f"{kind} {n} ({size / 1000:.1f} kB)" for kind, (n, size) in sorted(result["kinds"].items())
    )
    print(
        f"{name:<22} {result['requests']:>3} requests {result['bytes'] / 1000:>7.1f} kB"
        f"  usable {result['ready']:>6.0f} ms  loaded {result['load']:>6.0f} ms  [{kinds}]"
    )


def main() -> None:
    from playwright.sync_api import sync_playwright

    with scratch_database() as db_name:
        step_path = prepare()
        with gunicorn_serving(db_name, workers=2) as base, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(
                viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
            )
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW)
            login_cold = measure(page, base + "/masuk/")
            page.fill("input[name=username]", "op.bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_url("**/dasbor/")
            # Cold: a new context would log out; clearing the browser cache keeps the session.
            cdp.send("Network.clearBrowserCache")
            step = base + step_path
            cold = measure(page, step)
            warm = measure(page, step)
            browser.close()
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
    )
    print("link: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency; viewport 360 × 740")
    show("login page (baseline)", login_cold)
    show("SAQ step 1, cold", cold)
    show("SAQ step 1, warm", warm)
    print(
        f"ratio SAQ step cold / login page: bytes {cold['bytes'] / login_cold['bytes']:.2f}, "
        f"usable {cold['ready'] / login_cold['ready']:.2f}"
    )
    ok = cold["requests"] <= 12 and cold["bytes"] <= 300_000 and warm["requests"] <= 2
    print("budget (cold ≤ 12 requests and ≤ 300 kB, warm ≤ 2 requests):", "met" if ok else "MISSED")


if __name__ == "__main__":
    main()
