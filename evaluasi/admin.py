from django.contrib import admin

from award.admin import LockedWithPeriod
from evaluasi.models import Aspect, Indicator, Option, Questionnaire


class AspectInline(admin.TabularInline):
    model = Aspect
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(LockedWithPeriod, admin.ModelAdmin):
    list_display = ["title", "period", "level", "version", "status"]
    list_filter = ["period", "level", "status"]
    inlines = [AspectInline]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(LockedWithPeriod, admin.ModelAdmin):
    period_path = "questionnaire__period"
    list_display = ["code", "questionnaire", "aspect", "type", "weight", "evidence"]
    list_filter = ["questionnaire__period", "questionnaire__level", "type"]
    search_fields = ["code", "question"]
    inlines = [OptionInline]
