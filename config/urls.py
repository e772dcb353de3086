"""Root URL configuration: each app's routes, the accounts, the health checks and Django admin.
Every route has an entry in tests/award/test_permissions.py."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from award.urls import app_patterns, auth_patterns
from common import views as common_views
from laporan import public_views
from laporan.api import api

admin.site.site_header = _("PPID Award – data administration")
admin.site.site_title = _("PPID Award")
admin.site.index_title = _("Data administration")
# Django admin reads every organiser's data (award.middleware runs it without a scope): the
# platform superuser's tool only, never an organiser's staff account.
admin.site.has_permission = lambda request: bool(
    request.user.is_active and request.user.is_superuser
)

urlpatterns = [
    path("", public_views.StartView.as_view(), name="home"),
    path("sehat/", common_views.health, name="health"),
    path("sehat/web/", common_views.health_web, name="health_web"),
    path("favicon.ico", common_views.FaviconView.as_view(), name="favicon"),
    path("", include(app_patterns)),
    path("", include("evaluasi.urls")),
    path("", include("penjurian.urls")),
    path("", include("penilaian.urls")),
    path("", include("laporan.urls")),
    path("", include("audit.urls")),
    path("", include("common.urls")),
    *auth_patterns,
    path("admin/", admin.site.urls),
    # The API's own root answers 404 (django-ninja): send a person to the documentation.
    path("api/v1/", RedirectView.as_view(pattern_name="laporan:api_docs"), name="api_root"),
    path("api/v1/", api.urls),
]

handler403 = "common.errors.permission_denied"
handler404 = "common.errors.page_not_found"
handler500 = "common.errors.server_error"
