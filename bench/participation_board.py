"""The participation board at national scale (issue #13): 83,000 desa under ~7,100
kecamatan, 60% submitted, 20% filling in, one operator for every tenth unit; the admin pages
through it, searches and filters. Requests one at a time against gunicorn (PostgreSQL on
loopback), each page type 40 times, with the health endpoint as the baseline.

With several organisers (issue #22, ``--organisers 10``, the default) the measured organiser
(Kutai Timur, the first) has the 83,000 units and nine more organisers share as many again
between them, with the same unit codes and the same year, so that half of every table is
another organiser's data the board's queries must step over.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/participation_board.py \\
        [--units 83000] [--organisers 10]

Target: p95 under 300 ms for every page type.
"""

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import scratch_database
from _server import gunicorn_serving, percentile  # noqa: E402
from _units import national_units  # noqa: E402

PASSWORD = "bench-admin-123"  # noqa: S105 - a throwaway database


def build(units: int, organisers: int) -> None:
    from award.organisers import organiser_create
    from award.scoping import organiser_scope

    others = organisers - 1
    for n in range(1, organisers):
        organiser = organiser_create(name=f"Diskominfo Bench {n}", slug=f"bench{n}")
        with organiser_scope(organiser):
            build_organiser(units // others, with_operators=False)
    build_organiser(units, with_operators=True)  # the measured organiser, in the bench's scope


def build_organiser(units: int, *, with_operators: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from award.models import (
        ADMIN_GROUP,
        Level,
        OperatorMembership,
        OrganiserMembership,
        organiser_current,
    )
    from award.services import period_create, period_default_dates, user_get_or_invite
    from evaluasi.models import Answer, Aspect, Indicator, Questionnaire, Submission

    desa = Level.objects.get(code="desa")
    kecamatan_level = Level.objects.get(code="kecamatan")
    period = period_create(
        year=2030, **period_default_dates(saq_open=timezone.now() - timezone.timedelta(days=1))
    )
    questionnaire = Questionnaire.objects.create(
        period=period, level=desa, version=1, title="Bench", status="published"
    )
    aspect = Aspect.objects.create(questionnaire=questionnaire, code="A1", name="A", weight=100)
    indicator = Indicator.objects.create(
        questionnaire=questionnaire,
        aspect=aspect,
        code="1",
        question="Q",
        type="ya_tidak",
        weight=1,
    )
    kecamatan, villages = national_units(
        units=units, desa=desa, kecamatan_level=kecamatan_level, name="Desa Bench {n}"
    )
    rng = random.Random(13)  # noqa: S311
    states = [rng.random() for _ in villages]
    submissions = Submission.objects.bulk_create(
        (
            Submission(
                period=period,
                unit=unit,
                questionnaire=questionnaire,
                status="submitted" if roll < 0.6 else "draft",
                submitted_at=timezone.now() if roll < 0.6 else None,
            )
            for unit, roll in zip(villages, states, strict=True)
            if roll < 0.8
        ),
        batch_size=5000,
    )
    Answer.objects.bulk_create(
        (Answer(submission=s, indicator=indicator, value="ya") for s in submissions),
        batch_size=5000,
    )
    if not with_operators:
        return
    User = get_user_model()
    operators = User.objects.bulk_create(
        User(username=f"op{n}", email=f"op{n}@bench.go.id") for n in range(0, units, 10)
    )
    OperatorMembership.objects.bulk_create(
        (OperatorMembership(user=user, unit=villages[n * 10]) for n, user in enumerate(operators)),
        batch_size=5000,
    )
    admin = user_get_or_invite(
        email="admin@bench.go.id", full_name="Admin", group=ADMIN_GROUP, username="admin.bench"
    ).user
    admin.set_password(PASSWORD)
    admin.save()
    OrganiserMembership.objects.create(user=admin, organiser=organiser_current(), role="admin")


PAGES = {
    "first page": "",
    "page 800": "halaman=800",
    "search a name": "q=Bench+4711",
    "not started, desa": "status=not_started&level=desa",
    "filling in, page 50": "status=in_progress&halaman=50",
    "without an operator": "operator=tanpa",
}


def main():
    import httpx

    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=83000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--organisers", type=int, default=10)
    args = parser.parse_args()
    with scratch_database() as db_name:
        started = time.perf_counter()
        build(args.units, args.organisers)
        from django.db import connection

        with connection.cursor() as cursor:  # as autovacuum would after a bulk load
            cursor.execute("ANALYZE")
            cursor.execute("SELECT count(*) FROM award_unit")
            total = cursor.fetchone()[0]
        print(
            f"built {args.units:,} units of the measured organiser and {total:,} in all "
            f"({args.organisers} organisers) in {time.perf_counter() - started:.1f} s"
        )
        with (
            gunicorn_serving(db_name, workers=2) as base,
            httpx.Client(base_url=base, timeout=60) as http,
        ):
            login = http.get("/masuk/")
            token = http.cookies.get("csrftoken")
            login = http.post(
                "/masuk/",
                data={
                    "username": "admin.bench",
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token,
                },
                headers={"Referer": base + "/masuk/"},
            )
            assert login.status_code == 302, login.status_code
            timings = {name: [] for name in [*PAGES, "health"]}
            url = "/kutim/periode/2030/partisipasi/"
            for query in PAGES.values():
                http.get(f"{url}?{query}")  # warm-up
            for _ in range(args.repeat):
                for name, query in PAGES.items():
                    start = time.perf_counter()
                    response = http.get(f"{url}?{query}")
                    timings[name].append(time.perf_counter() - start)
                    assert response.status_code == 200, (name, response.status_code)
                start = time.perf_counter()
                http.get("/sehat/web/")
                timings["health"].append(time.perf_counter() - start)
    print(f"machine: {platform.node()} {platform.machine()} cores={os.cpu_count()}")
    health = percentile(timings["health"], 95) * 1000
    worst = 0.0
    for name in PAGES:
        p50 = percentile(timings[name], 50) * 1000
        p95 = percentile(timings[name], 95) * 1000
        worst = max(worst, p95)
        print(f"{name:<22} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({p95 / health:.1f}× health)")
    print(f"health p95 {health:.1f} ms; worst page p95 {worst:.1f} ms (target < 300)")
    print("result:", "PASS" if worst < 300 else "FAIL")


if __name__ == "__main__":
    main()
