"""Shared plumbing data: the Job of every long piece of work (imports, reports)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .context import work_organiser_id
from .registry import job_kind
from .storage import private_storage


class Job(models.Model):
    """A long piece of work run by Celery (imports, exports...) with its status and result.

    Progress while running lives in the cache (see ``common.jobs.job_progress_set``) so that it
    is visible even while the task holds an open transaction; the row keeps the final state.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Waiting for confirmation")
        APPLYING = "applying", _("Applying")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    file = models.FileField(_("file"), storage=private_storage, blank=True)
    file_name = models.CharField(_("original file name"), max_length=255, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Finding the work again (common.jobs): the Celery task id, when it was queued and when a
    # worker took it, and a digest of the inputs so the same work is not queued twice at once.
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    fingerprint = models.CharField(_("input digest"), max_length=64, blank=True)
    # The organiser the work is for (``common.context``); NULL for the platform's own work.
    # Only an id: common sits below award and knows no organiser model.
    organiser_id = models.PositiveBigIntegerField(
        _("organiser"), null=True, blank=True, default=work_organiser_id
    )
    objects = ScopedManager(organiser="organiser_id")

    class Meta:
        db_table = "award_job"  # the table it had before it moved here from award
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=models.Q(status__in=["queued", "running", "ready", "applying"])
                & ~models.Q(fingerprint=""),
                name="one_unfinished_job_per_input",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        registered = job_kind(self.kind)
        return str(registered.label) if registered else self.kind

    ACTIVE = ("queued", "running", "ready", "applying")

    @staticmethod
    def progress_key(job_id: int) -> str:
        """Cache key of a running job's live progress."""
        return f"job:{job_id}:progress"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.SUCCEEDED, self.Status.FAILED}
