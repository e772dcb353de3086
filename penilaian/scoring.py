"""The scoring engine: a period's inputs, loaded set-based, turned into scores (DESIGN.md §3).

Three stages, each a Celery task in ``penilaian.tasks`` (see ``penilaian.services`` for the
run lifecycle):

1. ``chunks_plan``: split the submitted units into chunks by level and region (a desa's
   kecamatan), each at most ``SCORING_CHUNK_UNITS`` units.
2. ``chunk_compute``: one SQL join and aggregate per chunk gives Σ bᵢ·sᵢ per submission and
   aspect (the heavy part: every answer of the period goes through it once), plus a digest of
   the chunk's answers for the input hash. Any worker may take any chunk.
3. ``period_compute``: everything else over whole arrays with pandas — aspect and questionnaire
   scores, verified values combined over juries, presentation scores with optional z-score
   normalisation, finalists, final scores, qualifications, ranks, year-over-year change.

The per-answer score exists twice by necessity: as a SQL ``CASE`` for the bulk sums, and as
the vectorised ``answer_scores`` for the few rows that need it one by one (verified and
adjusted answers, the explanation page). Both are tested against
``evaluasi.questionnaires.rubric``, the exact reference implementation, and against each other.

No Python loop runs per unit with a query inside; the only per-row Python is formatting rows
for the final write.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction

from award.qualifications import thresholds_of

from . import formulas
from .data import (
    ANSWERS_FROM,
    SCORED_SQL,
    T,
    _chunk_where,
    _frame,
    load_rubric,
    load_verifications,
    score_sql,
)
from .formulas import final_scores, presentation_values, verified_values


def chunk_compute(spec: dict, settings_: PeriodSettings) -> dict[str, pd.DataFrame]:
    """One chunk's share of a run, from one pass over its answers and its verifications:

    - ``sums``: Σ bᵢ·sᵢ of the own answers per (submission, aspect), with ``digest``, a
      fingerprint of every answer of that aspect (for the input hash; per submission and
      aspect so that it does not depend on how the period was chunked);
    - ``deltas``: what the verified values change in each Σ bᵢ·sᵢ;
    - ``counts``: verified indicators per submission;
    - ``checks``: a fingerprint of each submission's verifications.
    """
    where, params = _chunk_where(spec)
    scored = f"CASE WHEN {SCORED_SQL} AND a.value <> '' THEN"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Keep the aggregate of a chunk (~500k answers) in memory instead of on disk; JIT
            # compilation costs more than it saves on queries of this size (measured).
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL jit = off")
            # bit_xor of 64-bit hashes: integer work (a numeric SUM costs more per answer).
            digest = "CAST(BIT_XOR(hashtextextended(a.value, a.indicator_id)) AS TEXT)"
        else:
            digest = "GROUP_CONCAT(a.indicator_id || '=' || a.value, ';')"
        cursor.execute(
            "SELECT a.submission_id, i.aspect_id,"
            f" SUM({scored} CAST(i.weight AS DOUBLE PRECISION) * ({score_sql()}) END), {digest}"
            f" {ANSWERS_FROM} WHERE {where}"
            " GROUP BY a.submission_id, i.aspect_id",
            params,
        )
        rows = cursor.fetchall()
        verifications = load_verifications(where, params)
    sums = pd.DataFrame(rows, columns=["submission", "aspect", "weighted", "digest"])
    sums["weighted"] = sums["weighted"].astype("float64").fillna(0.0)
    if connection.vendor != "postgresql":  # GROUP_CONCAT has no guaranteed order: sort it
        sums["digest"] = [";".join(sorted(str(d).split(";"))) for d in sums["digest"]]
    sums["digest"] = sums["digest"].astype(str)
    submissions = _frame(
        f"SELECT s.id, s.questionnaire_id FROM {T.submission} s"
        f" JOIN {T.unit} u ON u.id = s.unit_id WHERE {where}",
        params,
        ["submission", "questionnaire"],
    )
    aspects, indicators, _options = load_rubric(
        sorted(int(q) for q in submissions["questionnaire"].unique())
    )
    _verified, deltas, counts = verification_deltas(verifications, indicators, settings_=settings_)
    grid = aspect_table(submissions, aspects, sums, deltas)
    totals = questionnaire_scores(grid)
    units = submissions[["submission"]].merge(
        totals, left_on="submission", right_index=True, how="left"
    )
    units[["saq", "verified"]] = units[["saq", "verified"]].fillna(0.0)
    units = units.merge(
        counts.rename("verified_count"), left_on="submission", right_index=True, how="left"
    )
    units["verified_count"] = units["verified_count"].fillna(0).astype("int64")
    aspects_json = aspects_text(grid)
    units["aspects"] = units["submission"].map(aspects_json).fillna("{}").astype(str)
    return {
        "units": units.astype({"submission": "int64"}),
        "digests": answers_fingerprint(sums),
        "checks": verifications_fingerprint(verifications),
    }


# --- rounded numbers as text (for the JSON of aspect scores and for COPY) -----------------
_HUNDREDTHS = None


def money(values) -> np.ndarray:
    """Rounded scores as exact 2-decimal strings, None where missing. Vectorised: every
    value from -100.00 to 100.00 is looked up in a table of its text."""
    global _HUNDREDTHS
    if _HUNDREDTHS is None:
        _HUNDREDTHS = np.array([f"{c / 100:.2f}" for c in range(-10000, 10001)], dtype=object)
    rounded = formulas.round_half_up(values)
    missing = np.isnan(rounded)
    cents = np.rint(np.nan_to_num(rounded) * 100).astype("int64")
    out = np.empty(len(cents), dtype=object)
    inside = (cents >= -10000) & (cents <= 10000) & ~missing
    out[inside] = _HUNDREDTHS[cents[inside] + 10000]
    other = ~inside & ~missing
    out[other] = [f"{c / 100:.2f}" for c in cents[other]]
    return out


def aspects_text(grid: pd.DataFrame) -> dict:
    """Per submission, its rounded aspect scores as JSON text: {"A1": [saq, verified], ...}."""
    ordered = grid.sort_values(["submission", "order", "aspect"], kind="stable")
    submissions = ordered["submission"].to_numpy()
    if not len(submissions):
        return {}
    codes = ordered["aspect_code"].astype(str).str.replace('"', "", regex=False).to_numpy()
    saq = money(ordered["saq"])
    verified = money(ordered["verified"])
    cells = [
        f'"{code}":[{own or "null"},{checked or "null"}]'
        for code, own, checked in zip(codes, saq, verified, strict=True)
    ]
    starts = np.flatnonzero(np.r_[True, submissions[1:] != submissions[:-1]])
    ends = np.r_[starts[1:], len(submissions)]
    return {
        int(submissions[a]): "{" + ",".join(cells[a:b]) + "}"
        for a, b in zip(starts, ends, strict=True)
    }


def _fingerprint(frame: pd.DataFrame, columns: dict, name: str) -> pd.DataFrame:
    """Per submission, the sum (mod 2⁶⁴) of the stable hashes of its rows' ``columns`` (a
    dtype per column): one number per unit for the input hash, whatever the chunking."""
    if frame.empty:
        return pd.DataFrame({"submission": pd.Series(dtype="int64"), name: []})
    rows = pd.util.hash_pandas_object(
        frame[list(columns)].astype(columns), index=False, categorize=False
    )
    hashed = pd.DataFrame({"submission": frame["submission"].astype("int64"), "h": rows})
    summed = hashed.groupby("submission", sort=True)["h"].sum()  # uint64 wraps around
    return pd.DataFrame({"submission": summed.index, name: summed.to_numpy().astype(str)})


def answers_fingerprint(sums: pd.DataFrame) -> pd.DataFrame:
    """Per submission, a fingerprint of its (aspect, answers digest) rows."""
    return _fingerprint(sums, {"aspect": "int64", "digest": str}, "digest")


def verifications_fingerprint(verifications: pd.DataFrame) -> pd.DataFrame:
    """Per submission, a fingerprint of its verification rows."""
    return _fingerprint(
        verifications,
        {
            "submission": "int64",
            "indicator": "int64",
            "jury": "int64",
            "decision": str,
            "adjusted": str,
        },
        "check",
    )


def chunk_pack(parts: dict[str, pd.DataFrame]) -> bytes:
    """A chunk's result as compact bytes (stored on its ``ScoringChunk`` row)."""
    arrays = {}
    for name, frame in parts.items():
        for column in frame.columns:
            values = frame[column].to_numpy()
            if values.dtype == object:
                values = values.astype(str)
            arrays[f"{name}.{column}"] = values
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def chunk_unpack(data: bytes) -> dict[str, pd.DataFrame]:
    columns: dict[str, dict] = {}
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as arrays:
        for key in arrays.files:
            name, column = key.split(".", 1)
            columns.setdefault(name, {})[column] = arrays[key]
    return {name: pd.DataFrame(values) for name, values in columns.items()}


# --- planning -------------------------------------------------------------------------------
def chunks_plan(*, period_id: int, size: int) -> list[dict]:
    """Chunks of at most ``size`` submitted units: units with a parent (desa) are packed by
    parent so a region stays together; units without one are split by id range."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.level_id, u.parent_id, u.id FROM {T.submission} s"
            f" JOIN {T.unit} u ON u.id = s.unit_id"
            " WHERE s.period_id = %s AND s.status = 'submitted'"
            " ORDER BY u.level_id, u.parent_id, u.id",
            [period_id],
        )
        rows = cursor.fetchall()
    units = pd.DataFrame(rows, columns=["level", "parent", "unit"])
    chunks: list[dict] = []
    for level, of_level in units.groupby("level", sort=True):
        orphans = of_level[of_level["parent"].isna()]["unit"].sort_values().to_numpy()
        for start in range(0, len(orphans), size):
            piece = orphans[start : start + size]
            chunks.append(
                {"level": int(level), "units": [int(piece[0]), int(piece[-1])], "size": len(piece)}
            )
        counts = of_level[of_level["parent"].notna()].groupby("parent", sort=True).size()
        parents: list[int] = []
        total = 0
        for parent, count in counts.items():
            if parents and total + count > size:
                chunks.append({"level": int(level), "parents": parents, "size": total})
                parents, total = [], 0
            parents.append(int(parent))
            total += int(count)
        if parents:
            chunks.append({"level": int(level), "parents": parents, "size": total})
    for chunk in chunks:
        chunk["period"] = period_id
    return chunks


# --- the whole period ----------------------------------------------------------------------
@dataclass
class PeriodSettings:
    has_verification: bool
    has_presentation: bool
    weight_verification: float
    weight_presentation: float
    aggregation: str
    normalisation: str
    thresholds: tuple[float, float, float, float]
    finalist_minimum: float
    finalist_count: int
    shared_ranks: bool
    finalist_basis: str = "verified"  # runs stored before it existed chose by V

    @classmethod
    def stored(cls, run) -> PeriodSettings:
        """The settings a run used (kept on the run); the period's for runs made before runs
        kept them."""
        if not run.settings:
            return cls.of(run.period)
        values = dict(run.settings)
        values["thresholds"] = tuple(float(t) for t in values["thresholds"])
        return cls(**values)

    @classmethod
    def of(cls, period) -> PeriodSettings:
        return cls(
            has_verification=period.has_verification,
            has_presentation=period.has_presentation,
            weight_verification=float(period.weight_verification),
            weight_presentation=float(period.weight_presentation),
            aggregation=period.aggregation,
            normalisation=period.normalisation,
            thresholds=thresholds_of(period),
            finalist_minimum=float(period.finalist_minimum),
            finalist_count=int(period.finalist_count),
            shared_ranks=period.tie_policy == "shared",
            # A period read without the column (by a migration of a database from before the
            # setting existed) chose its finalists by the verified score.
            finalist_basis=(
                "verified"
                if "finalist_basis" in period.get_deferred_fields()
                else period.finalist_basis
            ),
        )


def verification_deltas(
    verifications: pd.DataFrame, indicators: pd.DataFrame, *, settings_: PeriodSettings
):
    """Verified values per indicator, what they change in each aspect's Σ bᵢ·sᵢ, and the
    number of verified indicators per submission (nothing when the period has no
    verification stage)."""
    verified = verified_values(verifications, settings_.aggregation)
    counts = verifications.groupby("submission")["indicator"].nunique().rename("verified_count")
    if not settings_.has_verification:
        verified, counts = verified.iloc[0:0], counts.iloc[0:0]
    verified = verified.merge(indicators[["indicator", "aspect", "weight"]], on="indicator")
    verified = verified[verified["self_score"].notna()].copy()
    verified["verified_score"] = verified["verified_score"].astype("float64")
    verified["delta"] = verified["weight"] * (
        verified["verified_score"].fillna(verified["self_score"]) - verified["self_score"]
    )
    deltas = verified.groupby(["submission", "aspect"], as_index=False)["delta"].sum()
    return verified, deltas, counts


def aspect_table(
    submissions: pd.DataFrame,
    aspects: pd.DataFrame,
    sums: pd.DataFrame,
    deltas: pd.DataFrame,
) -> pd.DataFrame:
    """One row per (submission, aspect): the SAQ and verified aspect scores A = Σb·s / Σb."""
    grid = submissions[["submission", "questionnaire"]].merge(aspects, on="questionnaire")
    grid = grid.merge(sums, on=["submission", "aspect"], how="left")
    grid["weighted"] = pd.to_numeric(grid["weighted"], errors="coerce").fillna(0.0)
    grid = grid.merge(deltas, on=["submission", "aspect"], how="left")
    grid["delta"] = pd.to_numeric(grid["delta"], errors="coerce").fillna(0.0)
    scored = grid["denominator"] > 0
    denominator = grid["denominator"].where(scored)
    grid["saq"] = grid["weighted"] / denominator
    grid["verified"] = (grid["weighted"] + grid["delta"]) / denominator
    grid["counts"] = scored & (grid["aspect_weight"] > 0)
    return grid


def questionnaire_scores(grid: pd.DataFrame) -> pd.DataFrame:
    """Q = Σ Bₐ·Aₐ / Σ Bₐ per submission, over aspects with scored indicators."""
    used = grid[grid["counts"]]
    weights = used["aspect_weight"]
    totals = (
        pd.DataFrame(
            {
                "submission": used["submission"],
                "w": weights,
                "saq": weights * used["saq"],
                "verified": weights * used["verified"],
            }
        )
        .groupby("submission", sort=True)[["w", "saq", "verified"]]
        .sum()
    )
    result = pd.DataFrame(
        {
            "saq": (totals["saq"] / totals["w"]).fillna(0.0),
            "verified": (totals["verified"] / totals["w"]).fillna(0.0),
        }
    )
    return result


def period_compute(
    *,
    settings_: PeriodSettings,
    submissions: pd.DataFrame,
    totals: pd.DataFrame,
    presentation: pd.DataFrame,
    previous: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every score of a period from the chunks' per-submission SAQ and verified scores, and
    each jury's presentation score per unit (raw and normalised) as the run used them."""
    units = submissions.merge(totals, on="submission", how="left")
    units[["saq", "verified"]] = units[["saq", "verified"]].fillna(0.0)
    units["verified_count"] = units["verified_count"].fillna(0).astype("int64")
    units["aspects"] = units["aspects"].fillna("{}")
    if not settings_.has_verification:
        units["verified"] = units["saq"]

    per_jury, combined = presentation_values(
        presentation, normalisation=settings_.normalisation, method=settings_.aggregation
    )
    units = units.merge(combined, left_on="unit", right_index=True, how="left")
    units["presentation"] = units["presentation"].astype("float64")
    if settings_.has_presentation:
        units["finalist"] = formulas.select_finalists(
            units,
            minimum=settings_.finalist_minimum,
            count=settings_.finalist_count,
            basis=settings_.finalist_basis,
        )
    else:
        units["finalist"] = False
    units.loc[~units["finalist"], "presentation"] = np.nan
    units["presentation_pending"] = units["finalist"] & units["presentation"].isna()
    units["final"] = final_scores(units, settings_)
    units["final_rounded"] = formulas.round_half_up(units["final"])
    units["qualification"] = formulas.qualify(units["final_rounded"], settings_.thresholds)
    units["rank"] = formulas.rank(units, shared=settings_.shared_ranks)
    units = units.merge(previous, on="unit", how="left")
    units["change"] = formulas.round_half_up(units["final_rounded"] - units["previous_final"])
    return units, per_jury


def inputs_hash(*, parts: dict) -> str:
    """sha256 over every input of a run: DataFrames by their rows (pandas' stable row hashes,
    in the order given), anything else by its canonical JSON."""
    digest = hashlib.sha256()
    for name in sorted(parts):
        value = parts[name]
        digest.update(name.encode())
        if isinstance(value, pd.DataFrame):
            digest.update(",".join(map(str, value.columns)).encode())
            digest.update(str(len(value)).encode())
            if len(value):
                rows = pd.util.hash_pandas_object(value, index=False, categorize=False)
                digest.update(rows.to_numpy().tobytes())
        else:
            digest.update(json.dumps(value, sort_keys=True, default=str).encode())
    return digest.hexdigest()


# Every module whose change can change a stored number: the §3 formulas, this engine, the
# SQL that reads the inputs, the writes of the results, the indicator scoring and the
# qualification bands. tests/penilaian/test_code_version.py checks that the modules these
# import are listed too.
SCORING_MODULES = (
    "penilaian.formulas",
    "penilaian.scoring",
    "penilaian.data",
    "penilaian.results",
    "evaluasi.questionnaires.rubric",
    "award.qualifications",
)


def code_version() -> str:
    """The version of the scoring code: the release and a digest of the engine's sources."""
    digest = hashlib.sha256()
    for name in SCORING_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    return f"{settings.PPID_VERSION}+{digest.hexdigest()[:12]}"
