"""The organiser's signer certificate (issue #23): shown, replaced, removed; never handed out."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award.mixins import AdminRequired
from common.forms import form_errors_add

from . import signing
from .forms import SignerCertificateForm


class SignerCertificateView(AdminRequired, View):
    template_name = "laporan/signer.html"

    def page(self, request, form, status=200):
        context = {"signer": signing.signer_certificate_current(), "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.page(request, SignerCertificateForm())

    def post(self, request):
        form = SignerCertificateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                signer = signing.signer_certificate_save(
                    data=form.cleaned_data["file"].read(),
                    password=form.cleaned_data["password"],
                    user=request.user,
                )
            except ValidationError as error:
                form_errors_add(form, ValidationError({"file": error.messages}))
            else:
                messages.success(
                    request,
                    _("Signer certificate saved: documents are now signed by %(subject)s.")
                    % {"subject": signer.subject},
                )
                return redirect("laporan:signer")
        messages.error(request, _("Please correct the marked fields."))
        return self.page(request, form, status=400)


class SignerCertificateDeleteView(AdminRequired, View):
    def post(self, request):
        signing.signer_certificate_delete()
        messages.success(request, _("Signer certificate removed: documents are no longer signed."))
        return redirect("laporan:signer")
