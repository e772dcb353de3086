"""Object permissions (django-rules). Every view checks one of these on the server."""

from dataclasses import dataclass

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from award.models import (
    JURY_GROUP,
    JuryMembership,
    OperatorMembership,
    OrganiserMembership,
    organiser_current_or_none,
)


@dataclass(frozen=True)
class UserFacts:
    """What the permission rules and menus ask about a user, read in one query per request."""

    groups: frozenset[str]
    operator_units: frozenset[int]
    jury_member: bool
    team: dict  # organiser id -> role (admin, viewer)


def _facts_sql() -> str:
    """Plain SQL, table and column names from the models: the ORM's compilation of this
    three-part union cost more than the database answering it, on every page."""
    groups = User.groups.through._meta
    group_user, group_id = groups.get_field("user").column, groups.get_field("group").column
    operators, juries = OperatorMembership._meta, JuryMembership._meta
    team = OrganiserMembership._meta
    return (
        f"SELECT 'g', g.{Group._meta.get_field('name').column}, NULL "  # noqa: S608 - names only
        f"FROM {Group._meta.db_table} g JOIN {groups.db_table} ug ON ug.{group_id} = g.id "
        f"WHERE ug.{group_user} = %s "
        f"UNION ALL SELECT 'o', NULL, {operators.get_field('unit').column} "
        f"FROM {operators.db_table} WHERE {operators.get_field('user').column} = %s "
        f"UNION ALL SELECT 'j', NULL, NULL WHERE EXISTS (SELECT 1 FROM {juries.db_table} "
        f"WHERE {juries.get_field('user').column} = %s) "
        f"UNION ALL SELECT 't', {team.get_field('role').column}, "
        f"{team.get_field('organiser').column} FROM {team.db_table} "
        f"WHERE {team.get_field('user').column} = %s"
    )


User = get_user_model()
_FACTS_SQL = _facts_sql()


def user_facts(user) -> UserFacts:
    """The user's groups, the units it operates and whether it is a jury of any period, read
    once per user object (one object per request) in one query: every page asks them (the
    menu's roles, the SAQ's permission), and the SAQ step is the page everyone repeats."""
    cached = getattr(user, "_ppid_facts", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        facts = UserFacts(frozenset(), frozenset(), False, {})
    else:
        with connection.cursor() as cursor:
            cursor.execute(_FACTS_SQL, [user.pk] * 4)
            rows = cursor.fetchall()
        facts = UserFacts(
            groups=frozenset(name for kind, name, _unit in rows if kind == "g"),
            operator_units=frozenset(unit for kind, _name, unit in rows if kind == "o"),
            jury_member=any(kind == "j" for kind, _name, _unit in rows),
            team={unit: name for kind, name, unit in rows if kind == "t"},
        )
    user._ppid_facts = facts
    return facts


def _group_names(user) -> frozenset[str]:
    return user_facts(user).groups


def team_role(user) -> str | None:
    """The user's role in the team of the organiser the request is for (None: none)."""
    if not user.is_authenticated:
        return None
    organiser = organiser_current_or_none()
    if organiser is None:
        return None
    return user_facts(user).team.get(organiser.pk)


@rules.predicate
def is_admin(user) -> bool:
    """An admin of the organiser the request is for (or the platform superuser)."""
    return bool(user.is_authenticated and (user.is_superuser or team_role(user) == "admin"))


@rules.predicate
def is_viewer(user) -> bool:
    """A read-only member of the organiser's team (a Bappeda, an inspectorate)."""
    return team_role(user) == "viewer"


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
rules.add_perm("award.platform", rules.is_superuser)  # organisers and their teams
rules.add_perm("award.view_unit", is_admin | is_operator_of_unit)
rules.add_perm("award.view_period", is_admin | is_jury_of_period)
