"""Reads for reports and public pages. Everything public reads only *published* runs."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django_scopes import scopes_disabled

from award.models import Level, Period, Unit
from award.qualifications import QUALIFICATIONS
from common.models import Job
from laporan.models import code_normalise
from penilaian.models import Score, ScoringRun
from penilaian.selectors import scoring_run_current, scoring_run_published

from . import jobs
from .models import Certificate, ReportSettings

HEADER = [
    "Peringkat",
    "Kode",
    "Nama Unit",
    "Induk",
    "Nilai SAQ",
    "Nilai Verifikasi",
    "Nilai Presentasi",
    "Nilai Akhir",
    "Kualifikasi",
    "Finalis",
]


def report_run(*, period: Period) -> ScoringRun | None:
    """The run reports are made from: the published one, else the current (provisional)."""
    return scoring_run_published(period=period) or scoring_run_current(period=period)


def report_settings(*, period: Period) -> ReportSettings:
    """The period's report settings, made on first use from its organiser's defaults (the
    field defaults are Kutai Timur's, the first organiser's)."""
    organiser = period.organiser
    defaults = {
        "signatory_name": organiser.signatory_name,
        "signatory_title": organiser.signatory_title,
    }
    if organiser.slug != "kutim":
        defaults.update(organiser=organiser.name, office=organiser.name, city="")
    settings, _created = ReportSettings.objects.get_or_create(period=period, defaults=defaults)
    return settings


def run_levels(*, run: ScoringRun) -> list[Level]:
    """Levels with at least one scored unit in ``run``, in level order."""
    ids = Score.objects.filter(run=run).values_list("level_id", flat=True).distinct()
    return list(Level.objects.filter(pk__in=list(ids)).order_by("order", "code"))


def run_level_counts(*, run: ScoringRun) -> list[tuple[Level, int]]:
    """The levels of ``run`` (``run_levels``) with how many units each has."""
    counts = dict(
        Score.objects.filter(run=run)
        .values("level_id")
        .annotate(n=Count("pk"))
        .values_list("level_id", "n")
    )
    return [(level, counts[level.pk]) for level in run_levels(run=run)]


# --- public --------------------------------------------------------------------------------
def published_periods() -> list[dict]:
    """Periods with a published run, newest first, with their run."""
    runs = (
        ScoringRun.objects.filter(finalised_at__isnull=False, superseded_by__isnull=True)
        .select_related("period")
        .order_by("-period__year")
    )
    return [{"period": run.period, "run": run} for run in runs]


def public_ranking(*, run: ScoringRun, level: Level | None = None, query: str = ""):
    scores = Score.objects.filter(run=run).select_related("unit", "unit__parent", "level")
    if level is not None:
        scores = scores.filter(level=level)
    if query:
        scores = scores.filter(Q(unit__name__icontains=query) | Q(unit__code__icontains=query))
    return scores.order_by("level__order", "level__code", "rank", "unit__code")


def qualification_distribution(*, run: ScoringRun, level: Level | None) -> list[dict]:
    """How many units of ``level`` got each qualification in ``run`` (all five, in order),
    with the bar geometry of the server-rendered chart (percent of the largest group)."""
    scores = Score.objects.filter(run=run)
    if level is not None:
        scores = scores.filter(level=level)
    counts = dict(
        scores.values("qualification").annotate(n=Count("pk")).values_list("qualification", "n")
    )
    total = sum(counts.values()) or 1
    widest = max(counts.values(), default=0) or 1
    return [
        {
            "qualification": q,
            "count": counts.get(q.label, 0),
            "percent": round(100 * counts.get(q.label, 0) / total),
            "width": round(190 * counts.get(q.label, 0) / widest),
            "y": 26 * index,
        }
        for index, q in enumerate(QUALIFICATIONS)
    ]


def public_unit_history(*, unit: Unit) -> QuerySet[Score]:
    """A unit's published results across the years, newest first."""
    return (
        Score.objects.filter(
            unit=unit, run__finalised_at__isnull=False, run__superseded_by__isnull=True
        )
        .select_related("run__period", "level")
        .order_by("-run__period__year")
    )


def public_unit_search(*, query: str, limit: int = 50):
    """Units with at least one published result whose name or code matches."""
    if not query:
        return Unit.objects.none()
    return (
        Unit.objects.filter(Q(name__icontains=query) | Q(code__icontains=query))
        .annotate(
            results=Count(
                "scores",
                filter=Q(
                    scores__run__finalised_at__isnull=False,
                    scores__run__superseded_by__isnull=True,
                ),
            )
        )
        .filter(results__gt=0)
        .select_related("level", "parent")
        .order_by("level__order", "name")[:limit]
    )


def certificate_replacement(*, certificate: Certificate) -> Certificate | None:
    """The certificate that replaced a superseded one: the same unit's certificate of the same
    kind from the run in force now (following corrections of corrections), if issued."""
    run = certificate.run
    while run.superseded_by_id is not None:
        run = run.superseded_by
    if run.pk == certificate.run_id:
        return None
    return (
        Certificate.objects.filter(run=run, unit_id=certificate.unit_id, kind=certificate.kind)
        .order_by("pk")
        .first()
    )


def certificate_by_code(*, code: str) -> Certificate | None:
    """The published certificate with this code as typed: exactly (codes issued before the
    typable ones are case-sensitive) or in its normalised form, any case."""
    found = Certificate.objects.filter(run__finalised_at__isnull=False).select_related(
        "unit", "level", "run__period", "run__superseded_by"
    )
    return found.filter(code=code).first() or found.filter(code=code_normalise(code)).first()


def organisers_published(*, organisers) -> list[tuple]:
    """Each organiser with its periods that have a published run, newest first (the
    platform's start page: read across organisers on purpose)."""
    with scopes_disabled():
        runs = list(
            ScoringRun.objects.filter(finalised_at__isnull=False, superseded_by__isnull=True)
            .select_related("period")
            .order_by("-period__year")
        )
    by_organiser: dict[int, list] = {}
    for run in runs:
        by_organiser.setdefault(run.period.organiser_id, []).append(run.period)
    return [(organiser, by_organiser.get(organiser.pk, [])) for organiser in organisers]


def certificate_batch_latest(*, run: ScoringRun) -> Job | None:
    """The latest certificate batch of ``run`` that finished: the stored files of its
    certificates (the printing PDF and the ZIP of one PDF per unit)."""
    return (
        Job.objects.filter(kind=jobs.CERTIFICATES, status=Job.Status.SUCCEEDED, params__run=run.pk)
        .order_by("-pk")
        .first()
    )
