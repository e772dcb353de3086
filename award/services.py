"""Writes of the core domain: periods, units, the units workbook import, accounts, jobs.

Every function is keyword-only and named ``<thing>_<action>``. Views, forms, commands and tasks
call these; none of them holds a business rule of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award import jobs as award_jobs
from award.models import (
    OPERATOR_GROUP,
    REGION_CODE,
    DeadlineExtension,
    Level,
    OperatorMembership,
    Organiser,
    OrganiserMembership,
    Period,
    Unit,
    organiser_current,
    unit_parent_error,
)
from common.jobs import ImportRejected, job_start
from common.mail import Mail, mail_send
from common.models import Job
from common.workbooks import Column, Problems, row_check, sheet_read, workbook_open

logger = logging.getLogger(__name__)
User = get_user_model()
Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    return None


# --- periods ------------------------------------------------------------------------------
def period_default_dates(
    *,
    saq_open: dt.datetime,
    saq_close: dt.datetime | None = None,
    with_verification: bool = True,
    with_presentation: bool = True,
) -> dict[str, dt.datetime | None]:
    """A sensible timetable: SAQ 30 days, then verification 14, objections 7, presentation 14,
    finalisation 7 days later. Stages switched off take no time."""
    if saq_close is None:  # the end of the 30th day, 23.59 WITA
        saq_close = timezone.localtime(saq_open + dt.timedelta(days=30)).replace(
            hour=23, minute=59, second=59, microsecond=0
        )
    dates: dict[str, dt.datetime | None] = {"saq_open": saq_open, "saq_close": saq_close}
    end = saq_close
    if with_verification:
        dates["verification_close"] = end + dt.timedelta(days=14)
        dates["objection_close"] = dates["verification_close"] + dt.timedelta(days=7)
        end = dates["objection_close"]
    else:
        dates["verification_close"] = dates["objection_close"] = None
    if with_presentation:
        dates["presentation_close"] = end + dt.timedelta(days=14)
        end = dates["presentation_close"]
    else:
        dates["presentation_close"] = None
    dates["finalisation_date"] = end + dt.timedelta(days=7)
    return dates


def period_create(*, year: int, name: str = "", **fields) -> Period:
    """Create a period; every invariant of ``Period.clean`` is checked before saving."""
    period = Period(year=year, name=name or _("PPID Award %(year)s") % {"year": year}, **fields)
    period.full_clean()
    period.save()
    return period


def period_update(*, period: Period, **fields) -> Period:
    Period.objects.get(pk=period.pk).check_inputs_editable()
    for key, value in fields.items():
        setattr(period, key, value)
    period.full_clean()
    period.save()
    return period


def deadline_extension_set(
    *, period: Period, unit: Unit, saq_close: dt.datetime, reason: str, created_by
) -> DeadlineExtension:
    extension = DeadlineExtension.objects.filter(period=period, unit=unit).first()
    extension = extension or DeadlineExtension(period=period, unit=unit)
    extension.saq_close = saq_close
    extension.reason = reason
    extension.created_by = created_by
    extension.full_clean()
    extension.save()
    return extension


def deadline_extension_delete(*, extension: DeadlineExtension) -> None:
    extension.delete()


# --- levels -------------------------------------------------------------------------------
DEFAULT_LEVELS = [
    # code, name, order, parent level code (the same rows migration 0002 seeds)
    ("kecamatan", "Kecamatan", 2, None),
    ("desa", "Desa", 1, "kecamatan"),
    ("opd", "OPD", 3, None),
]


def levels_ensure_defaults(*, organiser: Organiser | None = None) -> None:
    """Create the levels every organiser starts with, if they are missing (the current
    organiser's unless told)."""
    organiser = organiser or organiser_current()
    levels = Level.objects.filter(organiser=organiser)
    for code, name, order, _parent in DEFAULT_LEVELS:
        levels.get_or_create(code=code, defaults={"name": name, "order": order})
    for code, _name, _order, parent in DEFAULT_LEVELS:
        if parent:
            levels.filter(code=code, parent_level__isnull=True).update(
                parent_level=levels.get(code=parent)
            )


# --- units --------------------------------------------------------------------------------
def unit_save(*, unit: Unit | None = None, **fields) -> Unit:
    unit = unit or Unit()
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.full_clean()
    unit.save()
    return unit


UNITS_SHEET = "unit"
UNITS_REQUIRED = ["kode", "nama", "tingkat", "induk"]
UNITS_OPTIONAL = ["website", "email_operator", "kode_wilayah"]
UNITS_COLUMNS = [
    Column(
        "kode",
        "key",
        strict=True,
        max_length=64,
        placeholder="code",
        empty=gettext_lazy("The code is empty."),
        invalid=gettext_lazy("Code '%(code)s' must be at most 64 characters without spaces."),
        duplicate=gettext_lazy("Code '%(code)s' is duplicated; it already appears in row %(row)s."),
    ),
    Column(
        "nama",
        "name",
        strict=True,
        max_length=255,
        empty=gettext_lazy("The name is empty."),
        invalid=gettext_lazy("The name is longer than 255 characters."),
    ),
    Column("tingkat", lower=True),
    Column("induk", strict=True),
    Column(
        "website",
        "url",
        invalid=gettext_lazy("'%(value)s' is not a valid web address (start it with https://)."),
    ),
    Column(
        "email_operator",
        "email",
        lower=True,
        invalid=gettext_lazy("'%(value)s' is not a valid email address."),
    ),
    Column(
        "kode_wilayah",
        strict=True,
        validator=REGION_CODE,
        invalid=gettext_lazy(
            "'%(value)s' is not a Kemendagri region code (like 64.08.04.2002); type it as text."
        ),
    ),
]
CHANGES_SHOWN = 500  # units listed one by one in the preview; the counts cover them all


@dataclass
class UnitsImportPlan:
    """What a units workbook would change; ``problems`` non-empty means it is rejected."""

    problems: Problems = field(default_factory=Problems)
    rows: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_level: dict[str, int] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)  # the first CHANGES_SHOWN, for the preview

    def summary(self) -> dict:
        return {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "per_level": self.per_level,
            "changes": self.changes,
            **self.problems.as_lists(),
        }


def units_import_check(*, data: bytes, progress: Progress = _no_progress) -> UnitsImportPlan:
    """Validate a units workbook against the database without writing anything."""
    plan = UnitsImportPlan()
    problems = plan.problems
    progress(5, _("Reading the workbook"))
    workbook = workbook_open(data, problems)
    if workbook is None:
        return plan
    table = sheet_read(
        workbook, UNITS_SHEET, required=UNITS_REQUIRED, optional=UNITS_OPTIONAL, problems=problems
    )
    if table is None:
        return plan
    progress(30, _("Checking %(count)s rows") % {"count": len(table.rows)})
    organiser = organiser_current()
    levels = {
        level.code: level
        for level in Level.objects.filter(organiser=organiser).select_related("parent_level")
    }
    levels_by_id = {level.pk: level for level in levels.values()}
    existing = {
        row["code"]: row
        for row in Unit.objects.filter(organiser=organiser).values(
            "code", "name", "level_id", "parent__code", "website", "operator_email", "kode_wilayah"
        )
    }
    seen: dict = {}
    rows: list[dict] = []
    for row in table.rows:
        values = row_check(row, UNITS_COLUMNS, problems, seen)
        if values is None:
            continue
        ok = values["ok"]
        code, name, level_code = values["kode"], values["nama"], values["tingkat"]
        parent_code, website, email = values["induk"], values["website"], values["email_operator"]
        if level_code not in levels:
            problems.error(
                row.sheet,
                row.ref("tingkat"),
                _("Unknown level '%(value)s'; use one of: %(levels)s.")
                % {"value": row.text("tingkat"), "levels": ", ".join(levels)},
            )
            ok = False
        rows.append(
            {
                "ok": ok,
                "row": row,
                "code": code,
                "name": name,
                "level": level_code,
                "parent": parent_code,
                "website": website,
                "operator_email": email,
                "kode_wilayah": values["kode_wilayah"],
            }
        )

    # Parents: the workbook's own level for a unit it lists, otherwise the database's.
    progress(60, _("Checking parent units"))
    workbook_levels = {r["code"]: r["level"] for r in rows if r["code"] and r["level"] in levels}
    for item in rows:
        if item["level"] not in levels:
            continue
        row = item["row"]
        parent_code = item["parent"]
        parent_level = None
        if parent_code:
            if parent_code == item["code"]:
                problems.error(row.sheet, row.ref("induk"), _("A unit cannot be its own parent."))
                item["ok"] = False
                continue
            if parent_code in workbook_levels:
                parent_level = levels[workbook_levels[parent_code]]
            elif parent_code in existing:
                parent_level = levels_by_id[existing[parent_code]["level_id"]]
            else:
                problems.error(
                    row.sheet,
                    row.ref("induk"),
                    _("Parent unit '%(code)s' is neither in this workbook nor in the system.")
                    % {"code": parent_code},
                )
                item["ok"] = False
                continue
        message = unit_parent_error(
            level=levels[item["level"]], parent_code=parent_code, parent_level=parent_level
        )
        if message:
            problems.error(row.sheet, row.ref("induk"), message)
            item["ok"] = False

    # A unit whose level changes must not strand children that stay in the database.
    changed_level = {
        r["code"]: r
        for r in rows
        if r["code"] in existing
        and r["level"] in levels
        and levels[r["level"]].pk != existing[r["code"]]["level_id"]
    }
    if changed_level:
        for child in (
            Unit.objects.filter(parent__code__in=changed_level)
            .exclude(code__in=workbook_levels)
            .select_related("level__parent_level", "parent")
        ):
            item = changed_level[child.parent.code]
            if child.level.parent_level_id != levels[item["level"]].pk:
                problems.error(
                    item["row"].sheet,
                    item["row"].ref("tingkat"),
                    _("Unit %(code)s cannot change level: unit %(child)s is under it.")
                    % {"code": item["code"], "child": child.code},
                )

    progress(85, _("Comparing with the units in the system"))
    counts: Counter = Counter()
    level_codes = {level.pk: code for code, level in levels.items()}
    for item in rows:
        counts[item["level"]] += 1
        before = existing.get(item["code"])
        if before is None:
            plan.created += 1
            if len(plan.changes) < CHANGES_SHOWN:
                plan.changes.append(
                    {"code": item["code"], "new": True, "fields": [["nama", "", item["name"]]]}
                )
            del item["row"], item["ok"]
            continue
        fields = [
            [label, old, new]
            for label, old, new in (
                ("nama", before["name"], item["name"]),
                ("tingkat", level_codes.get(before["level_id"], ""), item["level"]),
                ("induk", before["parent__code"] or "", item["parent"]),
                ("website", before["website"], item["website"]),
                ("email_operator", before["operator_email"], item["operator_email"]),
                ("kode_wilayah", before["kode_wilayah"], item["kode_wilayah"]),
            )
            if old != new
        ]
        if not fields:
            plan.unchanged += 1
        else:
            plan.updated += 1
            if len(plan.changes) < CHANGES_SHOWN:
                plan.changes.append({"code": item["code"], "new": False, "fields": fields})
        del item["row"], item["ok"]
    plan.rows = rows
    plan.per_level = dict(counts)
    if not rows and not problems.errors:
        problems.error(UNITS_SHEET, "A2", _("The sheet has no unit rows."))
    return plan


def _units_analyse() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE award_unit")


@transaction.atomic
def units_import_apply(*, data: bytes, progress: Progress = _no_progress) -> UnitsImportPlan:
    """Apply a units workbook: all or nothing. Updates units by code and never deletes one."""
    plan = units_import_check(data=data, progress=lambda p, m: progress(p // 2, m))
    if plan.problems.errors:
        raise ImportRejected(plan.problems)
    organiser = organiser_current()
    levels = {level.code: level.pk for level in Level.objects.filter(organiser=organiser)}
    units = Unit.objects.filter(organiser=organiser)
    existing = {unit.code: unit for unit in units.select_for_update()}
    to_create, to_update = [], []
    for item in plan.rows:
        unit = existing.get(item["code"])
        if unit is None:
            unit = Unit(code=item["code"], organiser=organiser)
            to_create.append(unit)
        else:
            to_update.append(unit)
        unit.name = item["name"]
        unit.level_id = levels[item["level"]]
        unit.website = item["website"]
        unit.operator_email = item["operator_email"]
        unit.kode_wilayah = item["kode_wilayah"]
    progress(60, _("Saving %(count)s units") % {"count": len(plan.rows)})
    Unit.objects.bulk_create(to_create, batch_size=2000)
    Unit.objects.bulk_update(
        to_update,
        ["name", "level", "website", "operator_email", "kode_wilayah", "updated_at"],
        batch_size=2000,
    )
    progress(80, _("Linking units to their parents"))
    ids = dict(units.values_list("code", "pk"))
    with_parent = []
    for item in plan.rows:
        unit = existing.get(item["code"]) or Unit(
            pk=ids[item["code"]], code=item["code"], organiser=organiser
        )
        unit.parent_id = ids[item["parent"]] if item["parent"] else None
        with_parent.append(unit)
    Unit.objects.bulk_update(with_parent, ["parent"], batch_size=2000)
    if len(to_create) >= 1000:
        # Fresh statistics for the planner after a bulk load (the participation board's
        # anti-joins took 77 s instead of 60 ms on 83,000 units without them).
        transaction.on_commit(_units_analyse)
    progress(100, _("Done"))
    return plan


# --- the units import as a job (registered in apps.py) -------------------------------------
def units_import_start(*, data: bytes, file_name: str, user) -> Job:
    """Store the upload and queue its check; the user sees the preview when it is ready."""
    return job_start(kind=award_jobs.UNITS_IMPORT, created_by=user, data=data, file_name=file_name)


def units_import_job_check(job, data: bytes, report):
    plan = units_import_check(data=data, progress=report)
    return plan.problems, plan.summary()


def units_import_job_apply(job, data: bytes, report):
    plan = units_import_apply(data=data, progress=report)
    message = _("%(created)s units created, %(updated)s updated, %(unchanged)s unchanged.") % {
        "created": plan.created,
        "updated": plan.updated,
        "unchanged": plan.unchanged,
    }
    return message, plan.summary()


# --- accounts and roles -------------------------------------------------------------------
def _group(name: str) -> Group:
    return Group.objects.get_or_create(name=name)[0]


@dataclass
class Invitation:
    user: object
    link: str | None  # None when the account already existed and keeps its password
    created: bool


def _invitation_link(user, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("invitation_confirm", args=[uid, token])


def user_get_or_invite(
    *, email: str, full_name: str, group: str | None, base_url: str = "", username: str = ""
) -> Invitation:
    """Find the account (by ``username`` when given, else by email) or create it without a
    password, and add it to a group (if one is named)."""
    email = email.strip().lower()
    EmailValidator()(email)
    if username:
        user = User.objects.filter(username__iexact=username).first()
    else:
        user = (
            User.objects.filter(email__iexact=email).first()
            or User.objects.filter(username__iexact=email).first()
        )
    created = user is None
    if created:
        first, _sep, last = full_name.strip().partition(" ")
        user = User(
            username=username or email, email=email, first_name=first[:150], last_name=last[:150]
        )
        user.set_unusable_password()
        user.save()
    if group:
        user.groups.add(_group(group))
    link = None
    if not user.has_usable_password():
        link = _invitation_link(user, base_url or settings.SITE_URL)
    return Invitation(user=user, link=link, created=created)


def invitation_send(*, invitation: Invitation, role: str, target: str) -> None:
    user = invitation.user
    context = {
        "name": user.get_full_name() or user.email,
        "role": role,
        "target": target,
        "username": user.get_username(),
        "link": invitation.link,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    mail_send([Mail("award/email/invitation", context, [user.email])])


@transaction.atomic
def operator_invite(*, unit: Unit, email: str, full_name: str, invited_by, base_url: str = ""):
    """Make ``email`` an operator of ``unit``, creating the account with an invitation link."""
    invitation = user_get_or_invite(
        email=email, full_name=full_name, group=OPERATOR_GROUP, base_url=base_url
    )
    _membership, created = OperatorMembership.objects.get_or_create(
        user=invitation.user, unit=unit, defaults={"invited_by": invited_by}
    )
    if not created:
        raise ValidationError(
            {"email": _("%(email)s is already an operator of this unit.") % {"email": email}}
        )
    transaction.on_commit(
        lambda: invitation_send(invitation=invitation, role=_("PPID operator"), target=unit.name)
    )
    return invitation


def admin_grant(*, user) -> None:
    """Make ``user`` an admin of the current organiser."""
    OrganiserMembership.objects.update_or_create(
        user=user, organiser=organiser_current(), defaults={"role": "admin"}
    )


def lockout_release(*, attempt_id: int) -> str | None:
    """Let a locked-out user (for the address it was locked at) sign in again; returns the
    username, or None when that lockout no longer exists."""
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        return None
    reset(ip=attempt.ip_address, username=attempt.username)
    logger.info("sign-in lockout of %s from %s released", attempt.username, attempt.ip_address)
    return attempt.username or ""
