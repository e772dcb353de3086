"""The choices of award's models (stages, scoring settings) and the region code's format."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Kemendagri's region codes: province 64, kabupaten 64.08, kecamatan 64.08.04,
# desa/kelurahan 64.08.04.2002 (Permendagri 72/2019).
REGION_CODE = RegexValidator(
    r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$",
    _("A Kemendagri region code looks like 64, 64.08, 64.08.04 or 64.08.04.2002."),
)


class Stage(models.TextChoices):
    """The stages of a period, in order. The current one is derived from the period's dates."""

    PREPARATION = "persiapan", _("Preparation")
    SAQ = "saq", _("Self-assessment (SAQ)")
    VERIFICATION = "verifikasi", _("Verification")
    OBJECTION = "sanggah", _("Objection (sanggah)")
    PRESENTATION = "presentasi", _("Presentation and interview")
    FINALISATION = "penetapan", _("Finalisation")
    CLOSED = "selesai", _("Closed")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop highest and lowest when 4 or more)")


class Normalisation(models.TextChoices):
    NONE = "none", _("None")
    ZSCORE = "zscore", _("Per-jury z-score")


class TiePolicy(models.TextChoices):
    UNIQUE = "unique", _("Unique ranks (tie-breaks decide)")
    SHARED = "shared", _("Shared ranks for equal final scores (1, 1, 3)")


class FinalistBasis(models.TextChoices):
    """Which score must reach the finalist minimum (KI DKI: the SAQ score, at least 65)."""

    VERIFIED = "verified", _("Verified score")
    SAQ = "saq", _("SAQ score")


class PresentationName(models.TextChoices):
    PRESENTATION = "presentasi", _("Presentation and interview")
    VISIT = "visitasi", _("Visit (visitasi)")
