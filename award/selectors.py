"""Reads of the core domain: querysets and small derived facts for views and commands."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Replace
from django.utils import timezone

from award.models import (
    DeadlineExtension,
    Level,
    OperatorMembership,
    Period,
    Stage,
    Unit,
)

from .rules import is_admin, is_jury, is_viewer, user_facts


def user_roles(*, user) -> dict[str, bool]:
    """Which dashboards and menus a user gets."""
    if not user.is_authenticated:
        return {"admin": False, "jury": False, "operator": False, "viewer": False}
    facts = user_facts(user)
    viewer = is_viewer(user)
    return {
        "admin": is_admin(user) or viewer,
        "viewer": viewer,
        "jury": is_jury(user) or facts.jury_member,
        "operator": bool(facts.operator_units),
    }


def period_list() -> QuerySet[Period]:
    return Period.objects.annotate(jury_count=Count("juries", distinct=True))


def period_active(*, moment: dt.datetime | None = None) -> Period | None:
    """The period people work in now: the latest one that is not closed, else the latest."""
    periods = list(Period.objects.order_by("-year")[:5])
    for period in periods:
        if period.stage_at(moment) not in (Stage.CLOSED,):
            return period
    return periods[0] if periods else None


def periods_in_view(*, moment: dt.datetime | None = None) -> list[Period]:
    """Every period people have something to do in now — past preparation and not closed —
    the one whose current stage ends soonest first; else the latest period that started.
    Creating next year's period (still in preparation) never hides this year's open SAQ."""
    moment = moment or timezone.now()
    periods = [
        period
        for period in Period.objects.order_by("-year")[:10]
        if period.stage_at(moment) != Stage.PREPARATION
    ]
    open_ = [period for period in periods if period.stage_at(moment) != Stage.CLOSED]
    if not open_:
        return periods[:1]

    def stage_end(period):
        later = [start for _s, start in period.stage_boundaries() if start and start > moment]
        return (min(later) if later else dt.datetime.max.replace(tzinfo=dt.UTC), -period.year)

    return sorted(open_, key=stage_end)


# ``extension_close`` not given: the deadline extension is read from the database.
UNREAD = object()


def period_saq_deadline(*, period: Period, unit: Unit, extension_close=UNREAD) -> dt.datetime:
    """The SAQ deadline of one unit: the period's, or a later one granted to that unit.
    ``extension_close`` is the unit's extension when the caller loaded it already (None: the
    unit has none), e.g. with ``saq_extension_close()`` annotated on its submission."""
    if extension_close is UNREAD:
        extension = DeadlineExtension.objects.filter(period=period, unit=unit).first()
        extension_close = extension.saq_close if extension else None
    return max(period.saq_close, extension_close) if extension_close else period.saq_close


def saq_extension_close(*, period: str = "period", unit: str = "unit") -> Subquery:
    """The unit's extended SAQ deadline (or NULL) as an annotation on rows that have a
    ``period`` and a ``unit``: the deadline read in the same query as the row."""
    return Subquery(
        DeadlineExtension.objects.filter(period=OuterRef(period), unit=OuterRef(unit)).values(
            "saq_close"
        )[:1]
    )


def period_saq_deadlines(*, period: Period) -> dict[int, dt.datetime]:
    """The units whose SAQ deadline differs from the period's (one query for the whole
    period); every other unit's deadline is ``period.saq_close``."""
    return {
        unit_id: max(period.saq_close, saq_close)
        for unit_id, saq_close in DeadlineExtension.objects.filter(period=period).values_list(
            "unit_id", "saq_close"
        )
    }


def period_saq_is_open(
    *, period: Period, unit: Unit, moment: dt.datetime | None = None, extension_close=UNREAD
) -> bool:
    """Whether ``unit`` may still fill and submit its SAQ at ``moment`` (server time)."""
    moment = moment or timezone.now()
    if period.stage_override:
        return period.stage_override == Stage.SAQ
    deadline = period_saq_deadline(period=period, unit=unit, extension_close=extension_close)
    return period.saq_open <= moment < deadline


def level_unit_counts() -> list[Level]:
    return list(
        Level.objects.select_related("parent_level")
        .annotate(
            unit_count=Count("units", filter=Q(units__active=True)),
        )
        .order_by("order", "code")
    )


def unit_search(*, units: QuerySet[Unit], text: str, codes: bool = True) -> QuerySet[Unit]:
    """``units`` whose name (or code) contains ``text``, case and spaces aside: “Swarga Bara”
    finds “Desa Swargabara” and “swargabara” finds “Desa Swarga Bara”."""
    text = " ".join(text.split())
    if not text:
        return units
    squashed = text.replace(" ", "")
    found = Q(name__icontains=text) | Q(name_squashed__icontains=squashed)
    if codes:
        found |= Q(code__icontains=text)
    return units.alias(name_squashed=Replace("name", Value(" "), Value(""))).filter(found)


def unit_list(*, q: str = "", level: str = "", parent: str = "") -> QuerySet[Unit]:
    units = Unit.objects.select_related("level", "parent")
    if q:
        units = unit_search(units=units, text=q)
    if level:
        units = units.filter(level__code=level)
    if parent:
        # A kecamatan filter shows the kecamatan itself and every unit under it.
        units = units.filter(Q(parent__code=parent) | Q(code=parent))
    return units.order_by("level__order", "parent__name", "name")


def unit_parent_choices() -> QuerySet[Unit]:
    """Units that other units hang under (in Kutai Timur: the kecamatan)."""
    parent_levels = Level.objects.filter(child_levels__isnull=False)
    return Unit.objects.filter(level__in=parent_levels).select_related("level").order_by("name")


def units_for_operator(*, user) -> QuerySet[Unit]:
    return Unit.objects.filter(operator_memberships__user=user).select_related("level", "parent")


def unit_operator_emails(*, unit_id: int) -> set[str]:
    """The email addresses of a unit's operator accounts (the one place that reads them)."""
    return {
        email
        for email in OperatorMembership.objects.filter(unit_id=unit_id).values_list(
            "user__email", flat=True
        )
        if email
    }


def periods_for_jury(*, user) -> QuerySet[Period]:
    return Period.objects.filter(juries__user=user).order_by("-year")


def lockouts_active():
    """Sign-in lockouts in force (django-axes): username and address with too many failures
    within the cool-off time, newest first."""
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")
