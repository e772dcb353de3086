"""Organisers: creating one (with its default levels and its first admin) and its team.
Writes and reads of organisers live here; the models are in ``award.organiser_models``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django_scopes import scope, scopes_disabled

from award.models import (
    JuryMembership,
    OperatorMembership,
    Organiser,
    OrganiserMembership,
    Period,
    Unit,
    organiser_active,
)
from award.services import invitation_send, levels_ensure_defaults, user_get_or_invite


def organiser_create(*, name: str, slug: str, kind: str = Organiser.Kind.DISKOMINFO, **fields):
    """A new organiser with the levels every organiser starts with; ValidationError (in
    Indonesian, per field) when a value is refused."""
    organiser = Organiser(name=name, slug=slug, kind=kind, **fields)
    organiser.full_clean()
    with transaction.atomic():
        organiser.save()
        # Its own scope, whatever block the caller runs in (a platform page, a command, a
        # bench inside another organiser's scope).
        with organiser_active(organiser), scope(organiser=organiser.pk):
            levels_ensure_defaults(organiser=organiser)
    return organiser


def organiser_update(*, organiser: Organiser, **fields) -> Organiser:
    for key, value in fields.items():
        setattr(organiser, key, value)
    organiser.full_clean()
    organiser.save()
    return organiser


def organiser_member_set(*, organiser: Organiser, user, role: str) -> OrganiserMembership:
    """Give ``user`` a role in the organiser's team (or change it)."""
    membership, _created = OrganiserMembership.objects.update_or_create(
        organiser=organiser, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def organiser_member_invite(
    *, organiser: Organiser, email: str, full_name: str = "", role: str, username: str = ""
) -> OrganiserMembership:
    """Put a person in the organiser's team, creating the account (with an invitation by
    email) when there is none."""
    invitation = user_get_or_invite(email=email, full_name=full_name, group=None, username=username)
    membership = organiser_member_set(organiser=organiser, user=invitation.user, role=role)
    label = str(OrganiserMembership.Role(role).label)
    transaction.on_commit(
        lambda: invitation_send(invitation=invitation, role=label, target=organiser.name)
    )
    return membership


def organiser_member_remove(*, organiser: Organiser, user) -> None:
    OrganiserMembership.objects.filter(organiser=organiser, user=user).delete()


def organisers_of(*, user) -> list[Organiser]:
    """The organisers ``user`` works for: in its team, operator of one of its units or jury of
    one of its periods (every one for the platform superuser). Read across organisers on
    purpose: it is the platform's question."""
    if user.is_superuser:
        return list(Organiser.objects.order_by("name"))
    with scopes_disabled():
        ids = (
            set(OrganiserMembership.objects.filter(user=user).values_list("organiser", flat=True))
            | set(
                OperatorMembership.objects.filter(user=user).values_list(
                    "unit__organiser", flat=True
                )
            )
            | set(
                JuryMembership.objects.filter(user=user).values_list("period__organiser", flat=True)
            )
        )
    return list(Organiser.objects.filter(pk__in=ids).order_by("name"))


def organiser_team(*, organiser: Organiser):
    User = get_user_model()
    return User.objects.filter(organiser_memberships__organiser=organiser).order_by("username")


def organiser_rows() -> list[Organiser]:
    """Every organiser with its counts of units, periods and team members, for the
    platform's list (one grouped count per table, not a join of all three)."""
    rows = list(Organiser.objects.order_by("name"))
    counts = {
        name: dict(model.objects.values_list("organiser").annotate(n=Count("pk")))
        for name, model in (("unit", Unit), ("period", Period), ("team", OrganiserMembership))
    }
    for organiser in rows:
        organiser.unit_count = counts["unit"].get(organiser.pk, 0)
        organiser.period_count = counts["period"].get(organiser.pk, 0)
        organiser.team_count = counts["team"].get(organiser.pk, 0)
    return rows
