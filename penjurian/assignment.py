"""Assigning juries to units (DESIGN.md §4 "Assignments"): the plan, its writes and reads.

Every unit gets ``k`` juries (or as many as can judge it), never one in conflict with it and
only juries that judge its level; what exists is kept (with any work done on it) and only
what is missing is filled; the same inputs give the same result.

The plan (``assignment_plan``) is pure, no database. Method: a greedy least-loaded pass, most
constrained units first, then a repair step. Juries wait in one sorted list per level, ordered
by (load, jury id); a unit takes the first eligible juries of its level's list (skipping
conflicts), and their loads move up. The repair step then moves new assignments from the most
to the least loaded jury while such a move is allowed, so that no two juries' loads differ by
two or more when one of the first jury's new units could go to the second. Every step breaks
ties by id, so the result is deterministic.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from sortedcontainers import SortedList

from award.models import JuryMembership, OperatorMembership, Period, Unit
from evaluasi.models import Submission
from penjurian import notify
from penjurian.models import (
    Assignment,
    PresentationScore,
    Verification,
    jury_blocked,
    jury_blocked_for_unit,
)

logger = logging.getLogger(__name__)


# --- the plan (pure) ------------------------------------------------------------------------
@dataclass(frozen=True)
class JuryFacts:
    jury: int
    levels: frozenset[int] = frozenset()  # empty: judges every level
    blocked: frozenset[int] = frozenset()  # units it may never judge (own unit, conflicts)

    def judges(self, level: int) -> bool:
        return not self.levels or level in self.levels


@dataclass
class Plan:
    new: dict[int, list[int]] = dataclass_field(default_factory=dict)  # unit -> juries added
    short: dict[int, int] = dataclass_field(default_factory=dict)  # unit -> juries it still lacks
    loads: dict[int, int] = dataclass_field(default_factory=dict)  # jury -> units after the plan


def assignment_plan(
    *,
    units: list[tuple[int, int]],
    juries: list[JuryFacts],
    existing: dict[int, set[int]],
    k: int,
) -> Plan:
    """``units`` are (unit id, level id); ``existing`` maps a unit to its assigned juries."""
    facts = {j.jury: j for j in sorted(juries, key=lambda j: j.jury)}
    loads = dict.fromkeys(facts, 0)
    for assigned in existing.values():
        for jury in assigned:
            if jury in loads:
                loads[jury] += 1
    levels = sorted({level for _unit, level in units})
    queues = {
        level: SortedList((loads[j], j) for j, f in facts.items() if f.judges(level))
        for level in levels
    }
    member_of = defaultdict(list)
    for level, queue in queues.items():
        for _load, jury in queue:
            member_of[jury].append(level)

    # How many juries can judge each unit: those of its level, less those blocked from it.
    judging = {level: len(queue) for level, queue in queues.items()}
    level_of = dict(units)
    counts = {unit: judging[level] for unit, level in units}
    for fact in facts.values():
        for unit in fact.blocked:
            if unit in counts and fact.judges(level_of[unit]):
                counts[unit] -= 1
    order = sorted(units, key=lambda item: (counts[item[0]], item[0]))
    plan = Plan()
    for unit, level in order:
        have = set(existing.get(unit, ()))
        need = k - len(have)
        if need <= 0:
            continue
        chosen = []
        for _load, jury in queues[level]:
            if jury in have or unit in facts[jury].blocked:
                continue
            chosen.append(jury)
            if len(chosen) == need:
                break
        for jury in chosen:
            for member in member_of[jury]:
                queues[member].remove((loads[jury], jury))
            loads[jury] += 1
            for member in member_of[jury]:
                queues[member].add((loads[jury], jury))
        if chosen:
            plan.new[unit] = chosen
        if len(chosen) < need:
            plan.short[unit] = need - len(chosen)
    _repair(plan, units, facts, existing, loads)
    plan.loads = loads
    return plan


def _repair(plan: Plan, units, facts, existing, loads) -> None:
    """Move new assignments from a jury to one loaded two or more less, while allowed."""
    level_of = dict(units)
    new_by_jury: dict[int, set[int]] = defaultdict(set)
    for unit, added in plan.new.items():
        for jury in added:
            new_by_jury[jury].add(unit)
    for _round in range(len(units) + len(facts)):
        move = None
        lightest = sorted(loads, key=lambda jury: (loads[jury], jury))
        for heavy in sorted(loads, key=lambda jury: (-loads[jury], jury)):
            for light in lightest:
                if loads[heavy] - loads[light] < 2:
                    break
                unit = _movable(plan, new_by_jury[heavy], light, facts, existing, level_of)
                if unit is not None:
                    move = heavy, light, unit
                    break
            if move or loads[heavy] - loads[lightest[0]] < 2:
                break
        if move is None:
            return
        heavy, light, unit = move
        plan.new[unit] = sorted(light if jury == heavy else jury for jury in plan.new[unit])
        new_by_jury[heavy].discard(unit)
        new_by_jury[light].add(unit)
        loads[heavy] -= 1
        loads[light] += 1


def _movable(plan, candidates, light, facts, existing, level_of):
    for unit in sorted(candidates):
        if light in plan.new[unit] or light in existing.get(unit, ()):
            continue
        if facts[light].judges(level_of[unit]) and unit not in facts[light].blocked:
            return unit
    return None


# --- writes: one assignment by hand, the rules for a whole period ---------------------------
def assignment_add(*, period: Period, jury, unit: Unit) -> Assignment:
    period.check_inputs_editable()
    assignment = Assignment(period=period, jury=jury, unit=unit)
    assignment.full_clean()
    with transaction.atomic():
        assignment.save()
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


# --- reads ----------------------------------------------------------------------------------
def assignments_totals(*, period: Period) -> dict:
    """Units with a submitted SAQ, how many of them have the period's number of juries, and
    the number of assignments."""
    submitted = Submission.objects.filter(period=period, status=Submission.Status.SUBMITTED)
    per_unit = (
        Assignment.objects.filter(period=period, unit__in=submitted.values("unit"))
        .values("unit")
        .annotate(juries=Count("jury"))
    )
    complete = per_unit.filter(juries__gte=period.juries_per_unit).count()
    return {
        "submitted": submitted.count(),
        "complete": complete,
        "assignments": Assignment.objects.filter(period=period).count(),
        "per_unit": period.juries_per_unit,
    }


def jury_may_judge_unit(*, jury, period, unit_id: int) -> bool:
    """Whether ``jury`` is assigned to the unit in ``period`` and not in conflict with it."""
    if not jury.is_authenticated:
        return False
    if not Assignment.objects.filter(period=period, unit_id=unit_id, jury=jury).exists():
        return False
    membership = period.juries.filter(user=jury).prefetch_related("conflicts").first()
    if membership is None:
        return False
    return not jury_blocked_for_unit(membership=membership, unit_id=unit_id)


def jury_may_judge(*, jury, submission) -> bool:
    """Whether ``jury`` may judge the submission's unit (``jury_may_judge_unit``)."""
    return jury_may_judge_unit(jury=jury, period=submission.period, unit_id=submission.unit_id)


def assignment_matrix(*, period, level_id=None, parent_id=None) -> dict:
    """Units with a submitted SAQ (filtered by level and kecamatan) × the juries that judge
    their level: which cells are assigned, which are blocked by a conflict, and each jury's load."""
    units = Unit.objects.filter(
        submissions__period=period, submissions__status=Submission.Status.SUBMITTED
    ).select_related("level", "parent")
    if level_id:
        units = units.filter(level_id=level_id)
    if parent_id:
        units = units.filter(parent_id=parent_id)
    units = units.order_by("level__order", "code")
    facts = {f.jury: f for f in jury_facts(period=period)}
    memberships = list(period.juries.select_related("user").order_by("user__username"))
    if level_id:
        memberships = [
            m
            for m in memberships
            if not facts[m.user_id].levels or level_id in facts[m.user_id].levels
        ]
    assigned = set(Assignment.objects.filter(period=period).values_list("unit_id", "jury_id"))
    loads = dict(
        Assignment.objects.filter(period=period)
        .values("jury_id")
        .annotate(n=Count("pk"))
        .values_list("jury_id", "n")
    )
    return {
        "units": units,
        "juries": [
            {"membership": m, "user": m.user, "load": loads.get(m.user_id, 0)} for m in memberships
        ],
        "assigned": assigned,
        "facts": facts,
    }
