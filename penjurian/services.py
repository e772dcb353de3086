"""Writes of jury work: assignments, verifications, presentation scores."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from award.models import Period, Unit
from evaluasi.models import Indicator, Submission
from penjurian.assignment import JuryFacts, assignment_plan
from penjurian.conflicts import jury_blocked
from penjurian.models import Assignment, PresentationScore, Verification

logger = logging.getLogger(__name__)


# --- single writes: an assignment, a verdict, a presentation score ------------------------
def assignment_add(*, period: Period, jury, unit: Unit) -> Assignment:
    period.check_inputs_editable()
    assignment = Assignment(period=period, jury=jury, unit=unit)
    assignment.full_clean()
    with transaction.atomic():
        assignment.save()
        from penjurian import notify

        notify.juries_assigned_notify(period=period, counts={jury.pk: 1})
    return assignment


def assignment_remove(*, assignment: Assignment) -> None:
    """Take a unit from a jury by hand; refused once the jury has worked on it."""
    period = Period.objects.get(pk=assignment.period_id)
    period.check_inputs_editable()
    worked = (
        Verification.objects.filter(
            jury_id=assignment.jury_id,
            submission__period_id=period.pk,
            submission__unit_id=assignment.unit_id,
        ).exists()
        or PresentationScore.objects.filter(
            jury_id=assignment.jury_id,
            unit_id=assignment.unit_id,
            criterion__period_id=period.pk,
        ).exists()
    )
    if worked:
        raise ValidationError(
            _("This jury has already worked on the unit; its verdicts stay and so does it.")
        )
    assignment.delete()


class VerificationConflict(ValidationError):
    """The verdict changed since the page was loaded (another tab of the same jury)."""

    def __init__(self, current: Verification):
        super().__init__(
            _(
                "This verdict was changed in another window since you opened the page; the "
                "saved one is shown. Choose which to keep and save again."
            )
        )
        self.current = current


def verification_version(verification: Verification | None) -> str:
    """What the page sends back to prove it saw the latest verdict (empty: none yet)."""
    return str(int(verification.updated_at.timestamp() * 1_000_000)) if verification else ""


def verification_save(
    *,
    submission: Submission,
    indicator: Indicator,
    jury,
    decision: str,
    value="",
    reason="",
    version: str | None = None,
):
    """A jury's accept / adjust (with the new answer and a reason) / reject (with a reason).
    With ``version`` (from the page) a verdict changed elsewhere since is never overwritten:
    ``VerificationConflict``. A verdict under objection changes only by answering it."""
    from django.db import IntegrityError

    from penjurian.models import Objection

    if not submission.is_submitted:
        raise ValidationError(_("Only a submitted SAQ can be verified."))
    Period.objects.get(pk=submission.period_id).check_inputs_editable()
    try:
        with transaction.atomic():
            verification = (
                Verification.objects.select_for_update()
                .filter(submission=submission, indicator=indicator, jury=jury)
                .first()
            )
            if version is not None and version != verification_version(verification):
                same = verification is not None and (
                    verification.decision,
                    verification.value,
                    verification.reason,
                ) == (decision, "" if value is None else str(value), reason or "")
                if not same:  # saving what is already stored is not a conflict
                    raise VerificationConflict(verification)
            if verification and Objection.objects.filter(verification=verification).exists():
                raise ValidationError(
                    _("The unit objected to this verdict; answer the objection instead.")
                )
            created = verification is None
            verification = verification or Verification(
                submission=submission, indicator=indicator, jury=jury
            )
            verification.decision = decision
            verification.value = "" if value is None else str(value)
            verification.reason = reason or ""
            verification.full_clean()
            verification.save()
            if created:
                _verification_done_check(submission=submission)
    except IntegrityError:
        # The same jury created this verdict in another tab a moment ago.
        raise VerificationConflict(
            Verification.objects.get(submission=submission, indicator=indicator, jury=jury)
        ) from None
    return verification


def _verification_done_check(*, submission: Submission) -> None:
    """Tell the operators once every assigned jury has a verdict on every indicator."""
    from penjurian import notify

    juries = Assignment.objects.filter(
        period_id=submission.period_id, unit_id=submission.unit_id
    ).count()
    indicators = Indicator.objects.filter(questionnaire_id=submission.questionnaire_id).count()
    done = Verification.objects.filter(
        submission=submission,
        jury__in=Assignment.objects.filter(
            period_id=submission.period_id, unit_id=submission.unit_id
        ).values("jury"),
    ).count()
    if juries and done == juries * indicators:
        notify.verification_done_notify(submission=submission)


@transaction.atomic
def verifications_accept_aspect(*, submission: Submission, aspect, jury) -> int:
    """Accept every indicator of ``aspect`` this jury has not judged yet (after looking at
    the aspect); verdicts already given stay as they are. Returns how many were accepted."""
    judged = set(
        Verification.objects.filter(submission=submission, jury=jury).values_list(
            "indicator_id", flat=True
        )
    )
    accepted = 0
    for indicator in aspect.indicators.exclude(pk__in=judged).order_by("order", "id"):
        verification_save(submission=submission, indicator=indicator, jury=jury, decision="accept")
        accepted += 1
    return accepted


def presentation_score_save(*, criterion, unit: Unit, jury, score):
    Period.objects.get(pk=criterion.period_id).check_inputs_editable()
    item = PresentationScore.objects.filter(criterion=criterion, unit=unit, jury=jury).first()
    item = item or PresentationScore(criterion=criterion, unit=unit, jury=jury)
    item.score = score
    item.full_clean()
    item.save()
    return item


# --- assignment by the rules (DESIGN.md §4 "Assignments") ---------------------------------
@dataclass
class AssignmentReport:
    created: int
    kept: int
    short: dict  # unit code -> juries it still lacks (not enough eligible juries)
    loads: dict  # username -> units
    released: int = 0  # a drop-out's unfinished units handed to others
    finished: int = 0  # a drop-out's units with work done, kept


def _assignments_write(*, period: Period, rows: list[tuple[int, int]]) -> None:
    """New (unit, jury) assignments in one go (COPY on PostgreSQL: 166,000 rows in a second)."""
    from django.db import connection
    from django.utils import timezone

    if not rows:
        return
    if connection.vendor != "postgresql":
        Assignment.objects.bulk_create(
            (Assignment(period=period, unit_id=unit, jury_id=jury) for unit, jury in rows),
            batch_size=5000,
        )
        return
    now = timezone.now().isoformat()
    # Ids and one timestamp only: the COPY text is written in one piece (no per-row adaptation).
    data = "".join(f"{period.pk}\t{unit}\t{jury}\t{now}\n" for unit, jury in rows)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {Assignment._meta.db_table} (period_id, unit_id, jury_id, created_at) FROM STDIN"
        ) as copy,
    ):
        copy.write(data)


def jury_facts(*, period: Period, jury: int | None = None) -> list[JuryFacts]:
    """Each jury of the period (or only the user ``jury``) with the levels it judges and every
    unit it must never judge: its own unit, the units it operates, its declared conflicts and
    the desa under a declared kecamatan."""
    from award.models import JuryMembership, OperatorMembership

    memberships = period.juries.all()
    if jury is not None:
        memberships = memberships.filter(user_id=jury)
    memberships = list(memberships)
    # Levels and conflicts as ids straight from the link tables (300 juries with 5% of the
    # kecamatan each are 100,000 conflicts: no model instances for them).
    levels, conflicts = defaultdict(set), defaultdict(set)
    for field, column, found in (
        ("levels", "level_id", levels),
        ("conflicts", "unit_id", conflicts),
    ):
        links = getattr(JuryMembership, field).through.objects.filter(
            jurymembership__in=[m.pk for m in memberships]
        )
        for membership_id, target_id in links.values_list("jurymembership_id", column):
            found[membership_id].add(target_id)
    operated = defaultdict(set)
    for user_id, unit_id in OperatorMembership.objects.filter(
        user__in=[m.user_id for m in memberships]
    ).values_list("user_id", "unit_id"):
        operated[user_id].add(unit_id)
    children = defaultdict(set)
    parents = Unit.objects.filter(parent__isnull=False)
    if jury is not None:  # only the desa under this jury's declared conflicts matter
        parents = parents.filter(parent_id__in=set().union(*conflicts.values()))
    for unit_id, parent_id in parents.values_list("pk", "parent_id"):
        children[parent_id].add(unit_id)
    facts = []
    for membership in memberships:
        facts.append(
            JuryFacts(
                jury=membership.user_id,
                levels=frozenset(levels[membership.pk]),
                blocked=jury_blocked(
                    membership=membership,
                    conflicts=conflicts[membership.pk],
                    operated=operated[membership.user_id],
                    children=children,
                ),
            )
        )
    return facts


@transaction.atomic
def assignments_fill(*, period: Period, per_unit: int | None = None) -> AssignmentReport:
    """Give every unit with a submitted SAQ ``per_unit`` juries (default: the period's
    setting), keeping every assignment that exists; deterministic and idempotent."""
    Period.objects.select_for_update().get(pk=period.pk).check_inputs_editable()
    k = per_unit or period.juries_per_unit
    units = list(
        Submission.objects.filter(period=period, status=Submission.Status.SUBMITTED)
        .order_by("unit_id")
        .values_list("unit_id", "unit__level_id")
    )
    existing = defaultdict(set)
    for unit_id, jury_id in Assignment.objects.filter(period=period).values_list(
        "unit_id", "jury_id"
    ):
        existing[unit_id].add(jury_id)
    plan = assignment_plan(units=units, juries=jury_facts(period=period), existing=existing, k=k)
    rows = [(unit, jury) for unit, juries in plan.new.items() for jury in juries]
    _assignments_write(period=period, rows=rows)
    counts: dict[int, int] = defaultdict(int)
    for _unit, jury in rows:
        counts[jury] += 1
    if counts:
        from penjurian import notify

        notify.juries_assigned_notify(period=period, counts=counts)
    codes = dict(Unit.objects.filter(pk__in=list(plan.short)).values_list("pk", "code"))
    users = dict(
        get_user_model().objects.filter(pk__in=list(plan.loads)).values_list("pk", "username")
    )
    return AssignmentReport(
        created=len(rows),
        kept=sum(len(juries) for juries in existing.values()),
        short={codes[unit]: missing for unit, missing in sorted(plan.short.items())},
        loads={users[jury]: load for jury, load in sorted(plan.loads.items())},
    )


@transaction.atomic
def jury_drop_out(*, period: Period, jury) -> AssignmentReport:
    """A jury leaves the period: its unfinished units (no verification by it yet) go to other
    juries by the same rules; the work it finished stays. All or nothing."""
    Period.objects.select_for_update().get(pk=period.pk).check_inputs_editable()
    worked = set(
        Verification.objects.filter(jury=jury, submission__period=period).values_list(
            "submission__unit_id", flat=True
        )
    )
    released, _counts = (
        Assignment.objects.filter(period=period, jury=jury).exclude(unit_id__in=worked).delete()
    )
    period.juries.filter(user=jury).delete()
    report = assignments_fill(period=period)
    report.released = released
    report.finished = len(worked)
    return report


def jury_scope_set(*, membership, levels, conflict_codes: str) -> int:
    """The levels a jury judges (none: every level) and its declared conflicts, given as unit
    codes separated by commas; an unknown code saves nothing. The jury's assignments that the
    new levels or conflicts forbid are taken away (its verdicts stay stored, as on drop-out);
    returns how many."""
    Period.objects.get(pk=membership.period_id).check_inputs_editable()
    codes = [part.strip() for part in (conflict_codes or "").replace(";", ",").split(",")]
    codes = [code for code in codes if code]
    units = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in units]
    if unknown:
        raise ValidationError(
            {"conflicts": _("Unknown unit codes: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    with transaction.atomic():
        membership.levels.set(list(levels))
        membership.conflicts.set([units[code] for code in codes])
        return assignments_release_forbidden(period=membership.period, jury=membership.user_id)


def assignments_release_forbidden(*, period: Period, jury: int) -> int:
    """Delete the jury's assignments in ``period`` that the rules now forbid (a level it no
    longer judges, a unit it is now in conflict with); the number taken away."""
    found = jury_facts(period=period, jury=jury)
    if not found:
        return 0
    facts = found[0]
    assigned = Assignment.objects.filter(period=period, jury_id=jury).values_list(
        "pk", "unit_id", "unit__level_id"
    )
    forbidden = [
        pk
        for pk, unit_id, level_id in assigned
        if unit_id in facts.blocked or not facts.judges(level_id)
    ]
    removed, _counts = Assignment.objects.filter(pk__in=forbidden).delete()
    return removed
