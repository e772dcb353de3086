"""Routes of scoring: runs, rankings, explanations, penetapan."""

from django.urls import path

from . import views

app_name = "penilaian"

urlpatterns = [
    path("periode/<int:year>/penilaian/", views.ScoringView.as_view(), name="scoring"),
    path(
        "periode/<int:year>/peringkat/",
        views.PeriodRankingView.as_view(),
        name="period_ranking",
    ),
    path("periode/<int:year>/abaikan/", views.OverrideView.as_view(), name="override"),
    path("periode/<int:year>/koreksi/", views.CorrectionOpenView.as_view(), name="correction_open"),
    path(
        "periode/<int:year>/koreksi/batal/",
        views.CorrectionCancelView.as_view(),
        name="correction_cancel",
    ),
    path("penilaian/<int:pk>/", views.ScoringRunView.as_view(), name="scoring_run"),
    path(
        "penilaian/<int:pk>/batalkan/",
        views.ScoringRunCancelView.as_view(),
        name="scoring_run_cancel",
    ),
    path(
        "penilaian/<int:pk>/tetapkan/",
        views.ScoringFinaliseView.as_view(),
        name="scoring_finalise",
    ),
    path("penilaian/<int:pk>/peringkat/", views.RankingView.as_view(), name="ranking"),
    path(
        "penilaian/<int:pk>/unit/<int:unit_pk>/",
        views.ScoreExplainView.as_view(),
        name="score_explain",
    ),
]
