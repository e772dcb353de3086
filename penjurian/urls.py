"""Routes of jury work. Every route has an entry in tests/award/test_permissions.py."""

from django.urls import path

from . import verify_views, views

app_name = "penjurian"

urlpatterns = [
    path("verifikasi/", verify_views.InboxView.as_view(), name="inbox"),
    path("verifikasi/<int:pk>/", verify_views.VerifyView.as_view(), name="verify"),
    path(
        "verifikasi/<int:pk>/aspek/<int:aspect_pk>/terima/",
        verify_views.AspectAcceptView.as_view(),
        name="aspect_accept",
    ),
    path("verifikasi/bukti/<int:pk>/", verify_views.EvidenceView.as_view(), name="evidence"),
    path("periode/<int:year>/juri/", views.JuriesView.as_view(), name="juries"),
    path("periode/<int:year>/juri/impor/", views.JuriesImportView.as_view(), name="juries_import"),
    path(
        "periode/<int:year>/juri/<int:pk>/keluar/",
        views.JuryDropOutView.as_view(),
        name="jury_drop_out",
    ),
    path("periode/<int:year>/penugasan/otomatis/", views.AssignView.as_view(), name="assign"),
    path(
        "periode/<int:year>/penugasan.xlsx",
        views.AssignmentsExportView.as_view(),
        name="assignments_export",
    ),
]
