"""Questionnaires: versioned, weighted rubrics per period and level (DESIGN.md §3, §4).

A questionnaire is a draft until published; once published and its period's SAQ stage has
opened it is frozen, and a change means a new version. ``questionnaire_problems`` (in
``evaluasi.rubric``) is the single place that checks the invariants.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.models import Level, Period, private_storage


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
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

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
    required = models.BooleanField(_("answer required"), default=True)
    group = models.CharField(_("group heading"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

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

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="unique_option_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


# --- the SAQ: one submission per unit and period -----------------------------------------
def evidence_path(instance, filename):
    return f"bukti/{instance.submission.period.year}/{instance.submission.unit_id}/{filename}"


class Submission(models.Model):
    """A unit's self-assessment (pengisian SAQ) in a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="submissions"
    )
    unit = models.ForeignKey(
        "award.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="submissions"
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    saq_score = models.DecimalField(
        _("SAQ score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("SAQ submission")
        verbose_name_plural = _("SAQ submissions")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unique_submission_per_unit")
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """One answer; ``version`` grows on every change so a stale save is detected."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("answer"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"], name="unique_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value[:40]}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        URL = "url", _("Link")

    class LinkStatus(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        OK = "ok", _("Reachable")
        BROKEN = "broken", _("Not reachable")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="evidence_items"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=evidence_path, blank=True, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    link_status = models.CharField(
        _("link status"), max_length=16, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED
    )
    link_checked_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name or self.url


class SubmissionEvent(models.Model):
    """The history of a submission: submitted, reopened (with the admin's reason)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ReminderLog(models.Model):
    """A reminder sent to a unit's operators (automatic by Celery beat, or by hand)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey("award.Unit", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, default="auto")
    days_before = models.IntegerField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["period", "unit", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.sent_at:%Y-%m-%d}"


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
        from django.core.exceptions import ValidationError

        if not (self.period_id and self.jury_id and self.unit_id):
            return
        membership = self.period.juries.filter(user_id=self.jury_id).first()
        if membership is None:
            raise ValidationError(
                {"jury": _("This user is not a jury of the period; add them to its juries first.")}
            )
        if membership.home_unit_id == self.unit_id:
            raise ValidationError({"unit": _("A jury never assesses its own unit.")})


class Verification(models.Model):
    """A jury's verdict on one indicator of a submission (DESIGN.md §3 "Verified score")."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        ADJUST = "adjust", _("Adjust")
        REJECT = "reject", _("Reject")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="verifications"
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
        from django.core.exceptions import ValidationError

        from .rubric import AnswerError, answer_normalise

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
            from .selectors import indicator_spec

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

    class Meta:
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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
        from django.core.exceptions import ValidationError

        if self.criterion_id and self.unit_id and self.jury_id:
            assigned = Assignment.objects.filter(
                period_id=self.criterion.period_id, unit_id=self.unit_id, jury_id=self.jury_id
            ).exists()
            if not assigned:
                raise ValidationError({"jury": _("This jury is not assigned to the unit.")})


# --- scoring runs and their results (DESIGN.md §3 "Reproducibility") ----------------------
class ScoringRun(models.Model):
    """One computation of a period's scores (proses penilaian).

    Its ``Score`` rows are written in the same transaction that makes it the period's current
    run, so a failed or killed run never replaces anything. A finalised run is immutable; a
    correction is a new run (with its reason) that supersedes it when finalised in turn.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="scoring_runs"
    )
    number = models.PositiveIntegerField(_("run number"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=1000, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The Celery id of the planning task, to tell a run whose message the broker lost.
    task_id = models.CharField(max_length=64, blank=True)
    input_hash = models.CharField(_("input hash"), max_length=64, blank=True)
    code_version = models.CharField(_("code version"), max_length=64, blank=True)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    is_current = models.BooleanField(_("current results"), default=False)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )

    class Meta:
        ordering = ["period", "-number"]
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="unique_run_number"),
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_run_per_period",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(is_current=True),
                name="one_current_run_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} #{self.number}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def is_published(self) -> bool:
        return self.is_finalised and self.superseded_by_id is None

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ScoringChunk(models.Model):
    """A slice of a run (a level and a set of regions) that any Celery worker can compute."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    spec = models.JSONField(default=dict)
    size = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    seconds = models.FloatField(default=0)
    result = models.BinaryField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="unique_chunk_index")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.index}"


class Score(models.Model):
    """A unit's result in a scoring run. Values are rounded half up to 2 decimals."""

    # A national run writes 83,000 rows in one COPY, so every index and every per-row foreign
    # key check counts: run needs no index of its own ((run, unit) covers it), and unit and
    # level are not checked by the database (the rows come from units read in the same
    # transaction; Django still applies on_delete).
    run = models.ForeignKey(
        ScoringRun, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    unit = models.ForeignKey(
        "award.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
    )
    level = models.ForeignKey(
        Level,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    saq = models.DecimalField(_("SAQ score"), max_digits=5, decimal_places=2)
    verified = models.DecimalField(
        _("verified score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    presentation = models.DecimalField(
        _("presentation score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    presentation_pending = models.BooleanField(_("presentation not scored yet"), default=False)
    final = models.DecimalField(_("final score"), max_digits=5, decimal_places=2)
    qualification = models.CharField(_("qualification"), max_length=32)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    finalist = models.BooleanField(_("finalist"), default=False)
    verified_count = models.PositiveIntegerField(_("verified indicators"), default=0)
    aspects = models.JSONField(_("aspect scores"), default=dict)
    previous_final = models.DecimalField(
        _("previous final score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    change = models.DecimalField(_("change"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["run", "level__order", "rank"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        # (run, unit) also serves "one run's scores by level and rank": a run has at most one
        # row per unit, and every extra index slows the national run's write.
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="unique_score_per_run_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.final}"
