"""The one conflict rule: which units a jury may never judge. Imports nothing of this app, so
the models (``Assignment.clean``), selectors and services all use it."""

from __future__ import annotations


def jury_blocked(
    *, membership, conflicts, operated: set[int], children: dict[int, set[int]]
) -> frozenset:
    """The units a jury may never judge: its own unit, the units it operates, its declared
    conflicts (unit ids) and every desa under a declared kecamatan (the one definition of the
    rule)."""
    blocked = set(operated)
    if membership.home_unit_id:
        blocked.add(membership.home_unit_id)
    for unit_id in conflicts:
        blocked.add(unit_id)
        blocked |= children.get(unit_id, set())
    return frozenset(blocked)


def jury_blocked_for_unit(*, membership, unit_id: int) -> bool:
    """``jury_blocked`` asked for one unit (its parent's conflict and the jury's operator
    memberships looked up for that unit only)."""
    from award.models import OperatorMembership, Unit

    unit = Unit.objects.only("pk", "parent_id").get(pk=unit_id)
    children = {unit.parent_id: {unit.pk}} if unit.parent_id else {}
    operated = set(
        OperatorMembership.objects.filter(user_id=membership.user_id, unit_id=unit.pk).values_list(
            "unit_id", flat=True
        )
    )
    # From the prefetch where the caller made one (the permission check), else one query.
    conflicts = [unit.pk for unit in membership.conflicts.all()]
    return unit.pk in jury_blocked(
        membership=membership, conflicts=conflicts, operated=operated, children=children
    )
