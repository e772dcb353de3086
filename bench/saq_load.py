"""SAQ load (SAQ issue): 50 simulated operators on loopback against gunicorn + PostgreSQL, each
opening wizard steps and autosaving answers for 60 s.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/saq_load.py \
        [--clients 50] [--seconds 60] [--workers 16] [--worker-class sync]

Targets on 2 cores: autosave p95 < 100 ms, step page p95 < 200 ms, zero errors, and the
database afterwards holds exactly the last value each client sent. The baseline, measured in
the same run under the same load, is the health endpoint (one SELECT 1): the ratios say how
much of the latency is the SAQ's own work rather than the machine being busy.

Each client is one operator of its own desa (as in real life: one or two operators per unit),
thinks 0.2-1.0 s between actions (a person typing, with the 800 ms autosave debounce), opens
a random step and autosaves 3 answers on it with the versions it was given.
"""

import argparse
import asyncio
import os
import platform
import random
import re
import statistics
import time

from _django import scratch_database
from _server import gunicorn_serving, percentile

PASSWORD = "Bench#Operator2026"  # noqa: S105


def prepare(clients: int) -> list[dict]:
    """Period, published desa questionnaire, one desa + operator + submission per client."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from award.models import OPERATOR_GROUP, Level, OperatorMembership, Unit
    from award.services import period_create, period_default_dates
    from evaluasi.questionnaires import selectors as questionnaire_selectors
    from evaluasi.questionnaires import services as questionnaire_services
    from evaluasi.questionnaires.defaults import default_workbook_path
    from evaluasi.saq import selectors as saq_selectors
    from evaluasi.saq import services as saq_services

    period = period_create(
        year=2026,
        **period_default_dates(saq_open=timezone.now() - dt.timedelta(days=1)),
    )
    questionnaire = questionnaire_services.questionnaire_publish(
        questionnaire=questionnaire_services.questionnaire_import(
            data=default_workbook_path("desa").read_bytes(), period=period
        )
    )
    kecamatan = Unit.objects.create(
        code="64.08.90", name="Kecamatan Bench", level=Level.objects.get(code="kecamatan")
    )
    group = Group.objects.get_or_create(name=OPERATOR_GROUP)[0]
    User = get_user_model()
    steps = {}
    for aspect in questionnaire_selectors.questionnaire_with_content(
        pk=questionnaire.pk
    ).aspects.all():
        steps[saq_selectors.step_name(aspect)] = [
            (i.pk, i.type, [o.code for o in i.options.all()], i.min_value, i.max_value)
            for i in aspect.indicators.all()
            if i.type in ("ya_tidak", "pilihan", "angka", "teks")
        ]
    result = []
    for n in range(clients):
        unit = Unit.objects.create(
            code=f"64.08.90.{2001 + n}",
            name=f"Desa Bench {n}",
            level=Level.objects.get(code="desa"),
            parent=kecamatan,
        )
        user = User.objects.create_user(username=f"op.bench{n}", password=PASSWORD)
        user.groups.add(group)
        OperatorMembership.objects.create(user=user, unit=unit)
        submission = saq_services.submission_start(period=period, unit=unit)
        result.append({"username": user.username, "submission": submission.pk, "steps": steps})
    return result


def value_for(kind, options, low, high, rng):
    if kind == "ya_tidak":
        return rng.choice(["ya", "tidak"])
    if kind == "pilihan":
        return rng.choice(options)
    if kind == "angka":
        return str(rng.randint(int(low), int(high)))
    return f"Catatan {rng.randint(1, 10_000)}"


VERSION_RE = re.compile(r'id="id_[^"]*v(\d+)" value="(\d+)"')


async def operator(base, client_info, start_event, seconds, stats, lasts, seed, ready):
    import httpx

    rng = random.Random(seed)  # noqa: S311
    versions: dict[int, int] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as http:
        page = await http.get("/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        login = await http.post(
            "/masuk/",
            data={
                "username": client_info["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": base + "/masuk/"},
        )
        if login.status_code != 302:
            stats["errors"].append(f"login {login.status_code}")
            return
        csrf = http.cookies.get("csrftoken")
        submission = client_info["submission"]
        steps = client_info["steps"]
        for step in steps:  # warm-up, not measured: every worker loads its templates once
            await http.get(f"/kutim/saq/{submission}/{step}/")
        ready()
        await start_event.wait()  # everybody starts measuring at the same moment
        deadline = time.monotonic() + seconds
        await asyncio.sleep(rng.uniform(0, 1.0))  # people do not all click at once
        while time.monotonic() < deadline:
            step = rng.choice(list(steps))
            start = time.perf_counter()
            response = await http.get(f"/kutim/saq/{submission}/{step}/")
            stats["step"].append(time.perf_counter() - start)
            if response.status_code != 200:
                stats["errors"].append(f"step {response.status_code}")
                continue
            # This client is its unit's only writer: it knows every version from its own saves.
            for _ in range(3):
                if time.monotonic() >= deadline:
                    break
                await asyncio.sleep(rng.uniform(0.2, 1.0))
                pk, kind, options, low, high = rng.choice(steps[step])
                value = value_for(kind, options, low, high, rng)
                prefix = f"{step}-"
                start = time.perf_counter()
                saved = await http.post(
                    f"/kutim/saq/{submission}/simpan/{pk}/",
                    data={
                        "prefix": prefix,
                        f"{prefix}i{pk}": value,
                        f"{prefix}v{pk}": str(versions.get(pk, 0)),
                    },
                    headers={
                        "X-CSRFToken": csrf,
                        "HX-Request": "true",
                        "Referer": base + f"/kutim/saq/{submission}/{step}/",
                    },
                )
                stats["autosave"].append(time.perf_counter() - start)
                if saved.status_code != 200:
                    stats["errors"].append(f"autosave {saved.status_code}")
                    continue
                match = VERSION_RE.search(saved.text)
                if match:
                    versions[pk] = int(match.group(2))
                lasts[(submission, pk)] = value
            if rng.random() < 0.2:
                start = time.perf_counter()
                health = await http.get("/sehat/web/")
                stats["health"].append(time.perf_counter() - start)
                if health.status_code != 200:
                    stats["errors"].append(f"health {health.status_code}")
            await asyncio.sleep(rng.uniform(0.2, 1.0))


async def run_clients(base, clients, seconds):
    stats = {"step": [], "autosave": [], "health": [], "errors": []}
    lasts: dict[tuple[int, int], str] = {}
    start_event = asyncio.Event()
    pending = [len(clients)]

    def ready():
        pending[0] -= 1
        if pending[0] == 0:
            start_event.set()

    await asyncio.gather(
        *(
            operator(base, info, start_event, seconds, stats, lasts, seed, ready)
            for seed, info in enumerate(clients)
        )
    )
    return stats, lasts


def main():
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync")
    args = parser.parse_args()

    with scratch_database() as db_name:
        clients = prepare(args.clients)
        with gunicorn_serving(db_name, workers=args.workers, threads=args.threads) as base:
            import resource

            before = resource.getrusage(resource.RUSAGE_SELF)
            wall = time.monotonic()
            stats, lasts = asyncio.run(run_clients(base, clients, args.seconds))
            after = resource.getrusage(resource.RUSAGE_SELF)
            wall = time.monotonic() - wall
            client_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            stats["client_cpu"] = client_cpu / wall

        from evaluasi.models import Answer

        stored = {
            (a.submission_id, a.indicator_id): a.value
            for a in Answer.objects.filter(submission_id__in=[c["submission"] for c in clients])
        }
        mismatches = sum(1 for key, value in lasts.items() if stored.get(key) != value)

    ms = 1000
    autosave_p95 = percentile(stats["autosave"], 95) * ms
    step_p95 = percentile(stats["step"], 95) * ms
    health_p95 = percentile(stats["health"], 95) * ms
    print(
        f"machine: {platform.node()} {platform.machine()} cores={os.cpu_count()} "
        f"python {platform.python_version()}"
    )
    print(
        f"clients: {args.clients} for {args.seconds} s; gunicorn {args.workers} "
        f"{args.worker_class} workers x {args.threads} threads; PostgreSQL and Redis on loopback"
    )
    print(
        f"requests: {len(stats['step'])} step pages, {len(stats['autosave'])} autosaves, "
        f"{len(stats['health'])} health checks"
    )
    print(
        f"autosave  p50 {statistics.median(stats['autosave']) * ms:6.1f} ms  "
        f"p95 {autosave_p95:6.1f} ms  (target < 100)"
    )
    print(
        f"step page p50 {statistics.median(stats['step']) * ms:6.1f} ms  "
        f"p95 {step_p95:6.1f} ms  (target < 200)"
    )
    print(
        f"baseline health p95 {health_p95:6.1f} ms; ratios: "
        f"autosave {autosave_p95 / health_p95:.1f}x, step {step_p95 / health_p95:.1f}x"
    )
    print(f"load generator CPU: {stats['client_cpu']:.0%} of one core (same machine)")
    print(f"errors: {len(stats['errors'])} {sorted(set(stats['errors']))[:5]}")
    print(f"last values checked: {len(lasts)}; mismatches in the database: {mismatches}")
    ok = autosave_p95 < 100 and step_p95 < 200 and not stats["errors"] and mismatches == 0
    print("result:", "PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
