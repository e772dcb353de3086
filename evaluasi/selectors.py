"""Reads of questionnaires."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from award.models import Period

from .models import Aspect, Indicator, Questionnaire
from .rubric import AspectSpec, IndicatorSpec, OptionSpec, QuestionnaireSpec, spec_problems


def questionnaire_with_content(*, pk: int) -> Questionnaire:
    indicators = Indicator.objects.prefetch_related("options").order_by("order", "id")
    aspects = Aspect.objects.prefetch_related(Prefetch("indicators", queryset=indicators))
    return (
        Questionnaire.objects.select_related("period", "level")
        .prefetch_related(Prefetch("aspects", queryset=aspects.order_by("order", "id")))
        .get(pk=pk)
    )


def questionnaire_spec(*, questionnaire: Questionnaire) -> QuestionnaireSpec:
    """The questionnaire as the pure structure the rules, scoring and workbooks use."""
    q = questionnaire_with_content(pk=questionnaire.pk)
    return QuestionnaireSpec(
        title=q.title,
        level=q.level.code,
        version_label=q.version_label,
        aspects=[
            AspectSpec(
                code=a.code,
                name=a.name,
                weight=a.weight,
                description=a.description,
                indicators=[
                    IndicatorSpec(
                        code=i.code,
                        question=i.question,
                        type=i.type,
                        weight=i.weight,
                        evidence=i.evidence,
                        guidance=i.guidance,
                        min_value=i.min_value,
                        max_value=i.max_value,
                        required=i.required,
                        group=i.group,
                        options=[OptionSpec(o.code, o.label, o.value) for o in i.options.all()],
                    )
                    for i in a.indicators.all()
                ],
            )
            for a in q.aspects.all()
        ],
    )


def questionnaire_problems(*, questionnaire: Questionnaire):
    return spec_problems(questionnaire_spec(questionnaire=questionnaire))


def questionnaires_for_period(*, period: Period) -> QuerySet[Questionnaire]:
    return (
        Questionnaire.objects.filter(period=period)
        .select_related("level")
        .annotate(indicator_count=Count("indicators", distinct=True))
        .order_by("level__order", "-version")
    )


def questionnaire_active(*, period: Period, level) -> Questionnaire | None:
    """The questionnaire operators of ``level`` fill: the latest published version."""
    return (
        Questionnaire.objects.filter(
            period=period, level=level, status=Questionnaire.Status.PUBLISHED
        )
        .order_by("-version")
        .first()
    )


def period_previous(*, period: Period) -> Period | None:
    return Period.objects.filter(year__lt=period.year).order_by("-year").first()
