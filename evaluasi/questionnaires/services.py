"""Writes of questionnaires: import, copy, versions, publication and the editor's changes."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import Level, Period
from common.jobs import ImportRejected, job_start
from common.models import Job
from evaluasi import jobs as evaluasi_jobs
from evaluasi.models import (
    Aspect,
    Indicator,
    Option,
    Questionnaire,
    SharedQuestionnaire,
)
from evaluasi.questionnaires.rubric import (
    QuestionnaireSpec,
    spec_from_data,
    spec_problems,
    spec_to_data,
)
from evaluasi.questionnaires.selectors import (
    period_previous,
    questionnaire_spec,
)
from evaluasi.questionnaires.workbook import questionnaire_parse

logger = logging.getLogger(__name__)


def _ensure_editable(questionnaire: Questionnaire) -> None:
    questionnaire.period.check_inputs_editable()
    if questionnaire.is_frozen:
        raise ValidationError(
            _(
                "This questionnaire is published and the SAQ has opened, so it cannot change. "
                "Make a new version instead."
            )
        )


# --- creating from a spec -----------------------------------------------------------------
@transaction.atomic
def questionnaire_create_from_spec(
    *, spec: QuestionnaireSpec, period: Period, created_by=None, file_name: str = ""
) -> Questionnaire:
    """Store a questionnaire as a new draft version for its period and level."""
    level = Level.objects.get(code=spec.level)
    latest = (
        Questionnaire.objects.select_for_update()
        .filter(period=period, level=level)
        .aggregate(v=Max("version"))["v"]
    )
    questionnaire = Questionnaire.objects.create(
        period=period,
        level=level,
        title=spec.title,
        version=(latest or 0) + 1,
        version_label=spec.version_label,
        source_file_name=file_name[:255],
        created_by=created_by,
    )
    aspects = Aspect.objects.bulk_create(
        [
            Aspect(
                questionnaire=questionnaire,
                code=a.code,
                name=a.name,
                weight=a.weight,
                order=index,
                description=a.description,
            )
            for index, a in enumerate(spec.aspects)
        ]
    )
    indicators = []
    for aspect, aspect_spec in zip(aspects, spec.aspects, strict=True):
        for index, i in enumerate(aspect_spec.indicators):
            indicators.append(
                Indicator(
                    questionnaire=questionnaire,
                    aspect=aspect,
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
                    order=index,
                )
            )
    indicators = Indicator.objects.bulk_create(indicators, batch_size=1000)
    specs = [i for a in spec.aspects for i in a.indicators]
    Option.objects.bulk_create(
        [
            Option(indicator=indicator, code=o.code, label=o.label, value=o.value, order=index)
            for indicator, indicator_spec in zip(indicators, specs, strict=True)
            for index, o in enumerate(indicator_spec.options)
        ],
        batch_size=2000,
    )
    return questionnaire


# A rejected workbook (all or nothing) carries every problem found.
QuestionnaireRejected = ImportRejected


def questionnaire_import(
    *, data: bytes, period: Period, created_by=None, file_name: str = ""
) -> Questionnaire:
    """Import a workbook: all or nothing; raises QuestionnaireRejected listing every problem."""
    parsed = questionnaire_parse(
        data, level_codes=set(Level.objects.values_list("code", flat=True))
    )
    if parsed.problems.errors:
        raise QuestionnaireRejected(parsed.problems)
    return questionnaire_create_from_spec(
        spec=parsed.spec, period=period, created_by=created_by, file_name=file_name
    )


# --- import as a job with a preview -------------------------------------------------------
def questionnaire_import_start(*, data: bytes, file_name: str, period: Period, user) -> Job:
    """Store the upload and queue its check (job kind registered in ``evaluasi.apps``)."""
    return job_start(
        kind=evaluasi_jobs.QUESTIONNAIRE_IMPORT,
        created_by=user,
        data=data,
        file_name=file_name,
        params={"period": period.pk},
    )


def questionnaire_import_job_check(job, data: bytes, report):
    report(20, _("Reading the workbook"))
    parsed = questionnaire_parse(
        data, level_codes=set(Level.objects.values_list("code", flat=True))
    )
    return parsed.problems, parsed.preview()


def questionnaire_import_job_apply(job, data: bytes, report):
    report(50, _("Saving the questionnaire"))
    questionnaire = questionnaire_import(
        data=data,
        period=Period.objects.get(pk=job.params["period"]),
        created_by=job.created_by,
        file_name=job.file_name,
    )
    message = _("Questionnaire “%(title)s” imported as draft version %(version)s.") % {
        "title": questionnaire.title,
        "version": questionnaire.version,
    }
    return message, {**job.result, "questionnaire": questionnaire.pk}


# --- versions, copies, publication --------------------------------------------------------
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    problems = spec_problems(questionnaire_spec(questionnaire=questionnaire))
    if problems:
        raise ValidationError([p.message for p in problems])
    if questionnaire.status == Questionnaire.Status.PUBLISHED:
        return questionnaire
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["status", "published_at", "updated_at"])
    return questionnaire


def questionnaire_new_version(*, questionnaire: Questionnaire, created_by) -> Questionnaire:
    """A draft copy with the next version number (the way to change a frozen questionnaire)."""
    return questionnaire_create_from_spec(
        spec=questionnaire_spec(questionnaire=questionnaire),
        period=questionnaire.period,
        created_by=created_by,
    )


@transaction.atomic
def questionnaire_copy_from_previous(*, period: Period, created_by) -> list[Questionnaire]:
    """Copy each level's latest questionnaire of the previous period into ``period``."""
    previous = period_previous(period=period)
    if previous is None:
        raise ValidationError(_("There is no earlier period to copy from."))
    copies = []
    for level in Level.objects.all():
        source = (
            Questionnaire.objects.filter(period=previous, level=level)
            .order_by("-status", "-version")  # "published" sorts after "draft"
            .first()
        )
        if source is None:
            continue
        spec = questionnaire_spec(questionnaire=source)
        copies.append(
            questionnaire_create_from_spec(spec=spec, period=period, created_by=created_by)
        )
    if not copies:
        raise ValidationError(
            _("Period %(year)s has no questionnaire to copy.") % {"year": previous.year}
        )
    return copies


# --- shared questionnaires (issue #22) ----------------------------------------------------
@transaction.atomic
def questionnaire_share(*, questionnaire: Questionnaire, user) -> SharedQuestionnaire:
    """Publish a published questionnaire as a template other organisers may copy."""
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise ValidationError(_("Only a published questionnaire can be shared."))
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    if SharedQuestionnaire.objects.filter(source=questionnaire, withdrawn_at__isnull=True).exists():
        raise ValidationError(_("This questionnaire is already shared."))
    spec = questionnaire_spec(questionnaire=questionnaire)
    return SharedQuestionnaire.objects.create(
        organiser_id=questionnaire.period.organiser_id,
        source=questionnaire,
        title=questionnaire.title,
        level_code=questionnaire.level.code,
        level_name=questionnaire.level.name,
        version_label=questionnaire.version_label,
        year=questionnaire.period.year,
        spec=spec_to_data(spec),
        aspect_count=len(spec.aspects),
        indicator_count=len(list(spec.indicators())),
        shared_by=user,
    )


def shared_questionnaire_withdraw(*, shared: SharedQuestionnaire) -> None:
    """Stop offering a template; copies already made stay as they are."""
    if shared.withdrawn_at is None:
        shared.withdrawn_at = timezone.now()
        shared.save(update_fields=["withdrawn_at"])


def shared_questionnaire_copy(
    *, shared: SharedQuestionnaire, period: Period, level: Level, created_by
) -> Questionnaire:
    """A draft of the current organiser's ``period`` and ``level`` from a shared template."""
    if shared.withdrawn_at is not None:
        raise ValidationError(_("This template has been withdrawn by its organiser."))
    period.check_inputs_editable()
    spec = spec_from_data(shared.spec)
    spec.level = level.code
    return questionnaire_create_from_spec(
        spec=spec,
        period=period,
        created_by=created_by,
        file_name=_("template of %(organiser)s") % {"organiser": shared.organiser.name},
    )


def questionnaire_delete(*, questionnaire: Questionnaire) -> None:
    if questionnaire.status != Questionnaire.Status.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    questionnaire.delete()


def questionnaire_update(*, questionnaire: Questionnaire, title: str) -> Questionnaire:
    _ensure_editable(questionnaire)
    questionnaire.title = title
    questionnaire.save(update_fields=["title", "updated_at"])
    return questionnaire


# --- editor: aspects, indicators, options -------------------------------------------------
def aspect_save(*, questionnaire: Questionnaire, aspect: Aspect | None = None, **fields) -> Aspect:
    _ensure_editable(questionnaire)
    if aspect is None:
        last = questionnaire.aspects.aggregate(m=Max("order"))["m"]
        aspect = Aspect(questionnaire=questionnaire, order=(last or 0) + 1)
    for key, value in fields.items():
        setattr(aspect, key, value)
    aspect.full_clean()
    aspect.save()
    return aspect


def aspect_delete(*, aspect: Aspect) -> None:
    _ensure_editable(aspect.questionnaire)
    aspect.delete()


def _move(queryset, item, direction: str) -> None:
    """Swap ``item`` with its neighbour above ("up") or below ("down")."""
    items = list(queryset.order_by("order", "id"))
    for position, candidate in enumerate(items):
        candidate.order = position
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index].order, items[other].order = items[other].order, items[index].order
    type(item).objects.bulk_update(items, ["order"])


def aspect_move(*, aspect: Aspect, direction: str) -> None:
    _ensure_editable(aspect.questionnaire)
    _move(aspect.questionnaire.aspects.all(), aspect, direction)


@transaction.atomic
def indicator_save(
    *,
    aspect: Aspect,
    indicator: Indicator | None = None,
    options: list[dict] | None = None,
    **fields,
) -> Indicator:
    """Save an indicator and (when given) replace its options; the questionnaire-wide
    invariants are reported by the editor and enforced at publication."""
    questionnaire = aspect.questionnaire
    _ensure_editable(questionnaire)
    if indicator is None:
        last = aspect.indicators.aggregate(m=Max("order"))["m"]
        indicator = Indicator(questionnaire=questionnaire, aspect=aspect, order=(last or 0) + 1)
    for key, value in fields.items():
        setattr(indicator, key, value)
    if indicator.type in ("teks", "url"):
        indicator.weight = Decimal(0)
    indicator.full_clean()
    indicator.save()
    if options is not None:
        indicator.options.all().delete()
        Option.objects.bulk_create(
            [
                Option(indicator=indicator, order=index, **option)
                for index, option in enumerate(options)
            ]
        )
    return indicator


def indicator_delete(*, indicator: Indicator) -> None:
    _ensure_editable(indicator.questionnaire)
    indicator.delete()


def indicator_move(*, indicator: Indicator, direction: str) -> None:
    _ensure_editable(indicator.questionnaire)
    _move(indicator.aspect.indicators.all(), indicator, direction)


# === the SAQ ==============================================================================
