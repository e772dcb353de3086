from django.urls import path, register_converter

from .questionnaires import shared_views, views
from .saq import participation_views
from .saq import views as saq_views


class DirectionConverter:
    regex = "naik|turun"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DirectionConverter, "arah")

app_name = "evaluasi"
urlpatterns = [
    path(
        "periode/<int:year>/kuesioner/",
        views.QuestionnaireListView.as_view(),
        name="questionnaire_list",
    ),
    path(
        "periode/<int:year>/kuesioner/impor/",
        views.QuestionnaireImportView.as_view(),
        name="questionnaire_import",
    ),
    path(
        "periode/<int:year>/kuesioner/salin/",
        views.QuestionnaireCopyView.as_view(),
        name="questionnaire_copy",
    ),
    path(
        "kuesioner/templat.xlsx",
        views.QuestionnaireTemplateView.as_view(),
        name="questionnaire_template",
    ),
    path(
        "kuesioner/impor/<int:pk>/",
        views.QuestionnaireImportJobView.as_view(),
        name="questionnaire_import_job",
    ),
    path(
        "kuesioner/impor/<int:pk>/konfirmasi/",
        views.QuestionnaireImportConfirmView.as_view(),
        name="questionnaire_import_confirm",
    ),
    path(
        "kuesioner/<int:pk>/", views.QuestionnaireDetailView.as_view(), name="questionnaire_detail"
    ),
    path(
        "kuesioner/<int:pk>/ekspor.xlsx",
        views.QuestionnaireExportView.as_view(),
        name="questionnaire_export",
    ),
    path(
        "kuesioner/<int:pk>/pratinjau/",
        saq_views.QuestionnairePreviewView.as_view(),
        name="questionnaire_preview",
    ),
    path(
        "kuesioner/<int:pk>/terbitkan/",
        views.QuestionnairePublishView.as_view(),
        name="questionnaire_publish",
    ),
    path(
        "kuesioner/<int:pk>/versi-baru/",
        views.QuestionnaireNewVersionView.as_view(),
        name="questionnaire_new_version",
    ),
    path(
        "kuesioner/<int:pk>/bagikan/",
        shared_views.QuestionnaireShareView.as_view(),
        name="questionnaire_share",
    ),
    path(
        "kuesioner/<int:pk>/tarik-bagikan/",
        shared_views.QuestionnaireUnshareView.as_view(),
        name="questionnaire_unshare",
    ),
    path(
        "periode/<int:year>/kuesioner/templat-bersama/",
        shared_views.SharedQuestionnaireListView.as_view(),
        name="shared_questionnaire_list",
    ),
    path(
        "periode/<int:year>/kuesioner/templat-bersama/<int:pk>/salin/",
        shared_views.SharedQuestionnaireCopyView.as_view(),
        name="shared_questionnaire_copy",
    ),
    path(
        "kuesioner/<int:pk>/hapus/",
        views.QuestionnaireDeleteView.as_view(),
        name="questionnaire_delete",
    ),
    path("kuesioner/<int:pk>/aspek/tambah/", views.AspectAddView.as_view(), name="aspect_add"),
    path("kuesioner/aspek/<int:pk>/ubah/", views.AspectEditView.as_view(), name="aspect_edit"),
    path("kuesioner/aspek/<int:pk>/hapus/", views.AspectDeleteView.as_view(), name="aspect_delete"),
    path(
        "kuesioner/aspek/<int:pk>/<arah:direction>/",
        views.AspectMoveView.as_view(),
        name="aspect_move",
    ),
    path(
        "kuesioner/aspek/<int:pk>/indikator/tambah/",
        views.IndicatorCreateView.as_view(),
        name="indicator_create",
    ),
    path(
        "kuesioner/indikator/<int:pk>/ubah/",
        views.IndicatorEditView.as_view(),
        name="indicator_edit",
    ),
    path(
        "kuesioner/indikator/<int:pk>/hapus/",
        views.IndicatorDeleteView.as_view(),
        name="indicator_delete",
    ),
    path(
        "kuesioner/indikator/<int:pk>/<arah:direction>/",
        views.IndicatorMoveView.as_view(),
        name="indicator_move",
    ),
    path(
        "periode/<int:year>/partisipasi/",
        participation_views.ParticipationView.as_view(),
        name="participation",
    ),
    path(
        "periode/<int:year>/partisipasi/pengingat/",
        participation_views.ReminderSendView.as_view(),
        name="reminder_send",
    ),
    # The SAQ (operators).
    path("saq/<int:year>/unit/<int:unit_pk>/", saq_views.SaqStartView.as_view(), name="saq_start"),
    path("saq/<int:pk>/ringkasan/", saq_views.SaqSummaryView.as_view(), name="saq_summary"),
    path("saq/<int:pk>/buka-kembali/", saq_views.SaqReopenView.as_view(), name="saq_reopen"),
    path(
        "saq/<int:pk>/simpan/<int:indicator_pk>/",
        saq_views.AutosaveView.as_view(),
        name="saq_autosave",
    ),
    path(
        "saq/<int:pk>/bukti/<int:indicator_pk>/",
        saq_views.EvidenceAddView.as_view(),
        name="evidence_add",
    ),
    path("bukti/<int:pk>/hapus/", saq_views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path(
        "bukti/<int:pk>/unduh/", saq_views.EvidenceDownloadView.as_view(), name="evidence_download"
    ),
    path(
        "saq/<int:pk>/jawaban.xlsx",
        saq_views.AnswersWorkbookView.as_view(),
        name="answers_workbook",
    ),
    path("saq/<int:pk>/impor/", saq_views.AnswersImportView.as_view(), name="answers_import"),
    path(
        "saq/impor/<int:pk>/", saq_views.AnswersImportJobView.as_view(), name="answers_import_job"
    ),
    path(
        "saq/impor/<int:pk>/konfirmasi/",
        saq_views.AnswersImportConfirmView.as_view(),
        name="answers_import_confirm",
    ),
    path(
        "saq/<int:pk>/<str:step>/",
        saq_views.SaqWizard.as_view(url_name="evaluasi:saq_step", done_step_name="selesai"),
        name="saq_step",
    ),
]
