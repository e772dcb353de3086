"""The questionnaire workbook (DESIGN.md §4): parse with every problem as sheet!cell, and
write (export, blank template with a guide)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from common.workbooks import Problems, Row, sheet_read, workbook_open, workbook_scan
from evaluasi.questionnaires.rubric import (
    EVIDENCE,
    TYPES,
    AspectSpec,
    IndicatorSpec,
    OptionSpec,
    QuestionnaireSpec,
    parse_number,
    spec_problems,
)

SETTINGS_SHEET, ASPECT_SHEET, INDICATOR_SHEET, OPTION_SHEET = (
    "pengaturan",
    "aspek",
    "indikator",
    "opsi",
)
# The sheets each kind of rubric check (``spec_problems``) reads: with an error on one of
# them, the spec misses that row and the check would mislead, so it is not reported.
RUBRIC_CHECK_SHEETS = {
    "questionnaire": {ASPECT_SHEET},
    "aspect": {ASPECT_SHEET, INDICATOR_SHEET},
    "indicator": {INDICATOR_SHEET, OPTION_SHEET},
    "option": {INDICATOR_SHEET, OPTION_SHEET},
}

ASPECT_COLUMNS = (["kode", "nama", "bobot"], ["deskripsi"])
INDICATOR_COLUMNS = (
    ["aspek", "kode", "pertanyaan", "tipe", "bobot", "bukti"],
    ["petunjuk", "min", "maks", "batas_bawah", "batas_atas", "wajib", "kelompok"],
)
OPTION_COLUMNS = (["indikator", "kode", "label", "nilai"], [])
FIELD_COLUMN = {
    "weight": "bobot",
    "code": "kode",
    "options": "tipe",
    "max_value": "maks",
    "input_min": "batas_bawah",
    "input_max": "batas_atas",
    "value": "nilai",
}


@dataclass
class ParsedQuestionnaire:
    spec: QuestionnaireSpec | None
    problems: Problems
    aspect_rows: dict[str, Row] = field(default_factory=dict)
    indicator_rows: dict[str, Row] = field(default_factory=dict)
    option_rows: dict[str, Row] = field(default_factory=dict)

    def preview(self) -> dict:
        spec = self.spec
        aspects = []
        if spec:
            for aspect in spec.aspects:
                aspects.append(
                    {
                        "code": aspect.code,
                        "name": aspect.name,
                        "weight": format(aspect.weight.normalize(), "f"),
                        "indicators": len(aspect.indicators),
                        "scored": sum(1 for i in aspect.indicators if i.is_scored),
                    }
                )
        return {
            "title": spec.title if spec else "",
            "level": spec.level if spec else "",
            "version_label": spec.version_label if spec else "",
            "aspects": aspects,
            "indicators": sum(a["indicators"] for a in aspects),
            **self.problems.as_lists(),
        }


def _decimal(row: Row, column: str, problems: Problems, *, low=None, high=None, required=True):
    raw = row.raw(column)
    text = row.text(column)
    if text == "":
        if required:
            problems.error(row.sheet, row.ref(column), _("The value is empty."))
        return None
    try:
        value = parse_number(raw if not isinstance(raw, str) else text)
    except ValueError:
        hint = _(" (write the number without %)") if "%" in text else ""
        problems.error(
            row.sheet,
            row.ref(column),
            _("'%(value)s' is not a number%(hint)s.") % {"value": text, "hint": hint},
        )
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            message = _("The value must be at least %(low)s.") % {"low": low}
        else:
            message = _("The value must be between %(low)s and %(high)s.") % {
                "low": low,
                "high": high,
            }
        problems.error(row.sheet, row.ref(column), message)
        return None
    return value


def _text(row: Row, column: str, problems: Problems, *, max_length: int, required=True) -> str:
    text = row.text(column)
    if required and not text:
        problems.error(row.sheet, row.ref(column), _("The value is empty."))
    elif len(text) > max_length:
        problems.error(
            row.sheet,
            row.ref(column),
            _("The text is longer than %(max)s characters.") % {"max": max_length},
        )
        return text[:max_length]
    return text


def _code(row: Row, column: str, problems: Problems, seen: dict[str, int], duplicate: str) -> str:
    """A code cell; ``duplicate`` is the message (with %(code)s and %(row)s) for a repeat."""
    code = _text(row, column, problems, max_length=32)
    if code and any(ch.isspace() for ch in code):
        problems.error(row.sheet, row.ref(column), _("A code cannot contain spaces."))
    elif code and code in seen:
        problems.error(
            row.sheet,
            row.ref(column),
            duplicate % {"code": code, "row": seen[code]},
        )
        return ""
    if code:
        seen[code] = row.number
    return code


def questionnaire_parse(data: bytes, *, level_codes: set[str]) -> ParsedQuestionnaire:
    """Read a questionnaire workbook; all problems are collected, nothing is raised."""
    problems = Problems()
    parsed = ParsedQuestionnaire(spec=None, problems=problems)
    workbook = workbook_open(data, problems)
    if workbook is None:
        return parsed
    workbook_scan(data, [SETTINGS_SHEET, ASPECT_SHEET, INDICATOR_SHEET, OPTION_SHEET], problems)

    settings_table = sheet_read(
        workbook, SETTINGS_SHEET, required=["kunci", "nilai"], optional=[], problems=problems
    )
    aspects_table = sheet_read(
        workbook,
        ASPECT_SHEET,
        required=ASPECT_COLUMNS[0],
        optional=ASPECT_COLUMNS[1],
        problems=problems,
    )
    indicators_table = sheet_read(
        workbook,
        INDICATOR_SHEET,
        required=INDICATOR_COLUMNS[0],
        optional=INDICATOR_COLUMNS[1],
        problems=problems,
    )
    has_options = OPTION_SHEET in {name.strip().lower() for name in workbook.sheet_names}
    options_table = (
        sheet_read(
            workbook, OPTION_SHEET, required=OPTION_COLUMNS[0], optional=[], problems=problems
        )
        if has_options
        else None
    )

    spec = QuestionnaireSpec(title="", level="")
    if settings_table is not None:
        values: dict[str, Row] = {}
        for row in settings_table.rows:
            key = row.text("kunci").lower()
            if key in values:
                problems.error(
                    row.sheet, row.ref("kunci"), _("Key '%(key)s' appears twice.") % {"key": key}
                )
            elif key not in ("judul", "tingkat", "versi"):
                problems.warn(
                    row.sheet,
                    row.ref("kunci"),
                    _("Unknown key '%(key)s' is ignored.") % {"key": key},
                )
            values[key] = row
        for key in ("judul", "tingkat"):
            if key not in values or not values[key].text("nilai"):
                where = values[key].ref("nilai") if key in values else "A1"
                problems.error(
                    SETTINGS_SHEET, where, _("Key '%(key)s' needs a value.") % {"key": key}
                )
        if "judul" in values:
            spec.title = _text(values["judul"], "nilai", problems, max_length=255)
        if "tingkat" in values and values["tingkat"].text("nilai"):
            level = values["tingkat"].text("nilai").lower()
            if level not in level_codes:
                problems.error(
                    SETTINGS_SHEET,
                    values["tingkat"].ref("nilai"),
                    _("Unknown level '%(value)s'; use one of: %(levels)s.")
                    % {"value": level, "levels": ", ".join(sorted(level_codes))},
                )
            spec.level = level
        if "versi" in values:
            spec.version_label = _text(
                values["versi"], "nilai", problems, max_length=50, required=False
            )

    aspects: dict[str, AspectSpec] = {}
    if aspects_table is not None:
        seen: dict[str, int] = {}
        for row in aspects_table.rows:
            code = _code(
                row,
                "kode",
                problems,
                seen,
                _("Aspect code '%(code)s' is duplicated; it already appears in row %(row)s."),
            )
            name = _text(row, "nama", problems, max_length=255)
            weight = _decimal(row, "bobot", problems, low=0, high=100)
            description = row.text("deskripsi")
            if code:
                aspects[code] = AspectSpec(
                    code, name, weight if weight is not None else Decimal(0), description
                )
                parsed.aspect_rows[code] = row
        if not aspects_table.rows:
            problems.error(ASPECT_SHEET, "A2", _("The sheet has no aspect rows."))

    indicators: dict[str, IndicatorSpec] = {}
    if indicators_table is not None:
        seen = {}
        for row in indicators_table.rows:
            aspect_code = row.text("aspek")
            code = _code(
                row,
                "kode",
                problems,
                seen,
                _("Indicator code '%(code)s' is duplicated; it already appears in row %(row)s."),
            )
            question = _text(row, "pertanyaan", problems, max_length=5000)
            kind = row.text("tipe").lower()
            if kind not in TYPES:
                problems.error(
                    row.sheet,
                    row.ref("tipe"),
                    _("Unknown type '%(value)s'; use one of: %(types)s.")
                    % {"value": row.text("tipe"), "types": ", ".join(TYPES)},
                )
            weight = _decimal(row, "bobot", problems, low=0)
            evidence = row.text("bukti").lower()
            if evidence not in EVIDENCE:
                problems.error(
                    row.sheet,
                    row.ref("bukti"),
                    _("Unknown evidence rule '%(value)s'; use one of: %(rules)s.")
                    % {"value": row.text("bukti"), "rules": ", ".join(EVIDENCE)},
                )
            required_text = row.text("wajib").lower() or "ya"
            if required_text not in ("ya", "tidak"):
                problems.error(row.sheet, row.ref("wajib"), _("Write 'ya' or 'tidak'."))
            low = _decimal(row, "min", problems, required=False)
            high = _decimal(row, "maks", problems, required=False)
            input_min = _decimal(row, "batas_bawah", problems, required=False)
            input_max = _decimal(row, "batas_atas", problems, required=False)
            if aspect_code and aspect_code not in aspects and aspects_table is not None:
                problems.error(
                    row.sheet,
                    row.ref("aspek"),
                    _("Aspect '%(code)s' is not in the sheet aspek.") % {"code": aspect_code},
                )
            elif not aspect_code:
                problems.error(row.sheet, row.ref("aspek"), _("The value is empty."))
            if code:
                indicator = IndicatorSpec(
                    code=code,
                    question=question,
                    type=kind,
                    weight=weight if weight is not None else Decimal(0),
                    evidence=evidence if evidence in EVIDENCE else "opsional",
                    guidance=row.text("petunjuk"),
                    min_value=low,
                    max_value=high,
                    input_min=input_min,
                    input_max=input_max,
                    required=required_text != "tidak",
                    group=_text(row, "kelompok", problems, max_length=255, required=False),
                )
                indicators[code] = indicator
                parsed.indicator_rows[code] = row
                if aspect_code in aspects:
                    aspects[aspect_code].indicators.append(indicator)

    if options_table is not None:
        seen_options: dict[str, int] = {}
        for row in options_table.rows:
            indicator_code = row.text("indikator")
            code = _text(row, "kode", problems, max_length=32)
            label = _text(row, "label", problems, max_length=500)
            value = _decimal(row, "nilai", problems, low=0, high=100)
            key = f"{indicator_code}/{code}"
            if code and key in seen_options:
                problems.error(
                    row.sheet,
                    row.ref("kode"),
                    _(
                        "Option '%(code)s' of indicator %(indicator)s is duplicated; it "
                        "already appears in row %(row)s."
                    )
                    % {"code": code, "indicator": indicator_code, "row": seen_options[key]},
                )
                continue
            seen_options[key] = row.number
            if indicator_code not in indicators:
                problems.error(
                    row.sheet,
                    row.ref("indikator"),
                    _("Indicator '%(code)s' is not in the sheet indikator.")
                    % {"code": indicator_code},
                )
                continue
            if code:
                indicators[indicator_code].options.append(
                    OptionSpec(code, label, value if value is not None else Decimal(0))
                )
                parsed.option_rows[key] = row

    spec.aspects = list(aspects.values())
    # The rubric's own checks (weights summing to 100, ...) run even when cells failed, so
    # that every problem is listed at once, each where the sheets it reads parsed cleanly.
    broken = {problem.sheet for problem in problems.errors}
    for problem in spec_problems(spec):
        if not RUBRIC_CHECK_SHEETS[problem.kind] & broken:
            problems.error(*_locate(parsed, problem), problem.message)
    if not problems.errors:
        parsed.spec = spec
    else:
        parsed.spec = spec if spec.aspects else None
    return parsed


def _locate(parsed: ParsedQuestionnaire, problem) -> tuple[str, str]:
    column = FIELD_COLUMN.get(problem.field, "kode")
    if problem.kind == "aspect" and problem.code in parsed.aspect_rows:
        row = parsed.aspect_rows[problem.code]
        return row.sheet, row.ref(column)
    if problem.kind == "indicator" and problem.code in parsed.indicator_rows:
        row = parsed.indicator_rows[problem.code]
        return row.sheet, row.ref(column)
    if problem.kind == "option" and problem.code in parsed.option_rows:
        row = parsed.option_rows[problem.code]
        return row.sheet, row.ref(column)
    return ASPECT_SHEET, "C1"
