"""Questionnaire screens: list, import job, editor, preview, export, copy, publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import AdminRequired, PeriodAdminRequired
from award.models import Period
from common.exporters import export_response
from common.forms import WorkbookUploadForm
from common.views import JobConfirmView, JobView
from evaluasi import jobs as evaluasi_jobs
from evaluasi.exports import QuestionnaireExporter
from evaluasi.models import Aspect, Indicator, Questionnaire
from evaluasi.questionnaires import selectors as questionnaire_selectors
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.rubric import spec_problems

from .forms import AspectForm, IndicatorForm, OptionFormSet

DIRECTIONS = {"naik": "up", "turun": "down"}


class QuestionnaireListView(PeriodAdminRequired, View):
    def get(self, request, year):
        period = self.period
        return render(
            request,
            "evaluasi/questionnaire_list.html",
            {
                "period": period,
                "questionnaires": questionnaire_selectors.questionnaires_for_period(period=period),
                "previous": questionnaire_selectors.period_previous(period=period),
                "form": WorkbookUploadForm(),
            },
        )


class QuestionnaireImportView(PeriodAdminRequired, View):
    template_name = "evaluasi/questionnaire_import.html"

    def get(self, request, year):
        return render(
            request,
            self.template_name,
            {"period": self.period, "form": WorkbookUploadForm()},
        )

    def post(self, request, year):
        period = self.period
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"period": period, "form": form})
        upload = form.cleaned_data["file"]
        job = questionnaire_services.questionnaire_import_start(
            data=upload.read(), file_name=upload.name, period=period, user=request.user
        )
        return redirect("evaluasi:questionnaire_import_job", pk=job.pk)


class QuestionnaireImportJobView(AdminRequired, JobView):
    kind = evaluasi_jobs.QUESTIONNAIRE_IMPORT
    template_name = "evaluasi/questionnaire_import_job.html"
    url_name = "evaluasi:questionnaire_import_job"

    def extra_context(self, job):
        return {"period": Period.objects.filter(pk=job.params.get("period")).first()}


class QuestionnaireImportConfirmView(AdminRequired, JobConfirmView):
    kind = evaluasi_jobs.QUESTIONNAIRE_IMPORT
    url_name = "evaluasi:questionnaire_import_job"


class QuestionnaireTemplateView(AdminRequired, View):
    def get(self, request):
        return export_response(QuestionnaireExporter())


class QuestionnaireCopyView(PeriodAdminRequired, View):
    def post(self, request, year):
        period = self.period
        try:
            copies = questionnaire_services.questionnaire_copy_from_previous(
                period=period, created_by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("%(count)s questionnaires copied as drafts.") % {"count": len(copies)},
            )
        return redirect("evaluasi:questionnaire_list", year=year)


# --- one questionnaire --------------------------------------------------------------------
class QuestionnaireMixin(AdminRequired):
    def get_questionnaire(self, pk) -> Questionnaire:
        try:
            return questionnaire_selectors.questionnaire_with_content(pk=pk)
        except Questionnaire.DoesNotExist as missing:
            raise Http404 from missing


def editor_context(questionnaire: Questionnaire, **extra) -> dict:
    questionnaire = questionnaire_selectors.questionnaire_loaded(questionnaire=questionnaire)
    spec = questionnaire_selectors.questionnaire_spec(questionnaire=questionnaire)
    aspects = list(questionnaire.aspects.all())
    total = sum((a.weight for a in aspects), 0)
    for aspect in aspects:
        aspect.indicator_weight_total = sum((i.weight for i in aspect.indicators.all()), 0)
        aspect.form = extra.pop(f"aspect_form_{aspect.pk}", None) or AspectForm(
            instance=aspect, prefix=f"a{aspect.pk}"
        )
    return {
        "questionnaire": questionnaire,
        "aspects": aspects,
        "weight_total": total,
        "weight_ok": total == 100,
        "problems": spec_problems(spec),
        "shared": questionnaire_selectors.shared_questionnaire_of(questionnaire=questionnaire),
        "new_aspect_form": extra.pop("new_aspect_form", None)
        or AspectForm(questionnaire=questionnaire, prefix="baru"),
        **extra,
    }


class QuestionnaireDetailView(QuestionnaireMixin, View):
    def get(self, request, pk):
        questionnaire = self.get_questionnaire(pk)
        return render(request, "evaluasi/questionnaire_detail.html", editor_context(questionnaire))


class QuestionnaireExportView(QuestionnaireMixin, View):
    def get(self, request, pk):
        questionnaire = self.get_questionnaire(pk)
        spec = questionnaire_selectors.questionnaire_spec(questionnaire=questionnaire)
        q = questionnaire
        name = f"kuesioner-{q.level.code}-{q.period.year}-v{q.version}"
        return export_response(QuestionnaireExporter(spec=spec, name=name))


class QuestionnaireActionView(QuestionnaireMixin, View):
    """POST actions on a questionnaire; a refused one says why and changes nothing."""

    def act(self, questionnaire):
        raise NotImplementedError

    def post(self, request, pk):
        questionnaire = self.get_questionnaire(pk)
        try:
            target = self.act(questionnaire)
        except ValidationError as error:
            for message in error.messages[:20]:
                messages.error(request, message)
            return redirect("evaluasi:questionnaire_detail", pk=questionnaire.pk)
        return target


class QuestionnairePublishView(QuestionnaireActionView):
    def act(self, questionnaire):
        questionnaire_services.questionnaire_publish(questionnaire=questionnaire)
        messages.success(self.request, _("The questionnaire is published."))
        return redirect("evaluasi:questionnaire_detail", pk=questionnaire.pk)


class QuestionnaireNewVersionView(QuestionnaireActionView):
    def act(self, questionnaire):
        copy = questionnaire_services.questionnaire_new_version(
            questionnaire=questionnaire, created_by=self.request.user
        )
        messages.success(
            self.request, _("Draft version %(version)s created.") % {"version": copy.version}
        )
        return redirect("evaluasi:questionnaire_detail", pk=copy.pk)


class QuestionnaireDeleteView(QuestionnaireActionView):
    def act(self, questionnaire):
        year = questionnaire.period.year
        questionnaire_services.questionnaire_delete(questionnaire=questionnaire)
        messages.success(self.request, _("The draft was deleted."))
        return redirect("evaluasi:questionnaire_list", year=year)


# --- aspects ------------------------------------------------------------------------------
def _render_editor(request, questionnaire, status=200, **extra):
    return render(
        request,
        "evaluasi/questionnaire_detail.html",
        editor_context(questionnaire, **extra),
        status=status,
    )


class AspectAddView(QuestionnaireMixin, View):
    def post(self, request, pk):
        questionnaire = self.get_questionnaire(pk)
        form = AspectForm(request.POST, questionnaire=questionnaire, prefix="baru")
        if form.is_valid():
            try:
                questionnaire_services.aspect_save(questionnaire=questionnaire, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Aspect added."))
                return redirect("evaluasi:questionnaire_detail", pk=pk)
        return _render_editor(request, questionnaire, new_aspect_form=form)


class AspectEditView(AdminRequired, View):
    """Inline edit of an aspect: with htmx it answers the card and the weight summary."""

    def post(self, request, pk):
        aspect = get_object_or_404(Aspect.objects.select_related("questionnaire__period"), pk=pk)
        questionnaire = aspect.questionnaire
        form = AspectForm(request.POST, instance=Aspect.objects.get(pk=pk), prefix=f"a{pk}")
        saved = False
        if form.is_valid():
            try:
                questionnaire_services.aspect_save(
                    questionnaire=questionnaire, aspect=aspect, **form.cleaned_data
                )
                saved = True
            except ValidationError as error:
                form.add_error(None, error)
        if request.htmx:
            context = editor_context(
                questionnaire, **{f"aspect_form_{pk}": None if saved else form}
            )
            context["aspect"] = next(a for a in context["aspects"] if a.pk == aspect.pk)
            context["saved"] = saved
            return render(request, "evaluasi/_aspect_edit_response.html", context)
        if saved:
            messages.success(request, _("Aspect saved."))
            return redirect("evaluasi:questionnaire_detail", pk=questionnaire.pk)
        return _render_editor(request, questionnaire, **{f"aspect_form_{pk}": form})


class AspectDeleteView(AdminRequired, View):
    def post(self, request, pk):
        aspect = get_object_or_404(Aspect.objects.select_related("questionnaire__period"), pk=pk)
        try:
            questionnaire_services.aspect_delete(aspect=aspect)
            messages.success(request, _("Aspect deleted with its indicators."))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("evaluasi:questionnaire_detail", pk=aspect.questionnaire_id)


class AspectMoveView(AdminRequired, View):
    def post(self, request, pk, direction):
        aspect = get_object_or_404(Aspect.objects.select_related("questionnaire__period"), pk=pk)
        try:
            questionnaire_services.aspect_move(aspect=aspect, direction=DIRECTIONS[direction])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("evaluasi:questionnaire_detail", pk=aspect.questionnaire_id)


# --- indicators ---------------------------------------------------------------------------
class IndicatorFormView(AdminRequired, View):
    template_name = "evaluasi/indicator_form.html"

    def render_form(self, request, questionnaire, form, options, indicator=None, aspect=None):
        return render(
            request,
            self.template_name,
            {
                "questionnaire": questionnaire,
                "form": form,
                "options": options,
                "indicator": indicator,
                "aspect": aspect,
            },
        )

    def save(self, request, questionnaire, indicator, aspect):
        form = IndicatorForm(
            request.POST,
            instance=Indicator.objects.get(pk=indicator.pk) if indicator else None,
            questionnaire=questionnaire,
            initial={"aspect": aspect},
        )
        options = OptionFormSet(request.POST, prefix="opsi")
        if form.is_valid() and options.is_valid():
            data = dict(form.cleaned_data)
            target_aspect = data.pop("aspect")
            try:
                saved = questionnaire_services.indicator_save(
                    aspect=target_aspect,
                    indicator=indicator,
                    options=options.options() if data["type"] in ("pilihan", "ya_tidak") else [],
                    **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Indicator %(code)s saved.") % {"code": saved.code})
                return redirect("evaluasi:questionnaire_detail", pk=questionnaire.pk)
        messages.error(request, _("Please correct the marked fields."))
        return self.render_form(request, questionnaire, form, options, indicator, aspect)


class IndicatorCreateView(IndicatorFormView):
    def get(self, request, pk):
        aspect = get_object_or_404(Aspect.objects.select_related("questionnaire"), pk=pk)
        questionnaire = aspect.questionnaire
        form = IndicatorForm(questionnaire=questionnaire, initial={"aspect": aspect, "weight": 1})
        return self.render_form(
            request, questionnaire, form, OptionFormSet(prefix="opsi"), aspect=aspect
        )

    def post(self, request, pk):
        aspect = get_object_or_404(Aspect.objects.select_related("questionnaire__period"), pk=pk)
        return self.save(request, aspect.questionnaire, None, aspect)


class IndicatorEditView(IndicatorFormView):
    def get(self, request, pk):
        indicator = get_object_or_404(Indicator.objects.select_related("questionnaire"), pk=pk)
        questionnaire = indicator.questionnaire
        options = OptionFormSet(
            prefix="opsi",
            initial=[
                {"code": o.code, "label": o.label, "value": o.value}
                for o in indicator.options.all()
            ],
        )
        form = IndicatorForm(instance=indicator, questionnaire=questionnaire)
        return self.render_form(request, questionnaire, form, options, indicator=indicator)

    def post(self, request, pk):
        indicator = get_object_or_404(
            Indicator.objects.select_related("questionnaire__period", "aspect"), pk=pk
        )
        return self.save(request, indicator.questionnaire, indicator, indicator.aspect)


class IndicatorDeleteView(AdminRequired, View):
    def post(self, request, pk):
        indicator = get_object_or_404(
            Indicator.objects.select_related("questionnaire__period"), pk=pk
        )
        try:
            questionnaire_services.indicator_delete(indicator=indicator)
            messages.success(request, _("Indicator %(code)s deleted.") % {"code": indicator.code})
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("evaluasi:questionnaire_detail", pk=indicator.questionnaire_id)


class IndicatorMoveView(AdminRequired, View):
    def post(self, request, pk, direction):
        indicator = get_object_or_404(
            Indicator.objects.select_related("questionnaire__period", "aspect"), pk=pk
        )
        try:
            questionnaire_services.indicator_move(
                indicator=indicator, direction=DIRECTIONS[direction]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("evaluasi:questionnaire_detail", pk=indicator.questionnaire_id)
