"""Oversight of jury work for the admin: progress per jury and per unit, reminders to juries
that are behind, and what is still open before penetapan (``jury_work_open``)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import Period
from evaluasi.models import Indicator, Submission
from penjurian import notify
from penjurian.models import Assignment, Objection, Verification


def verification_progress(*, period: Period) -> dict:
    """Per jury: units assigned, units finished, indicators done of due; per unit: juries,
    indicators done of due, open objections. Counted in a few grouped queries."""
    submissions = {
        unit: (pk, questionnaire)
        for pk, unit, questionnaire in Submission.objects.filter(
            period=period, status=Submission.Status.SUBMITTED
        ).values_list("pk", "unit_id", "questionnaire_id")
    }
    indicators = dict(
        Indicator.objects.filter(questionnaire__in={q for _s, q in submissions.values()})
        .values("questionnaire")
        .annotate(n=Count("pk"))
        .values_list("questionnaire", "n")
    )
    done = {
        (submission, jury): n
        for submission, jury, n in Verification.objects.filter(submission__period=period)
        .values("submission", "jury")
        .annotate(n=Count("pk"))
        .values_list("submission", "jury", "n")
    }
    waiting = dict(
        Objection.objects.filter(submission__period=period, status=Objection.Status.OPEN)
        .values("submission__unit")
        .annotate(n=Count("pk"))
        .values_list("submission__unit", "n")
    )
    juries = defaultdict(lambda: {"units": 0, "finished": 0, "done": 0, "due": 0})
    units = defaultdict(lambda: {"juries": 0, "done": 0, "due": 0})
    for unit, jury in Assignment.objects.filter(period=period).values_list("unit_id", "jury_id"):
        if unit not in submissions:
            continue
        submission, questionnaire = submissions[unit]
        due = indicators.get(questionnaire, 0)
        made = min(done.get((submission, jury), 0), due)
        for row in (juries[jury], units[unit]):
            row["done"] += made
            row["due"] += due
        juries[jury]["units"] += 1
        juries[jury]["finished"] += made == due
        units[unit]["juries"] += 1
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(juries))}
    from award.models import Unit

    unit_rows = {u.pk: u for u in Unit.objects.filter(pk__in=list(units)).select_related("level")}
    closed = period.verification_close is not None and period.verification_close <= timezone.now()
    jury_list = [
        {
            "user": users[jury],
            **row,
            "percent": round(100 * row["done"] / row["due"]) if row["due"] else 100,
            "late": closed and row["done"] < row["due"],
        }
        for jury, row in juries.items()
    ]
    jury_list.sort(key=lambda r: (r["percent"], r["user"].username))
    unit_list = [
        {
            "unit": unit_rows[unit],
            "submission": submissions[unit][0],
            **row,
            "percent": round(100 * row["done"] / row["due"]) if row["due"] else 100,
            "objections": waiting.get(unit, 0),
        }
        for unit, row in units.items()
    ]
    unit_list.sort(key=lambda r: (r["percent"], r["unit"].code))
    return {"juries": jury_list, "units": unit_list}


def juries_remind(*, period: Period, jury_ids: list[int] | None = None) -> int:
    """Email every jury (or the ones named) that has unfinished units; returns how many."""
    rows = [
        row
        for row in verification_progress(period=period)["juries"]
        if row["done"] < row["due"] and (jury_ids is None or row["user"].pk in jury_ids)
    ]
    notify.juries_remind_notify(period=period, rows=rows)
    return len(rows)


def jury_work_open(*, period: Period) -> list[dict]:
    """What jury work is unfinished before penetapan, each item with a stable key (for an
    admin override), the unit it concerns and a sentence in Indonesian."""
    from penjurian.presentations import presentation_open_items

    items = []
    if period.has_verification:
        for row in verification_progress(period=period)["units"]:
            if row["done"] < row["due"]:
                unit = row["unit"]
                items.append(
                    {
                        "key": f"verifikasi:{unit.pk}",
                        "unit": unit,
                        "label": _("Verification of %(unit)s: %(done)s of %(due)s verdicts given.")
                        % {"unit": unit.name, "done": row["done"], "due": row["due"]},
                    }
                )
        for objection in Objection.objects.filter(
            submission__period=period, status=Objection.Status.OPEN
        ).select_related("submission__unit", "verification__indicator"):
            unit = objection.submission.unit
            items.append(
                {
                    "key": f"sanggah:{objection.pk}",
                    "unit": unit,
                    "label": _("Objection of %(unit)s on %(code)s is not answered.")
                    % {"unit": unit.name, "code": objection.verification.indicator.code},
                }
            )
    if period.has_presentation:
        for slot, missing in presentation_open_items(period=period):
            items.append(
                {
                    "key": f"presentasi:{slot.unit_id}",
                    "unit": slot.unit,
                    "label": _("Presentation of %(unit)s not scored by %(juries)s.")
                    % {
                        "unit": slot.unit.name,
                        "juries": ", ".join(j.get_full_name() or j.username for j in missing),
                    },
                }
            )
    return items
