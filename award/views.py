"""Views of the core domain. Each checks its permission on the server (``award.rules``)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from award import jobs as award_jobs
from award import organisers, presets, selectors, services
from award.exports import UnitsExporter
from award.forms import (
    ExtensionForm,
    InviteForm,
    PeriodForm,
    SetPasswordForm,
    UnitFilterForm,
    UnitForm,
)
from award.mixins import AdminRequired, PeriodAdminRequired, PeriodMixin
from award.models import (
    DeadlineExtension,
    OperatorMembership,
    Period,
    Stage,
    Unit,
    organiser_current_or_none,
)
from award.scoping import organiser_url
from common.dashboard import dashboard_context
from common.exporters import export_response
from common.forms import WorkbookUploadForm
from common.models import Job
from common.views import JobConfirmView, JobView, page_of


class HomeView(TemplateView):
    """An organiser's start page (``/kutim/``); the platform's (``/``) leads to the only
    organiser or lists them (``laporan.public_views.StartView``)."""

    template_name = "award/home.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("award:dashboard")
        return super().get(request, *args, **kwargs)


class DashboardView(LoginRequiredMixin, TemplateView):
    """An organiser's dashboard (``/kutim/dasbor/``); without an organiser (``/dasbor/``, where
    signing in lands) the organisers the person works for, or straight to the only one."""

    template_name = "award/dashboard.html"

    def get(self, request, *args, **kwargs):
        if organiser_current_or_none() is None:
            mine = organisers.organisers_of(user=request.user)
            if len(mine) == 1:
                return redirect(organiser_url(mine[0], "award:dashboard"))
            return render(
                request,
                "award/organiser_choice.html",
                {"choices": [(o, organiser_url(o, "award:dashboard")) for o in mine]},
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        roles = selectors.user_roles(user=user)
        in_view = selectors.periods_in_view()
        active = in_view[0] if in_view else selectors.period_active()
        context.update(roles=roles, active_period=active, periods_in_view=in_view)
        if roles["admin"]:
            context["periods"] = selectors.period_list()[:10]
            context["levels"] = selectors.level_unit_counts()
            context["recent_jobs"] = Job.objects.select_related("created_by")[:5]
        if roles["operator"]:
            units = list(selectors.units_for_operator(user=user))
            context["operator_units"] = units
            # One block per period in view, each with its own copies of the units (the apps
            # add the SAQ state, jury work and results of that period to them).
            context["operator_blocks"] = [
                {"period": period, "units": [copy.copy(unit) for unit in units]}
                for period in (in_view or [active])  # None: the cards say no period is open
            ]
        if roles["jury"]:
            context["jury_periods"] = selectors.periods_for_jury(user=user)
        # Each app adds what it knows (SAQ cards, published results): common.dashboard.
        return dashboard_context(context=context, request=self.request)


# --- periods ------------------------------------------------------------------------------
class PeriodListView(AdminRequired, ListView):
    template_name = "award/period_list.html"
    context_object_name = "periods"

    def get_queryset(self):
        return selectors.period_list()


class PeriodFormMixin(AdminRequired):
    template_name = "award/period_form.html"

    def render_form(self, form, period=None, start=""):
        context = {"form": form, "period": period}
        if period is None:
            context.update(start_choices=presets.period_start_choices(), start=start)
        return render(self.request, self.template_name, context)

    def save_form(self, form, period=None):
        if period is not None:
            try:
                period.check_inputs_editable()
            except ValidationError as error:
                form.is_valid()
                form.add_error(None, error)
                return self.render_form(form, period)
        if not form.is_valid():
            messages.error(self.request, _("Please correct the marked fields."))
            return self.render_form(form, period)
        try:
            if period is None:
                period = services.period_create(**form.cleaned_data)
                messages.success(self.request, _("Period %(name)s created.") % {"name": period})
            else:
                services.period_update(period=period, **form.cleaned_data)
                messages.success(self.request, _("Period %(name)s saved.") % {"name": period})
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_form(form, period)
        return redirect("award:period_detail", year=period.year)


class PeriodCreateView(PeriodFormMixin, View):
    def get(self, request):
        now = timezone.localtime().replace(second=0, microsecond=0)
        taken = set(Period.objects.values_list("year", flat=True))
        year = next(y for y in range(now.year, now.year + 100) if y not in taken)
        initial = {"year": year, **services.period_default_dates(saq_open=now)}
        start = request.GET.get("mulai", "")[:40]
        values = presets.period_start_values(start=start) if start else None
        if start and values is None:
            messages.error(
                request, _("“%(start)s” is neither a known scheme nor a period.") % {"start": start}
            )
        initial.update(values or {})
        return self.render_form(PeriodForm(initial=initial), start=start)

    def post(self, request):
        return self.save_form(PeriodForm(request.POST))


class PeriodUpdateView(PeriodMixin, PeriodFormMixin, View):
    def get(self, request, year):
        period = self.period
        return self.render_form(PeriodForm(instance=period), period)

    def post(self, request, year):
        period = self.period
        # Validate on a copy so a rejected form leaves the stored period untouched.
        form = PeriodForm(request.POST, instance=Period.objects.get(pk=period.pk))
        return self.save_form(form, period)


class PeriodDetailView(PeriodAdminRequired, DetailView):
    template_name = "award/period_detail.html"
    context_object_name = "period"

    def get_object(self, queryset=None):
        return self.period

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.object
        context["stages"] = [
            {"code": stage, "label": Stage(stage).label, "start": start}
            for stage, start in period.stage_boundaries()
        ]
        context["now"] = timezone.now()
        context["juries"] = period.juries.select_related("user", "home_unit")
        context["extensions"] = period.extensions.select_related("unit")
        context.setdefault("extension_form", ExtensionForm(prefix="ext"))
        return context


def period_detail_with(request, period, **forms):
    """The period page again, with a rejected form (its input and errors kept)."""
    view = PeriodDetailView()
    view.setup(request, year=period.year)
    view.object = period
    return render(request, view.template_name, view.get_context_data(object=period, **forms))


class PeriodExtensionAddView(PeriodAdminRequired, View):
    def post(self, request, year):
        period = self.period
        form = ExtensionForm(request.POST, prefix="ext")
        if form.is_valid():
            try:
                services.deadline_extension_set(
                    period=period,
                    unit=form.unit,
                    saq_close=form.cleaned_data["saq_close"],
                    reason=form.cleaned_data["reason"],
                    created_by=request.user,
                )
            except ValidationError as error:
                form.add_error("saq_close", error.messages[0])
            else:
                messages.success(
                    request, _("Deadline extended for %(unit)s.") % {"unit": form.unit}
                )
                return redirect("award:period_detail", year=year)
        messages.error(request, _("The extension was not saved; see the form below."))
        return period_detail_with(request, period, extension_form=form)


class PeriodExtensionDeleteView(PeriodAdminRequired, View):
    def post(self, request, year, pk):
        extension = get_object_or_404(DeadlineExtension, pk=pk, period=self.period)
        services.deadline_extension_delete(extension=extension)
        messages.success(request, _("Extension removed."))
        return redirect("award:period_detail", year=year)


# --- units --------------------------------------------------------------------------------
class UnitListView(AdminRequired, View):
    template_name = "award/unit_list.html"
    partial_name = "award/_unit_table.html"

    def get(self, request):
        form = UnitFilterForm(request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        units = selectors.unit_list(
            q=data.get("q", ""), level=data.get("level", ""), parent=data.get("parent", "")
        )
        page, keep = page_of(request, units)
        context = {"form": form, "page": page, "keep": keep}
        template = self.partial_name if request.htmx else self.template_name
        return render(request, template, context)


class UnitDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "award.view_unit"
    template_name = "award/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):  # per request: inside the request's organiser's scope
        return Unit.objects.select_related("level", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["operators"] = self.object.operator_memberships.select_related("user")
        context["children"] = self.object.children.select_related("level").order_by("name")
        context.setdefault("invite_form", InviteForm())
        return context


class UnitFormView(AdminRequired, View):
    template_name = "award/unit_form.html"

    def get_unit(self, pk):
        return get_object_or_404(Unit, pk=pk) if pk else None

    def get(self, request, pk=None):
        unit = self.get_unit(pk)
        return render(request, self.template_name, {"form": UnitForm(instance=unit), "unit": unit})

    def post(self, request, pk=None):
        unit = self.get_unit(pk)
        form = UnitForm(request.POST, instance=Unit.objects.get(pk=pk) if pk else None)
        if form.is_valid():
            saved = services.unit_save(unit=unit, **form.cleaned_data)
            messages.success(request, _("Unit %(unit)s saved.") % {"unit": saved})
            return redirect("award:unit_detail", pk=saved.pk)
        messages.error(request, _("Please correct the marked fields."))
        return render(request, self.template_name, {"form": form, "unit": unit})


def invitation_message(request, invitation):
    user = invitation.user
    if invitation.link:
        messages.success(
            request,
            _(
                "Invitation sent to %(email)s. You can also pass this activation link "
                "on yourself: %(link)s"
            )
            % {"email": user.email, "link": invitation.link},
        )
    else:
        messages.success(
            request,
            _("%(email)s already had an account; they were notified by email.")
            % {"email": user.email},
        )


class OperatorInviteView(AdminRequired, View):
    def post(self, request, pk):
        unit = get_object_or_404(Unit, pk=pk)
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.operator_invite(
                    unit=unit,
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    invited_by=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form.add_error("email", error.messages[0])
            else:
                invitation_message(request, invitation)
                return redirect("award:unit_detail", pk=unit.pk)
        messages.error(request, _("The operator was not invited; see the form below."))
        view = UnitDetailView()
        view.setup(request, pk=pk)
        view.object = unit
        return render(
            request, view.template_name, view.get_context_data(object=unit, invite_form=form)
        )


class OperatorRemoveView(AdminRequired, View):
    def post(self, request, pk, membership_pk):
        membership = get_object_or_404(OperatorMembership, pk=membership_pk, unit_id=pk)
        membership.delete()
        messages.success(
            request, _("%(user)s no longer operates this unit.") % {"user": membership.user}
        )
        return redirect("award:unit_detail", pk=pk)


# --- unit import --------------------------------------------------------------------------
class UnitImportView(AdminRequired, View):
    template_name = "award/unit_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": WorkbookUploadForm()})

    def post(self, request):
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        job = services.units_import_start(
            data=upload.read(), file_name=upload.name, user=request.user
        )
        return redirect("award:unit_import_job", pk=job.pk)


class UnitImportJobView(AdminRequired, JobView):
    kind = award_jobs.UNITS_IMPORT
    template_name = "award/unit_import_job.html"
    url_name = "award:unit_import_job"


class UnitImportConfirmView(AdminRequired, JobConfirmView):
    kind = award_jobs.UNITS_IMPORT
    url_name = "award:unit_import_job"


class UnitImportTemplateView(AdminRequired, View):
    def get(self, request):
        return export_response(UnitsExporter())


# --- accounts -----------------------------------------------------------------------------
class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """Activates an invited account: the link is a one-time password-setting token."""

    template_name = "registration/invitation_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("login")
    post_reset_login = False
    title = gettext_lazy("Activate your account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your account is active. Sign in with your password."))
        return response


class LockoutListView(AdminRequired, View):
    """Accounts locked after too many failed sign-ins, and a button to release each."""

    def get(self, request):
        return render(request, "award/lockout_list.html", {"lockouts": selectors.lockouts_active()})


class LockoutReleaseView(AdminRequired, View):
    def post(self, request, pk):
        username = services.lockout_release(attempt_id=pk)
        if username is None:
            messages.info(request, _("That lockout had already ended."))
        else:
            messages.success(request, _("%(user)s can sign in again.") % {"user": username or "-"})
        return redirect("lockout_list")
