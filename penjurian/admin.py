from django.contrib import admin

from award.admin import LockedWithPeriod

from .models import Assignment, PresentationCriterion, PresentationScore, Verification


@admin.register(Assignment)
class AssignmentAdmin(LockedWithPeriod, admin.ModelAdmin):
    list_display = ["period", "jury", "unit"]
    list_filter = ["period"]
    autocomplete_fields = ["unit", "jury"]


@admin.register(Verification)
class VerificationAdmin(LockedWithPeriod, admin.ModelAdmin):
    period_path = "submission__period"
    list_display = ["submission", "indicator", "jury", "decision", "value"]
    list_filter = ["decision", "submission__period"]
    raw_id_fields = ["submission", "indicator"]


class PresentationScoreInline(admin.TabularInline):
    model = PresentationScore
    extra = 0
    autocomplete_fields = ["unit", "jury"]


@admin.register(PresentationCriterion)
class PresentationCriterionAdmin(LockedWithPeriod, admin.ModelAdmin):
    list_display = ["period", "code", "name", "weight", "order"]
    list_filter = ["period"]
    inlines = [PresentationScoreInline]
