"""Scoring runs and their stored results (DESIGN.md §3 "Reproducibility"). The tables
keep the names they had in evaluasi."""

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from award.models import Level, Period, organiser_scoped


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
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(verbose_name=_("heartbeat at"), null=True, blank=True)
    # The period's scoring settings as the run used them (weights, method, thresholds...).
    settings = models.JSONField(
        _("settings used"),
        default=dict,
        blank=True,
        db_default=models.Value({}, models.JSONField()),
    )
    # The Celery id of the planning task, to tell a run whose message the broker lost.
    task_id = models.CharField(verbose_name=_("task id"), max_length=64, blank=True)
    input_hash = models.CharField(_("input hash"), max_length=64, blank=True)
    code_version = models.CharField(_("code version"), max_length=64, blank=True)
    chunks_total = models.PositiveIntegerField(verbose_name=_("chunks total"), default=0)
    chunks_done = models.PositiveIntegerField(verbose_name=_("chunks done"), default=0)
    stats = models.JSONField(verbose_name=_("stats"), default=dict, blank=True)
    is_current = models.BooleanField(_("current results"), default=False)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    objects = organiser_scoped("period__organiser")

    class Meta:
        db_table = "evaluasi_scoringrun"  # kept from before the move
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
    objects = organiser_scoped("run__period__organiser")

    class Meta:
        db_table = "evaluasi_scoringchunk"  # kept from before the move
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
        ScoringRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="scores",
        db_index=False,
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
    objects = organiser_scoped("run__period__organiser")

    class Meta:
        db_table = "evaluasi_score"  # kept from before the move
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


class AnswerSnapshot(models.Model):
    """An answer as a run read it, kept the moment it changes afterwards (copy-on-write, by a
    database trigger: ``penilaian/migrations/0003``), for the runs whose outputs can still be
    read: the current run and the published one. ``value`` is '' when the answer did not exist
    yet. Outputs read ``COALESCE(snapshot, answer)``: what the run used, at no cost to the run."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+")
    submission_id = models.BigIntegerField()
    indicator_id = models.BigIntegerField()
    value = models.TextField(blank=True)
    objects = organiser_scoped("run__period__organiser")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "submission_id", "indicator_id"], name="unique_answer_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.submission_id}/{self.indicator_id}"


class VerificationSnapshot(models.Model):
    """A verification as a run read it, kept when it changes afterwards (copy-on-write, like
    AnswerSnapshot). ``existed`` is false for a verification added after the run."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+")
    submission_id = models.BigIntegerField()
    indicator_id = models.BigIntegerField()
    jury_id = models.BigIntegerField()
    existed = models.BooleanField()
    decision = models.CharField(max_length=8, blank=True)
    value = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    objects = organiser_scoped("run__period__organiser")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "submission_id", "indicator_id", "jury_id"],
                name="unique_verification_snapshot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.submission_id}/{self.indicator_id}/{self.jury_id}"


class ScorePresentation(models.Model):
    """A jury's presentation score of a finalist as a run used it: the weighted mean over
    criteria and the value after the period's normalisation."""

    run = models.ForeignKey(
        ScoringRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="presentations"
    )
    unit = models.ForeignKey(
        "award.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    jury = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("jury"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    raw = models.FloatField(verbose_name=_("raw"))
    normalised = models.FloatField(verbose_name=_("normalised"))
    objects = organiser_scoped("run__period__organiser")

    def __str__(self) -> str:
        return f"{self.run_id}/{self.unit_id}/{self.jury_id}: {self.normalised}"


class FinalisationOverride(models.Model):
    """The admin lets penetapan go ahead despite one unfinished item of jury work, with a
    reason; shown on the explanation page of the unit it concerns."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="overrides"
    )
    key = models.CharField(verbose_name=_("key"), max_length=100)
    unit = models.ForeignKey(
        "award.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("item"), max_length=500)
    reason = models.CharField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("finalisation override")
        verbose_name_plural = _("finalisation overrides")
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="unique_override_per_item")
        ]

    def __str__(self) -> str:
        return self.label
