"""Routes of the shared plumbing: an export run as a job, and its file. Every route has an
entry in tests/award/test_permissions.py."""

from django.urls import path

from . import views

app_name = "common"

urlpatterns = [
    path("ekspor/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path("ekspor/<int:pk>/unduh/", views.ExportDownloadView.as_view(), name="export_download"),
]
