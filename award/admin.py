from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DeadlineExtension, Job, JuryMembership, Level, OperatorMembership, Period, Unit


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent_level", "order"]
    ordering = ["order"]


class OperatorInline(admin.TabularInline):
    model = OperatorMembership
    fk_name = "unit"
    extra = 0
    autocomplete_fields = ["user"]
    exclude = ["invited_by"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    inlines = [OperatorInline]


class ExtensionInline(admin.TabularInline):
    model = DeadlineExtension
    extra = 0
    autocomplete_fields = ["unit"]
    exclude = ["created_by"]


class JuryInline(admin.TabularInline):
    model = JuryMembership
    extra = 0
    autocomplete_fields = ["user", "home_unit"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "stage_display", "saq_open", "saq_close"]
    inlines = [JuryInline, ExtensionInline]

    @admin.display(description=_("stage"))
    def stage_display(self, obj):
        return obj.stage_label


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "progress", "created_by", "created_at"]
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
