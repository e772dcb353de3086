from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from award.models import DeadlineExtension, JuryMembership, Level, OperatorMembership, Period, Unit


class LockedWithPeriod:
    """Django admin follows the same rule as the screens and services: once a period's
    results are published, what fed them is read-only until a correction is opened
    (``Period.inputs_locked``). ``period_path`` names the period from the object."""

    period_path = "period"

    def _period_of(self, obj):
        for part in self.period_path.split("__"):
            obj = getattr(obj, part, None) if obj is not None else None
        return obj

    def has_change_permission(self, request, obj=None):
        period = self._period_of(obj)
        if period is not None and period.inputs_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        period = self._period_of(obj)
        if period is not None and period.inputs_locked:
            return False
        return super().has_delete_permission(request, obj)


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
class PeriodAdmin(LockedWithPeriod, admin.ModelAdmin):
    period_path = "pk"

    def _period_of(self, obj):
        return obj

    list_display = ["year", "name", "stage_display", "saq_open", "saq_close"]
    inlines = [JuryInline, ExtensionInline]

    @admin.display(description=_("stage"))
    def stage_display(self, obj):
        return obj.stage_label
