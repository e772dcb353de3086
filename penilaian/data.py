"""The data side of a scoring run: the per-answer score as one SQL expression, the chunk's
WHERE clause, and the loaders that turn the period's rows into DataFrames (through
``COPY … TO STDOUT`` on PostgreSQL). Nothing here computes beyond one answer's score."""

from __future__ import annotations

import io

import pandas as pd
from django.db import connection

from award.models import Level, Unit
from evaluasi.models import Answer, Aspect, Indicator, Option, Submission
from penilaian.models import AnswerSnapshot, Score, ScoringRun, VerificationSnapshot
from penjurian.models import PresentationCriterion, PresentationScore, Verification


class T:
    """The tables the SQL reads, named by their models: a model whose table is renamed
    (several still carry the names of the old layout) takes the SQL with it."""

    level = Level._meta.db_table
    unit = Unit._meta.db_table
    answer = Answer._meta.db_table
    aspect = Aspect._meta.db_table
    indicator = Indicator._meta.db_table
    option = Option._meta.db_table
    submission = Submission._meta.db_table
    criterion = PresentationCriterion._meta.db_table
    presentation = PresentationScore._meta.db_table
    verification = Verification._meta.db_table
    score = Score._meta.db_table
    run = ScoringRun._meta.db_table
    answer_snapshot = AnswerSnapshot._meta.db_table
    verification_snapshot = VerificationSnapshot._meta.db_table


SCORED_TYPES = ("ya_tidak", "pilihan", "angka")


# --- the per-answer score in SQL ----------------------------------------------------------
def _number_sql(value: str) -> str:
    """``value`` as a float; NULL (PostgreSQL) or 0 (SQLite) when it is not a number."""
    if connection.vendor == "postgresql":
        return (
            f"CASE WHEN {value} ~ '^-?[0-9]+(\\.[0-9]+)?$' "
            f"THEN CAST({value} AS DOUBLE PRECISION) END"
        )
    return f"CAST({value} AS REAL)"


def score_sql(value: str = "a.value", option: str = "o") -> str:
    """The 0–100 score of the answer ``value`` for indicator ``i`` (DESIGN.md §3), with
    ``option`` the option row joined on that value (see ``option_join``). Float arithmetic
    (see ``rules.round_half_up`` for why that is exact enough); NULL counts as 0."""
    share = (
        f"(({_number_sql(value)}) - CAST(i.min_value AS DOUBLE PRECISION))"
        " / CAST(i.max_value - i.min_value AS DOUBLE PRECISION)"
    )
    low, high = ("GREATEST", "LEAST") if connection.vendor == "postgresql" else ("MAX", "MIN")
    return (
        "CASE"
        f" WHEN i.type = 'angka' THEN 100 * {high}({low}({share}, 0), 1)"
        f" WHEN {option}.id IS NOT NULL THEN CAST({option}.value AS DOUBLE PRECISION)"
        f" WHEN i.type = 'ya_tidak' AND {value} = 'ya' THEN 100"
        " ELSE 0 END"
    )


def option_join(value: str = "a.value", option: str = "o") -> str:
    return (
        f" LEFT JOIN {T.option} {option} ON {option}.indicator_id = i.id"
        f" AND {option}.code = {value} AND i.type IN ('ya_tidak', 'pilihan')"
    )


SCORED_SQL = "i.weight > 0 AND i.type IN ('ya_tidak', 'pilihan', 'angka')"

ANSWERS_FROM = (
    f" FROM {T.answer} a"
    f" JOIN {T.submission} s ON s.id = a.submission_id"
    f" JOIN {T.unit} u ON u.id = s.unit_id"
    f" JOIN {T.indicator} i ON i.id = a.indicator_id" + option_join()
)


SUBMITTED_WHERE = "s.period_id = %s AND s.status = 'submitted'"


def _chunk_where(spec: dict) -> tuple[str, list]:
    where = f"{SUBMITTED_WHERE} AND u.level_id = %s"
    params: list = [spec["period"], spec["level"]]
    if spec.get("parents"):
        where += f" AND u.parent_id IN ({', '.join(['%s'] * len(spec['parents']))})"
        params += spec["parents"]
    else:
        where += " AND u.parent_id IS NULL AND u.id BETWEEN %s AND %s"
        params += spec["units"]
    return where, params


# --- loading the rest of the inputs (small tables) -----------------------------------------
def _frame(sql: str, params: list, columns: list[str], text=()) -> pd.DataFrame:
    """A query's rows as a DataFrame of strings and numbers; through ``COPY ... TO STDOUT``
    on PostgreSQL (several times faster than fetching Python tuples for big tables)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            if not buffer.getbuffer().nbytes:
                return pd.DataFrame({name: [] for name in columns})
            return pd.read_csv(
                buffer,
                names=columns,
                header=None,
                keep_default_na=False,
                na_values=[""],
                dtype=dict.fromkeys(text, str),
            )
        cursor.execute(sql, params)
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def _epoch_microseconds_sql(column: str) -> str:
    """``column`` (a timestamp) as whole microseconds since 1970 (an integer, never text)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    # SQLite keeps Django's "YYYY-MM-DD HH:MM:SS[.ffffff]": whole seconds from strftime, the
    # six fraction digits (or "000000") from their fixed place; julianday() would lose them.
    return (
        f"CAST(strftime('%%s', {column}) AS INTEGER) * 1000000"
        f" + CAST(substr({column} || '.000000', 21, 6) AS INTEGER)"
    )


def load_submissions(period_id: int) -> pd.DataFrame:
    """The period's submitted SAQs. Submission times travel as integers (microseconds since
    1970) and become ``datetime64`` without any parsing of text: PostgreSQL prints a whole
    second without a fraction, and a text column mixing both broke format inference."""
    frame = _frame(
        "SELECT s.id, s.unit_id, u.level_id, u.code, s.questionnaire_id,"
        f" {_epoch_microseconds_sql('s.submitted_at')}"
        f" FROM {T.submission} s JOIN {T.unit} u ON u.id = s.unit_id"
        " WHERE s.period_id = %s AND s.status = 'submitted' ORDER BY s.id",
        [period_id],
        ["submission", "unit", "level", "code", "questionnaire", "submitted_at"],
        text=["code"],
    )
    micros = pd.to_numeric(frame["submitted_at"], errors="coerce").astype("Int64")
    frame["submitted_at"] = pd.to_datetime(micros, unit="us", utc=True)
    return frame


def load_rubric(questionnaire_ids: list[int]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Aspects (with Σ bᵢ of their scored indicators), indicators and options."""
    if not questionnaire_ids:
        questionnaire_ids = [0]
    marks = ", ".join(["%s"] * len(questionnaire_ids))
    indicators = _frame(
        "SELECT id, questionnaire_id, aspect_id, code, type, weight, min_value, max_value"
        f" FROM {T.indicator} WHERE questionnaire_id IN ({marks}) ORDER BY id",
        questionnaire_ids,
        ["indicator", "questionnaire", "aspect", "code", "type", "weight", "min", "max"],
        text=["code", "type"],
    )
    for column in ("weight", "min", "max"):
        indicators[column] = pd.to_numeric(indicators[column], errors="coerce").astype("float64")
    aspects = _frame(
        f'SELECT id, questionnaire_id, code, weight, "order" FROM {T.aspect}'
        f' WHERE questionnaire_id IN ({marks}) ORDER BY questionnaire_id, "order", id',
        questionnaire_ids,
        ["aspect", "questionnaire", "aspect_code", "aspect_weight", "order"],
        text=["aspect_code"],
    )
    aspects["aspect_weight"] = aspects["aspect_weight"].astype("float64")
    scored = indicators[(indicators["weight"] > 0) & indicators["type"].isin(SCORED_TYPES)]
    denominators = scored.groupby("aspect")["weight"].sum().rename("denominator")
    aspects = aspects.merge(denominators, left_on="aspect", right_index=True, how="left")
    aspects["denominator"] = aspects["denominator"].fillna(0.0)
    options = _frame(
        f"SELECT o.indicator_id, o.code, o.value FROM {T.option} o"
        f" JOIN {T.indicator} i ON i.id = o.indicator_id"
        f" WHERE i.questionnaire_id IN ({marks}) ORDER BY o.id",
        questionnaire_ids,
        ["indicator", "value", "option_value"],
        text=["value"],
    )
    options["option_value"] = options["option_value"].astype("float64")
    return aspects, indicators, options


def load_verifications(where: str, params: list) -> pd.DataFrame:
    """The verifications of the submissions matching ``where`` (over ``s`` and ``u``), scored
    in SQL: the score of the operator's own answer (``self_score``) and of the jury's value
    (``jury_score``: the own score when accepted, the adjusted answer's score, 0 when
    rejected). Both are NaN for indicators that are not scored."""
    self_score = f"COALESCE({score_sql('a.value', 'o')}, 0)"
    adjusted = f"COALESCE({score_sql('v.value', 'ov')}, 0)"
    frame = _frame(
        "SELECT v.submission_id, v.indicator_id, v.jury_id, v.decision, v.value, v.reason,"
        f" CASE WHEN {SCORED_SQL} THEN {self_score} END,"
        f" CASE WHEN NOT ({SCORED_SQL}) THEN NULL WHEN v.decision = 'accept' THEN {self_score}"
        f" WHEN v.decision = 'adjust' THEN {adjusted} ELSE 0 END"
        f" FROM {T.verification} v"
        f" JOIN {T.submission} s ON s.id = v.submission_id"
        f" JOIN {T.unit} u ON u.id = s.unit_id"
        f" JOIN {T.indicator} i ON i.id = v.indicator_id"
        f" LEFT JOIN {T.answer} a"
        "   ON a.submission_id = v.submission_id AND a.indicator_id = v.indicator_id"
        + option_join("a.value", "o")
        + option_join("v.value", "ov")
        + f" WHERE {where}"
        " ORDER BY v.submission_id, v.indicator_id, v.jury_id",
        params,
        [
            "submission",
            "indicator",
            "jury",
            "decision",
            "adjusted",
            "reason",
            "self_score",
            "jury_score",
        ],
        text=["decision", "adjusted", "reason"],
    )
    for column in ("self_score", "jury_score"):
        frame[column] = frame[column].astype("float64")
    frame["adjusted"] = frame["adjusted"].fillna("").astype(str)
    frame["reason"] = frame["reason"].fillna("").astype(str)
    return frame


def answers_scored(submission_id: int) -> pd.DataFrame:
    """Every indicator of one submission's questionnaire with the answer and its score
    (the same SQL expression as the bulk sums), for the explanation page."""
    return _frame(
        "SELECT i.id, i.aspect_id, COALESCE(a.value, ''),"
        f" CASE WHEN {SCORED_SQL} THEN COALESCE({score_sql()}, 0) END"
        f" FROM {T.indicator} i"
        f" JOIN {T.submission} s ON s.questionnaire_id = i.questionnaire_id"
        f" LEFT JOIN {T.answer} a ON a.submission_id = s.id AND a.indicator_id = i.id"
        + option_join()
        + " WHERE s.id = %s ORDER BY i.id",
        [submission_id],
        ["indicator", "aspect", "value", "self_score"],
        text=["value"],
    ).assign(value=lambda f: f["value"].fillna("").astype(str))


def load_presentation(period_id: int) -> pd.DataFrame:
    frame = _frame(
        "SELECT p.unit_id, p.jury_id, c.id, c.weight, p.score"
        f" FROM {T.presentation} p"
        f" JOIN {T.criterion} c ON c.id = p.criterion_id"
        " WHERE c.period_id = %s ORDER BY p.unit_id, p.jury_id, c.id",
        [period_id],
        ["unit", "jury", "criterion", "weight", "score"],
    )
    frame["weight"] = frame["weight"].astype("float64")
    frame["score"] = frame["score"].astype("float64")
    return frame


# --- what a run read (its outputs read these, never today's inputs) -------------------------
# An answer or a verification that changed after a run is kept as the run read it in the
# snapshot tables (copy-on-write by database triggers, penilaian migration 0003); the others
# are as they are now. So "what the run read" is the live row overlaid with its snapshot.
RUN_ANSWER = "COALESCE(sn.value, a.value, '')"
RUN_ANSWER_JOIN = (
    f" LEFT JOIN {T.answer} a ON a.submission_id = s.id AND a.indicator_id = i.id"
    f" LEFT JOIN {T.answer_snapshot} sn ON sn.run_id = sc.run_id"
    "   AND sn.submission_id = s.id AND sn.indicator_id = i.id"
)
RUN_UNITS = (
    f" FROM {T.score} sc"
    f" JOIN {T.run} rp ON rp.id = sc.run_id"
    f" JOIN {T.submission} s ON s.unit_id = sc.unit_id AND s.period_id = rp.period_id"
)


def stored_indicator_sql(*, unit: bool = False) -> str:
    """Every indicator of every unit scored in a run, with the answer the run read and its
    score (the run's own SQL expression). Parameters: the run id (and the unit id with
    ``unit``). Columns: unit id, unit code, unit name, level name, aspect code, indicator id,
    indicator code, weight, answer, self-assessed score, indicator type."""
    score = f"CASE WHEN {SCORED_SQL} THEN COALESCE({score_sql(RUN_ANSWER, 'o')}, 0) END"
    return (
        "SELECT sc.unit_id, u.code, u.name, l.name, asp.code, i.id, i.code, i.weight,"
        f" {RUN_ANSWER}, {score}, i.type" + RUN_UNITS + f" JOIN {T.unit} u ON u.id = sc.unit_id"
        f" JOIN {T.level} l ON l.id = u.level_id"
        f" JOIN {T.indicator} i ON i.questionnaire_id = s.questionnaire_id"
        f" JOIN {T.aspect} asp ON asp.id = i.aspect_id"
        + RUN_ANSWER_JOIN
        + option_join(RUN_ANSWER, "o")
        + " WHERE sc.run_id = %s"
        + (" AND sc.unit_id = %s" if unit else "")
    )


def stored_answers_scored(run_id: int, unit_id: int) -> pd.DataFrame:
    """Every indicator of one unit's questionnaire with the answer its run read and that
    answer's score, for the explanation page."""
    score = f"CASE WHEN {SCORED_SQL} THEN COALESCE({score_sql(RUN_ANSWER, 'o')}, 0) END"
    return _frame(
        f"SELECT i.id, i.aspect_id, {RUN_ANSWER}, {score}"
        + RUN_UNITS
        + f" JOIN {T.indicator} i ON i.questionnaire_id = s.questionnaire_id"
        + RUN_ANSWER_JOIN
        + option_join(RUN_ANSWER, "o")
        + " WHERE sc.run_id = %s AND sc.unit_id = %s ORDER BY i.id",
        [run_id, unit_id],
        ["indicator", "aspect", "value", "self_score"],
        text=["value"],
    )


def stored_verdicts(run_id: int, unit_id: int | None = None) -> pd.DataFrame:
    """The verifications a run read, scored like ``load_verifications``: one row per (unit,
    indicator, jury) with the decision, the adjusted value, the reason, the score of the answer
    the run read and the jury's score."""
    self_score = f"COALESCE({score_sql(RUN_ANSWER, 'o')}, 0)"
    adjusted = f"COALESCE({score_sql('v.value', 'ov')}, 0)"
    read = (
        "(SELECT v.submission_id, v.indicator_id, v.jury_id, v.decision, v.value, v.reason"
        f" FROM {T.verification} v WHERE NOT EXISTS (SELECT 1"
        f" FROM {T.verification_snapshot} x WHERE x.run_id = %s"
        " AND x.submission_id = v.submission_id AND x.indicator_id = v.indicator_id"
        " AND x.jury_id = v.jury_id)"
        " UNION ALL SELECT x.submission_id, x.indicator_id, x.jury_id, x.decision, x.value,"
        f" x.reason FROM {T.verification_snapshot} x WHERE x.run_id = %s AND x.existed)"
    )
    where, params = "sc.run_id = %s", [run_id, run_id, run_id]
    if unit_id is not None:
        where, params = where + " AND sc.unit_id = %s", [*params, unit_id]
    frame = _frame(
        "SELECT s.unit_id, v.indicator_id, v.jury_id, v.decision, v.value, v.reason,"
        f" CASE WHEN {SCORED_SQL} THEN {self_score} END,"
        f" CASE WHEN NOT ({SCORED_SQL}) THEN NULL WHEN v.decision = 'accept' THEN {self_score}"
        f" WHEN v.decision = 'adjust' THEN {adjusted} ELSE 0 END"
        f" FROM {read} v"
        f" JOIN {T.submission} s ON s.id = v.submission_id"
        f" JOIN {T.score} sc ON sc.unit_id = s.unit_id"
        f" JOIN {T.run} rp ON rp.id = sc.run_id AND rp.period_id = s.period_id"
        f" JOIN {T.indicator} i ON i.id = v.indicator_id"
        + RUN_ANSWER_JOIN
        + option_join(RUN_ANSWER, "o")
        + option_join("v.value", "ov")
        + f" WHERE {where} ORDER BY s.unit_id, v.indicator_id, v.jury_id",
        params,
        ["unit", "indicator", "jury", "decision", "adjusted", "reason", "self_score", "jury_score"],
        text=["decision", "adjusted", "reason"],
    )
    for column in ("self_score", "jury_score"):
        frame[column] = frame[column].astype("float64")
    frame[["adjusted", "reason"]] = frame[["adjusted", "reason"]].fillna("")
    return frame
