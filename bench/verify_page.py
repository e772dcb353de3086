"""Verification page under load (Jury work issue): 20 juries at once, each on its own unit with
100 indicators and 100 evidence files, opening the page and saving verdicts.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/verify_page.py \\
        [--juries 20] [--seconds 60] [--workers 16]

Target on 2 cores: the verification page p95 < 300 ms. The baseline, measured in the same run
under the same load, is the health endpoint (one SELECT 1); the ratio says how much of the
latency is the page's own work rather than the machine being busy.
"""

import argparse
import asyncio
import os
import platform
import random
import re
import statistics
import tempfile
import time

os.environ.setdefault("PRIVATE_ROOT", tempfile.mkdtemp(prefix="ppid-bench-private-"))

from _django import scratch_database  # noqa: E402
from _server import gunicorn_serving, percentile  # noqa: E402

PASSWORD = "Bench#Juri2026"  # noqa: S105
INDICATORS = 100


def prepare(juries: int) -> list[dict]:
    """A published 100-indicator desa questionnaire; per jury one desa with a submitted SAQ,
    100 answers and 100 PDF evidence files, the jury assigned to it."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from award.models import Level, Unit
    from award.services import period_create, period_default_dates
    from evaluasi.models import Answer, Aspect, Evidence, Indicator, Questionnaire, Submission
    from penjurian.models import Assignment

    desa = Level.objects.get(code="desa")
    period = period_create(
        year=2026, **period_default_dates(saq_open=timezone.now() - dt.timedelta(days=40))
    )
    questionnaire = Questionnaire.objects.create(
        period=period,
        level=desa,
        title="Bench 100 indikator",
        status=Questionnaire.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    indicators = []
    for a in range(5):
        aspect = Aspect.objects.create(
            questionnaire=questionnaire, code=f"A{a + 1}", name=f"Aspek {a + 1}", weight=20, order=a
        )
        for i in range(INDICATORS // 5):
            indicators.append(
                Indicator.objects.create(
                    questionnaire=questionnaire,
                    aspect=aspect,
                    code=f"{a + 1}.{i + 1}",
                    question=f"Apakah badan publik telah menyediakan dokumen {a + 1}.{i + 1}?",
                    guidance="Unggah dokumen yang masih berlaku beserta pengesahannya.",
                    type="ya_tidak",
                    weight=1,
                    evidence="wajib",
                    order=i,
                )
            )
    kecamatan = Unit.objects.create(
        code="64.08.90", name="Kecamatan Bench", level=Level.objects.get(code="kecamatan")
    )
    User = get_user_model()
    pdf = b"%PDF-1.4\n" + b"0" * 1024
    clients = []
    for n in range(juries):
        unit = Unit.objects.create(
            code=f"64.08.90.{2001 + n}", name=f"Desa Bench {n}", level=desa, parent=kecamatan
        )
        submission = Submission.objects.create(
            period=period,
            unit=unit,
            questionnaire=questionnaire,
            status=Submission.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            Answer(submission=submission, indicator=indicator, value="ya")
            for indicator in indicators
        )
        for indicator in indicators:
            item = Evidence(
                submission=submission,
                indicator=indicator,
                kind=Evidence.Kind.FILE,
                original_name=f"bukti-{indicator.code}.pdf",
                content_type="application/pdf",
                size=len(pdf),
            )
            item.file.save(item.original_name, ContentFile(pdf), save=True)
        jury = User.objects.create_user(username=f"juri.bench{n}", password=PASSWORD)
        period.juries.create(user=jury)
        Assignment.objects.create(period=period, unit=unit, jury=jury)
        clients.append(
            {
                "username": jury.username,
                "submission": submission.pk,
                "indicators": [i.pk for i in indicators],
            }
        )
    return clients


async def jury(base, info, start_event, seconds, stats, seed, ready):
    import httpx

    rng = random.Random(seed)  # noqa: S311
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as http:
        page = await http.get("/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        login = await http.post(
            "/masuk/",
            data={"username": info["username"], "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": base + "/masuk/"},
        )
        if login.status_code != 302:
            stats["errors"].append(f"login {login.status_code}")
            ready()
            return
        csrf = http.cookies.get("csrftoken")
        url = f"/kutim/juri/unit/{info['submission']}/"
        await http.get(url)  # warm-up, not measured
        ready()
        await start_event.wait()
        deadline = time.monotonic() + seconds
        await asyncio.sleep(rng.uniform(0, 1.0))
        while time.monotonic() < deadline:
            try:
                await _round(http, url, base, csrf, info, rng, stats)
            except httpx.TransportError as error:  # counted, never a crash of the bench
                stats["errors"].append(f"transport {type(error).__name__}")


async def _round(http, url, base, csrf, info, rng, stats):
    """One look at the page, 1–3 verdicts, one health check."""
    start = time.perf_counter()
    response = await http.get(url)
    stats["page"].append(time.perf_counter() - start)
    if response.status_code != 200 or "bukti-" not in response.text:
        stats["errors"].append(f"page {response.status_code}")
    # A jury looks, then saves a few verdicts (each answered by a redirect).
    for _ in range(rng.randint(1, 3)):
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        start = time.perf_counter()
        saved = await http.post(
            url,
            data={"indicator": rng.choice(info["indicators"]), "decision": "accept"},
            headers={"X-CSRFToken": csrf, "Referer": base + url},
        )
        stats["save"].append(time.perf_counter() - start)
        if saved.status_code != 302:
            stats["errors"].append(f"save {saved.status_code}")
    start = time.perf_counter()
    health = await http.get("/sehat/web/")
    stats["health"].append(time.perf_counter() - start)
    if health.status_code != 200:
        stats["errors"].append(f"health {health.status_code}")


async def run(base, clients, seconds):
    stats = {"page": [], "save": [], "health": [], "errors": []}
    start_event = asyncio.Event()
    pending = [len(clients)]

    def ready():
        pending[0] -= 1
        if pending[0] == 0:
            start_event.set()

    await asyncio.gather(
        *(jury(base, info, start_event, seconds, stats, n, ready) for n, info in enumerate(clients))
    )
    return stats


def main():
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--juries", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=16)  # as docs/OPERATIONS.md sizes it
    args = parser.parse_args()
    with scratch_database() as db_name:
        clients = prepare(args.juries)
        # Keep-alive as behind nginx (75 s): no connection closed under a client reusing it.
        with gunicorn_serving(db_name, workers=args.workers, keepalive=75) as base:
            stats = asyncio.run(run(base, clients, args.seconds))
    ms = 1000
    page_p95 = percentile(stats["page"], 95) * ms
    health_p95 = percentile(stats["health"], 95) * ms
    print(
        f"machine: {platform.node()} {platform.machine()} cores={os.cpu_count()} "
        f"python {platform.python_version()}"
    )
    print(
        f"juries: {args.juries} at once for {args.seconds} s; {INDICATORS} indicators and "
        f"{INDICATORS} evidence files per unit; gunicorn {args.workers} workers"
    )
    print(
        f"requests: {len(stats['page'])} pages, {len(stats['save'])} verdicts, "
        f"{len(stats['health'])} health checks, {len(stats['errors'])} errors"
    )
    print(
        f"page    p50 {statistics.median(stats['page']) * ms:6.1f} ms  p95 {page_p95:6.1f} ms "
        f"(target < 300)"
    )
    print(
        f"verdict p50 {statistics.median(stats['save']) * ms:6.1f} ms  "
        f"p95 {percentile(stats['save'], 95) * ms:6.1f} ms"
    )
    print(
        f"health  p50 {statistics.median(stats['health']) * ms:6.1f} ms  p95 {health_p95:6.1f} ms"
    )
    print(f"ratio page p95 / health p95: {page_p95 / health_p95:.1f}")
    verdict = "PASS" if page_p95 < 300 and not stats["errors"] else "FAIL"
    print(f"result: {verdict}")
    if stats["errors"]:
        print("errors:", sorted(set(stats["errors"]))[:10])


if __name__ == "__main__":
    main()
