"""Reads of the audit trail: events filtered by period, unit, user, kind and date, each with who
changed it, when, from where, and the old and new values."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from award.models import Period, Unit
from common.formats import moment_text
from evaluasi.models import Indicator, Submission

from .models import TRACKED

# Columns that change with every save and say nothing to a reader of the trail.
NOISE = {"updated_at", "version", "link_checked_at", "last_login"}
ACTIONS = {"insert": _("created"), "update": _("changed"), "delete": _("removed")}


def audit_available() -> bool:
    """The trail is written by PostgreSQL triggers: none on the embedded SQLite default."""
    return connection.vendor == "postgresql"


def _event_models(kinds):
    from pghistory.models import Events  # noqa: F401 - the registry is filled by then

    from . import models as audit_models  # noqa: F401

    names = {TRACKED[kind][0]._meta.label for kind in kinds}
    return [model for model in _all_event_models() if model.pgh_tracked_model._meta.label in names]


def _all_event_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_app_config("audit").get_models()
        if hasattr(model, "pgh_tracked_model")
    ]


def audit_events(
    *,
    period: Period | None = None,
    unit: Unit | None = None,
    user=None,
    kinds: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """Newest first. ``period`` and ``unit`` match the object itself and anything that points
    at it directly (a period's questionnaires, runs, juries…) or through its SAQs (answers,
    evidence, verifications, objections)."""
    from pghistory.models import MiddlewareEvents

    events = MiddlewareEvents.objects.across(*_event_models(kinds or list(TRACKED)))
    if period is not None:
        submissions = list(Submission.objects.filter(period=period).values_list("pk", flat=True))
        events = events.filter(
            Q(pgh_obj_model="award.Period", pgh_obj_id=str(period.pk))
            | Q(pgh_data__period_id=period.pk)
            | Q(pgh_data__submission_id__in=submissions)
            | Q(
                pgh_data__questionnaire_id__in=list(
                    period.questionnaires.values_list("pk", flat=True)
                )
            )
        )
    if unit is not None:
        submissions = list(unit.submissions.values_list("pk", flat=True))
        events = events.filter(
            Q(pgh_obj_model="award.Unit", pgh_obj_id=str(unit.pk))
            | Q(pgh_data__unit_id=unit.pk)
            | Q(pgh_data__submission_id__in=submissions)
        )
    if user is not None:
        events = events.filter(user=user)
    if since is not None:
        events = events.filter(pgh_created_at__date__gte=since)
    if until is not None:
        events = events.filter(pgh_created_at__date__lte=until)
    return events.order_by("-pgh_created_at", "-pgh_id")


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


ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _text(value) -> str:
    """A stored value as people read it: comma decimals, moments in WITA, ya/tidak."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float)):
        return str(value).replace(".", ",")
    if isinstance(value, str) and ISO_MOMENT.match(value):
        try:
            return moment_text(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def audit_rows(events) -> list[AuditRow]:
    """The events of one page as a person reads them (a few batch lookups for names)."""
    from django.contrib.auth import get_user_model

    events = list(events)
    by_label = {model._meta.label: (kind, model, label) for kind, (model, label) in TRACKED.items()}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in={e.user_id for e in events})}
    submission_ids = {e.pgh_data.get("submission_id") for e in events} - {None}
    units = dict(Submission.objects.filter(pk__in=submission_ids).values_list("pk", "unit__name"))
    indicators = dict(
        Indicator.objects.filter(
            pk__in={e.pgh_data.get("indicator_id") for e in events} - {None}
        ).values_list("pk", "code")
    )
    rows = []
    for event in events:
        _kind, model, label = by_label.get(event.pgh_obj_model, (None, None, event.pgh_obj_model))
        data = event.pgh_data or {}
        context = event.pgh_context or {}
        user = users.get(event.user_id)
        if user is not None:
            who = user.get_full_name() or user.get_username()
        elif context.get("task"):
            who = _("system task %(task)s") % {"task": context["task"]}
        else:
            who = _("system (command or database)")
        subject = _subject(event.pgh_obj_model, data, units, indicators)
        changes = []
        if event.pgh_label in ("insert", "delete"):
            # What was created or removed, where a value says it: an answer, a verdict, a score.
            for column in ("value", "decision", "score", "reason"):
                if data.get(column) not in (None, ""):
                    old, new = (None, data[column])
                    if event.pgh_label == "delete":
                        old, new = new, None
                    changes.append(
                        (_label(model, column) if model else column, _text(old), _text(new))
                    )
        elif event.pgh_label == "update" and event.pgh_diff:
            for column, (old, new) in sorted(event.pgh_diff.items()):
                if column in NOISE:
                    continue
                changes.append((_label(model, column) if model else column, _text(old), _text(new)))
        rows.append(
            AuditRow(
                when=event.pgh_created_at,
                who=who,
                address=context.get("ip", ""),
                path=context.get("url", ""),
                kind=str(label),
                subject=subject,
                action=str(ACTIONS.get(event.pgh_label, event.pgh_label)),
                changes=changes,
            )
        )
    return rows


def _subject(model_label: str, data: dict, units: dict, indicators: dict) -> str:
    """Which object, in a few words: the period's year, the unit's code and name, the SAQ's
    unit and indicator…"""
    if model_label == "award.Period":
        return f"{data.get('name') or ''} ({data.get('year')})"
    if model_label == "award.Unit":
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
