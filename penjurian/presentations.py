"""Presentations (presentasi): the period's criteria and weights, the finalists' schedule and
each assigned jury's 0–100 scores. Writes and reads of the rule; who the finalists are comes
from the scoring run (penilaian), which hands the units in."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from award.models import Period, Unit
from penjurian import notify
from penjurian.models import Assignment, PresentationCriterion, PresentationScore, PresentationSlot


def score_parse(text) -> Decimal:
    """A score as typed (comma or dot decimals), 0–100, or ValueError with the reason."""
    raw = str(text).strip().replace(",", ".")
    if raw == "":
        raise ValueError(_("Give a score from 0 to 100."))
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number.") % {"text": text}) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ValueError(_("The score must be between 0 and 100."))
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def criteria_replace(*, period: Period, rows: list[dict]) -> None:
    """Set the period's criteria to ``rows`` (code, name, weight in order). A criterion that
    already has scores cannot be removed. All or nothing."""
    Period.objects.select_for_update().get(pk=period.pk).check_inputs_editable()
    codes = [row["code"].strip() for row in rows]
    if not rows:
        raise ValidationError(_("Keep at least one criterion."))
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValidationError(
            _("Criterion codes must be unique: %(codes)s.") % {"codes": ", ".join(duplicates)}
        )
    existing = {c.code: c for c in PresentationCriterion.objects.filter(period=period)}
    removed = [c for code, c in existing.items() if code not in codes]
    scored = [c.code for c in removed if c.scores.exists()]
    if scored:
        raise ValidationError(
            _("Criteria %(codes)s already have scores and cannot be removed.")
            % {"codes": ", ".join(scored)}
        )
    for criterion in removed:
        criterion.delete()
    for order, row in enumerate(rows, start=1):
        criterion = existing.get(row["code"].strip()) or PresentationCriterion(period=period)
        criterion.code = row["code"].strip()
        criterion.name = row["name"].strip()
        criterion.weight = row["weight"]
        criterion.order = order
        criterion.full_clean()
        criterion.save()


def slot_save(*, period: Period, unit: Unit, starts_at, place: str = "", link: str = ""):
    """The finalist's presentation time and place; the operators get an email."""
    period.check_inputs_editable()
    slot = PresentationSlot.objects.filter(period=period, unit=unit).first()
    slot = slot or PresentationSlot(period=period, unit=unit)
    slot.starts_at = starts_at
    slot.place = (place or "").strip()
    slot.link = (link or "").strip()
    slot.full_clean()
    with transaction.atomic():
        slot.save()
        notify.presentation_scheduled_notify(slot=slot)
    return slot


def presentation_scores_save(*, period: Period, unit: Unit, jury, scores: dict) -> list:
    """A jury's scores of one unit, ``scores``: criterion id → the score as typed (or a
    number); the one way a presentation score is written. The jury must be assigned to the unit
    and the period's inputs editable; every criterion is checked first and one wrong value saves
    nothing (errors by criterion code). Returns the scores saved."""
    period = Period.objects.get(pk=period.pk)
    period.check_inputs_editable()
    if not Assignment.objects.filter(period=period, unit_id=unit.pk, jury=jury).exists():
        raise ValidationError(_("This jury is not assigned to the unit."))
    criteria = list(PresentationCriterion.objects.filter(period=period))
    values, errors = {}, {}
    for criterion in criteria:
        text = scores.get(criterion.pk, "")
        if str(text).strip() == "":
            continue
        try:
            values[criterion] = score_parse(text)
        except ValueError as error:
            errors[criterion.code] = str(error)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return [
            PresentationScore.objects.update_or_create(
                criterion=criterion, unit_id=unit.pk, jury=jury, defaults={"score": value}
            )[0]
            for criterion, value in values.items()
        ]


# --- reads ----------------------------------------------------------------------------------
# Who the finalists are and each jury's z-score come from the scoring run: penilaian computes
# them and registers its reader here when it starts (penjurian comes before penilaian in the
# flow and imports nothing of it).
_overview_reader = None


def presentation_overview_register(*, reader) -> None:
    """Make ``reader(period=...)`` the source of the admin screen's finalists and figures."""
    global _overview_reader
    _overview_reader = reader


def presentation_overview(*, period: Period) -> dict:
    """The finalists of the current run with their schedule and every assigned jury's raw score
    beside its z-score (``run`` None and no rows when no scoring app is installed)."""
    if _overview_reader is None:
        return {"run": None, "rows": []}
    return _overview_reader(period=period)


def jury_presentations(*, jury) -> list[dict]:
    """The finalists this jury scores, in schedule order, with how many criteria it scored."""
    assigned = set(
        Assignment.objects.filter(jury=jury, period__finalised_at__isnull=True).values_list(
            "period_id", "unit_id"
        )
    )
    slots = [
        slot
        for slot in PresentationSlot.objects.filter(
            period__finalised_at__isnull=True, unit__assignments__jury=jury
        )
        .select_related("unit", "period")
        .distinct()
        if (slot.period_id, slot.unit_id) in assigned
    ]
    scored = dict(
        PresentationScore.objects.filter(jury=jury, unit__in=[s.unit_id for s in slots])
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    criteria = dict(
        PresentationCriterion.objects.filter(period__in={s.period_id for s in slots})
        .values("period")
        .annotate(n=Count("pk"))
        .values_list("period", "n")
    )
    return [
        {
            "slot": slot,
            "scored": scored.get(slot.unit_id, 0),
            "criteria": criteria.get(slot.period_id, 0),
        }
        for slot in slots
    ]


def presentation_sheet(*, slot: PresentationSlot, jury) -> list[dict]:
    scores = {
        s.criterion_id: s.score
        for s in PresentationScore.objects.filter(unit_id=slot.unit_id, jury=jury)
    }
    return [
        {"criterion": criterion, "score": scores.get(criterion.pk)}
        for criterion in PresentationCriterion.objects.filter(period_id=slot.period_id)
    ]


def presentation_open_items(*, period: Period) -> list[tuple[PresentationSlot, list]]:
    """Scheduled finalists with the assigned juries that have not scored every criterion."""
    criteria = PresentationCriterion.objects.filter(period=period).count()
    slots = list(PresentationSlot.objects.filter(period=period).select_related("unit"))
    units = [slot.unit_id for slot in slots]
    scored = {
        (unit, jury): n
        for unit, jury, n in PresentationScore.objects.filter(
            unit__in=units, criterion__period=period
        )
        .values("unit", "jury")
        .annotate(n=Count("pk"))
        .values_list("unit", "jury", "n")
    }
    juries: dict[int, list] = {}
    for assignment in Assignment.objects.filter(period=period, unit__in=units).select_related(
        "jury"
    ):
        juries.setdefault(assignment.unit_id, []).append(assignment.jury)
    out = []
    for slot in slots:
        missing = [
            jury
            for jury in juries.get(slot.unit_id, [])
            if scored.get((slot.unit_id, jury.pk), 0) < criteria
        ]
        if missing:
            out.append((slot, missing))
    return out
