"""The write of a run's stored results: scores (with COPY) and the presentation scores. What
the run read of answers and verifications is kept copy-on-write (database triggers, migration
0003) and read back through ``penilaian.data``."""

from __future__ import annotations

import io

import pandas as pd
from django.db import connection

from .models import Score, ScorePresentation, ScoringRun
from .scoring import money


def presentations_write(*, run: ScoringRun, per_jury) -> int:
    if per_jury is None or per_jury.empty:
        return 0
    rows = [
        ScorePresentation(
            run=run,
            unit_id=int(row.unit),
            jury_id=int(row.jury),
            raw=float(row.raw),
            normalised=float(row.normalised),
        )
        for row in per_jury.itertuples()
    ]
    ScorePresentation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


SCORE_COLUMNS = [
    "run_id",
    "unit_id",
    "level_id",
    "submitted_at",
    "saq",
    "verified",
    "presentation",
    "presentation_pending",
    "final",
    "qualification",
    "rank",
    "finalist",
    "verified_count",
    "aspects",
    "previous_final",
    "change",
]


def scores_write(*, run: ScoringRun, units) -> int:
    """Write a run's Score rows in one go (COPY on PostgreSQL)."""
    count = len(units)
    out = pd.DataFrame(
        {
            "run_id": [run.pk] * count,
            "unit_id": units["unit"].astype("int64").to_numpy(),
            "level_id": units["level"].astype("int64").to_numpy(),
            "submitted_at": units["submitted_at"].reset_index(drop=True),
            "saq": money(units["saq"]),
            "verified": money(units["verified"]) if run.period.has_verification else [None] * count,
            "presentation": money(units["presentation"]),
            "presentation_pending": units["presentation_pending"].astype(bool).to_numpy(),
            "final": money(units["final"]),
            "qualification": units["qualification"].astype(str).to_numpy(),
            "rank": units["rank"].astype("int64").to_numpy(),
            "finalist": units["finalist"].astype(bool).to_numpy(),
            "verified_count": units["verified_count"].astype("int64").to_numpy(),
            "aspects": units["aspects"].to_numpy(),
            "previous_final": money(units["previous_final"]),
            "change": money(units["change"]),
        },
        columns=SCORE_COLUMNS,
    )
    table = Score._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            out.to_csv(buffer, index=False, header=False, na_rep="")
            with cursor.cursor.copy(
                f"COPY {table} ({', '.join(SCORE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
        else:
            out["submitted_at"] = [
                None if pd.isna(ts) else pd.Timestamp(ts).isoformat() for ts in out["submitted_at"]
            ]
            rows = list(out.astype(object).where(out.notna(), None).itertuples(index=False))
            marks = ", ".join(["%s"] * len(SCORE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(SCORE_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                rows,
            )
    return count
