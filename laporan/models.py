"""What Diskominfo hands out: certificate settings, certificates with their verification codes.

Rankings, workbooks and recap PDFs are computed from the published ``penilaian.Score`` rows
and kept as ``common.Job`` files; only certificates need rows of their own, because each has a
public verification code that must keep working for years.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from award.models import Level, Period, Unit, organiser_scoped
from common.storage import private_storage


def _asset_path(instance, filename):
    return f"laporan/{instance.period.year}/{filename}"


class ReportSettings(models.Model):
    """Per period: who signs, with which logo and signature, where and when."""

    period = models.OneToOneField(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="report_settings"
    )
    organiser = models.CharField(
        _("government"), max_length=200, default="Pemerintah Kabupaten Kutai Timur"
    )
    office = models.CharField(
        _("office"),
        max_length=200,
        default="Dinas Komunikasi, Informatika, Statistik dan Persandian",
    )
    city = models.CharField(_("place of signing"), max_length=100, default="Sangatta")
    signatory_name = models.CharField(_("signatory name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    signatory_id = models.CharField(_("signatory NIP"), max_length=40, blank=True)
    signed_on = models.DateField(_("date of the certificates"), null=True, blank=True)
    logo = models.FileField(
        _("logo"), storage=private_storage, upload_to=_asset_path, blank=True, max_length=300
    )
    signature = models.FileField(
        _("signature image"),
        storage=private_storage,
        upload_to=_asset_path,
        blank=True,
        max_length=300,
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    objects = organiser_scoped("period__organiser")

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return str(self.period)


# Crockford's base32: digits and capitals without I, L, O and U, so a code read off paper
# can be typed back (lower case, O for 0 and I or L for 1 are accepted: ``code_normalise``).
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def certificate_code() -> str:
    """An unguessable verification code people can type: 60 random bits as 12 Crockford
    base32 characters in three groups, e.g. ``7KQ2-M9XD-4TBW`` (the hyphens keep a code
    from ever being all digits)."""
    value = secrets.randbits(60)
    chars = "".join(CROCKFORD[(value >> shift) & 31] for shift in range(55, -1, -5))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def code_normalise(text: str) -> str:
    """A typed code in its stored form: upper case, spaces and hyphens ignored, O read as 0
    and I or L as 1, regrouped 4-4-4 when it has 12 characters."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(raw) == 12 and all(ch in CROCKFORD for ch in raw):
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return raw


class Certificate(models.Model):
    """One certificate of one unit from a finalised scoring run."""

    class Kind(models.TextChoices):
        FIRST = "terbaik_1", _("Best I")
        SECOND = "terbaik_2", _("Best II")
        THIRD = "terbaik_3", _("Best III")
        IMPROVED = "peningkatan", _("Most improved")
        QUALIFICATION = "kualifikasi", _("Qualification")
        PARTICIPANT = "partisipan", _("Participant")

    run = models.ForeignKey(
        "penilaian.ScoringRun",
        verbose_name=_("scoring run"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="certificates"
    )
    level = models.ForeignKey(
        Level, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("award"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # Who signed the certificate's PDF electronically (the signer's name), empty if unsigned.
    signed_by = models.CharField(_("signed electronically by"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    qualification = models.CharField(_("qualification"), max_length=32)
    final = models.DecimalField(_("final score"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    objects = organiser_scoped("run__period__organiser")

    class Meta:
        ordering = ["run", "level__order", "unit__code", "kind"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "unit", "kind"], name="unique_certificate_per_award"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.unit}"


class OpenDataFile(models.Model):
    """One file of a published run's open data (issue #23): a level's rows as CSV or JSON,
    written once when the run is published and served byte for byte forever after, so that a
    versioned URL never changes (a correction publishes a new run, hence new files)."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    run = models.ForeignKey(
        "penilaian.ScoringRun",
        verbose_name=_("scoring run"),
        on_delete=models.CASCADE,
        related_name="open_data",
    )
    level = models.ForeignKey(Level, verbose_name=_("level"), on_delete=models.PROTECT)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    objects = organiser_scoped("run__period__organiser")

    class Meta:
        verbose_name = _("open data file")
        verbose_name_plural = _("open data files")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "level", "format"], name="one_open_data_file_per_run_level_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.level.code}.{self.format}"


class SignerCertificate(models.Model):
    """The certificate an organiser's documents are signed with (issue #23): its PKCS#12 file
    and password, encrypted with ``settings.SIGNING_KEY`` (``laporan.signing``), never handed
    out again; what is shown of it is its subject, issuer and validity. Uploading another
    replaces it."""

    organiser = models.OneToOneField(
        "award.Organiser",
        verbose_name=_("organiser"),
        on_delete=models.CASCADE,
        related_name="signer_certificate",
    )
    pkcs12_encrypted = models.BinaryField(_("PKCS#12 file (encrypted)"))
    password_encrypted = models.BinaryField(_("password (encrypted)"))
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=100)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    # The public certificates of the file (the signer's and its issuers'): the roots a
    # received PDF's signature is checked against (laporan.verification). Not secret.
    chain_pem = models.TextField(_("certificate chain (PEM)"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)
    objects = organiser_scoped("organiser")

    class Meta:
        verbose_name = _("signer certificate")
        verbose_name_plural = _("signer certificates")

    def __str__(self) -> str:
        return self.subject
