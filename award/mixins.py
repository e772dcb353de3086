"""View mixins: who may act, and on which period — resolved once per request.

Every view under a URL with ``<int:year>`` takes its period from ``PeriodMixin`` (never looks
it up itself; ``tests/test_layout.py`` checks it): the period is read once, a missing one is
a 404, and the permission is checked against it (``get_permission_object`` returns it, so the
rules in each app's ``rules.py`` receive the period). This is the one place that answers
"which period, and may this person act on it"."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from award.models import Period
from award.rules import is_viewer


class AdminRequired(PermissionRequiredMixin):
    """Only the organiser's admins (and the platform superuser); its read-only viewers may look
    (GET) but not change anything. Anonymous users go to the login page."""

    permission_required = "award.manage"

    def get_permission_object(self):
        return None

    def has_permission(self):
        if super().has_permission():
            return True
        return self.request.method in ("GET", "HEAD") and is_viewer(self.request.user)


class PlatformRequired(PermissionRequiredMixin):
    """Only the platform superuser: organisers and their teams."""

    permission_required = "award.platform"

    def get_permission_object(self):
        return None


class PeriodMixin:
    """The period of the URL's ``year`` as ``self.period``, and the object permissions are
    checked against."""

    period_url_kwarg = "year"

    @cached_property
    def period(self) -> Period:
        return get_object_or_404(Period, year=self.kwargs[self.period_url_kwarg])

    def get_permission_object(self):
        return self.period


class PeriodAdminRequired(PeriodMixin, AdminRequired):
    """Admin work on one period (``award.manage`` checked against the period)."""
