"""Core domain data: levels, units, periods with their stages and scoring settings, roles.

Models hold data and invariants (``clean``); writes go through ``award.services`` and reads
through ``award.selectors``.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.formats import decimal_plain

from .choices import (  # noqa: F401 - part of award's models' interface
    REGION_CODE,
    Aggregation,
    FinalistBasis,
    Normalisation,
    PresentationName,
    Stage,
    TiePolicy,
)
from .organiser_models import (  # noqa: F401 - the models and helpers of award live here too
    Organiser,
    OrganiserMembership,
    OrganiserOwned,
    organiser_active,
    organiser_current,
    organiser_current_or_none,
    organiser_default_pk,
    organiser_field,
    organiser_scoped,
)
from .qualifications import QUALIFICATIONS

THRESHOLD_DEFAULTS = [item.default for item in QUALIFICATIONS[:-1]]

ADMIN_GROUP = "Admin Diskominfo"
JURY_GROUP = "Juri"
OPERATOR_GROUP = "Operator PPID"


class Level(OrganiserOwned, models.Model):
    """A category of unit (tingkat): desa, kecamatan, OPD, or any category a period adds."""

    organiser_unique = "code"

    organiser = organiser_field("levels")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(1000)]
    )
    parent_level = models.ForeignKey(
        "self",
        verbose_name=_("parent level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_levels",
        help_text=_("When set, every unit of this level must have a parent unit of that level."),
    )
    objects = organiser_scoped("organiser")

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        constraints = [
            models.UniqueConstraint(fields=["organiser", "code"], name="unique_level_code")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_level_id and self.parent_level_id == self.pk:
            raise ValidationError({"parent_level": _("A level cannot be its own parent level.")})


class Unit(OrganiserOwned, models.Model):
    """A PPID unit (badan publik) that takes part in the award."""

    organiser_unique = "code"

    organiser = organiser_field("units")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    level = models.ForeignKey(
        Level, verbose_name=_("level"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Kemendagri's region code (Satu Data's reference code), e.g. 64.08.04.2002; optional.
    kode_wilayah = models.CharField(
        _("region code (Kemendagri)"),
        max_length=13,
        blank=True,
        validators=[REGION_CODE],
        help_text=_("Kemendagri region code, e.g. 64.08.04.2002 (optional)."),
    )
    website = models.URLField(_("website"), blank=True)
    operator_email = models.EmailField(_("operator email"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    objects = organiser_scoped("organiser")

    class Meta:
        ordering = ["level__order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["level", "code"]),
            models.Index(fields=["parent", "code"]),
            models.Index(Lower("name"), name="unit_name_lower_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organiser", "code"], name="unique_unit_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self):
        if self.level_id is None:
            return
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A unit cannot be its own parent.")})
        parent = self.parent if self.parent_id else None
        message = unit_parent_error(
            level=self.level,
            parent_code=parent.code if parent else "",
            parent_level=parent.level if parent else None,
        )
        if message:
            raise ValidationError({"parent": message})


def unit_parent_error(*, level: Level, parent_code: str, parent_level: Level | None) -> str | None:
    """The one rule about parents, shared by the model, the forms and the workbook import:
    a level with a parent level needs a parent unit of exactly that level; others have none."""
    expected = level.parent_level
    if expected is None:
        if parent_code:
            return str(
                _("A unit of level %(level)s has no parent unit; leave it empty.")
                % {"level": level.name}
            )
        return None
    if not parent_code:
        return str(
            _("A unit of level %(level)s needs a parent unit of level %(parent)s.")
            % {"level": level.name, "parent": expected.name}
        )
    if parent_level is None or parent_level.pk != expected.pk:
        return str(
            _("Parent %(code)s is a %(actual)s; a %(level)s needs a %(expected)s.")
            % {
                "code": parent_code,
                "actual": parent_level.name if parent_level else "?",
                "level": level.name,
                "expected": expected.name,
            }
        )
    return None


def _score_field(verbose, default):
    return models.DecimalField(
        verbose,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


def _weight_field(verbose, default):
    return models.DecimalField(
        verbose,
        max_digits=4,
        decimal_places=3,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )


class Period(OrganiserOwned, models.Model):
    """One yearly award: its stage dates and its scoring settings (DESIGN.md §1, §3)."""

    organiser_unique = "year"

    organiser = organiser_field("periods")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2200)]
    )
    name = models.CharField(_("name"), max_length=200)
    has_verification = models.BooleanField(_("has a verification stage"), default=True)
    has_presentation = models.BooleanField(_("has a presentation stage"), default=True)

    saq_open = models.DateTimeField(_("SAQ opens"))
    saq_close = models.DateTimeField(_("SAQ closes"))
    verification_close = models.DateTimeField(_("verification closes"), null=True, blank=True)
    objection_close = models.DateTimeField(_("objection window closes"), null=True, blank=True)
    presentation_close = models.DateTimeField(_("presentation closes"), null=True, blank=True)
    finalisation_date = models.DateTimeField(_("finalisation date"), null=True, blank=True)
    stage_override = models.CharField(
        _("stage override"),
        max_length=16,
        choices=Stage.choices,
        blank=True,
        help_text=_("Leave empty to derive the stage from the dates."),
    )

    weight_verification = _weight_field(_("weight of the verified score"), "0.800")
    weight_presentation = _weight_field(_("weight of the presentation score"), "0.200")
    aggregation = models.CharField(
        _("jury aggregation"), max_length=16, choices=Aggregation.choices, default="mean"
    )
    normalisation = models.CharField(
        _("presentation normalisation"),
        max_length=16,
        choices=Normalisation.choices,
        default="none",
    )
    # The lower bounds of the qualifications (defaults in award.qualifications).
    threshold_informatif = _score_field(_("Informatif from"), THRESHOLD_DEFAULTS[0])
    threshold_menuju = _score_field(_("Menuju Informatif from"), THRESHOLD_DEFAULTS[1])
    threshold_cukup = _score_field(_("Cukup Informatif from"), THRESHOLD_DEFAULTS[2])
    threshold_kurang = _score_field(_("Kurang Informatif from"), THRESHOLD_DEFAULTS[3])
    finalist_minimum = _score_field(_("finalist minimum score"), "60")
    finalist_basis = models.CharField(
        _("finalists chosen by"), max_length=10, choices=FinalistBasis.choices, default="verified"
    )
    presentation_name = models.CharField(
        _("the presentation stage is"),
        max_length=10,
        choices=PresentationName.choices,
        default="presentasi",
    )
    juries_per_unit = models.PositiveSmallIntegerField(
        _("juries per unit"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    finalist_count = models.PositiveSmallIntegerField(
        _("finalists per level"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    tie_policy = models.CharField(
        _("tie policy"), max_length=16, choices=TiePolicy.choices, default="unique"
    )
    show_jury_identity = models.BooleanField(
        _("show operators which jury gave each verdict"),
        default=False,
        help_text=_("Off: operators see “Juri 1”, “Juri 2” instead of names."),
    )
    hide_saq_score = models.BooleanField(
        _("hide the SAQ score from operators until publication"), default=False
    )
    reminder_days = models.CharField(
        _("reminder days before the SAQ deadline"),
        max_length=50,
        default="7,3,1",
        blank=True,
        help_text=_("Comma-separated, e.g. 7,3,1. Empty: no automatic reminders."),
    )
    # Evidence checks (evaluasi.checks): how old evidence may be, which link hosts are at home.
    evidence_years = models.PositiveSmallIntegerField(
        _("evidence dated at most this many years before the period"),
        default=1,
        validators=[MaxValueValidator(20)],
        help_text=_("1: evidence should be dated in the period's year or the year before."),
    )
    evidence_link_domains = models.CharField(
        _("link domains accepted as evidence"),
        max_length=500,
        default="*.go.id, *.desa.id",
        blank=True,
        help_text=_("Besides the unit's own website; separated by commas, * for any subdomain."),
    )

    # Penetapan (penilaian): once results are published the inputs are read-only everywhere
    # until an admin opens a correction with a reason (``Period.inputs_locked``).
    finalised_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    correction_opened_at = models.DateTimeField(_("correction opened at"), null=True, blank=True)
    correction_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("correction opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    objects = organiser_scoped("organiser")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["organiser", "year"], name="unique_period_year")
        ]

    def __str__(self) -> str:
        return self.name

    # --- published results and corrections -----------------------------------------------
    @property
    def inputs_locked(self) -> bool:
        """Published results freeze everything that fed them, until a correction is opened."""
        return self.finalised_at is not None and self.correction_opened_at is None

    @property
    def correction_open(self) -> bool:
        return self.correction_opened_at is not None

    def check_inputs_editable(self) -> None:
        """The one rule for every write to a period's settings, questionnaires, answers,
        evidence, verifications and presentation scores: ValidationError while locked."""
        if self.inputs_locked:
            raise ValidationError(
                _(
                    "The results of %(period)s are finalised and published, so what fed them "
                    "can no longer change. To change a published number, the administrator "
                    "opens a correction with a reason (Penilaian page)."
                )
                % {"period": self.name}
            )

    # --- stages ------------------------------------------------------------------------
    def stage_boundaries(self) -> list[tuple[str, dt.datetime | None]]:
        """Each stage with the moment it starts, in order; stages switched off are left out."""
        rows: list[tuple[str, dt.datetime | None]] = [
            (Stage.SAQ, self.saq_open),
        ]
        end = self.saq_close
        if self.has_verification:
            rows.append((Stage.VERIFICATION, end))
            rows.append((Stage.OBJECTION, self.verification_close))
            end = self.objection_close
        if self.has_presentation:
            rows.append((Stage.PRESENTATION, end))
            end = self.presentation_close
        rows.append((Stage.FINALISATION, end))
        rows.append((Stage.CLOSED, self.finalisation_date))
        return rows

    def stage_at(self, moment: dt.datetime | None = None) -> str:
        """The stage at ``moment`` (default now), honouring the admin's override."""
        if self.stage_override:
            return self.stage_override
        moment = moment or timezone.now()
        current = Stage.PREPARATION
        for stage, start in self.stage_boundaries():
            if start is None or moment < start:
                break
            current = stage
        return current

    @property
    def stage(self) -> str:
        return self.stage_at()

    @property
    def stage_label(self) -> str:
        if self.stage == Stage.PRESENTATION:
            return PresentationName(self.presentation_name).label
        return Stage(self.stage).label

    # --- invariants --------------------------------------------------------------------
    def clean(self):
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.saq_open and self.saq_close and self.saq_close <= self.saq_open:
            add("saq_close", _("The SAQ must close after it opens."))
        chain = [("saq_close", self.saq_close)]
        if self.has_verification:
            for field in ("verification_close", "objection_close"):
                if getattr(self, field) is None:
                    add(field, _("Required when the period has a verification stage."))
                chain.append((field, getattr(self, field)))
        if self.has_presentation:
            if self.presentation_close is None:
                add("presentation_close", _("Required when the period has a presentation stage."))
            chain.append(("presentation_close", self.presentation_close))
        chain.append(("finalisation_date", self.finalisation_date))
        previous_field, previous = chain[0]
        for field, value in chain[1:]:
            if value is None:
                continue
            if previous is not None and value < previous:
                add(
                    field,
                    _("Must not be earlier than %(previous)s.")
                    % {"previous": self._meta.get_field(previous_field).verbose_name},
                )
            previous_field, previous = field, value

        if self.weight_verification is not None and self.weight_presentation is not None:
            total = Decimal(self.weight_verification) + Decimal(self.weight_presentation)
            if total != Decimal("1"):
                add(
                    "weight_presentation",
                    _("The verified and presentation weights must sum to 1 (now %(total)s).")
                    % {"total": decimal_plain(total)},
                )
        thresholds = [
            ("threshold_informatif", self.threshold_informatif),
            ("threshold_menuju", self.threshold_menuju),
            ("threshold_cukup", self.threshold_cukup),
            ("threshold_kurang", self.threshold_kurang),
        ]
        for (_upper_name, upper), (lower_name, lower) in zip(
            thresholds, thresholds[1:], strict=False
        ):
            if upper is not None and lower is not None and lower >= upper:
                add(lower_name, _("Qualification thresholds must decrease from top to bottom."))
        try:
            self.reminder_day_list()
        except ValueError:
            add("reminder_days", _("Write whole numbers of days separated by commas, e.g. 7,3,1."))
        if errors:
            raise ValidationError(errors)

    def reminder_day_list(self) -> list[int]:
        days = [int(part) for part in self.reminder_days.replace(" ", "").split(",") if part]
        if any(day < 0 for day in days):
            raise ValueError(self.reminder_days)
        return sorted(set(days), reverse=True)

    def qualification_for(self, score: Decimal) -> str:
        """The qualification label of a rounded score under this period's thresholds."""
        for item in QUALIFICATIONS[:-1]:
            if score >= getattr(self, item.threshold_field):
                return item.label
        return QUALIFICATIONS[-1].label


class DeadlineExtension(models.Model):
    """A later SAQ deadline for one unit in one period (e.g. a desa that lost connectivity)."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="extensions"
    )
    saq_close = models.DateTimeField(_("extended SAQ deadline"))
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unique_extension_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period}"

    def clean(self):
        if self.period_id and self.saq_close and self.saq_close <= self.period.saq_close:
            raise ValidationError(
                {"saq_close": _("An extension must end after the period's SAQ deadline.")}
            )


class OperatorMembership(models.Model):
    """A user operates a unit (a user may operate several units, a unit may have several)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="operator_memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="operator_memberships"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("unit__organiser")

    class Meta:
        verbose_name = _("operator membership")
        verbose_name_plural = _("operator memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unique_operator_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


class JuryMembership(models.Model):
    """A user is a jury of a period. ``home_unit`` is where the jury works: never assessed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="jury_memberships",
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="juries"
    )
    home_unit = models.ForeignKey(
        Unit,
        verbose_name=_("own unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The jury never assesses its own unit."),
    )
    levels = models.ManyToManyField(
        Level,
        verbose_name=_("levels judged"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every level."),
    )
    conflicts = models.ManyToManyField(
        Unit,
        verbose_name=_("declared conflicts of interest"),
        blank=True,
        related_name="+",
        help_text=_("Units this jury never judges; a kecamatan also covers every desa under it."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        verbose_name = _("jury membership")
        verbose_name_plural = _("jury memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="unique_jury_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.period}"
