"""Organisers (penyelenggara): a Diskominfo kabupaten/kota, a provincial Komisi Informasi or
another body that runs its own award with its own levels, units and periods. People are
global; each organiser has its own team (``OrganiserMembership``)."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

_ACTIVE: ContextVar[Organiser | None] = ContextVar("organiser", default=None)

# First path segments that belong to the platform, never to an organiser's short name.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "akun",
        "api",
        "dasbor",
        "data",
        "favicon.ico",
        "keluar",
        "masuk",
        "media",
        "penyelenggara",
        "sandi",
        "sehat",
        "static",
        "verifikasi",
    }
)


def organiser_scoped(path: str):
    """The default manager of a model owned by an organiser through ``path`` (``organiser``,
    ``period__organiser``, ...): inside ``scope(organiser=pk)`` it sees that organiser's rows
    only; outside any scope a query raises ``ScopeError`` (django-scopes)."""
    return ScopedManager(organiser=path)


class OrganiserOwned:
    """A model owned by an organiser whose ``organiser_unique`` field (a code, a year) is unique
    within the organiser: a duplicate is reported on that field, as ``unique=True`` would."""

    organiser_unique = ""

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        super().validate_constraints(exclude=exclude | {"organiser"})
        name = self.organiser_unique
        if not name or name in exclude or self.organiser_id is None:
            return
        taken = type(self)._default_manager.filter(
            organiser_id=self.organiser_id, **{name: getattr(self, name)}
        )
        if taken.exclude(pk=self.pk).exists():
            raise ValidationError({name: self.unique_error_message(type(self), (name,))})


class Organiser(models.Model):
    class Kind(models.TextChoices):
        DISKOMINFO = "diskominfo", _("Diskominfo kabupaten/kota")
        KOMISI_INFORMASI = "komisi_informasi", _("Komisi Informasi provinsi")
        OTHER = "lain", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name (for URLs)"),
        max_length=40,
        unique=True,
        help_text=_("Lower-case letters, digits and hyphens, e.g. kutim; it starts every URL."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DISKOMINFO)
    region_code = models.CharField(
        _("Kemendagri region code"),
        max_length=20,
        blank=True,
        help_text=_("E.g. 64.08 for Kabupaten Kutai Timur, 64 for Kalimantan Timur."),
    )
    logo = models.ImageField(_("logo"), upload_to="penyelenggara/", blank=True)
    signatory_name = models.CharField(_("default signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.slug and self.slug.lower() in RESERVED_SLUGS:
            message = _("“%(slug)s” is a page of the platform; choose another short name.")
            raise ValidationError({"slug": message % {"slug": self.slug}})
        if self.slug:
            self.slug = self.slug.lower()


class OrganiserMembership(models.Model):
    """A person's role in one organiser's team: admin (runs its award) or viewer (reads
    everything, changes nothing: a Bappeda, an inspectorate)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        VIEWER = "viewer", _("Viewer (read only)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="organiser_memberships",
    )
    organiser = models.ForeignKey(
        Organiser, verbose_name=_("organiser"), on_delete=models.CASCADE, related_name="team"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.ADMIN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organiser", "user"]
        verbose_name = _("organiser team member")
        verbose_name_plural = _("organiser team")
        constraints = [
            models.UniqueConstraint(fields=["user", "organiser"], name="unique_team_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organiser} ({self.get_role_display()})"


@contextlib.contextmanager
def organiser_active(organiser: Organiser | None):
    """Run a block on behalf of ``organiser`` (what a request under its URL, a task of its job
    or a command with ``--organiser`` does)."""
    token = _ACTIVE.set(organiser)
    try:
        yield organiser
    finally:
        _ACTIVE.reset(token)


def organiser_current() -> Organiser | None:
    """The organiser a block runs for, else the installation's only organiser; None when there
    is none yet. Several organisers and none active is an error, never a guess."""
    active = _ACTIVE.get()
    if active is not None:
        return active
    found = list(Organiser.objects.order_by("pk")[:2])
    if len(found) > 1:
        raise ImproperlyConfigured(
            "Several organisers exist: say which one (a URL under its short name, --organiser)."
        )
    return found[0] if found else None


def organiser_field(related_name: str):
    """The ``organiser`` of a model it owns directly (levels, units, periods): the current
    organiser unless told."""
    return models.ForeignKey(
        Organiser,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name=related_name,
        default=organiser_default_pk,
    )


def organiser_current_or_none() -> Organiser | None:
    """The organiser a block runs for; None when none is active (the platform's pages)."""
    return _ACTIVE.get()


def organiser_default_pk() -> int | None:
    """The default of every ``organiser`` field: the current organiser. Reads the primary key
    alone, so that migrations calling it never depend on the organiser's other columns."""
    active = _ACTIVE.get()
    if active is not None:
        return active.pk
    found = list(Organiser.objects.order_by("pk").values_list("pk", flat=True)[:2])
    if len(found) > 1:
        raise ImproperlyConfigured(
            "Several organisers exist: say which one (a URL under its short name, --organiser)."
        )
    return found[0] if found else None
