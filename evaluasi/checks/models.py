"""What the jury assistant knows of evidence: each file content analysed once (by SHA-256) with
its text, dates and hashes, the LSH bands that find near copies in the database, and each
evidence's own check (its content and the flags that depend on its unit, period and
indicator). Flags between units (``duplikat``, ``hampir_sama``) and of links are read live
(``evaluasi.checks.selectors``), so they follow every new upload."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from award.models import organiser_scoped
from evaluasi.saq.models import Evidence

# Raised when the extraction or the flags change: older analyses are re-done on the next run.
ANALYSER_VERSION = 1


class EvidenceContent(models.Model):
    class Status(models.TextChoices):
        DONE = "done", _("Analysed")
        UNREADABLE = "unreadable", _("Unreadable")
        FAILED = "failed", _("Analysis failed")

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=8)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    text_layer = models.BooleanField(_("has a text layer"), default=False)
    ocr_pages = models.PositiveIntegerField(_("pages read by OCR"), default=0)
    blank_pages = models.PositiveIntegerField(_("blank pages"), default=0)
    dates = models.JSONField(_("dates in the text"), default=list, blank=True)
    phash = models.CharField(_("perceptual hash"), max_length=16, blank=True)
    signature = models.BinaryField(_("MinHash signature"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("analyser version"), default=ANALYSER_VERSION)
    seconds = models.FloatField(_("analysis seconds"), default=0)
    analysed_at = models.DateTimeField(_("analysed at"), auto_now=True)

    class Meta:
        verbose_name = _("evidence content")
        verbose_name_plural = _("evidence contents")

    def __str__(self) -> str:
        return self.sha256[:12]


class ContentBand(models.Model):
    """One LSH band of a content's text signature or image hash: contents sharing a value are
    candidate near copies (an index lookup, not a scan)."""

    content = models.ForeignKey(
        EvidenceContent, verbose_name=_("content"), on_delete=models.CASCADE, related_name="bands"
    )
    value = models.BigIntegerField(_("band value"))

    class Meta:
        indexes = [models.Index(fields=["value"], name="checks_band_value")]
        verbose_name = _("content band")
        verbose_name_plural = _("content bands")

    def __str__(self) -> str:
        return f"{self.content_id}: {self.value}"


class EvidenceCheck(models.Model):
    evidence = models.OneToOneField(
        Evidence, verbose_name=_("evidence"), on_delete=models.CASCADE, related_name="analysis"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content = models.ForeignKey(
        EvidenceContent, verbose_name=_("content"), on_delete=models.PROTECT, related_name="checks"
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    version = models.PositiveSmallIntegerField(_("analyser version"), default=ANALYSER_VERSION)
    checked_at = models.DateTimeField(_("checked at"), auto_now=True)
    objects = organiser_scoped("evidence__submission__period__organiser")

    class Meta:
        verbose_name = _("evidence check")
        verbose_name_plural = _("evidence checks")

    def __str__(self) -> str:
        return f"{self.evidence_id}: {', '.join(f['code'] for f in self.flags) or '-'}"
