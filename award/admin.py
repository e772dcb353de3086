from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from award.models import DeadlineExtension, JuryMembership, Level, OperatorMembership, Period, Unit


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
