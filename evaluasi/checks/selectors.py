"""The jury assistant's reads: every flag of a set of evidence — its own (stored with its
check), the links' (``tautan_mati``, ``tautan_luar``) and those between units of the same
period (``duplikat``: the same bytes; ``hampir_sama``: near copies through the LSH bands held
in PostgreSQL) — and the suggested verdict per indicator from them. The assistant only
suggests: it never rejects."""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.translation import gettext as _

from award.models import Period
from evaluasi.models import Evidence, Indicator, Submission
from evaluasi.questionnaires.rubric import evidence_needed
from evaluasi.questionnaires.selectors import indicator_spec

from . import text as reading
from .models import ContentBand, EvidenceCheck, EvidenceContent
from .services import flag

# What the operator can fix itself (shown on its evidence card and review step).
OPERATOR_FLAGS = ("kosong", "tanpa_teks", "tanpa_nama_unit", "kedaluwarsa",
                  "tidak_terbaca")  # fmt: skip
FLAG_CODES = ("duplikat", "hampir_sama", "kosong", "tanpa_teks", "tanpa_nama_unit",
              "kedaluwarsa", "tidak_terkait", "tidak_terbaca", "tautan_mati",
              "tautan_luar")  # fmt: skip


def flag_labels() -> dict[str, str]:
    return {
        "duplikat": _("Same file as another unit"),
        "hampir_sama": _("Nearly the same as another unit's"),
        "kosong": _("Blank or almost empty"),
        "tanpa_teks": _("Scan without text"),
        "tanpa_nama_unit": _("Does not name the unit"),
        "kedaluwarsa": _("Too old"),
        "tidak_terkait": _("Unrelated to the indicator"),
        "tidak_terbaca": _("Unreadable"),
        "tautan_mati": _("Dead link"),
        "tautan_luar": _("Link outside the unit's domains"),
    }


def evidence_flags(*, evidence: list[Evidence]) -> dict[int, list[dict]]:
    """Every flag of each evidence (files and links), by evidence id; a file not analysed
    yet has no entry."""
    if not evidence:
        return {}
    files = [item.pk for item in evidence if item.kind == Evidence.Kind.FILE]
    checks = {
        check.evidence_id: check
        for check in EvidenceCheck.objects.filter(evidence_id__in=files).only(
            "evidence_id", "sha256", "content_id", "flags"
        )
    }
    found: dict[int, list[dict]] = {}
    for item in evidence:
        if item.kind == Evidence.Kind.URL:
            found[item.pk] = link_flags(evidence=item)
        elif item.pk in checks:
            found[item.pk] = list(checks[item.pk].flags)
    for evidence_id, items in between_units(checks=list(checks.values())).items():
        found[evidence_id] = items + found.get(evidence_id, [])
    return found


def link_flags(*, evidence: Evidence) -> list[dict]:
    flags = []
    if evidence.link_status == Evidence.LinkStatus.BROKEN:
        flags.append(flag("tautan_mati", _("The link could not be opened when it was checked.")))
    host = (urlsplit(evidence.url).hostname or "").lower()
    unit = evidence.submission.unit
    own = (urlsplit(unit.website).hostname or "").lower() if unit.website else ""
    patterns = [
        part.strip().lower()
        for part in (evidence.submission.period.evidence_link_domains or "").split(",")
        if part.strip()
    ]
    at_home = host and (
        (own and (host == own or host.endswith("." + own)))
        or any(fnmatch.fnmatch(host, pattern) or host == pattern.lstrip("*.") for pattern in
               patterns)
    )  # fmt: skip
    if host and not at_home:
        flags.append(
            flag(
                "tautan_luar",
                _("The link goes to %(host)s, neither the unit's website nor an accepted "
                  "domain (%(domains)s).") % {"host": host, "domains": ", ".join(patterns) or "–"},
            )
        )  # fmt: skip
    return flags


def between_units(*, checks: list[EvidenceCheck]) -> dict[int, list[dict]]:
    """``duplikat`` and ``hampir_sama`` for the given checks: other units' evidence of the same
    period with the same content, or a content whose bands match and whose signature or image
    hash is close enough."""
    if not checks:
        return {}
    ids = [check.evidence_id for check in checks]
    mine = _placements(evidence_ids=ids)
    periods = {row["period"] for row in mine.values()}
    shas = {check.sha256 for check in checks}
    contents = {check.content_id for check in checks}
    near = _near_contents(contents)
    others = _placements(
        periods=periods,
        shas=shas,
        contents={other for found in near.values() for other in found},
    )
    out: dict[int, list[dict]] = defaultdict(list)
    for check in checks:
        here = mine[check.evidence_id]
        same, close = [], []
        for row in others.values():
            if row["period"] != here["period"] or row["unit_id"] == here["unit_id"]:
                continue
            if row["sha256"] == check.sha256:
                same.append(row)
            elif row["content_id"] in near.get(check.content_id, ()):
                close.append(row)
        if same:
            out[check.evidence_id].append(
                flag(
                    "duplikat",
                    _("The same file is evidence of %(n)s other unit(s): %(units)s.")
                    % {"n": len({r["unit_id"] for r in same}), "units": _units_text(same)},
                    others=_others(same),
                )
            )
        if close:
            out[check.evidence_id].append(
                flag(
                    "hampir_sama",
                    _("Nearly the same as evidence of %(units)s.") % {"units": _units_text(close)},
                    others=_others(close),
                )
            )
    return out


def _units_text(rows: list[dict]) -> str:
    return ", ".join(sorted({f"{r['unit_name']} ({r['indicator']})" for r in rows}))


def _others(rows: list[dict]) -> list[dict]:
    return [
        {key: row[key] for key in ("evidence", "unit_id", "unit_name", "unit_code", "indicator")}
        for row in sorted(rows, key=lambda r: (r["unit_code"], r["indicator"]))
    ]


def _placements(*, evidence_ids=None, periods=None, shas=None, contents=None) -> dict:
    """Where analysed evidence sits: its period, unit and indicator, by evidence id."""
    query = EvidenceCheck.objects.all()
    if evidence_ids is not None:
        query = query.filter(evidence_id__in=evidence_ids)
    else:
        query = query.filter(evidence__submission__period_id__in=periods).filter(
            Q(sha256__in=shas) | Q(content_id__in=contents)
        )
    rows = query.values(
        "evidence_id",
        "sha256",
        "content_id",
        "evidence__submission__period_id",
        "evidence__submission__unit_id",
        "evidence__submission__unit__name",
        "evidence__submission__unit__code",
        "evidence__indicator__code",
    )
    return {
        row["evidence_id"]: {
            "evidence": row["evidence_id"],
            "sha256": row["sha256"],
            "content_id": row["content_id"],
            "period": row["evidence__submission__period_id"],
            "unit_id": row["evidence__submission__unit_id"],
            "unit_name": row["evidence__submission__unit__name"],
            "unit_code": row["evidence__submission__unit__code"],
            "indicator": row["evidence__indicator__code"],
        }
        for row in rows
    }


def _near_contents(contents: set[int]) -> dict[int, set[int]]:
    """Content → the other contents it nearly equals: candidates from equal band values (an
    index lookup in PostgreSQL), kept when the signatures agree on ``NEAR_TEXT`` of their
    values or the image hashes differ in at most ``NEAR_IMAGE`` bits."""
    if not contents:
        return {}
    mine = ContentBand.objects.filter(content_id__in=list(contents))
    owners: dict[int, set[int]] = defaultdict(set)
    for content_id, value in mine.values_list("content_id", "value"):
        owners[value].add(content_id)
    pairs = {
        (first, second)
        for second, value in ContentBand.objects.filter(value__in=mine.values("value")).values_list(
            "content_id", "value"
        )
        for first in owners[value]
        if first != second
    }
    if not pairs:
        return {}
    involved = {content for pair in pairs for content in pair}
    data = {
        row["pk"]: row
        for row in EvidenceContent.objects.filter(pk__in=involved).values(
            "pk", "signature", "phash"
        )
    }
    near: dict[int, set[int]] = defaultdict(set)
    for first, second in pairs:
        a, b = data[first], data[second]
        if a["phash"] and b["phash"]:
            close = reading.image_distance(a["phash"], b["phash"]) <= reading.NEAR_IMAGE
        elif a["signature"] and b["signature"]:
            close = (
                reading.similarity(bytes(a["signature"]), bytes(b["signature"]))
                >= reading.NEAR_TEXT
            )
        else:
            close = False
        if close:
            near[first].add(second)
    return near


# --- suggestions --------------------------------------------------------------------------
def indicator_suggestions(*, submission: Submission, flags: dict[int, list[dict]] | None = None):
    """Per indicator: ``accept`` ("Terima disarankan") when the evidence its answer needs is
    there and nothing is flagged, else ``check`` ("Periksa") with every reason. ``pending``
    while a file is still being analysed."""
    evidence = list(
        Evidence.objects.filter(submission=submission).select_related(
            "submission__unit", "submission__period"
        )
    )
    flags = evidence_flags(evidence=evidence) if flags is None else flags
    answers = dict(submission.answers.values_list("indicator_id", "value"))
    by_indicator: dict[int, list[Evidence]] = defaultdict(list)
    for item in evidence:
        by_indicator[item.indicator_id].append(item)
    return {
        indicator.pk: _suggestion(
            indicator=indicator,
            items=by_indicator.get(indicator.pk, []),
            answer=answers.get(indicator.pk, ""),
            flags=flags,
        )
        for indicator in Indicator.objects.filter(
            questionnaire_id=submission.questionnaire_id
        ).prefetch_related("options")
    }


def _suggestion(*, indicator, items: list[Evidence], answer: str, flags: dict) -> dict:
    """The suggestion of one indicator from its evidence's flags (the one rule)."""
    reasons = [f for item in items for f in flags.get(item.pk, [])]
    pending = any(item.kind == Evidence.Kind.FILE and item.pk not in flags for item in items)
    if not items and evidence_needed(indicator_spec(indicator=indicator), answer):
        reasons = [flag("bukti_kurang", _("The evidence this answer needs is missing."))]
    if pending and not reasons:
        return {"verdict": "pending", "reasons": []}
    return {"verdict": "check" if reasons else "accept", "reasons": reasons}


def indicator_suggestion(*, submission: Submission, indicator) -> dict:
    """``indicator_suggestions`` for one indicator (what a verdict records)."""
    evidence = list(
        Evidence.objects.filter(submission=submission, indicator=indicator).select_related(
            "submission__unit", "submission__period"
        )
    )
    answer = submission.answers.filter(indicator=indicator).values_list("value", flat=True)
    return _suggestion(
        indicator=indicator,
        items=evidence,
        answer=answer.first() or "",
        flags=evidence_flags(evidence=evidence),
    )


def evidence_texts(*, evidence_ids: list[int]) -> dict[int, str]:
    """The text read from each analysed file, by evidence id."""
    return dict(
        EvidenceCheck.objects.filter(evidence_id__in=evidence_ids).values_list(
            "evidence_id", "content__text"
        )
    )


def operator_notes(*, evidence: list[Evidence]) -> dict[int, list[str]]:
    """What the operator can fix, per evidence: its own reasons for a blank file, a scan
    without text, a file that does not name the unit, an old one or an unreadable one, and
    "the same file was also uploaded by another unit" — never naming that unit. A file still
    being analysed has the note ``checking``."""
    if not evidence:
        return {}
    flags = evidence_flags(evidence=evidence)
    notes: dict[int, list[str]] = {}
    for item in evidence:
        if item.kind == Evidence.Kind.FILE and item.pk not in flags:
            notes[item.pk] = [_("Being checked…")]
            continue
        mine = []
        for found in flags.get(item.pk, []):
            if found["code"] in ("duplikat", "hampir_sama"):
                text = _("The same file was also uploaded by another unit.")
                if found["code"] == "hampir_sama":
                    text = _("A nearly identical file was also uploaded by another unit.")
                mine.append(text)
            elif found["code"] in OPERATOR_FLAGS or found["code"] == "tautan_mati":
                mine.append(found["reason"])
        if mine:
            notes[item.pk] = mine
    return notes


def period_evidence(*, period: Period):
    return (
        Evidence.objects.filter(submission__period=period)
        .select_related("submission__unit__level", "submission__period", "indicator")
        .order_by("submission__unit__code", "indicator__code", "pk")
    )


def period_flags(*, period: Period, chunk: int = 2000):
    """(evidence, its flags) for every evidence of the period, in unit and indicator order,
    read in chunks (the workbook's and the integrity page's one row source)."""
    query = period_evidence(period=period)
    ids = list(query.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        items = list(query.filter(pk__in=ids[start : start + chunk]))
        flags = evidence_flags(evidence=items)
        for item in items:
            yield item, flags.get(item.pk)


def evidence_check_rows(*, period: Period):
    """The rows of sheet ``bukti``: unit code, indicator code, file name or link, SHA-256,
    flag codes (comma separated, empty when none) and their reasons."""
    shas = dict(
        EvidenceCheck.objects.filter(evidence__submission__period=period).values_list(
            "evidence_id", "sha256"
        )
    )
    for item, flags in period_flags(period=period):
        found = flags or []
        yield [
            item.submission.unit.code,
            item.indicator.code,
            item.original_name if item.kind == Evidence.Kind.FILE else item.url,
            shas.get(item.pk, ""),
            ", ".join(f["code"] for f in found),
            " ".join(f["reason"] for f in found),
        ]
