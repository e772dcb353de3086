"""The admin's levels screen (tingkat): list with unit counts, add, edit, remove."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award import levels, selectors
from award.forms import LevelForm
from award.mixins import AdminRequired
from award.models import Level
from common.forms import error_text, form_errors_add


def _list(request, form, editing=None):
    return render(
        request,
        "award/level_list.html",
        {"levels": selectors.level_unit_counts(), "form": form, "editing": editing},
    )


def _save(request, form, level=None):
    if form.is_valid():
        try:
            saved = levels.level_save(level=level, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("Level %(level)s saved.") % {"level": saved.name})
            return redirect("award:level_list")
    messages.error(request, _("Please correct the marked fields."))
    return _list(request, form, editing=level)


class LevelListView(AdminRequired, View):
    def get(self, request):
        return _list(request, LevelForm())

    def post(self, request):
        return _save(request, LevelForm(request.POST))


class LevelUpdateView(AdminRequired, View):
    def get(self, request, code):
        level = get_object_or_404(Level, code=code)
        return _list(request, LevelForm(instance=level), editing=level)

    def post(self, request, code):
        level = get_object_or_404(Level, code=code)
        return _save(
            request, LevelForm(request.POST, instance=Level.objects.get(pk=level.pk)), level
        )


class LevelDeleteView(AdminRequired, View):
    def post(self, request, code):
        level = get_object_or_404(Level, code=code)
        try:
            levels.level_delete(level=level)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Level %(level)s removed.") % {"level": level.name})
        return redirect("award:level_list")
