"""Questionnaires: versioned, weighted rubrics per period and level (DESIGN.md §3, §4).

A questionnaire is a draft until published; once published and its period's SAQ stage has
opened it is frozen, and a change means a new version."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.models import Level, Organiser, Period, organiser_scoped


class IndicatorType(models.TextChoices):
    YES_NO = "ya_tidak", _("Yes / no")
    CHOICE = "pilihan", _("Multiple choice")
    NUMBER = "angka", _("Number")
    TEXT = "teks", _("Text")
    URL = "url", _("Web address")


class EvidenceRule(models.TextChoices):
    REQUIRED = "wajib", _("Required")
    OPTIONAL = "opsional", _("Optional")
    NONE = "tidak", _("Not needed")


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="questionnaires"
    )
    level = models.ForeignKey(
        Level, verbose_name=_("level"), on_delete=models.PROTECT, related_name="questionnaires"
    )
    title = models.CharField(_("title"), max_length=255)
    version = models.PositiveIntegerField(_("version"), default=1)
    version_label = models.CharField(_("version label"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    source_file_name = models.CharField(_("source file"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        ordering = ["period", "level__order", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "level", "version"], name="unique_questionnaire_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        """Published and the SAQ has opened: answers may exist, so the rubric cannot change."""
        return self.status == self.Status.PUBLISHED and self.period.saq_open <= timezone.now()

    @property
    def is_editable(self) -> bool:
        return not self.is_frozen


class Aspect(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="aspects",
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=255)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    objects = organiser_scoped("questionnaire__period__organiser")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_aspect_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    aspect = models.ForeignKey(
        Aspect, verbose_name=_("aspect"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=32)
    question = models.TextField(_("question"))
    type = models.CharField(_("type"), max_length=16, choices=IndicatorType.choices)
    weight = models.DecimalField(
        _("weight"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    evidence = models.CharField(
        _("evidence"), max_length=16, choices=EvidenceRule.choices, default=EvidenceRule.OPTIONAL
    )
    guidance = models.TextField(_("guidance"), blank=True)
    min_value = models.DecimalField(
        _("minimum"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    # min/max are the scoring range (DESIGN.md §3: any number is an answer, clamped when
    # scored); these are the optional hard limits of what can be typed at all.
    input_min = models.DecimalField(
        _("lowest value allowed"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    input_max = models.DecimalField(
        _("highest value allowed"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    required = models.BooleanField(_("answer required"), default=True)
    group = models.CharField(_("group heading"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    objects = organiser_scoped("questionnaire__period__organiser")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.question[:60]}"

    @property
    def is_scored(self) -> bool:
        return self.weight > 0


class Option(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="options"
    )
    code = models.CharField(_("code"), max_length=32)
    label = models.CharField(_("label"), max_length=500)
    value = models.DecimalField(
        _("value"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    objects = organiser_scoped("indicator__questionnaire__period__organiser")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="unique_option_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class SharedQuestionnaire(models.Model):
    """A questionnaire an organiser published for other organisers to copy (issue #22): a KI's
    instrument the kabupaten practise on. A snapshot of the rubric, not a link to the source:
    later edits of the source change nothing here, and reading it never enters another
    organiser's scope. Deliberately shared, so its manager is not scoped."""

    organiser = models.ForeignKey(
        Organiser,
        verbose_name=_("organiser"),
        on_delete=models.CASCADE,
        related_name="shared_questionnaires",
    )
    source = models.ForeignKey(
        Questionnaire,
        verbose_name=_("source questionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255)
    level_code = models.CharField(_("level code"), max_length=32)
    level_name = models.CharField(_("level"), max_length=100)
    version_label = models.CharField(_("version label"), max_length=50, blank=True)
    year = models.PositiveIntegerField(_("year"))
    spec = models.JSONField(_("rubric"))
    aspect_count = models.PositiveIntegerField(_("aspects"))
    indicator_count = models.PositiveIntegerField(_("indicators"))
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    shared_at = models.DateTimeField(_("shared at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-shared_at", "id"]
        verbose_name = _("shared questionnaire")
        verbose_name_plural = _("shared questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_share_per_questionnaire",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organiser.slug})"
