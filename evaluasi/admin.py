from django.contrib import admin

from .models import (
    Aspect,
    Assignment,
    Indicator,
    Option,
    PresentationCriterion,
    PresentationScore,
    Questionnaire,
    Verification,
)


class AspectInline(admin.TabularInline):
    model = Aspect
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "level", "version", "status"]
    list_filter = ["period", "level", "status"]
    inlines = [AspectInline]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "questionnaire", "aspect", "type", "weight", "evidence"]
    list_filter = ["questionnaire__period", "questionnaire__level", "type"]
    search_fields = ["code", "question"]
    inlines = [OptionInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["period", "jury", "unit"]
    list_filter = ["period"]
    autocomplete_fields = ["unit", "jury"]


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["submission", "indicator", "jury", "decision", "value"]
    list_filter = ["decision", "submission__period"]
    raw_id_fields = ["submission", "indicator"]


class PresentationScoreInline(admin.TabularInline):
    model = PresentationScore
    extra = 0
    autocomplete_fields = ["unit", "jury"]


@admin.register(PresentationCriterion)
class PresentationCriterionAdmin(admin.ModelAdmin):
    list_display = ["period", "code", "name", "weight", "order"]
    list_filter = ["period"]
    inlines = [PresentationScoreInline]
