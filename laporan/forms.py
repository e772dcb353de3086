from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import StyledMixin, scoped_formfield

from .models import ReportSettings


class ReportSettingsForm(StyledMixin, forms.ModelForm):
    """Signatory and images of the certificates and recap; images are checked in services."""

    logo = forms.FileField(
        label=_("Logo of the kabupaten (PNG, JPG or SVG)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,.svg"}),
    )
    signature = forms.FileField(
        label=_("Signature image (PNG with a transparent background)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg"}),
    )

    class Meta:
        model = ReportSettings
        formfield_callback = scoped_formfield
        fields = [
            "organiser",
            "office",
            "city",
            "signatory_name",
            "signatory_title",
            "signatory_id",
            "signed_on",
        ]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class SignerCertificateForm(StyledMixin, forms.Form):
    """The signer's PKCS#12 file and its password (the password is never shown again)."""

    file = forms.FileField(
        label=_("Signer certificate (.p12 or .pfx)"),
        widget=forms.FileInput(attrs={"accept": ".p12,.pfx"}),
        help_text=_("The PKCS#12 file of the official who signs, e.g. from BSrE."),
    )
    password = forms.CharField(
        label=_("Password of the file"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class CertificatePdfForm(StyledMixin, forms.Form):
    file = forms.FileField(
        label=_("Certificate PDF"),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_("At most 5 MB."),
    )
