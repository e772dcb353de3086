"""Scoring engine at national scale (Scoring issue), through a real Celery worker.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/scoring.py [--units 83000] [--concurrency 2] [--repeat 3]

Builds, in a scratch PostgreSQL database and with COPY, desa under ~7,100 kecamatan and four
periods: Kutai Timur scale (200 units), 1k, 10k and the full count (default 83,000), each with a
100-indicator questionnaire (ya/tidak, pilihan, angka) answered by every unit (~5% of answers
left empty), verification of every indicator by 2 juries for 5% of units (80% accept, 10%
adjust, 10% reject) and presentation scores (2 juries × 3 criteria) for the finalists.

Then it times full runs end to end (start → chunks on the worker → results written and current),
with a worker of ``--concurrency`` processes; the worker's peak memory (VmHWM of each process);
and the baseline: a straightforward per-unit ORM loop (answers, verifications and presentation
scores read per unit, scored with ``evaluasi.questionnaires.rubric``, one Score saved per
unit) on a 1% sample of the largest period, scaled to the whole period. Targets (2 cores):
full national run ≤ 15 s; ≥ 50× the baseline; 1k → 10k → 83k within 1.3× of linear; worker
peak < 2 GiB; Kutai Timur scale click to result < 2 s (measured through the web view and its
htmx progress polling).
"""

import argparse
import datetime as dt
import io
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
from _django import ROOT, scratch_database

QUEUE = "ppid-bench-scoring"


def copy_rows(cursor, table: str, columns: list[str], frame) -> None:
    """COPY a DataFrame into ``table`` (tab-separated CSV, so JSON and quotes survive)."""
    options = "FORMAT csv, DELIMITER E'\\t', NULL '\\N'"
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH ({options})"
    with cursor.cursor.copy(sql) as copy:
        step = 500_000
        for start in range(0, len(frame), step):
            buffer = io.StringIO()
            frame.iloc[start : start + step].to_csv(
                buffer, sep="\t", header=False, index=False, na_rep="\\N"
            )
            copy.write(buffer.getvalue())


def build_units(total: int, rng) -> np.ndarray:
    """``total`` desa spread over ~7,100/83,000 as many kecamatan, with COPY; the desa ids
    in code order."""
    import pandas as pd
    from django.db import connection
    from django.utils import timezone

    from award.models import Level, Unit

    now = timezone.now()
    desa = Level.objects.get(code="desa")
    kecamatan = Level.objects.get(code="kecamatan")
    kec_count = max(1, round(total * 7100 / 83000))
    common = {
        "website": "",
        "operator_email": "",
        "active": True,
        "created_at": now,
        "organiser_id": desa.organiser_id,
        "kode_wilayah": "",
    }
    with connection.cursor() as cursor:
        kec = pd.DataFrame(
            {
                "code": [f"K{n:05d}" for n in range(kec_count)],
                "name": [f"Kecamatan Nusantara {n}" for n in range(kec_count)],
                "level_id": kecamatan.pk,
                "parent_id": None,
                **common,
                "updated_at": now,
            }
        )
        copy_rows(cursor, "award_unit", list(kec.columns), kec)
        kec_ids = np.array(
            Unit.objects.filter(level=kecamatan).order_by("code").values_list("id", flat=True)
        )
        des = pd.DataFrame(
            {
                "code": [f"D{n:06d}" for n in range(total)],
                "name": [f"Desa Sejahtera Makmur {n}" for n in range(total)],
                "level_id": desa.pk,
                "parent_id": kec_ids[rng.integers(0, kec_count, total)],
                **common,
                "updated_at": now,
            }
        )
        copy_rows(cursor, "award_unit", list(des.columns), des)
    return np.array(Unit.objects.filter(level=desa).order_by("code").values_list("id", flat=True))


def build(total: int, seed: int = 2026):
    """Units, juries, four periods with questionnaires, submissions, answers, verifications."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from award.models import JURY_GROUP, Level
    from award.services import period_create, period_default_dates
    from evaluasi.models import Aspect, Indicator, Option, Questionnaire

    rng = np.random.default_rng(seed)
    now = timezone.now()
    desa = Level.objects.get(code="desa")
    desa_ids = build_units(total, rng)
    User = get_user_model()
    from django.contrib.auth.models import Group

    group = Group.objects.get_or_create(name=JURY_GROUP)[0]
    juries = [User.objects.create(username=f"juri.bench{n}") for n in (1, 2)]
    for jury in juries:
        jury.groups.add(group)

    sizes = {"kutim": 200, "1k": 1000, "10k": 10_000, "full": total}
    periods = {}
    for offset, (label, size) in enumerate(sizes.items()):
        period = period_create(
            year=2020 + offset,
            name=f"Bench {label}",
            **period_default_dates(saq_open=now - dt.timedelta(days=90)),
        )
        questionnaire = Questionnaire.objects.create(
            period=period, level=desa, title="Bench", status=Questionnaire.Status.PUBLISHED
        )
        aspects = [
            Aspect.objects.create(
                questionnaire=questionnaire, code=f"A{n}", name=f"Aspek {n}", weight=w, order=n
            )
            for n, w in enumerate([20, 20, 15, 15, 15, 15], start=1)
        ]
        indicators = []
        for n in range(100):
            kind = "ya_tidak" if n % 10 < 5 else "pilihan" if n % 10 < 8 else "angka"
            indicators.append(
                Indicator(
                    questionnaire=questionnaire,
                    aspect=aspects[n % 6],
                    code=f"{n // 6 + 1}.{n % 6 + 1}",
                    question=f"Pertanyaan {n}",
                    type=kind,
                    weight=1 + n % 5,
                    min_value=0 if kind == "angka" else None,
                    max_value=10 if kind == "angka" else None,
                    order=n,
                )
            )
        Indicator.objects.bulk_create(indicators)
        Option.objects.bulk_create(
            Option(indicator=i, code=code, label=code, value=value, order=k)
            for i in indicators
            if i.type == "pilihan"
            for k, (code, value) in enumerate([("a", 100), ("b", 60), ("c", 20), ("d", 0)])
        )
        period.bench_size = size
        periods[label] = (period, questionnaire, indicators)
        fill(period, questionnaire, indicators, desa_ids[:size], juries, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return periods, juries


def fill(period, questionnaire, indicators, unit_ids, juries, rng):
    import pandas as pd
    from django.db import connection
    from django.utils import timezone

    from evaluasi.models import Submission
    from penjurian.models import Assignment

    now = timezone.now()
    count = len(unit_ids)
    subs = pd.DataFrame(
        {
            "period_id": period.pk,
            "unit_id": unit_ids,
            "questionnaire_id": questionnaire.pk,
            "status": "submitted",
            "submitted_at": [
                now - dt.timedelta(seconds=int(s)) for s in rng.integers(0, 9e5, count)
            ],
            "created_at": now,
            "updated_at": now,
        }
    )
    with connection.cursor() as cursor:
        copy_rows(cursor, "evaluasi_submission", list(subs.columns), subs)
    sub_ids = np.array(
        Submission.objects.filter(period=period).order_by("unit_id").values_list("id", flat=True)
    )
    quality = rng.beta(4, 2, count)
    ind_ids = np.array([i.pk for i in indicators])
    kinds = np.array([i.type for i in indicators])
    with connection.cursor() as cursor:
        block = 20_000
        for start in range(0, count, block):
            q = np.repeat(quality[start : start + block], len(indicators))
            n = len(q)
            kind = np.tile(kinds, n // len(indicators))
            noise = rng.random(n)
            values = np.where(
                kind == "ya_tidak",
                np.where(noise < q, "ya", "tidak"),
                np.where(
                    kind == "pilihan",
                    np.array(["a", "b", "c", "d"])[
                        np.clip((4 * (1 - q) * noise * 1.6).astype(int), 0, 3)
                    ],
                    np.char.mod("%.1f", np.round(q * 12 * (0.7 + 0.6 * noise), 1)),
                ),
            )
            keep = rng.random(n) > 0.05
            frame = pd.DataFrame(
                {
                    "submission_id": np.repeat(sub_ids[start : start + block], len(indicators)),
                    "indicator_id": np.tile(ind_ids, n // len(indicators)),
                    "value": values,
                    "version": 1,
                    "updated_at": now,
                }
            )[keep]
            copy_rows(cursor, "evaluasi_answer", list(frame.columns), frame)
    # 5% of units verified by both juries, every indicator.
    chosen = np.sort(rng.choice(count, max(1, count // 20), replace=False))
    for jury in juries:
        period.juries.create(user=jury)
        Assignment.objects.bulk_create(
            Assignment(period=period, jury=jury, unit_id=int(unit_ids[k])) for k in chosen
        )
    rows = len(chosen) * len(indicators)
    for jury in juries:
        draw = rng.random(rows)
        decision = np.where(draw < 0.8, "accept", np.where(draw < 0.9, "adjust", "reject"))
        kind = np.tile(kinds, len(chosen))
        adjusted = np.where(kind == "ya_tidak", "tidak", np.where(kind == "pilihan", "c", "3"))
        frame = pd.DataFrame(
            {
                "submission_id": np.repeat(sub_ids[chosen], len(indicators)),
                "indicator_id": np.tile(ind_ids, len(chosen)),
                "jury_id": jury.pk,
                "decision": decision,
                "value": np.where(decision == "adjust", adjusted, ""),
                "reason": np.where(decision == "accept", "", "Bukti tidak memadai"),
                "created_at": now,
                "updated_at": now,
            }
        )
        with connection.cursor() as cursor:
            copy_rows(cursor, "evaluasi_verification", list(frame.columns), frame)


def add_presentation(period, juries, rng):
    """Presentation scores for the finalists the current run chose."""
    from penilaian.models import Score
    from penjurian.models import Assignment, PresentationCriterion, PresentationScore

    criteria = [
        PresentationCriterion.objects.get_or_create(
            period=period, code=code, defaults={"name": code, "weight": weight}
        )[0]
        for code, weight in (("K1", 40), ("K2", 35), ("K3", 25))
    ]
    finalists = list(
        Score.objects.filter(run__period=period, run__is_current=True, finalist=True).values_list(
            "unit_id", flat=True
        )
    )
    for unit in finalists:
        for jury in juries:
            Assignment.objects.get_or_create(period=period, jury=jury, unit_id=unit)
            for criterion in criteria:
                PresentationScore.objects.update_or_create(
                    criterion=criterion,
                    unit_id=unit,
                    jury=jury,
                    defaults={"score": int(rng.integers(60, 96))},
                )
    return len(finalists)


def start_worker(concurrency: int, root=ROOT):
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
        ),
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "localhost",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork",
         "-c", str(concurrency), "-Q", QUEUE, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "warning"],
        env=env,
        cwd=root,
    )  # fmt: skip


def peak_memory(pid: int) -> tuple[int, int]:
    """(largest VmHWM of one process, sum of VmHWM) over the worker and its children, in KiB."""
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = handle.read().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    peaks = []
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as handle:
                peaks += [int(line.split()[1]) for line in handle if line.startswith("VmHWM:")]
        except OSError:
            pass
    return (max(peaks) if peaks else 0), sum(peaks)


def timed_run(period) -> tuple[float, object]:
    from penilaian import services as scoring_services

    begin = time.perf_counter()
    run = scoring_services.scoring_run_start(period=period, reason="bench")
    while True:
        run.refresh_from_db()
        if not run.is_active:
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - begin
    if run.status != "succeeded":
        raise SystemExit(f"run failed: {run.message}")
    return elapsed, run


def click_to_result(period, admin) -> float:
    """Kutai Timur scale through the web view: POST the start form, poll the htmx status."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(admin)
    begin = time.perf_counter()
    response = client.post(reverse("penilaian:scoring", args=[period.year]), {"reason": "bench"})
    url = response["Location"]
    while True:
        status = client.get(url, headers={"HX-Request": "true"})
        if status.get("HX-Refresh"):
            break
        time.sleep(0.05)
    page = client.get(url)
    elapsed = time.perf_counter() - begin
    assert "Berhasil" in page.text or "Succeeded" in page.text, "the run did not succeed"
    return elapsed


def orm_baseline(period, sample: int) -> float:
    """The straightforward way: per unit, read its rows with the ORM and score with rubric."""
    import statistics as stats
    from fractions import Fraction

    from django.db.models import Max

    from evaluasi.models import Submission
    from evaluasi.questionnaires.rubric import indicator_score, questionnaire_score, round_score
    from evaluasi.questionnaires.selectors import questionnaire_spec
    from penilaian.models import Score, ScoringRun
    from penjurian.models import PresentationScore, Verification

    number = (ScoringRun.objects.filter(period=period).aggregate(n=Max("number"))["n"] or 0) + 1
    run = ScoringRun.objects.create(period=period, number=number, status="failed")
    ids = list(
        Submission.objects.filter(period=period, status="submitted")
        .order_by("?")
        .values_list("id", flat=True)[:sample]
    )
    begin = time.perf_counter()
    for pk in ids:
        submission = Submission.objects.select_related("unit", "questionnaire").get(pk=pk)
        spec = questionnaire_spec(questionnaire=submission.questionnaire)
        by_code = spec.indicator_map()
        answers = {
            a.indicator.code: a.value for a in submission.answers.select_related("indicator")
        }
        saq = questionnaire_score(spec, answers)
        per_indicator: dict[str, list] = {}
        for v in Verification.objects.filter(submission=submission).select_related("indicator"):
            spec_i = by_code[v.indicator.code]
            own = indicator_score(spec_i, answers.get(v.indicator.code))
            value = {"accept": own, "reject": 0, "adjust": indicator_score(spec_i, v.value)}[
                v.decision
            ]
            per_indicator.setdefault(v.indicator.code, []).append(value)
        combined = {code: stats.mean(values) for code, values in per_indicator.items()}
        total = weight_sum = 0
        for aspect in spec.aspects:
            a_total = a_weight = 0
            for item in aspect.indicators:
                own = indicator_score(item, answers.get(item.code))
                if own is None:
                    continue
                a_total += Fraction(item.weight) * Fraction(combined.get(item.code, own))
                a_weight += Fraction(item.weight)
            if a_weight and aspect.weight:
                total += Fraction(aspect.weight) * a_total / a_weight
                weight_sum += Fraction(aspect.weight)
        verified = total / weight_sum if weight_sum else 0
        presentation = list(PresentationScore.objects.filter(unit=submission.unit))
        final = verified
        Score.objects.create(
            run=run,
            unit=submission.unit,
            level_id=submission.unit.level_id,
            submitted_at=submission.submitted_at,
            saq=round_score(saq),
            verified=round_score(verified),
            final=round_score(final),
            qualification=submission.period.qualification_for(round_score(final)),
            finalist=bool(presentation),
        )
    return time.perf_counter() - begin


def compare_code(period, rev: str, concurrency: int, repeat: int) -> None:
    """The full run timed with workers of this tree and of ``rev`` in turn, on the same data
    (the schema must be the same): the ratio of the medians says whether a change of the code
    changed the engine's speed."""
    import tempfile

    from config.celery import app

    folder = tempfile.mkdtemp(prefix="ppid-compare-")
    subprocess.run(  # noqa: S603, S607
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", folder, rev],
        check=True,
        capture_output=True,
    )
    seconds = {"this": [], rev: []}
    try:
        for attempt in range(repeat * 2):
            label = "this" if attempt % 2 == 0 else rev
            worker = start_worker(concurrency, root=ROOT if label == "this" else folder)
            try:
                app.tasks["ppid.ping"].apply_async(args=[0], queue=QUEUE).get(timeout=60)
                timed_run(period)  # warm-up of this worker
                seconds[label].append(timed_run(period)[0])
            finally:
                worker.terminate()
                worker.wait(timeout=30)
            print(f"  compare: {label} {seconds[label][-1]:.2f} s", flush=True)
    finally:
        subprocess.run(  # noqa: S603, S607
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", folder], check=False
        )
    ours, theirs = statistics.median(seconds["this"]), statistics.median(seconds[rev])
    print(
        f"code comparison, full run ({period.bench_size:,} units): this tree {ours:.2f} s, "
        f"{rev} {theirs:.2f} s; ratio {ours / theirs:.3f} (target <= 1.05)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=83_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--compare",
        metavar="REV",
        help="also time the full run with a worker running the code of REV (a git worktree), "
        "alternating with this tree's worker on the same data; prints the ratio",
    )
    args = parser.parse_args()
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
    with scratch_database() as name:
        from django.contrib.auth import get_user_model

        from config.celery import app

        print(f"scratch database {name}; building {args.units:,} units ...", flush=True)
        rng = np.random.default_rng(7)
        begin = time.perf_counter()
        periods, juries = build(args.units)
        from evaluasi.models import Answer
        from penjurian.models import Verification

        print(
            f"built in {time.perf_counter() - begin:.1f} s: {Answer.objects.count():,} answers, "
            f"{Verification.objects.count():,} verifications",
            flush=True,
        )
        app.conf.task_always_eager = False
        app.conf.task_default_queue = QUEUE
        app.control.purge()
        worker = start_worker(args.concurrency)
        try:
            app.tasks["ppid.ping"].apply_async(args=[0], queue=QUEUE).get(timeout=60)
            admin = get_user_model().objects.create(username="admin.bench", is_superuser=True)
            timings = {}
            for label, (period, _q, _i) in periods.items():
                timed_run(period)  # warm-up: also picks the finalists
                add_presentation(period, juries, rng)
                runs = [timed_run(period) for _ in range(args.repeat if label == "full" else 2)]
                seconds = [t for t, _run in runs]
                timings[label] = statistics.median(seconds)
                hashes = {run.input_hash for _t, run in runs}
                last = runs[-1][1]
                print(
                    f"       stages of the last run: {last.stats.get('seconds')}, "
                    f"{last.chunks_total} chunks",
                    flush=True,
                )
                print(
                    f"{label:>5} ({period.bench_size:>6,} units): runs "
                    + ", ".join(f"{t:.2f}" for t in seconds)
                    + f" s; median {timings[label]:.2f} s; identical hash: {len(hashes) == 1}",
                    flush=True,
                )
            kutim = periods["kutim"][0]
            clicks = [click_to_result(kutim, admin) for _ in range(3)]
            peak, total = peak_memory(worker.pid)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        if args.compare:
            compare_code(periods["full"][0], args.compare, args.concurrency, args.repeat)
        full_period = periods["full"][0]
        sample = max(10, full_period.bench_size // 100)
        baseline = orm_baseline(full_period, sample)
        scaled = baseline * full_period.bench_size / sample
        full = timings["full"]
        lin_10 = timings["10k"] / (10 * timings["1k"])
        lin_full = timings["full"] / (full_period.bench_size / 10_000 * timings["10k"])
        print()
        print(
            f"machine: {os.cpu_count()} cores, {platform.machine()}, "
            f"Python {platform.python_version()}"
        )
        print(f"full run ({full_period.bench_size:,} units): {full:.2f} s  (target <= 15 s)")
        print(
            f"ORM loop baseline: {sample} units in {baseline:.2f} s -> {scaled:.0f} s scaled; "
            f"engine is {scaled / full:.0f}x faster (target >= 50x)"
        )
        print(
            f"linearity: 1k {timings['1k']:.2f} s, 10k {timings['10k']:.2f} s, full {full:.2f} s; "
            f"time/unit ratios 10k/1k {lin_10:.2f}, full/10k {lin_full:.2f} (target <= 1.3)"
        )
        print(
            f"worker peak memory: largest process {peak / 1024:.0f} MiB, "
            f"all {total / 1024:.0f} MiB (target < 2048)"
        )
        print(
            "Kutai Timur scale (200 units) click to result: "
            + ", ".join(f"{c:.2f}" for c in clicks)
            + " s (target < 2 s)"
        )


if __name__ == "__main__":
    main()
