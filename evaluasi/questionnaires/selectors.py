"""Reads of questionnaires: their content (cached when frozen), specs, the active version."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from award.models import Period
from evaluasi.models import Aspect, Indicator, Questionnaire, SharedQuestionnaire
from evaluasi.questionnaires.rubric import (
    AspectSpec,
    IndicatorSpec,
    OptionSpec,
    QuestionnaireSpec,
    spec_problems,
)


def questionnaire_with_content(*, pk: int) -> Questionnaire:
    """The questionnaire with its aspects, indicators and options prefetched (4 queries)."""
    indicators = Indicator.objects.prefetch_related("options").order_by("order", "id")
    aspects = Aspect.objects.prefetch_related(Prefetch("indicators", queryset=indicators))
    return (
        Questionnaire.objects.select_related("period", "level")
        .prefetch_related(Prefetch("aspects", queryset=aspects.order_by("order", "id")))
        .get(pk=pk)
    )


def questionnaire_loaded(*, questionnaire: Questionnaire) -> Questionnaire:
    """``questionnaire`` itself when its content is already prefetched, else loaded."""
    if "aspects" in getattr(questionnaire, "_prefetched_objects_cache", {}):
        return questionnaire
    return questionnaire_with_content(pk=questionnaire.pk)


_CONTENT_CACHE: dict[int, Questionnaire] = {}


def questionnaire_for_saq(*, questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire with its aspects, indicators and options, for the SAQ screens.

    A frozen questionnaire (published, SAQ opened) cannot change any more, so its content is
    kept in process memory and shared read-only between requests: the wizard and autosave,
    the busiest screens, then load it with no query at all.
    """
    if not questionnaire.is_frozen:
        return questionnaire_with_content(pk=questionnaire.pk)
    cached = _CONTENT_CACHE.get(questionnaire.pk)
    if cached is None:
        if len(_CONTENT_CACHE) > 256:
            _CONTENT_CACHE.clear()
        cached = _CONTENT_CACHE[questionnaire.pk] = questionnaire_with_content(pk=questionnaire.pk)
    return cached


def _indicators_by_pk(content: Questionnaire) -> dict[int, Indicator]:
    """Indicators of loaded content by id, computed once per content object."""
    by_pk = getattr(content, "indicators_by_pk", None)
    if by_pk is None:
        by_pk = {i.pk: i for a in content.aspects.all() for i in a.indicators.all()}
        content.indicators_by_pk = by_pk
    return by_pk


def questionnaire_indicator(*, questionnaire: Questionnaire, pk: int) -> Indicator | None:
    """One indicator (with its options) of the questionnaire, from the SAQ content."""
    return _indicators_by_pk(questionnaire_for_saq(questionnaire=questionnaire)).get(int(pk))


def indicator_spec(*, indicator: Indicator) -> IndicatorSpec:
    """One indicator (its options prefetched) as the pure structure of
    ``evaluasi.questionnaires.rubric``."""
    i = indicator
    return IndicatorSpec(
        code=i.code,
        question=i.question,
        type=i.type,
        weight=i.weight,
        evidence=i.evidence,
        guidance=i.guidance,
        min_value=i.min_value,
        max_value=i.max_value,
        input_min=i.input_min,
        input_max=i.input_max,
        required=i.required,
        group=i.group,
        options=[OptionSpec(o.code, o.label, o.value) for o in i.options.all()],
    )


def questionnaire_spec(*, questionnaire: Questionnaire) -> QuestionnaireSpec:
    """The questionnaire as the pure structure the rules, scoring and workbooks use.

    Content already loaded (``questionnaire_with_content``, ``questionnaire_for_saq``) is used
    as it is; the spec is kept on the object, so shared frozen content builds it once."""
    q = questionnaire_loaded(questionnaire=questionnaire)
    spec = getattr(q, "rubric_spec", None)
    if spec is None:
        spec = q.rubric_spec = _build_spec(q)
    return spec


def _build_spec(q: Questionnaire) -> QuestionnaireSpec:
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
                indicators=[indicator_spec(indicator=i) for i in a.indicators.all()],
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


def levels_ready(*, period: Period) -> set[int]:
    """The ids of the levels with a published questionnaire in ``period``: only their units
    can fill the SAQ."""
    return set(
        Questionnaire.objects.filter(
            period=period, status=Questionnaire.Status.PUBLISHED
        ).values_list("level_id", flat=True)
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


# === the SAQ ==============================================================================


def answer_label(*, indicator, value: str) -> str:
    """An answer as the person chose it: the option's label, not its code; numbers with a
    decimal comma."""
    if value == "":
        return ""
    for option in indicator.options.all():
        if option.code == value:
            return option.label
    if indicator.type == "ya_tidak":
        return {"ya": _("Yes"), "tidak": _("No")}.get(value, value)
    if indicator.type == "angka":
        return value.replace(".", ",")
    return value


# --- shared questionnaires (issue #22) ----------------------------------------------------
def shared_questionnaires_live() -> QuerySet[SharedQuestionnaire]:
    """Every template an organiser offers, newest first, with its organiser."""
    return SharedQuestionnaire.objects.filter(withdrawn_at__isnull=True).select_related("organiser")


def shared_questionnaire_of(*, questionnaire: Questionnaire) -> SharedQuestionnaire | None:
    """The live template made from ``questionnaire``, if it is shared."""
    return shared_questionnaires_live().filter(source=questionnaire).first()
