"""Routes of the audit trail. Every route has an entry in tests/award/test_permissions.py."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("unit/<int:pk>/riwayat/", views.UnitHistoryView.as_view(), name="unit_history"),
]
