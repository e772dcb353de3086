"""Deadline rush (issue #14): 200 operators autosave answers and upload small evidence files for
two minutes, then all submit in the last 10 seconds — gunicorn, PostgreSQL and Redis on
loopback, every request to 127.0.0.1, bounded in number and time.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/deadline_rush.py \\
        [--clients 200] [--seconds 120] [--rush 10] [--workers 16] [--think 1-4]

Each client is the operator of its own desa, signed in with a session made beforehand (200
password checks with the production hasher would measure the hasher). Its SAQ starts complete
(every required answer, every required evidence as a link), as a unit's is a day before the
deadline; during the run the client opens steps, autosaves answers with the versions the
server gave it (`--think`, 1–4 s between actions) and uploads a 1–3 kB PDF now and then;
in the last ``--rush`` seconds it submits at a random moment, after its last save.

Checked afterwards, from the database: zero errors; every answer equals the last value the
server told its client was saved (nothing lost, nothing mixed up between units); every
submission is locked (submitted, an autosave after it refused) with exactly those answers; the
uploaded files are all there. Printed: p50 / p95 / p99 per endpoint and each one's ratio to
the health endpoint (session, user, one SELECT 1) measured in the same run and the same window:
during the working phase for the step page, autosave and upload; during the rush (each client
asks for it just before its review step) for the review step and the submit.
"""

import argparse
import asyncio
import os
import platform
import random
import re
import tempfile
import time

os.environ.setdefault("PRIVATE_ROOT", tempfile.mkdtemp(prefix="ppid-bench-private-"))
# Sessions are signed here for the clients: with the server's secret (bench/_server.py).
os.environ["SECRET_KEY"] = "bench-" + "x" * 50

from _django import scratch_database  # noqa: E402
from _server import gunicorn_serving, percentile  # noqa: E402
from saq_load import VERSION_RE, value_for  # noqa: E402 - the same client moves as saq_load

CSRF_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')
MAX_REQUESTS_PER_CLIENT = 2000  # a bound, whatever the timings


def pdf(seed: int) -> bytes:
    """A small valid PDF (the upload check reads the content)."""
    from demo.kutim import demo_pdf

    return demo_pdf([f"Bukti rush {seed}", "x" * (seed % 900)])


def prepare(clients: int, seconds: int) -> list[dict]:
    """Period (the SAQ closes a minute after the run), the desa questionnaire, per client a desa,
    its operator with a session, and a complete draft SAQ."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from award.models import OPERATOR_GROUP, Level, OperatorMembership, Unit
    from award.services import period_create, period_default_dates
    from evaluasi.models import Answer, Evidence
    from evaluasi.questionnaires import selectors as questionnaire_selectors
    from evaluasi.questionnaires import services as questionnaire_services
    from evaluasi.questionnaires.defaults import default_workbook_path
    from evaluasi.saq import selectors as saq_selectors
    from evaluasi.saq import services as saq_services

    now = timezone.now()
    dates = period_default_dates(saq_open=now - dt.timedelta(days=20))
    dates["saq_close"] = now + dt.timedelta(seconds=seconds + 600)
    period = period_create(year=2026, **dates)
    questionnaire = questionnaire_services.questionnaire_publish(
        questionnaire=questionnaire_services.questionnaire_import(
            data=default_workbook_path("desa").read_bytes(), period=period
        )
    )
    content = questionnaire_selectors.questionnaire_with_content(pk=questionnaire.pk)
    steps, full = {}, []
    for aspect in content.aspects.all():
        indicators = list(aspect.indicators.all())
        full.extend(indicators)
        steps[saq_selectors.step_name(aspect)] = [
            (i.pk, i.type, [o.code for o in i.options.all()], i.min_value, i.max_value)
            for i in indicators
            if i.type in ("ya_tidak", "pilihan", "angka", "teks")
        ]

    def complete(indicator):
        if indicator.type == "ya_tidak":
            return "ya"
        if indicator.type == "pilihan":
            return max(indicator.options.all(), key=lambda o: o.value).code
        if indicator.type == "angka":
            return format(indicator.max_value.normalize(), "f")
        if indicator.type == "url":
            return "https://ppid.desa.id"
        return "Layanan informasi keliling"

    kecamatan = Unit.objects.create(
        code="64.08.90", name="Kecamatan Bench", level=Level.objects.get(code="kecamatan")
    )
    desa = Level.objects.get(code="desa")
    group = Group.objects.get_or_create(name=OPERATOR_GROUP)[0]
    User = get_user_model()
    result = []
    for n in range(clients):
        unit = Unit.objects.create(
            code=f"64.08.90.{2001 + n}", name=f"Desa Rush {n}", level=desa, parent=kecamatan
        )
        user = User.objects.create_user(username=f"op.rush{n}")  # no password: a session
        user.groups.add(group)
        OperatorMembership.objects.create(user=user, unit=unit)
        submission = saq_services.submission_start(period=period, unit=unit)
        Answer.objects.bulk_create(
            Answer(submission=submission, indicator=i, value=complete(i)) for i in full
        )
        Evidence.objects.bulk_create(
            Evidence(
                submission=submission,
                indicator=i,
                kind=Evidence.Kind.URL,
                url=f"https://ppid.desa.id/bukti/{n}/{i.code}",
            )
            for i in full
            if i.evidence == "wajib"
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        result.append(
            {
                "session": session.session_key,
                "cookie": settings.SESSION_COOKIE_NAME,
                "submission": submission.pk,
                "steps": steps,
                "uploadable": [i.pk for i in full if i.evidence != "tidak"],
            }
        )
    return result


async def operator(base, info, start, seconds, rush, stats, seed, ready, think):
    import httpx

    rng = random.Random(seed)  # noqa: S311 - load pattern, not security
    sub = info["submission"]
    steps = info["steps"]
    versions: dict[int, int] = {}
    last: dict[int, str] = {}
    uploads = 0
    budget = [MAX_REQUESTS_PER_CLIENT]

    async def timed(kind, method, url, **kwargs):
        budget[0] -= 1
        if budget[0] < 0:
            raise RuntimeError("request budget exhausted")
        began = time.perf_counter()
        try:
            response = await getattr(http, method)(url, **kwargs)
        except httpx.HTTPError as error:
            stats["errors"].append(f"{kind} {type(error).__name__}")
            return None
        stats[kind].append(time.perf_counter() - began)
        return response

    cookies = {info["cookie"]: info["session"]}
    async with httpx.AsyncClient(
        base_url=base, timeout=60, follow_redirects=False, cookies=cookies
    ) as http:
        for step in steps:  # warm-up (templates, versions), not measured
            page = await http.get(f"/kutim/saq/{sub}/{step}/")
            if page.status_code != 200:
                raise RuntimeError(f"warm-up {page.status_code} {page.headers.get('location')}")
            for pk, version in VERSION_RE.findall(page.text):
                versions[int(pk)] = int(version)
        csrf = CSRF_RE.search(page.text).group(1)
        headers = {"X-CSRFToken": csrf, "HX-Request": "true", "Referer": base + "/"}
        ready()
        await start.wait()
        began = time.monotonic()
        work_until = began + seconds - rush
        submit_at = work_until + rng.uniform(0, rush * 0.8)
        # Operators start at random moments over one pause, as in a steady state: 200 step
        # pages asked in the same second measured only that second's queue (p95 ~0.8 s, all
        # of it in the first 2 s), not the page.
        await asyncio.sleep(rng.uniform(0, think[1]))
        while time.monotonic() < work_until:
            step = rng.choice(list(steps))
            page = await timed("step", "get", f"/kutim/saq/{sub}/{step}/")
            if page is None or page.status_code != 200:
                stats["errors"].append(f"step {page.status_code if page else '-'}")
                continue
            for _ in range(3):
                if time.monotonic() >= work_until:
                    break
                await asyncio.sleep(rng.uniform(*think))
                pk, kind, options, low, high = rng.choice(steps[step])
                value = value_for(kind, options, low, high, rng)
                prefix = f"{step}-"
                saved = await timed(
                    "autosave",
                    "post",
                    f"/kutim/saq/{sub}/simpan/{pk}/",
                    data={
                        "prefix": prefix,
                        f"{prefix}i{pk}": value,
                        f"{prefix}v{pk}": str(versions.get(pk, 0)),
                    },
                    headers=headers,
                )
                if saved is None or saved.status_code != 200:
                    stats["errors"].append(f"autosave {saved.status_code if saved else '-'}")
                    continue
                match = VERSION_RE.search(saved.text)
                if match:
                    versions[int(match.group(1))] = int(match.group(2))
                last[pk] = value
            if rng.random() < 0.25 and time.monotonic() < work_until:
                pk = rng.choice(info["uploadable"])
                sent = await timed(
                    "upload",
                    "post",
                    f"/kutim/saq/{sub}/bukti/{pk}/",
                    files={
                        "file": (
                            f"bukti-{seed}-{uploads}.pdf",
                            pdf(seed + uploads),
                            "application/pdf",
                        )
                    },
                    headers=headers,
                )
                if sent is None or sent.status_code != 200 or "is-invalid" in sent.text:
                    stats["errors"].append(f"upload {sent.status_code if sent else '-'}")
                else:
                    uploads += 1
            if rng.random() < 0.5:
                # After a pause like every other request: a baseline taken right after
                # another request runs on a warm process and flatters every ratio.
                await asyncio.sleep(rng.uniform(*think))
                health = await timed("health", "get", "/sehat/web/")
                if health is None or health.status_code != 200:
                    stats["errors"].append("health")
            await asyncio.sleep(rng.uniform(*think))
        # The rush: at a random moment of the last seconds, after its last save, the operator
        # opens the review step and submits from it.
        await asyncio.sleep(max(0.0, submit_at - time.monotonic()))
        # The baseline of the rush window: the health endpoint under the rush's own load.
        rush_health = await timed("rush health", "get", "/sehat/web/")
        if rush_health is None or rush_health.status_code != 200:
            stats["errors"].append("rush health")
        review = await timed("review", "get", f"/kutim/saq/{sub}/tinjau/")
        if review is None or review.status_code != 200:
            stats["errors"].append(f"review {review.status_code if review else '-'}")
        field = f"saq_{sub}-current_step"
        done = await timed(
            "submit", "post", f"/kutim/saq/{sub}/tinjau/", data={field: "tinjau"}, headers=headers
        )
        if done is None or done.status_code != 302:
            stats["errors"].append(f"submit {done.status_code if done else '-'}")
            if done is not None and os.environ.get("BENCH_VERBOSE"):
                print(re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', done.text, re.S)[:3])
        # After the submission the SAQ is locked: one more autosave must be refused.
        step = next(iter(steps))
        pk = steps[step][0][0]
        late = await http.post(
            f"/kutim/saq/{sub}/simpan/{pk}/",
            data={
                "prefix": f"{step}-",
                f"{step}-i{pk}": "tidak",
                f"{step}-v{pk}": str(versions.get(pk, 0)),
            },
            headers=headers,
        )
        stats["locked"].append(late.status_code)
    stats["lasts"][sub] = last
    stats["uploads"][sub] = uploads


async def run(base, clients, seconds, rush, think):
    kinds = ("step", "autosave", "upload", "review", "submit", "health", "rush health")
    kinds += ("errors", "locked")
    stats = {k: [] for k in kinds}
    stats["lasts"], stats["uploads"] = {}, {}
    start = asyncio.Event()
    pending = [len(clients)]

    def ready():
        pending[0] -= 1
        if pending[0] == 0:
            start.set()

    await asyncio.gather(
        *(
            operator(base, info, start, seconds, rush, stats, seed, ready, think)
            for seed, info in enumerate(clients)
        )
    )
    return stats


def verify(clients, stats) -> list[str]:
    """What the database holds against what each client was told."""
    from django.db.models import Count

    from evaluasi.models import Answer, Evidence, Submission

    problems = []
    ids = [c["submission"] for c in clients]
    submissions = {s.pk: s for s in Submission.objects.filter(pk__in=ids)}
    stored: dict[int, dict[int, str]] = {}
    for sub, indicator, value in Answer.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "indicator_id", "value"
    ):
        stored.setdefault(sub, {})[indicator] = value
    files = dict(
        Evidence.objects.filter(submission_id__in=ids, kind=Evidence.Kind.FILE)
        .values("submission_id")
        .annotate(n=Count("pk"))
        .values_list("submission_id", "n")
    )
    for sub in ids:
        if submissions[sub].status != Submission.Status.SUBMITTED:
            problems.append(f"submission {sub} not submitted")
        for pk, value in stats["lasts"].get(sub, {}).items():
            if stored[sub].get(pk) != value:
                problems.append(
                    f"submission {sub} indicator {pk}: {stored[sub].get(pk)!r} != {value!r}"
                )
        if files.get(sub, 0) != stats["uploads"].get(sub, 0):
            problems.append(
                f"submission {sub}: {files.get(sub, 0)} files, {stats['uploads'].get(sub)} sent"
            )
    accepted = [code for code in stats["locked"] if code == 200]
    if accepted or len(stats["locked"]) != len(ids):
        problems.append(f"{len(accepted)} autosaves after submitting were accepted")
    return problems


def main():
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--rush", type=int, default=10)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument(
        "--think",
        default="1-4",
        help="seconds between one operator's actions, min-max (a person reading a question "
        "and choosing takes longer; 0.2-1 is a stress test)",
    )
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split("-"))
    assert args.seconds <= 600 and args.clients <= 1000, "bounded: at most 10 minutes, 1000 clients"

    with scratch_database() as db_name:
        began = time.monotonic()
        clients = prepare(args.clients, args.seconds)
        print(f"prepared {len(clients)} operators in {time.monotonic() - began:.0f} s", flush=True)
        with gunicorn_serving(db_name, workers=args.workers, keepalive=75) as base:
            assert base.startswith("http://127.0.0.1:")
            wall = time.monotonic()
            stats = asyncio.run(run(base, clients, args.seconds, args.rush, think))
            wall = time.monotonic() - wall
        problems = verify(clients, stats)

    ms = 1000
    print(
        f"machine: {platform.node()} {platform.machine()} cores={os.cpu_count()} "
        f"python {platform.python_version()}"
    )
    print(
        f"{args.clients} operators for {args.seconds} s ({wall:.0f} s with the warm-up), all "
        f"submitting in the last {args.rush} s; {args.think} s between actions; gunicorn "
        f"{args.workers} workers; PostgreSQL and Redis on loopback"
    )
    print(
        "ratios: to the health endpoint in the same window (the working phase for step, "
        "autosave and upload; the rush for review and submit)"
    )
    header = ("endpoint", "requests", "p50 ms", "p95 ms", "p99 ms", "p50 ratio", "p95 ratio")
    print(f"{header[0]:<12} " + " ".join(f"{h:>9}" for h in header[1:]))
    for kind in ("health", "step", "autosave", "upload", "rush health", "review", "submit"):
        values = stats[kind]
        if not values:
            continue
        base = stats["rush health" if kind in ("rush health", "review", "submit") else "health"]
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(
            f"{kind:<12} {len(values):>9} {p50 * ms:>9.1f} {p95 * ms:>9.1f} "
            f"{percentile(values, 99) * ms:>9.1f} {p50 / percentile(base, 50):>8.1f}x "
            f"{p95 / percentile(base, 95):>8.1f}x"
        )
    saved = sum(len(v) for v in stats["lasts"].values())
    print(
        f"errors: {len(stats['errors'])} {sorted(set(stats['errors']))[:5]}; last values "
        f"checked: {saved}; files uploaded: {sum(stats['uploads'].values())}; submissions "
        f"locked: {sum(code != 200 for code in stats['locked'])}/{len(clients)} (a later "
        f"autosave answered {sorted(set(stats['locked']))})"
    )
    print(f"problems in the database: {len(problems)} {problems[:5]}")
    print("result:", "PASS" if not stats["errors"] and not problems else "FAIL")


if __name__ == "__main__":
    main()
