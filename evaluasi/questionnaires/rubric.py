"""A questionnaire in memory, its invariants, and the scoring rules of DESIGN.md §3.

Pure code: no database, no HTTP. The workbook importer and exporter, the editor, the SAQ and
the scoring engine all go through these structures, so the rules live in one place.

Scores are computed exactly with ``Fraction`` and rounded half up to 2 decimals only for
storage and display (``round_score``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from common.formats import decimal_plain

TYPES = ("ya_tidak", "pilihan", "angka", "teks", "url")
SCORABLE = ("ya_tidak", "pilihan", "angka")
EVIDENCE = ("wajib", "opsional", "tidak")
HUNDRED = Fraction(100)


@dataclass
class OptionSpec:
    code: str
    label: str
    value: Decimal


@dataclass
class IndicatorSpec:
    code: str
    question: str
    type: str
    weight: Decimal
    evidence: str = "opsional"
    guidance: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    input_min: Decimal | None = None
    input_max: Decimal | None = None
    required: bool = True
    group: str = ""
    options: list[OptionSpec] = field(default_factory=list)

    @property
    def is_scored(self) -> bool:
        return self.weight > 0


@dataclass
class AspectSpec:
    code: str
    name: str
    weight: Decimal
    description: str = ""
    indicators: list[IndicatorSpec] = field(default_factory=list)


@dataclass
class QuestionnaireSpec:
    title: str
    level: str
    version_label: str = ""
    aspects: list[AspectSpec] = field(default_factory=list)

    def indicators(self):
        for aspect in self.aspects:
            yield from aspect.indicators

    def indicator_map(self) -> dict[str, IndicatorSpec]:
        return {indicator.code: indicator for indicator in self.indicators()}


# --- as plain data (a shared questionnaire's snapshot) -------------------------------------
def spec_to_data(spec: QuestionnaireSpec) -> dict:
    """The spec as JSON-safe data, decimals as exact strings."""

    def plain(value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")  # exact, without trailing zeros
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    return plain(asdict(spec))


def spec_from_data(data: dict) -> QuestionnaireSpec:
    """The inverse of ``spec_to_data``."""

    def number(value):
        return None if value is None else Decimal(value)

    def indicator(item: dict) -> IndicatorSpec:
        fields = {
            **item,
            "options": [
                OptionSpec(o["code"], o["label"], Decimal(o["value"])) for o in item["options"]
            ],
        }
        for name in ("weight", "min_value", "max_value", "input_min", "input_max"):
            fields[name] = number(fields[name])
        return IndicatorSpec(**fields)

    aspects = [
        AspectSpec(
            code=a["code"],
            name=a["name"],
            weight=Decimal(a["weight"]),
            description=a["description"],
            indicators=[indicator(i) for i in a["indicators"]],
        )
        for a in data["aspects"]
    ]
    return QuestionnaireSpec(
        title=data["title"],
        level=data["level"],
        version_label=data["version_label"],
        aspects=aspects,
    )


# --- invariants ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RubricProblem:
    """``kind`` is "questionnaire", "aspect", "indicator" or "option"; ``code`` names it."""

    kind: str
    code: str
    field: str
    message: str


def spec_problems(spec: QuestionnaireSpec) -> list[RubricProblem]:
    """Every broken invariant of a questionnaire (empty list: it may be published)."""
    problems: list[RubricProblem] = []

    def add(kind, code, field_name, message):
        problems.append(RubricProblem(kind, code, field_name, message))

    if not spec.aspects:
        add("questionnaire", "", "aspects", _("The questionnaire has no aspect."))
    total = sum((a.weight for a in spec.aspects), Decimal(0))
    if spec.aspects and total != Decimal(100):
        add(
            "questionnaire",
            "",
            "weight",
            _("Aspect weights must sum to 100; they sum to %(total)s.")
            % {"total": decimal_plain(total)},
        )
    seen_aspects: set[str] = set()
    seen_indicators: set[str] = set()
    for aspect in spec.aspects:
        if aspect.code in seen_aspects:
            add(
                "aspect",
                aspect.code,
                "code",
                _("Aspect code %(code)s is used twice.") % {"code": aspect.code},
            )
        seen_aspects.add(aspect.code)
        if aspect.weight < 0 or aspect.weight > 100:
            add("aspect", aspect.code, "weight", _("An aspect weight must be between 0 and 100."))
        if aspect.weight > 0 and not any(i.is_scored for i in aspect.indicators):
            add(
                "aspect",
                aspect.code,
                "weight",
                _("Aspect %(code)s has weight %(weight)s but no indicator with a weight above 0.")
                % {"code": aspect.code, "weight": decimal_plain(aspect.weight)},
            )
        for indicator in aspect.indicators:
            code = indicator.code
            if code in seen_indicators:
                add(
                    "indicator",
                    code,
                    "code",
                    _("Indicator code %(code)s is used twice.") % {"code": code},
                )
            seen_indicators.add(code)
            if indicator.weight < 0:
                add("indicator", code, "weight", _("A weight cannot be negative."))
            if indicator.type in ("teks", "url") and indicator.weight != 0:
                add(
                    "indicator",
                    code,
                    "weight",
                    _("Indicator %(code)s of type %(type)s is never scored; its weight must be 0.")
                    % {"code": code, "type": indicator.type},
                )
            if indicator.type == "pilihan" and not indicator.options:
                add(
                    "indicator",
                    code,
                    "options",
                    _("Indicator %(code)s is a choice but has no options.") % {"code": code},
                )
            if indicator.type == "angka" and indicator.is_scored:
                low, high = indicator.min_value, indicator.max_value
                if low is None or high is None or high <= low:
                    add(
                        "indicator",
                        code,
                        "max_value",
                        _("Indicator %(code)s is a scored number: give min and max with min < max.")
                        % {"code": code},
                    )
            bounds = (indicator.input_min, indicator.input_max)
            if indicator.type != "angka" and bounds != (None, None):
                add(
                    "indicator",
                    code,
                    "input_min",
                    _("Indicator %(code)s: input limits apply to numbers only.") % {"code": code},
                )
            elif None not in bounds and bounds[1] < bounds[0]:
                add(
                    "indicator",
                    code,
                    "input_max",
                    _("Indicator %(code)s: the upper input limit is below the lower one.")
                    % {"code": code},
                )
            if indicator.type == "ya_tidak" and indicator.options:
                codes = {o.code for o in indicator.options}
                if codes != {"ya", "tidak"}:
                    add(
                        "indicator",
                        code,
                        "options",
                        _(
                            "Options of a yes/no indicator %(code)s must be exactly "
                            "'ya' and 'tidak'."
                        )
                        % {"code": code},
                    )
            option_codes: set[str] = set()
            for option in indicator.options:
                if option.code in option_codes:
                    add(
                        "option",
                        f"{code}/{option.code}",
                        "code",
                        _("Option %(option)s of indicator %(code)s is used twice.")
                        % {"option": option.code, "code": code},
                    )
                option_codes.add(option.code)
                if option.value < 0 or option.value > 100:
                    add(
                        "option",
                        f"{code}/{option.code}",
                        "value",
                        _("An option value must be between 0 and 100."),
                    )
            if indicator.options and indicator.type not in ("pilihan", "ya_tidak"):
                add(
                    "indicator",
                    code,
                    "options",
                    _("Only choice and yes/no indicators have options (%(code)s).")
                    % {"code": code},
                )
    return problems


# --- scoring (DESIGN.md §3) ---------------------------------------------------------------
def round_score(value: Fraction | Decimal | int | float) -> Decimal:
    """Round half up to 2 decimals, exactly (80.005 → 80.01, 80.004999 → 80.00)."""
    fraction = Fraction(value) if not isinstance(value, Fraction) else value
    scaled = fraction * 100
    floor = scaled.numerator // scaled.denominator
    remainder = scaled - floor
    rounded = floor + 1 if remainder >= Fraction(1, 2) else floor
    return (Decimal(rounded) / Decimal(100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def indicator_score(indicator: IndicatorSpec, answer) -> Fraction | None:
    """The 0–100 score of one answer; None when the indicator is not scored.

    ``answer`` is "ya"/"tidak" for yes/no, an option code for a choice, a number (Decimal,
    int or text with a comma or dot) for a number, and None when unanswered (scores 0).
    """
    if not indicator.is_scored or indicator.type not in SCORABLE:
        return None
    if answer is None or answer == "":
        return Fraction(0)
    if indicator.type == "ya_tidak":
        if indicator.options:
            values = {o.code: o.value for o in indicator.options}
            return Fraction(values.get(str(answer).lower(), Decimal(0)))
        return HUNDRED if str(answer).lower() == "ya" else Fraction(0)
    if indicator.type == "pilihan":
        values = {o.code: o.value for o in indicator.options}
        return Fraction(values[answer]) if answer in values else Fraction(0)
    try:
        number = Fraction(parse_number(answer))
    except ValueError:
        return Fraction(0)
    low, high = Fraction(indicator.min_value), Fraction(indicator.max_value)
    share = (number - low) / (high - low)
    return HUNDRED * min(max(share, Fraction(0)), Fraction(1))


def evidence_needed(indicator: IndicatorSpec, answer) -> bool:
    """Whether ``bukti = wajib`` applies to this answer: only when it claims something — Ya,
    or an option or a number that scores above 0 (weight aside); for ``teks`` and ``url``
    any answer. Nothing is needed for an unanswered indicator or a “Tidak”."""
    if indicator.evidence != "wajib" or answer is None or str(answer).strip() == "":
        return False
    if indicator.type not in SCORABLE:
        return True
    if indicator.type == "angka" and (indicator.min_value is None or indicator.max_value is None):
        try:
            return parse_number(answer) > 0
        except ValueError:
            return True
    probe = indicator if indicator.is_scored else replace(indicator, weight=Decimal(1))
    return indicator_score(probe, answer) > 0


def aspect_score(aspect: AspectSpec, answers: dict) -> Fraction | None:
    """Σ bᵢ·sᵢ / Σ bᵢ over the aspect's scored indicators; None when it has none."""
    total_weight = Fraction(0)
    total = Fraction(0)
    for indicator in aspect.indicators:
        score = indicator_score(indicator, answers.get(indicator.code))
        if score is None:
            continue
        weight = Fraction(indicator.weight)
        total_weight += weight
        total += weight * score
    if total_weight == 0:
        return None
    return total / total_weight


def questionnaire_score(spec: QuestionnaireSpec, answers: dict) -> Fraction:
    """Q = Σ Bₐ·Aₐ / Σ Bₐ over the aspects that have scored indicators."""
    total_weight = Fraction(0)
    total = Fraction(0)
    for aspect in spec.aspects:
        score = aspect_score(aspect, answers)
        if score is None or aspect.weight == 0:
            continue
        weight = Fraction(aspect.weight)
        total_weight += weight
        total += weight * score
    return total / total_weight if total_weight else Fraction(0)


def parse_number(value) -> Decimal:
    """A number typed by a person: "12", "12,5", "12.5", 12.5. Raises ValueError otherwise."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except Exception as error:  # noqa: BLE001
        raise ValueError(value) from error
    if not number.is_finite():
        raise ValueError(value)
    return number


# --- answers ------------------------------------------------------------------------------
MAX_NUMBER = Decimal("1000000000000")


class AnswerError(ValueError):
    """An answer that does not fit its indicator; the message is for the operator."""


def answer_normalise(indicator: IndicatorSpec, raw) -> str:
    """The stored form of an answer typed by a person, or AnswerError saying what is wrong.

    Empty input clears the answer. ``ya_tidak`` takes ya/tidak (or its option codes),
    ``pilihan`` an option code, ``angka`` any number with a comma or dot (scored with the clamp
    of §3: min/max are the scoring range), refused only outside the indicator's optional input
    limits (``input_min``/``input_max``: a percentage over 100, a negative count), ``url`` a
    web address, ``teks`` anything.
    """
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return ""
    if indicator.type == "ya_tidak":
        allowed = [o.code for o in indicator.options] or ["ya", "tidak"]
        if text.lower() not in allowed:
            raise AnswerError(_("Choose %(choices)s.") % {"choices": _(" or ").join(allowed)})
        return text.lower()
    if indicator.type == "pilihan":
        codes = [o.code for o in indicator.options]
        if text not in codes:
            raise AnswerError(
                _("'%(value)s' is not one of the options (%(codes)s).")
                % {"value": text, "codes": ", ".join(codes)}
            )
        return text
    if indicator.type == "angka":
        try:
            number = parse_number(text)
        except ValueError:
            raise AnswerError(
                _("'%(value)s' is not a number; write digits, e.g. 12 or 12,5.") % {"value": text}
            ) from None
        if indicator.input_min is not None and number < indicator.input_min:
            raise AnswerError(
                _("The number cannot be below %(min)s.")
                % {"min": decimal_plain(indicator.input_min)}
            )
        if indicator.input_max is not None and number > indicator.input_max:
            raise AnswerError(
                _("The number cannot be above %(max)s.")
                % {"max": decimal_plain(indicator.input_max)}
            )
        if abs(number) > MAX_NUMBER:
            raise AnswerError(_("The number is too large."))
        return format(number.normalize(), "f")
    if indicator.type == "url":
        if not (text.startswith("http://") or text.startswith("https://")) or " " in text:
            raise AnswerError(_("Write a full web address starting with https://."))
        return text[:1000]
    return text[:10000]
