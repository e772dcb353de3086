"""Routes of jury work. Every route has an entry in tests/award/test_permissions.py."""

from django.urls import path

from . import objection_views, oversight_views, presentation_views, verify_views, views

app_name = "penjurian"

urlpatterns = [
    path("juri/", verify_views.InboxView.as_view(), name="inbox"),
    path("juri/unit/<int:pk>/", verify_views.VerifyView.as_view(), name="verify"),
    path(
        "juri/unit/<int:pk>/aspek/<int:aspect_pk>/terima/",
        verify_views.AspectAcceptView.as_view(),
        name="aspect_accept",
    ),
    path("juri/bukti/<int:pk>/", verify_views.EvidenceView.as_view(), name="evidence"),
    path(
        "juri/unit/<int:pk>/sanggah/",
        objection_views.JuryObjectionsView.as_view(),
        name="objections_jury",
    ),
    path(
        "juri/presentasi/", presentation_views.PresentationListView.as_view(), name="presentations"
    ),
    path(
        "juri/presentasi/<int:pk>/",
        presentation_views.PresentationScoreView.as_view(),
        name="presentation_score",
    ),
    path("sanggah/<int:pk>/", objection_views.OperatorObjectionsView.as_view(), name="objections"),
    path(
        "sanggah/berkas/<int:pk>/",
        objection_views.ObjectionFileView.as_view(),
        name="objection_file",
    ),
    path(
        "periode/<int:year>/sanggah/",
        objection_views.PeriodObjectionsView.as_view(),
        name="objections_admin",
    ),
    path(
        "periode/<int:year>/pengawasan/", oversight_views.OversightView.as_view(), name="oversight"
    ),
    path(
        "periode/<int:year>/pengawasan/pengingat/",
        oversight_views.RemindView.as_view(),
        name="remind",
    ),
    path("periode/<int:year>/juri/", views.JuriesView.as_view(), name="juries"),
    path("periode/<int:year>/juri/undang/", views.JuryAddView.as_view(), name="jury_add"),
    path("periode/<int:year>/juri/<int:pk>/", views.JuryEditView.as_view(), name="jury_edit"),
    path("periode/<int:year>/juri/impor/", views.JuriesImportView.as_view(), name="juries_import"),
    path(
        "periode/<int:year>/juri/<int:pk>/keluar/",
        views.JuryDropOutView.as_view(),
        name="jury_drop_out",
    ),
    path("periode/<int:year>/penugasan/", views.AssignmentMatrixView.as_view(), name="matrix"),
    path(
        "periode/<int:year>/penugasan/ubah/",
        views.AssignmentChangeView.as_view(),
        name="assignment_change",
    ),
    path("periode/<int:year>/penugasan/otomatis/", views.AssignView.as_view(), name="assign"),
    path(
        "periode/<int:year>/penugasan.xlsx",
        views.AssignmentsExportView.as_view(),
        name="assignments_export",
    ),
]
