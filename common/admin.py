from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind_label", "status", "progress", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    # The stored file lives in private storage, which has no public URL: show its name only
    # (the admin's usual link would raise), downloads go through the job's own page.
    readonly_fields = [f.name for f in Job._meta.fields if f.name != "file"] + ["stored_file"]
    exclude = ["file"]

    @admin.display(description=_("stored file"))
    def stored_file(self, obj):
        return obj.file.name or "–"

    def has_add_permission(self, request):
        return False
