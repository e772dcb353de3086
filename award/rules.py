"""Object permissions (django-rules). Every view checks one of these on the server."""

import rules

from award.models import ADMIN_GROUP, JURY_GROUP, OperatorMembership


def _group_names(user) -> set[str]:
    cached = getattr(user, "_ppid_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._ppid_groups = cached
    return cached


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
    return OperatorMembership.objects.filter(user=user, unit=unit).exists()


@rules.predicate
def is_jury_of_period(user, period) -> bool:
    if not user.is_authenticated or period is None:
        return False
    return user.jury_memberships.filter(period=period).exists()


rules.add_perm("award.manage", is_admin)
rules.add_perm("award.view_unit", is_admin | is_operator_of_unit)
rules.add_perm("award.view_period", is_admin | is_jury_of_period)
