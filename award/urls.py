"""Routes of the core domain (periods, units, accounts), included by ``config.urls``. Every
route has an entry in tests/award/test_permissions.py."""

from django.contrib.auth import views as auth_views
from django.urls import path

from award import forms, level_views, organiser_views, views

app_patterns = (
    [
        path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
        path("periode/", views.PeriodListView.as_view(), name="period_list"),
        path("periode/baru/", views.PeriodCreateView.as_view(), name="period_create"),
        path("periode/<int:year>/", views.PeriodDetailView.as_view(), name="period_detail"),
        path("periode/<int:year>/ubah/", views.PeriodUpdateView.as_view(), name="period_update"),
        path(
            "periode/<int:year>/perpanjangan/tambah/",
            views.PeriodExtensionAddView.as_view(),
            name="period_extension_add",
        ),
        path(
            "periode/<int:year>/perpanjangan/<int:pk>/hapus/",
            views.PeriodExtensionDeleteView.as_view(),
            name="period_extension_delete",
        ),
        path("penyelenggara/", organiser_views.OrganiserListView.as_view(), name="organiser_list"),
        path(
            "penyelenggara/<slug:slug>/",
            organiser_views.OrganiserUpdateView.as_view(),
            name="organiser_update",
        ),
        path(
            "penyelenggara/<slug:slug>/tim/",
            organiser_views.TeamMemberAddView.as_view(),
            name="organiser_member_add",
        ),
        path(
            "penyelenggara/<slug:slug>/tim/<int:user_pk>/hapus/",
            organiser_views.TeamMemberRemoveView.as_view(),
            name="organiser_member_remove",
        ),
        path("tingkat/", level_views.LevelListView.as_view(), name="level_list"),
        path(
            "tingkat/<slug:code>/ubah/", level_views.LevelUpdateView.as_view(), name="level_update"
        ),
        path(
            "tingkat/<slug:code>/hapus/", level_views.LevelDeleteView.as_view(), name="level_delete"
        ),
        path("unit/", views.UnitListView.as_view(), name="unit_list"),
        path("unit/baru/", views.UnitFormView.as_view(), name="unit_create"),
        path("unit/impor/", views.UnitImportView.as_view(), name="unit_import"),
        path(
            "unit/impor/templat.xlsx",
            views.UnitImportTemplateView.as_view(),
            name="unit_import_template",
        ),
        path("unit/impor/<int:pk>/", views.UnitImportJobView.as_view(), name="unit_import_job"),
        path(
            "unit/impor/<int:pk>/konfirmasi/",
            views.UnitImportConfirmView.as_view(),
            name="unit_import_confirm",
        ),
        path("unit/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
        path("unit/<int:pk>/ubah/", views.UnitFormView.as_view(), name="unit_update"),
        path(
            "unit/<int:pk>/operator/undang/",
            views.OperatorInviteView.as_view(),
            name="operator_invite",
        ),
        path(
            "unit/<int:pk>/operator/<int:membership_pk>/hapus/",
            views.OperatorRemoveView.as_view(),
            name="operator_remove",
        ),
    ],
    "award",
)

auth_patterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=forms.LoginForm
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "akun/kata-sandi/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "akun/kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "akun/lupa-sandi/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "akun/lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "akun/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "akun/reset/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("akun/terkunci/", views.LockoutListView.as_view(), name="lockout_list"),
    path(
        "akun/terkunci/<int:pk>/buka/", views.LockoutReleaseView.as_view(), name="lockout_release"
    ),
    path(
        "akun/undangan/<uidb64>/<token>/",
        views.InvitationConfirmView.as_view(),
        name="invitation_confirm",
    ),
]
