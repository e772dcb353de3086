"""The SAQ: one submission per unit and period, its answers (with versions), evidence,
events and reminder log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from award.models import Period, organiser_scoped
from common.storage import private_storage
from evaluasi.questionnaires.models import Indicator, Questionnaire


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
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    objects = organiser_scoped("period__organiser")

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

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="answers"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), blank=True)
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    objects = organiser_scoped("submission__period__organiser")

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

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="evidence_items",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=evidence_path, blank=True, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(verbose_name=_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(verbose_name=_("size"), default=0)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    link_status = models.CharField(
        _("link status"), max_length=16, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED
    )
    link_checked_at = models.DateTimeField(verbose_name=_("link checked at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("submission__period__organiser")

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

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("submission__period__organiser")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("SAQ event")
        verbose_name_plural = _("SAQ events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ReminderLog(models.Model):
    """A reminder sent to a unit's operators (automatic by Celery beat, or by hand)."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey(
        "award.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=16, default="auto")
    days_before = models.IntegerField(verbose_name=_("days before"), null=True, blank=True)
    recipients = models.PositiveIntegerField(verbose_name=_("recipients"), default=0)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), auto_now_add=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        indexes = [models.Index(fields=["period", "unit", "sent_at"])]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"{self.unit} {self.sent_at:%Y-%m-%d}"
