"""Object permissions (django-rules). Every view checks one of these on the server."""

from dataclasses import dataclass

import rules
from django.contrib.auth.models import Group
from django.db.models import CharField, Value
from django.db.models.functions import Cast

from award.models import ADMIN_GROUP, JURY_GROUP, JuryMembership, OperatorMembership


@dataclass(frozen=True)
class UserFacts:
    """What the permission rules and menus ask about a user, read in one query per request."""

    groups: frozenset[str]
    operator_units: frozenset[int]
    jury_member: bool


def user_facts(user) -> UserFacts:
    """The user's groups, the units it operates and whether it is a jury of any period, read
    once per user object (one object per request) in one query: every page asks them (the
    menu's roles, the SAQ's permission), and the SAQ step is the page everyone repeats."""
    cached = getattr(user, "_ppid_facts", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        facts = UserFacts(frozenset(), frozenset(), False)
    else:
        groups = (
            Group.objects.filter(user=user).annotate(kind=Value("g")).values_list("kind", "name")
        )
        units = (
            OperatorMembership.objects.filter(user=user)
            .annotate(kind=Value("o"), key=Cast("unit_id", CharField()))
            .values_list("kind", "key")
        )
        jury = (
            JuryMembership.objects.filter(user=user)
            .annotate(kind=Value("j"), key=Value(""))
            .values_list("kind", "key")[:1]
        )
        rows = list(groups.union(units, jury, all=True))
        facts = UserFacts(
            groups=frozenset(key for kind, key in rows if kind == "g"),
            operator_units=frozenset(int(key) for kind, key in rows if kind == "o"),
            jury_member=any(kind == "j" for kind, _key in rows),
        )
    user._ppid_facts = facts
    return facts


def _group_names(user) -> frozenset[str]:
    return user_facts(user).groups


@rules.predicate
def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or ADMIN_GROUP in _group_names(user)))


@rules.predicate
def is_jury(user) -> bool:
    return bool(user.is_authenticated and JURY_GROUP in _group_names(user))


@rules.predicate
def is_operator_of_unit(user, unit) -> bool:
    if not user.is_authenticated or unit is None:
        return False
    return unit.pk in user_facts(user).operator_units


@rules.predicate
def is_jury_of_period(user, period) -> bool:
    if not user.is_authenticated or period is None:
        return False
    return user.jury_memberships.filter(period=period).exists()


rules.add_perm("award.manage", is_admin)
rules.add_perm("award.view_unit", is_admin | is_operator_of_unit)
rules.add_perm("award.view_period", is_admin | is_jury_of_period)
