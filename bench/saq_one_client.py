"""One operator at a time (issue #19): the SAQ's step page, review step and submit against
the health endpoint, each after a pause as a person makes — gunicorn, PostgreSQL and Redis on
loopback, as ``deadline_rush.py`` (whose one-client run gives a single review and submit).

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/saq_one_client.py \\
        [--rounds 40] [--workers 4] [--pause 0.2-0.5]

Each round takes the next prepared operator (a complete draft SAQ, as in the rush): health,
a random step page, health, the review step, health, the submit — with a random pause before
each request. Printed: p50 and p95 of each and the p50 ratio to health's p50 (target: ≤ 3×).
"""

import argparse
import os
import platform
import random
import tempfile
import time

os.environ.setdefault("PRIVATE_ROOT", tempfile.mkdtemp(prefix="ppid-bench-private-"))
os.environ["SECRET_KEY"] = "bench-" + "x" * 50

from _django import scratch_database  # noqa: E402
from _server import gunicorn_serving, percentile  # noqa: E402
from deadline_rush import prepare  # noqa: E402


def main():
    import httpx

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pause", default="0.2-0.5")
    args = parser.parse_args()
    assert args.rounds <= 500, "bounded"
    pause = tuple(float(x) for x in args.pause.split("-"))
    rng = random.Random(19)  # noqa: S311 - load pattern, not security
    times = {k: [] for k in ("health", "step", "review", "submit")}
    with scratch_database() as db_name:
        clients = prepare(args.rounds, 600)
        with (
            gunicorn_serving(db_name, workers=args.workers) as base,
            httpx.Client(base_url=base, timeout=30) as http,
        ):

            def timed(kind, method, url, expect, **kwargs):
                time.sleep(rng.uniform(*pause))
                began = time.perf_counter()
                response = getattr(http, method)(url, **kwargs)
                times[kind].append(time.perf_counter() - began)
                assert response.status_code == expect, (kind, response.status_code)
                return response

            for info in clients:  # one browser, signed in as the next operator each round
                sub = info["submission"]
                http.cookies.clear()
                http.cookies.set(info["cookie"], info["session"])
                timed("health", "get", "/sehat/web/", 200)
                timed("step", "get", f"/kutim/saq/{sub}/{rng.choice(list(info['steps']))}/", 200)
                timed("health", "get", "/sehat/web/", 200)
                page = timed("review", "get", f"/kutim/saq/{sub}/tinjau/", 200)
                timed("health", "get", "/sehat/web/", 200)
                token = page.text.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
                timed(
                    "submit",
                    "post",
                    f"/kutim/saq/{sub}/tinjau/",
                    302,
                    data={f"saq_{sub}-current_step": "tinjau"},
                    headers={"X-CSRFToken": token, "Referer": base + "/"},
                )
    print(
        f"machine: {platform.node()} {platform.machine()} cores={os.cpu_count()} "
        f"python {platform.python_version()}; {args.rounds} rounds, gunicorn {args.workers} "
        f"workers, {args.pause} s pause before each request"
    )
    health50 = percentile(times["health"], 50)
    print(f"{'endpoint':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>9}")
    for kind, values in times.items():
        p50 = percentile(values, 50)
        print(
            f"{kind:<8} {len(values):>8} {p50 * 1000:>8.1f} "
            f"{percentile(values, 95) * 1000:>8.1f} {p50 / health50:>8.1f}x"
        )


if __name__ == "__main__":
    main()
