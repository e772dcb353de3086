"""Juries of a period: who judges (added by hand or by workbook), what each judges (levels)
and must never judge (declared conflicts; the rule itself is ``penjurian.models.jury_blocked``),
leaving the period, and the overview of the juries with their loads.

``import_juries`` reads the juries workbook (DESIGN.md §4 "Juries"): sheet ``juri`` with
``username``, ``nama``, ``email`` and optional ``tingkat`` (level codes, comma separated;
empty = every level) and ``konflik`` (unit codes, comma separated; a kecamatan also covers the
desa under it, which ``jury_facts`` expands). Existing accounts are matched by username; new
ones are created without a password and invited. All or nothing: every problem is reported as
``juri!F4: ...`` and nothing is saved while one remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.models import JURY_GROUP, JuryMembership, Level, Period, Unit
from award.services import Invitation, invitation_send, user_get_or_invite
from common.jobs import ImportRejected
from common.workbooks import Column, Problems, row_check, sheet_read, workbook_open
from penjurian.assignment import AssignmentReport, assignments_fill, assignments_release_forbidden
from penjurian.models import Assignment, Verification


# --- one jury: joins, its scope, leaves -----------------------------------------------------
@transaction.atomic
def jury_add(
    *,
    period: Period,
    email: str,
    full_name: str,
    home_unit: Unit | None = None,
    levels=(),
    conflict_codes: str = "",
    invited_by=None,
    base_url: str = "",
):
    """Make ``email`` a jury of ``period`` (creating the account with an invitation link), with
    its own unit, the levels it judges and its declared conflicts. All or nothing."""
    invitation = user_get_or_invite(
        email=email, full_name=full_name, group=JURY_GROUP, base_url=base_url
    )
    membership, created = JuryMembership.objects.get_or_create(
        user=invitation.user, period=period, defaults={"home_unit": home_unit}
    )
    if not created:
        raise ValidationError(
            {"email": _("%(email)s is already a jury of this period.") % {"email": email}}
        )
    jury_scope_set(membership=membership, levels=levels, conflict_codes=conflict_codes)
    transaction.on_commit(
        lambda: invitation_send(invitation=invitation, role=_("jury"), target=period.name)
    )
    return invitation


def jury_scope_set(*, membership, levels, conflict_codes: str) -> int:
    """The levels a jury judges (none: every level) and its declared conflicts, given as unit
    codes separated by commas; an unknown code saves nothing. The jury's assignments that the
    new levels or conflicts forbid are taken away (its verdicts stay stored, as on drop-out);
    returns how many."""
    Period.objects.get(pk=membership.period_id).check_inputs_editable()
    codes = [part.strip() for part in (conflict_codes or "").replace(";", ",").split(",")]
    codes = [code for code in codes if code]
    units = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in units]
    if unknown:
        raise ValidationError(
            {"conflicts": _("Unknown unit codes: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    with transaction.atomic():
        membership.levels.set(list(levels))
        membership.conflicts.set([units[code] for code in codes])
        return assignments_release_forbidden(period=membership.period, jury=membership.user_id)


@transaction.atomic
def jury_remove(*, period: Period, jury) -> AssignmentReport:
    """A jury leaves the period (the one way to remove a jury): its unfinished units (no
    verification by it yet) go to other juries by the same rules; the work it finished stays.
    All or nothing."""
    Period.objects.select_for_update().get(pk=period.pk).check_inputs_editable()
    worked = set(
        Verification.objects.filter(jury=jury, submission__period=period).values_list(
            "submission__unit_id", flat=True
        )
    )
    released, _counts = (
        Assignment.objects.filter(period=period, jury=jury).exclude(unit_id__in=worked).delete()
    )
    period.juries.filter(user=jury).delete()
    report = assignments_fill(period=period)
    report.released = released
    report.finished = len(worked)
    return report


def juries_overview(*, period: Period) -> list[dict]:
    """Each jury of the period: the membership (levels, conflicts, own unit), how many units it
    is assigned and on how many of them it has started verifying."""
    memberships = list(
        period.juries.select_related("user", "home_unit")
        .prefetch_related("levels", "conflicts")
        .order_by("user__username")
    )
    loads = dict(
        Assignment.objects.filter(period=period)
        .values("jury_id")
        .annotate(units=Count("unit"))
        .values_list("jury_id", "units")
    )
    started = dict(
        Verification.objects.filter(submission__period=period)
        .values("jury_id")
        .annotate(units=Count("submission__unit", distinct=True))
        .values_list("jury_id", "units")
    )
    return [
        {
            "membership": membership,
            "user": membership.user,
            "levels": [level.name for level in membership.levels.all()],
            "conflicts": [unit.code for unit in membership.conflicts.all()],
            "load": loads.get(membership.user_id, 0),
            "started": started.get(membership.user_id, 0),
        }
        for membership in memberships
    ]


# --- the juries workbook ------------------------------------------------------------------
JURIES_SHEET = "juri"
JURIES_REQUIRED = ["username", "nama", "email"]
JURIES_OPTIONAL = ["tingkat", "konflik"]
USERNAME_MAX = 150
JURIES_COLUMNS = [
    Column(
        "username",
        "key",
        strict=True,
        max_length=USERNAME_MAX,
        ignore_case=True,
        placeholder="username",
        empty=gettext_lazy("The username is empty."),
        invalid=gettext_lazy(
            "Username '%(username)s' must be at most 150 characters without spaces."
        ),
        duplicate=gettext_lazy(
            "Username '%(username)s' is duplicated; it already appears in row %(row)s."
        ),
    ),
    Column("nama", "name", strict=True, empty=gettext_lazy("The name is empty.")),
    Column(
        "email",
        "email",
        strict=True,
        required=True,
        unique=True,
        lower=True,
        placeholder="email",
        invalid=gettext_lazy("'%(email)s' is not a valid email address."),
        duplicate=gettext_lazy("Email %(email)s is duplicated; it already appears in row %(row)s."),
    ),
    Column("tingkat"),
    Column("konflik"),
]


@dataclass
class JuryRow:
    username: str
    name: str
    email: str
    levels: list[int]
    conflicts: list[int]


@dataclass
class JuriesImportPlan:
    rows: list[JuryRow] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    created_users: int = 0
    added: int = 0
    updated: int = 0


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def juries_import_check(*, period: Period, data: bytes) -> JuriesImportPlan:
    """Validate a juries workbook against the database; writes nothing."""
    plan = JuriesImportPlan()
    problems = plan.problems
    workbook = workbook_open(data, problems)
    if workbook is None:
        return plan
    table = sheet_read(
        workbook,
        JURIES_SHEET,
        required=JURIES_REQUIRED,
        optional=JURIES_OPTIONAL,
        problems=problems,
    )
    if table is None:
        return plan
    levels = {code.lower(): pk for pk, code in Level.objects.values_list("pk", "code")}
    user_model = get_user_model()
    seen: dict = {}
    conflict_codes = {code for row in table.rows for code in _codes(row.text("konflik"))}
    units = dict(Unit.objects.filter(code__in=conflict_codes).values_list("code", "pk"))
    usernames = {row.text("username").lower() for row in table.rows} - {""}
    existing = {
        user.username.lower(): user
        for user in user_model.objects.annotate(key=Lower("username")).filter(key__in=usernames)
    }
    owners = {
        email: username.lower()
        for email, username in user_model.objects.annotate(key=Lower("email"))
        .filter(key__in={row.text("email").lower() for row in table.rows} - {""})
        .values_list("key", "username")
    }
    for row in table.rows:
        values = row_check(row, JURIES_COLUMNS, problems, seen)
        if values is None:
            continue
        ok = values["ok"]
        username, name, email = values["username"], values["nama"], values["email"]
        key = username.lower()
        other = owners.get(email)
        taken = other is not None and other != key and key not in existing
        if taken and "email" not in values["failed"]:
            problems.error(
                row.sheet,
                row.ref("email"),
                _(
                    "Email %(email)s already belongs to user '%(other)s'; use that "
                    "username or another email."
                )
                % {"email": email, "other": other},
            )
            ok = False
        level_ids = []
        for code in _codes(row.text("tingkat")):
            if code.lower() not in levels:
                problems.error(
                    row.sheet,
                    row.ref("tingkat"),
                    _("Unknown level '%(code)s' (known: %(known)s).")
                    % {"code": code, "known": ", ".join(sorted(levels))},
                )
                ok = False
            else:
                level_ids.append(levels[code.lower()])
        conflict_ids = []
        for code in _codes(row.text("konflik")):
            if code not in units:
                problems.error(
                    row.sheet,
                    row.ref("konflik"),
                    _("Unknown unit code '%(code)s'.") % {"code": code},
                )
                ok = False
            else:
                conflict_ids.append(units[code])
        if ok:
            plan.rows.append(
                JuryRow(
                    username=existing[key].username if key in existing else username,
                    name=name,
                    email=email,
                    levels=sorted(set(level_ids)),
                    conflicts=sorted(set(conflict_ids)),
                )
            )
    if not table.rows:
        problems.error(JURIES_SHEET, "A2", _("The sheet has no juries."))
    return plan


def juries_import_apply(*, period: Period, data: bytes, invited_by=None) -> JuriesImportPlan:
    """Import the juries of ``period`` all or nothing; raises ``ImportRejected`` with every
    problem. A jury already in the period gets its levels and conflicts replaced by the file's."""
    plan = juries_import_check(period=period, data=data)
    if plan.problems.errors:
        raise ImportRejected(plan.problems)
    invitations: list[Invitation] = []
    with transaction.atomic():
        Period.objects.select_for_update().get(pk=period.pk).check_inputs_editable()
        for row in plan.rows:
            invitation = user_get_or_invite(
                email=row.email, full_name=row.name, group=JURY_GROUP, username=row.username
            )
            plan.created_users += invitation.created
            membership, created = JuryMembership.objects.get_or_create(
                user=invitation.user, period=period
            )
            plan.added += created
            plan.updated += not created
            membership.levels.set(row.levels)
            membership.conflicts.set(row.conflicts)
            if created:
                invitations.append(invitation)
        transaction.on_commit(
            lambda: [
                invitation_send(invitation=item, role=_("jury"), target=period.name)
                for item in invitations
            ]
        )
    return plan
