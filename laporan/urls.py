from django.urls import path

from . import opendata_views, public_views, signer_views, views

app_name = "laporan"
urlpatterns = [
    # Admin.
    path("periode/<int:year>/laporan/", views.ReportView.as_view(), name="report"),
    path(
        "periode/<int:year>/laporan/<str:kind>/buat/",
        views.ReportStartView.as_view(),
        name="report_start",
    ),
    path(
        "periode/<int:year>/laporan/peringkat-<slug:level>.csv",
        views.RankingCsvView.as_view(),
        name="ranking_csv",
    ),
    path("laporan/penandatangan/", signer_views.SignerCertificateView.as_view(), name="signer"),
    path(
        "laporan/penandatangan/hapus/",
        signer_views.SignerCertificateDeleteView.as_view(),
        name="signer_delete",
    ),
    path("laporan/<int:pk>/", views.ReportJobView.as_view(), name="job"),
    path("laporan/<int:pk>/unduh/", views.ReportDownloadView.as_view(), name="download"),
    path(
        "laporan/<int:pk>/unduh-zip/",
        views.ReportDownloadView.as_view(),
        {"part": "zip"},
        name="download_zip",
    ),
    # Public.
    path("hasil/", public_views.PublicHomeView.as_view(), name="public_home"),
    path("hasil/<int:year>/", public_views.PublicRankingView.as_view(), name="public_ranking"),
    path("hasil/unit/<str:code>/", public_views.PublicUnitView.as_view(), name="public_unit"),
    path("api/", public_views.ApiDocsView.as_view(), name="api_docs"),
    path("verifikasi/", public_views.CertificateLookupView.as_view(), name="verify_lookup"),
    path(
        "verifikasi/periksa-berkas/",
        public_views.CertificateFileCheckView.as_view(),
        name="verify_file",
    ),
    path("verifikasi/<str:code>/", public_views.CertificateVerifyView.as_view(), name="verify"),
    path("lencana/<str:code>/<int:year>.svg", public_views.BadgeView.as_view(), name="badge"),
    # Open data (issue #23): the current version, then each version forever.
    path("data/katalog.jsonld", opendata_views.CatalogueView.as_view(), name="opendata_catalogue"),
    path(
        "data/<int:year>/datapackage.json",
        opendata_views.DataPackageView.as_view(),
        name="opendata_package",
    ),
    path(
        "data/<int:year>/<slug:level>.csv",
        opendata_views.OpenDataFileView.as_view(),
        {"fmt": "csv"},
        name="opendata_csv",
    ),
    path(
        "data/<int:year>/<slug:level>.json",
        opendata_views.OpenDataFileView.as_view(),
        {"fmt": "json"},
        name="opendata_json",
    ),
    path(
        "data/<int:year>/v<int:version>/datapackage.json",
        opendata_views.DataPackageView.as_view(),
        name="opendata_package_version",
    ),
    path(
        "data/<int:year>/v<int:version>/<slug:level>.csv",
        opendata_views.OpenDataFileView.as_view(),
        {"fmt": "csv"},
        name="opendata_csv_version",
    ),
    path(
        "data/<int:year>/v<int:version>/<slug:level>.json",
        opendata_views.OpenDataFileView.as_view(),
        {"fmt": "json"},
        name="opendata_json_version",
    ),
]
