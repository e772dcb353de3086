"""The platform superuser's screens: organisers (penyelenggara) and each one's team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award import organisers
from award.forms import OrganiserForm, TeamMemberForm
from award.mixins import PlatformRequired
from award.models import Organiser, OrganiserMembership
from common.forms import form_errors_add


def _list(request, form):
    return render(
        request,
        "award/organiser_list.html",
        {"organisers": organisers.organiser_rows(), "form": form},
    )


class OrganiserListView(PlatformRequired, View):
    def get(self, request):
        return _list(request, OrganiserForm())

    def post(self, request):
        form = OrganiserForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                organiser = organisers.organiser_create(
                    name=data.pop("name"), slug=data.pop("slug"), kind=data.pop("kind"), **data
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    _("Organiser %(name)s created. Add its admin below.")
                    % {"name": organiser.name},
                )
                return redirect("award:organiser_update", slug=organiser.slug)
        messages.error(request, _("Please correct the marked fields."))
        return _list(request, form)


class OrganiserUpdateView(PlatformRequired, View):
    template_name = "award/organiser_form.html"

    def page(self, request, organiser, form, member_form):
        context = {
            "organiser": organiser,
            "form": form,
            "member_form": member_form,
            "team": OrganiserMembership.objects.filter(organiser=organiser).select_related("user"),
        }
        return render(request, self.template_name, context)

    def get(self, request, slug):
        organiser = get_object_or_404(Organiser, slug=slug)
        return self.page(request, organiser, OrganiserForm(instance=organiser), TeamMemberForm())

    def post(self, request, slug):
        organiser = get_object_or_404(Organiser, slug=slug)
        form = OrganiserForm(request.POST, request.FILES, instance=organiser)
        if form.is_valid():
            form.save()
            messages.success(request, _("Organiser %(name)s saved.") % {"name": organiser.name})
            return redirect("award:organiser_update", slug=organiser.slug)
        messages.error(request, _("Please correct the marked fields."))
        organiser.refresh_from_db()
        return self.page(request, organiser, form, TeamMemberForm())


class TeamMemberAddView(OrganiserUpdateView):
    def post(self, request, slug):
        organiser = get_object_or_404(Organiser, slug=slug)
        member_form = TeamMemberForm(request.POST)
        if member_form.is_valid():
            try:
                membership = organisers.organiser_member_invite(
                    organiser=organiser, **member_form.cleaned_data
                )
            except ValidationError as error:
                form_errors_add(member_form, error)
            else:
                messages.success(
                    request,
                    _("%(user)s is now %(role)s of %(organiser)s.")
                    % {
                        "user": membership.user.get_username(),
                        "role": membership.get_role_display(),
                        "organiser": organiser.name,
                    },
                )
                return redirect("award:organiser_update", slug=organiser.slug)
        messages.error(request, _("Please correct the marked fields."))
        return self.page(request, organiser, OrganiserForm(instance=organiser), member_form)


class TeamMemberRemoveView(PlatformRequired, View):
    def post(self, request, slug, user_pk):
        organiser = get_object_or_404(Organiser, slug=slug)
        user = get_object_or_404(get_user_model(), pk=user_pk)
        with transaction.atomic():
            organisers.organiser_member_remove(organiser=organiser, user=user)
        messages.success(
            request,
            _("%(user)s left the team of %(organiser)s.")
            % {"user": user.get_username(), "organiser": organiser.name},
        )
        return redirect("award:organiser_update", slug=organiser.slug)
