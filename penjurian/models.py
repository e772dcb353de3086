"""Jury data: assignments, verifications, presentation criteria and scores. The tables keep
the names they had in evaluasi."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from award.models import OperatorMembership, Period, Unit, organiser_scoped
from common.storage import private_storage
from evaluasi.models import Indicator, Submission
from evaluasi.questionnaires.rubric import AnswerError, answer_normalise
from evaluasi.questionnaires.selectors import indicator_spec


# --- the conflict rule: the invariant every assignment keeps ------------------------------
def jury_blocked(
    *, membership, conflicts, operated: set[int], children: dict[int, set[int]]
) -> frozenset:
    """The units a jury may never judge: its own unit, the units it operates, its declared
    conflicts (unit ids) and every desa under a declared kecamatan (the one definition of the
    rule)."""
    blocked = set(operated)
    if membership.home_unit_id:
        blocked.add(membership.home_unit_id)
    for unit_id in conflicts:
        blocked.add(unit_id)
        blocked |= children.get(unit_id, set())
    return frozenset(blocked)


def jury_blocked_for_unit(*, membership, unit_id: int) -> bool:
    """``jury_blocked`` asked for one unit (its parent's conflict and the jury's operator
    memberships looked up for that unit only)."""
    unit = Unit.objects.only("pk", "parent_id").get(pk=unit_id)
    children = {unit.parent_id: {unit.pk}} if unit.parent_id else {}
    operated = set(
        OperatorMembership.objects.filter(user_id=membership.user_id, unit_id=unit.pk).values_list(
            "unit_id", flat=True
        )
    )
    # From the prefetch where the caller made one (the permission check), else one query.
    conflicts = [unit.pk for unit in membership.conflicts.all()]
    return unit.pk in jury_blocked(
        membership=membership, conflicts=conflicts, operated=operated, children=children
    )


# --- juries: assignments, verification, presentation (data for the scoring engine) ---------
class Assignment(models.Model):
    """A jury is assigned to assess a unit in a period (never its own unit)."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="assignments"
    )
    jury = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("jury"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        "award.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="assignments"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        db_table = "evaluasi_assignment"  # kept from before the move
        verbose_name = _("jury assignment")
        verbose_name_plural = _("jury assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "jury", "unit"], name="unique_assignment_per_jury_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jury} → {self.unit}"

    def clean(self):

        if not (self.period_id and self.jury_id and self.unit_id):
            return
        membership = self.period.juries.filter(user_id=self.jury_id).first()
        if membership is None:
            raise ValidationError(
                {"jury": _("This user is not a jury of the period; add them to its juries first.")}
            )
        if jury_blocked_for_unit(membership=membership, unit_id=self.unit_id):
            raise ValidationError(
                {
                    "unit": _(
                        "This jury may not judge this unit: it is its own unit, a unit it "
                        "operates or a declared conflict of interest."
                    )
                }
            )
        levels = {level.pk for level in membership.levels.all()}
        if levels and self.unit.level_id not in levels:
            raise ValidationError({"unit": _("This jury does not judge units of this level.")})


class Verification(models.Model):
    """A jury's verdict on one indicator of a submission (DESIGN.md §3 "Verified score")."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        ADJUST = "adjust", _("Adjust")
        REJECT = "reject", _("Reject")

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    jury = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("jury"),
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    value = models.TextField(_("adjusted answer"), blank=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    objects = organiser_scoped("submission__period__organiser")

    class Meta:
        db_table = "evaluasi_verification"  # kept from before the move
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "jury"], name="unique_verification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.get_decision_display()}"

    def clean(self):

        errors = {}
        if self.submission_id and self.jury_id:
            submission = self.submission
            if not Assignment.objects.filter(
                period_id=submission.period_id, unit_id=submission.unit_id, jury_id=self.jury_id
            ).exists():
                errors["jury"] = _("This jury is not assigned to the unit.")
            if self.indicator_id and self.indicator.questionnaire_id != submission.questionnaire_id:
                errors["indicator"] = _("This indicator is not part of the unit's questionnaire.")
        if (
            self.decision in (self.Decision.ADJUST, self.Decision.REJECT)
            and not self.reason.strip()
        ):
            errors["reason"] = _("Give the reason for adjusting or rejecting.")
        if self.decision == self.Decision.ADJUST and self.indicator_id:
            try:
                self.value = answer_normalise(indicator_spec(indicator=self.indicator), self.value)
            except AnswerError as error:
                errors["value"] = str(error)
            else:
                if self.value == "":
                    errors["value"] = _("Give the adjusted answer.")
        elif self.decision != self.Decision.ADJUST:
            self.value = ""
        if errors:
            raise ValidationError(errors)


class PresentationCriterion(models.Model):
    """One weighted criterion of the presentation rubric of a period."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=255)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    objects = organiser_scoped("period__organiser")

    class Meta:
        db_table = "evaluasi_presentationcriterion"  # kept from before the move
        ordering = ["order", "id"]
        verbose_name = _("presentation criterion")
        verbose_name_plural = _("presentation criteria")
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="unique_criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PresentationScore(models.Model):
    """A jury's 0–100 score of one unit on one presentation criterion."""

    criterion = models.ForeignKey(
        PresentationCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    unit = models.ForeignKey(
        "award.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="presentation_scores",
    )
    jury = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("jury"),
        on_delete=models.CASCADE,
        related_name="presentation_scores",
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    objects = organiser_scoped("criterion__period__organiser")

    class Meta:
        db_table = "evaluasi_presentationscore"  # kept from before the move
        verbose_name = _("presentation score")
        verbose_name_plural = _("presentation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "unit", "jury"], name="unique_presentation_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion.code}: {self.score}"

    def clean(self):

        if self.criterion_id and self.unit_id and self.jury_id:
            assigned = Assignment.objects.filter(
                period_id=self.criterion.period_id, unit_id=self.unit_id, jury_id=self.jury_id
            ).exists()
            if not assigned:
                raise ValidationError({"jury": _("This jury is not assigned to the unit.")})


def objection_path(instance, filename: str) -> str:
    return f"sanggah/{instance.submission.period_id}/{instance.submission.unit_id}/{filename}"


class Objection(models.Model):
    """An operator's objection (sanggah) to one jury's verdict, and the jury's one answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the jury")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    verification = models.OneToOneField(
        Verification,
        verbose_name=_("verification"),
        on_delete=models.PROTECT,
        related_name="objection",
    )
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    text = models.TextField(_("objection"), max_length=4000)
    file = models.FileField(
        _("new evidence"),
        storage=private_storage,
        upload_to=objection_path,
        blank=True,
        max_length=300,
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(verbose_name=_("file type"), max_length=100, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("jury's answer"), blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The verdict before an accepted objection changed it (recorded, never lost).
    before_decision = models.CharField(verbose_name=_("before decision"), max_length=8, blank=True)
    before_value = models.TextField(verbose_name=_("before value"), blank=True)
    before_reason = models.CharField(verbose_name=_("before reason"), max_length=1000, blank=True)
    objects = organiser_scoped("submission__period__organiser")

    class Meta:
        ordering = ["filed_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.verification_id}: {self.get_status_display()}"


class PresentationSlot(models.Model):
    """When and where a finalist presents (set by the admin, shown to the operator)."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="slots"
    )
    unit = models.ForeignKey(
        "award.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    link = models.URLField(_("video link"), blank=True, max_length=500)
    notified_at = models.DateTimeField(verbose_name=_("notified at"), null=True, blank=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("presentation schedule")
        verbose_name_plural = _("presentation schedules")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unique_slot_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):

        if not self.place.strip() and not self.link.strip():
            raise ValidationError({"place": _("Give the place or the video link.")})


class VerdictSuggestion(models.Model):
    """What the jury assistant suggested when a verdict was given (``accept``: "Terima
    disarankan", ``check``: "Periksa", ``pending``: still being analysed) and the flags behind
    it, so the admin sees how often juries follow it and what each flag is worth."""

    verification = models.OneToOneField(
        Verification,
        verbose_name=_("verification"),
        on_delete=models.CASCADE,
        related_name="suggestion",
    )
    suggested = models.CharField(_("suggested"), max_length=8)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=8)
    followed = models.BooleanField(_("followed"), null=True)  # None: nothing was suggested yet
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    objects = organiser_scoped("verification__submission__period__organiser")

    class Meta:
        verbose_name = _("verdict suggestion")
        verbose_name_plural = _("verdict suggestions")

    def __str__(self) -> str:
        return f"{self.verification_id}: {self.suggested} → {self.decision}"
