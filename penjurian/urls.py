"""Routes of jury work. Every route has an entry in tests/award/test_permissions.py."""

from django.urls import path

from .views import (
    assignment,
    integrity,
    juries,
    objections,
    oversight,
    presentations,
    verification,
)

app_name = "penjurian"

urlpatterns = [
    path("juri/", verification.InboxView.as_view(), name="inbox"),
    path("juri/unit/<int:pk>/", verification.VerifyView.as_view(), name="verify"),
    path(
        "juri/unit/<int:pk>/aspek/<int:aspect_pk>/terima/",
        verification.AspectAcceptView.as_view(),
        name="aspect_accept",
    ),
    path("juri/bukti/<int:pk>/", verification.EvidenceView.as_view(), name="evidence"),
    path(
        "juri/unit/<int:pk>/sanggah/",
        objections.JuryObjectionsView.as_view(),
        name="objections_jury",
    ),
    path("juri/presentasi/", presentations.PresentationListView.as_view(), name="presentations"),
    path(
        "juri/presentasi/<int:pk>/",
        presentations.PresentationScoreView.as_view(),
        name="presentation_score",
    ),
    path("sanggah/<int:pk>/", objections.OperatorObjectionsView.as_view(), name="objections"),
    path("sanggah/berkas/<int:pk>/", objections.ObjectionFileView.as_view(), name="objection_file"),
    path(
        "periode/<int:year>/sanggah/",
        objections.PeriodObjectionsView.as_view(),
        name="objections_admin",
    ),
    path("periode/<int:year>/pengawasan/", oversight.OversightView.as_view(), name="oversight"),
    path("periode/<int:year>/pengawasan/pengingat/", oversight.RemindView.as_view(), name="remind"),
    path(
        "periode/<int:year>/presentasi/",
        presentations.PresentationAdminView.as_view(),
        name="presentations_admin",
    ),
    path(
        "periode/<int:year>/presentasi/kriteria/",
        presentations.CriteriaSaveView.as_view(),
        name="presentation_criteria",
    ),
    path(
        "periode/<int:year>/presentasi/jadwal/<int:unit_pk>/",
        presentations.SlotSaveView.as_view(),
        name="presentation_slot",
    ),
    path(
        "periode/<int:year>/integritas-bukti/", integrity.IntegrityView.as_view(), name="integrity"
    ),
    path(
        "periode/<int:year>/integritas-bukti/periksa/",
        integrity.IntegrityCheckView.as_view(),
        name="integrity_check",
    ),
    path(
        "periode/<int:year>/integritas-bukti.xlsx",
        integrity.IntegrityExportView.as_view(),
        name="integrity_export",
    ),
    path("pemeriksaan-bukti/<int:pk>/", integrity.IntegrityJobView.as_view(), name="integrity_job"),
    path("periode/<int:year>/juri/", juries.JuriesView.as_view(), name="juries"),
    path("periode/<int:year>/juri/undang/", juries.JuryAddView.as_view(), name="jury_add"),
    path("periode/<int:year>/juri/<int:pk>/", juries.JuryEditView.as_view(), name="jury_edit"),
    path("periode/<int:year>/juri/impor/", juries.JuriesImportView.as_view(), name="juries_import"),
    path(
        "periode/<int:year>/juri/<int:pk>/keluar/",
        juries.JuryRemoveView.as_view(),
        name="jury_remove",
    ),
    path("periode/<int:year>/penugasan/", assignment.AssignmentMatrixView.as_view(), name="matrix"),
    path(
        "periode/<int:year>/penugasan/ubah/",
        assignment.AssignmentChangeView.as_view(),
        name="assignment_change",
    ),
    path("periode/<int:year>/penugasan/otomatis/", assignment.AssignView.as_view(), name="assign"),
    path(
        "periode/<int:year>/penugasan.xlsx",
        assignment.AssignmentsExportView.as_view(),
        name="assignments_export",
    ),
]
