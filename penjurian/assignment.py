"""Assigning juries to units (DESIGN.md §4 "Assignments"): pure, no database.

Every unit gets ``k`` juries (or as many as can judge it), never one in conflict with it and
only juries that judge its level; what exists is kept (with any work done on it) and only
what is missing is filled; the same inputs give the same result.

Method: a greedy least-loaded pass, most constrained units first, then a repair step.
Juries wait in one sorted list per level, ordered by (load, jury id); a unit takes the first
eligible juries of its level's list (skipping conflicts), and their loads move up. The repair
step then moves new assignments from the most to the least loaded jury while such a move is
allowed, so that no two juries' loads differ by two or more when one of the first jury's new
units could go to the second. Every step breaks ties by id, so the result is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sortedcontainers import SortedList


@dataclass(frozen=True)
class JuryFacts:
    jury: int
    levels: frozenset[int] = frozenset()  # empty: judges every level
    blocked: frozenset[int] = frozenset()  # units it may never judge (own unit, conflicts)

    def judges(self, level: int) -> bool:
        return not self.levels or level in self.levels


@dataclass
class Plan:
    new: dict[int, list[int]] = field(default_factory=dict)  # unit -> juries added
    short: dict[int, int] = field(default_factory=dict)  # unit -> juries it still lacks
    loads: dict[int, int] = field(default_factory=dict)  # jury -> units after the plan


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
