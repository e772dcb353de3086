"""Reads of the audit trail: events filtered by period, unit, user, kind and date, each with who
changed it, when, from where, and the old and new values.

The list is a UNION over the event tables of the kinds asked for, each filtered on its own
columns (``period_id``, ``unit_id``, ``submission_id``…), carrying only (kind, id, time): the
sort and the page cost an index walk, whatever the size of the trail. Only the rows of the
page are then read whole, each beside the previous event of the same object for the
before → after values. (pghistory's ``Events`` view computes that diff for every event of
every table before it can sort: 10 s a page on the demo's 17,000 events.)"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Value
from django.db.models.fields import CharField
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from award.models import JuryMembership, Period, Unit, organiser_current_or_none
from common.formats import moment_text
from evaluasi.models import Indicator, Questionnaire, Submission
from penilaian.models import ScoringRun
from penjurian.models import PresentationCriterion, Verification

from .models import TRACKED

# Columns that change with every save and say nothing to a reader of the trail.
NOISE = {"updated_at", "version", "link_checked_at", "last_login"}
ACTIONS = {"insert": _("created"), "update": _("changed"), "delete": _("removed")}


def audit_available() -> bool:
    """The trail is written by PostgreSQL triggers: none on the embedded SQLite default."""
    return connection.vendor == "postgresql"


@cache
def _event_models() -> dict:
    """kind → its event model (pghistory made them when ``audit.models`` was loaded)."""
    by_tracked = {
        model.pgh_tracked_model: model
        for model in apps.get_app_config("audit").get_models()
        if hasattr(model, "pgh_tracked_model")
    }
    return {kind: by_tracked[tracked] for kind, (tracked, _name) in TRACKED.items()}


def _event_model(kind: str):
    return _event_models()[kind]


def _scoped(events, tracked, *, period: Period | None, unit: Unit | None):
    """``events`` limited to ``period`` / ``unit`` through the event table's own columns, or
    None when this kind has nothing to do with them."""
    names = {field.name for field in tracked._meta.concrete_fields}
    if period is not None:
        if tracked is Period:
            events = events.filter(pgh_obj_id=period.pk)
        elif "period" in names:
            events = events.filter(period_id=period.pk)
        elif "submission" in names:
            events = events.filter(
                submission_id__in=Submission.objects.filter(period=period).values("pk")
            )
        elif "questionnaire" in names:
            events = events.filter(questionnaire_id__in=period.questionnaires.values("pk"))
        elif "indicator" in names:
            events = events.filter(
                indicator_id__in=Indicator.objects.filter(questionnaire__period=period).values("pk")
            )
        elif "verification" in names:
            events = events.filter(
                verification_id__in=Verification.objects.filter(submission__period=period).values(
                    "pk"
                )
            )
        elif "run" in names:
            events = events.filter(run_id__in=ScoringRun.objects.filter(period=period).values("pk"))
        elif "jurymembership" in names:
            events = events.filter(
                jurymembership_id__in=JuryMembership.objects.filter(period=period).values("pk")
            )
        else:
            return None
    if unit is not None:
        if tracked is Unit:
            events = events.filter(pgh_obj_id=unit.pk)
        elif "unit" in names:
            events = events.filter(unit_id=unit.pk)
        elif "submission" in names:
            events = events.filter(submission_id__in=unit.submissions.values("pk"))
        elif "verification" in names:
            events = events.filter(
                verification_id__in=Verification.objects.filter(submission__unit=unit).values("pk")
            )
        else:
            return None
    return events


# The owner of each kind's rows, in the order they are tried: a column of the event table and
# the (organiser-scoped) model whose ids it may take.
_OWNERS = [
    ("period", lambda: Period.objects.values("pk")),
    ("submission", lambda: Submission.objects.values("pk")),
    ("questionnaire", lambda: Questionnaire.objects.values("pk")),
    ("indicator", lambda: Indicator.objects.values("pk")),
    ("verification", lambda: Verification.objects.values("pk")),
    ("run", lambda: ScoringRun.objects.values("pk")),
    ("jurymembership", lambda: JuryMembership.objects.values("pk")),
    ("unit", lambda: Unit.objects.values("pk")),
    ("criterion", lambda: PresentationCriterion.objects.values("pk")),
]


def _organisers_own(events, tracked):
    """``events`` of the request's organiser only (the trail's tables are not scoped); None
    for a kind that belongs to no organiser (the accounts' roles)."""
    names = {field.name for field in tracked._meta.concrete_fields}
    if "organiser" in names:
        organiser = organiser_current_or_none()
        return events.filter(organiser_id=organiser.pk if organiser else None)
    for column, owned in _OWNERS:
        if column in names:
            return events.filter(**{f"{column}_id__in": owned()})
    return None


def audit_events_filtered(*, filters: dict):
    """``audit_events`` for the audit page's cleaned filter (period, unit, user, kind, since,
    until; missing ones: everything)."""
    return audit_events(
        period=filters.get("period"),
        unit=filters.get("unit"),
        user=filters.get("user"),
        kinds=[filters["kind"]] if filters.get("kind") else None,
        since=filters.get("since"),
        until=filters.get("until"),
    )


def audit_events(
    *,
    period: Period | None = None,
    unit: Unit | None = None,
    user=None,
    kinds: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """Newest first, as {audit_kind, pgh_id, pgh_created_at} rows. ``period`` and ``unit`` match
    the object itself and anything that points at it directly (a period's questionnaires,
    runs, juries…) or through its SAQs (answers, evidence, verifications, objections)."""
    zone = timezone.get_current_timezone()
    parts = []
    for kind in kinds or list(TRACKED):
        tracked = TRACKED[kind][0]
        events = _organisers_own(_event_model(kind).objects.all(), tracked)
        if events is not None:
            events = _scoped(events, tracked, period=period, unit=unit)
        if events is None:
            continue
        if user is not None:
            events = events.filter(pgh_context__metadata__user=user.pk)
        if since is not None:
            start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
            events = events.filter(pgh_created_at__gte=start)
        if until is not None:
            end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            events = events.filter(pgh_created_at__lt=end)
        parts.append(
            events.order_by()
            .annotate(audit_kind=Value(kind, output_field=CharField()))
            .values("audit_kind", "pgh_id", "pgh_created_at")
        )
    if not parts:
        return []
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-pgh_created_at", "-pgh_id")


@dataclass
class AuditRow:
    when: dt.datetime
    who: str
    address: str
    path: str
    kind: str
    subject: str
    action: str
    changes: list[tuple[str, str, str]]  # (field, old, new)


def _label(model, column: str) -> str:
    name = column[:-3] if column.endswith("_id") else column
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except Exception:  # noqa: BLE001 - a column the model no longer has
        return column


def _text(value) -> str:
    """A stored value as people read it: comma decimals, moments in WITA, ya/tidak."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float, Decimal)):
        text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", ",")
    if isinstance(value, dt.datetime):
        return moment_text(value)
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _data(event) -> dict:
    """The tracked row as the event stored it, by column name (``period_id``, ``name``…)."""
    return {
        field.attname: getattr(event, field.attname)
        for field in event._meta.concrete_fields
        if not field.name.startswith("pgh_")
    }


def audit_rows(items) -> list[AuditRow]:
    """The events of one page as a person reads them: a query per kind on the page, one per
    changed row for its previous state, and a few batch lookups for names."""
    items = list(items)
    events: dict[tuple[str, int], object] = {}
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item["audit_kind"]].append(item["pgh_id"])
    for kind, ids in by_kind.items():
        for event in (
            _event_model(kind).objects.filter(pgh_id__in=ids).select_related("pgh_context")
        ):
            events[(kind, event.pgh_id)] = event
    contexts = {
        key: (event.pgh_context.metadata if event.pgh_context_id else {})
        for key, event in events.items()
    }
    users = {
        u.pk: u
        for u in get_user_model().objects.filter(
            pk__in={c.get("user") for c in contexts.values()} - {None}
        )
    }
    datas = {key: _data(event) for key, event in events.items()}
    units = dict(
        Submission.objects.filter(
            pk__in={d.get("submission_id") for d in datas.values()} - {None}
        ).values_list("pk", "unit__name")
    )
    indicators = dict(
        Indicator.objects.filter(
            pk__in={d.get("indicator_id") for d in datas.values()} - {None}
        ).values_list("pk", "code")
    )
    rows = []
    for item in items:
        key = (item["audit_kind"], item["pgh_id"])
        event = events.get(key)
        if event is None:
            continue
        model, label = TRACKED[item["audit_kind"]]
        data, context = datas[key], contexts[key]
        user = users.get(context.get("user"))
        if user is not None:
            who = user.get_full_name() or user.get_username()
        elif context.get("task"):
            who = _("system task %(task)s") % {"task": context["task"]}
        else:
            who = _("system (command or database)")
        rows.append(
            AuditRow(
                when=event.pgh_created_at,
                who=who,
                address=context.get("ip", ""),
                path=context.get("url", ""),
                kind=str(label),
                subject=_subject(model, data, units, indicators),
                action=str(ACTIONS.get(event.pgh_label, event.pgh_label)),
                changes=_changes(event, model, data),
            )
        )
    return rows


def _changes(event, model, data: dict) -> list[tuple[str, str, str]]:
    changes = []
    if event.pgh_label in ("insert", "delete"):
        # What was created or removed, where a value says it: an answer, a verdict, a reason.
        for column in ("value", "decision", "score", "reason"):
            if data.get(column) not in (None, ""):
                old, new = (None, data[column])
                if event.pgh_label == "delete":
                    old, new = new, None
                changes.append((_label(model, column), _text(old), _text(new)))
        return changes
    previous = (
        type(event)
        .objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__lt=event.pgh_id)
        .order_by("-pgh_id")
        .first()
    )
    if previous is None:
        return changes
    before = _data(previous)
    for column in sorted(data):
        if column in NOISE or column == "id" or before.get(column) == data[column]:
            continue
        changes.append((_label(model, column), _text(before.get(column)), _text(data[column])))
    return changes


def _subject(model, data: dict, units: dict, indicators: dict) -> str:
    """Which object, in a few words: the period's year, the unit's code and name, the SAQ's
    unit and indicator…"""
    if model is Period:
        return f"{data.get('name') or ''} ({data.get('year')})"
    if model is Unit:
        return f"{data.get('code')} {data.get('name')}"
    parts = []
    if data.get("submission_id") in units:
        parts.append(units[data["submission_id"]])
    if data.get("indicator_id") in indicators:
        parts.append(_("indicator %(code)s") % {"code": indicators[data["indicator_id"]]})
    for key in ("code", "name", "title", "number"):
        if data.get(key) not in (None, "") and not parts:
            parts.append(str(data[key]))
    return " · ".join(parts) or f"#{data.get('id', '')}"
