"""Reads of jury work: who may judge what, the juries of a period with their loads, the
assignments as a workbook, a jury's inbox and the verification sheet of one unit."""

from __future__ import annotations

from django.db.models import Count
from openpyxl import Workbook

from award.models import Period
from common.xlsx import header_row, workbook_defuse
from evaluasi.models import Submission
from evaluasi.questionnaires.selectors import answer_label  # noqa: F401 - used by the app
from penjurian.conflicts import jury_blocked_for_unit
from penjurian.models import Assignment, Verification


def assignments_workbook(*, period: Period) -> tuple[Workbook, int]:
    """Sheet ``penugasan`` (Kode, Nama Unit, Tingkat, Juri — one row per unit and jury, the
    jury as its username) and sheet ``beban`` (Juri, Jumlah Unit)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "penugasan"
    header_row(sheet, ["Kode", "Nama Unit", "Tingkat", "Juri"], [18, 44, 14, 24])
    rows = (
        Assignment.objects.filter(period=period)
        .order_by("unit__level__order", "unit__code", "jury__username")
        .values_list("unit__code", "unit__name", "unit__level__code", "jury__username")
    )
    count = 0
    for row in rows.iterator(chunk_size=5000):
        sheet.append(list(row))
        count += 1
    load = workbook.create_sheet("beban")
    header_row(load, ["Juri", "Jumlah Unit"], [24, 14])
    for username, units in (
        Assignment.objects.filter(period=period)
        .values("jury__username")
        .annotate(units=Count("unit", distinct=True))
        .order_by("jury__username")
        .values_list("jury__username", "units")
    ):
        load.append([username, units])
    return workbook_defuse(workbook), count


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


def assignments_totals(*, period: Period) -> dict:
    """Units with a submitted SAQ, how many of them have the period's number of juries, and
    the number of assignments."""
    submitted = Submission.objects.filter(period=period, status=Submission.Status.SUBMITTED)
    per_unit = (
        Assignment.objects.filter(period=period, unit__in=submitted.values("unit"))
        .values("unit")
        .annotate(juries=Count("jury"))
    )
    complete = per_unit.filter(juries__gte=period.juries_per_unit).count()
    return {
        "submitted": submitted.count(),
        "complete": complete,
        "assignments": Assignment.objects.filter(period=period).count(),
        "per_unit": period.juries_per_unit,
    }


def jury_may_judge_unit(*, jury, period, unit_id: int) -> bool:
    """Whether ``jury`` is assigned to the unit in ``period`` and not in conflict with it."""
    if not jury.is_authenticated:
        return False
    if not Assignment.objects.filter(period=period, unit_id=unit_id, jury=jury).exists():
        return False
    membership = period.juries.filter(user=jury).prefetch_related("conflicts").first()
    if membership is None:
        return False
    return not jury_blocked_for_unit(membership=membership, unit_id=unit_id)


def jury_may_judge(*, jury, submission) -> bool:
    """Whether ``jury`` may judge the submission's unit (``jury_may_judge_unit``)."""
    return jury_may_judge_unit(jury=jury, period=submission.period, unit_id=submission.unit_id)


def jury_inbox(*, jury) -> list[dict]:
    """The units assigned to ``jury`` in periods not yet finalised, each with its submission,
    how many indicators it has verified and how many there are, and the deadline."""
    assignments = list(
        Assignment.objects.filter(jury=jury, period__finalised_at__isnull=True)
        .select_related("period", "unit", "unit__level")
        .order_by("period__year", "unit__level__order", "unit__code")
    )
    submissions = {
        (s.period_id, s.unit_id): s
        for s in Submission.objects.filter(
            period__in={a.period_id for a in assignments},
            unit__in={a.unit_id for a in assignments},
            status=Submission.Status.SUBMITTED,
        ).annotate(indicator_count=Count("questionnaire__indicators", distinct=True))
    }
    done = dict(
        Verification.objects.filter(jury=jury, submission__in=[s.pk for s in submissions.values()])
        .values("submission_id")
        .annotate(n=Count("indicator", distinct=True))
        .values_list("submission_id", "n")
    )
    from penjurian.models import Objection

    objections = dict(
        Objection.objects.filter(
            verification__jury=jury, status="open", submission__in=list(submissions.values())
        )
        .values("submission_id")
        .annotate(n=Count("pk"))
        .values_list("submission_id", "n")
    )
    rows = []
    for assignment in assignments:
        submission = submissions.get((assignment.period_id, assignment.unit_id))
        if submission is None:
            continue
        verified = done.get(submission.pk, 0)
        total = submission.indicator_count
        rows.append(
            {
                "assignment": assignment,
                "submission": submission,
                "verified": verified,
                "total": total,
                "percent": round(100 * verified / total) if total else 0,
                "deadline": assignment.period.verification_close,
                "objections": objections.get(submission.pk, 0),
            }
        )
    return rows


def verification_progress(*, submission, jury) -> tuple[int, int]:
    """(indicators this jury has given a verdict on, indicators of the questionnaire)."""
    from evaluasi.models import Indicator

    done = Verification.objects.filter(submission=submission, jury=jury).count()
    total = Indicator.objects.filter(questionnaire_id=submission.questionnaire_id).count()
    return done, total


def verification_sheet(*, submission, jury) -> list[dict]:
    """Per aspect, every indicator with the self-assessed answer (and its label), its
    evidence and this jury's verdict so far."""
    from evaluasi.questionnaires.selectors import questionnaire_for_saq
    from evaluasi.saq.selectors import submission_answers, submission_evidence

    # A submitted SAQ's questionnaire is frozen: its content comes from the process cache the
    # SAQ screens share (read-only), not from four queries and 1,500 model instances a page.
    questionnaire = questionnaire_for_saq(questionnaire=submission.questionnaire)
    answers = submission_answers(submission=submission)
    evidence = submission_evidence(submission=submission)
    verdicts = {
        v.indicator_id: v
        for v in Verification.objects.filter(submission=submission, jury=jury).select_related(
            "objection"
        )
    }
    aspects = []
    for aspect in questionnaire.aspects.all():
        rows = []
        for indicator in aspect.indicators.all():
            answer = answers.get(indicator.pk)
            value = answer.value if answer else ""
            verdict = verdicts.get(indicator.pk)
            rows.append(
                {
                    "indicator": indicator,
                    "value": value,
                    "label": answer_label(indicator=indicator, value=value),
                    "evidence": evidence.get(indicator.pk, []),
                    "verdict": verdict,
                    "verdict_label": answer_label(indicator=indicator, value=verdict.value)
                    if verdict
                    else "",
                }
            )
        aspects.append(
            {
                "aspect": aspect,
                "rows": rows,
                "done": sum(1 for row in rows if row["verdict"]),
            }
        )
    return aspects


def indicator_next(*, indicator):
    """The indicator after this one in the order the SAQ and the verification page show
    (aspect order, then indicator order), or None after the last."""
    from evaluasi.models import Indicator

    ordered = list(
        Indicator.objects.filter(questionnaire_id=indicator.questionnaire_id)
        .order_by("aspect__order", "aspect__id", "order", "id")
        .values_list("pk", flat=True)
    )
    index = ordered.index(indicator.pk)
    if index + 1 >= len(ordered):
        return None
    return Indicator.objects.get(pk=ordered[index + 1])


def operator_jury_cards(*, period, units) -> None:
    """For the operator's dashboard: per unit, how many verdicts differ from its answers,
    open objections, whether the window is open, and its presentation schedule."""
    from penjurian.models import Objection, PresentationSlot

    if period is None:
        return
    unit_ids = [unit.pk for unit in units]
    changed = dict(
        Verification.objects.filter(submission__period=period, submission__unit__in=unit_ids)
        .exclude(decision=Verification.Decision.ACCEPT)
        .values("submission__unit")
        .annotate(n=Count("pk"))
        .values_list("submission__unit", "n")
    )
    waiting = dict(
        Objection.objects.filter(
            submission__period=period, submission__unit__in=unit_ids, status="open"
        )
        .values("submission__unit")
        .annotate(n=Count("pk"))
        .values_list("submission__unit", "n")
    )
    slots = {
        s.unit_id: s for s in PresentationSlot.objects.filter(period=period, unit__in=unit_ids)
    }
    window = period.stage == "sanggah" and not period.inputs_locked
    for unit in units:
        unit.jury_work = {
            "changed": changed.get(unit.pk, 0),
            "waiting": waiting.get(unit.pk, 0),
            "window_open": window,
            "slot": slots.get(unit.pk),
        }


def jury_objections_open(*, jury) -> list:
    """The open objections to ``jury``'s verdicts in periods not yet finalised, oldest first,
    with their unit, indicator and period (for the jury's dashboard)."""
    from penjurian.models import Objection

    return list(
        Objection.objects.filter(
            verification__jury=jury, status="open", submission__period__finalised_at__isnull=True
        )
        .select_related("submission__unit", "submission__period", "verification__indicator")
        .order_by("filed_at")
    )


def objections_open_count(*, jury, submission) -> int:
    from penjurian.models import Objection

    return Objection.objects.filter(
        verification__jury=jury, submission=submission, status="open"
    ).count()


def assignment_matrix(*, period, level_id=None, parent_id=None) -> dict:
    """Units with a submitted SAQ (filtered by level and kecamatan) × the juries that judge
    their level: which cells are assigned, which are blocked by a conflict, and each jury's load."""
    from award.models import Unit
    from penjurian.services import jury_facts

    units = Unit.objects.filter(
        submissions__period=period, submissions__status=Submission.Status.SUBMITTED
    ).select_related("level", "parent")
    if level_id:
        units = units.filter(level_id=level_id)
    if parent_id:
        units = units.filter(parent_id=parent_id)
    units = units.order_by("level__order", "code")
    facts = {f.jury: f for f in jury_facts(period=period)}
    memberships = list(period.juries.select_related("user").order_by("user__username"))
    if level_id:
        memberships = [
            m
            for m in memberships
            if not facts[m.user_id].levels or level_id in facts[m.user_id].levels
        ]
    assigned = set(Assignment.objects.filter(period=period).values_list("unit_id", "jury_id"))
    loads = dict(
        Assignment.objects.filter(period=period)
        .values("jury_id")
        .annotate(n=Count("pk"))
        .values_list("jury_id", "n")
    )
    return {
        "units": units,
        "juries": [
            {"membership": m, "user": m.user, "load": loads.get(m.user_id, 0)} for m in memberships
        ],
        "assigned": assigned,
        "facts": facts,
    }
