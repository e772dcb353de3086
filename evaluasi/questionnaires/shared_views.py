"""Shared questionnaires (issue #22): an organiser offers a published questionnaire as a
template; another organiser's admin copies it into a period as a draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import PeriodAdminRequired
from award.models import Level, organiser_current
from evaluasi.questionnaires import selectors as questionnaire_selectors
from evaluasi.questionnaires import services as questionnaire_services

from .views import QuestionnaireActionView


class SharedQuestionnaireListView(PeriodAdminRequired, View):
    """The templates every organiser offers, each with a copy form for this period."""

    def get(self, request, year):
        levels = list(Level.objects.order_by("order"))
        templates = list(questionnaire_selectors.shared_questionnaires_live())
        codes = {level.code for level in levels}
        for template in templates:
            template.default_level = template.level_code if template.level_code in codes else ""
        return render(
            request,
            "evaluasi/shared_questionnaire_list.html",
            {
                "period": self.period,
                "templates": templates,
                "levels": levels,
                "organiser": organiser_current(),
            },
        )


class SharedQuestionnaireCopyView(PeriodAdminRequired, View):
    def post(self, request, year, pk):
        shared = get_object_or_404(questionnaire_selectors.shared_questionnaires_live(), pk=pk)
        level = Level.objects.filter(pk=request.POST.get("level") or None).first()
        if level is None:
            messages.error(request, _("Choose the level the copy is for."))
            return redirect("evaluasi:shared_questionnaire_list", year=year)
        try:
            copy = questionnaire_services.shared_questionnaire_copy(
                shared=shared, period=self.period, level=level, created_by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("evaluasi:shared_questionnaire_list", year=year)
        messages.success(
            request,
            _("%(title)s of %(organiser)s copied as a draft for %(level)s.")
            % {"title": shared.title, "organiser": shared.organiser.name, "level": level.name},
        )
        return redirect("evaluasi:questionnaire_detail", pk=copy.pk)


class QuestionnaireShareView(QuestionnaireActionView):
    def act(self, questionnaire):
        questionnaire_services.questionnaire_share(
            questionnaire=questionnaire, user=self.request.user
        )
        messages.success(
            self.request,
            _("The questionnaire is shared: other organisers can now copy it as a template."),
        )
        return redirect("evaluasi:questionnaire_detail", pk=questionnaire.pk)


class QuestionnaireUnshareView(QuestionnaireActionView):
    """Withdraw the template made from one of this organiser's questionnaires."""

    def act(self, questionnaire):
        shared = questionnaire_selectors.shared_questionnaire_of(questionnaire=questionnaire)
        if shared is not None:
            questionnaire_services.shared_questionnaire_withdraw(shared=shared)
            messages.success(
                self.request, _("The template is withdrawn; copies already made stay.")
            )
        return redirect("evaluasi:questionnaire_detail", pk=questionnaire.pk)
