"""Forms of the core domain. Validation of invariants stays in the models and services."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from award.models import Level, Organiser, OrganiserMembership, Period, Unit
from award.presets import SETTINGS
from award.selectors import unit_parent_choices, unit_search
from common.forms import StyledMixin, WorkbookUploadForm, scoped_formfield  # noqa: F401 - used by views


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATE_FIELDS = [
    "saq_open",
    "saq_close",
    "verification_close",
    "objection_close",
    "presentation_close",
    "finalisation_date",
]


class PeriodForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Period
        formfield_callback = scoped_formfield
        # The dates, then every setting a preset or a copy hands over (one list: presets.SETTINGS).
        fields = ["year", "name", *DATE_FIELDS, "stage_override", *SETTINGS]
        widgets = {name: DateTimeInput() for name in DATE_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DATE_FIELDS:
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Empty gives “PPID Award <year>”.")
        # Empty (a form posted as before these settings existed): the defaults.
        for name in ("evidence_years", "finalist_basis", "presentation_name"):
            self.fields[name].required = False

    def _or_default(self, name):
        value = self.cleaned_data.get(name)
        return Period._meta.get_field(name).default if value in (None, "") else value

    def clean_evidence_years(self):
        return self._or_default("evidence_years")

    def clean_finalist_basis(self):
        return self._or_default("finalist_basis")

    def clean_presentation_name(self):
        return self._or_default("presentation_name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name") and cleaned.get("year"):
            cleaned["name"] = _("PPID Award %(year)s") % {"year": cleaned["year"]}
            self.instance.name = cleaned["name"]
        if not cleaned.get("has_verification"):
            cleaned["verification_close"] = cleaned["objection_close"] = None
        if not cleaned.get("has_presentation"):
            cleaned["presentation_close"] = None
        return cleaned


class UnitForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Unit
        formfield_callback = scoped_formfield
        fields = [
            "code",
            "name",
            "level",
            "parent",
            "kode_wilayah",
            "website",
            "operator_email",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = unit_parent_choices()
        self.fields["parent"].help_text = _("For a desa: its kecamatan. Empty for other levels.")
        self.fields["level"].queryset = Level.objects.all()


class LevelForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Level
        formfield_callback = scoped_formfield
        fields = ["code", "name", "order", "parent_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Level.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["parent_level"].queryset = others
        self.fields["code"].help_text = _(
            "Lowercase letters, digits and dashes, e.g. kelurahan; workbooks use it."
        )
        self.fields["order"].help_text = _("Levels are listed from the smallest number up.")


class UnitFilterForm(StyledMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    parent = forms.ChoiceField(label=_("Kecamatan"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All levels"))] + [
            (level.code, level.name) for level in Level.objects.all()
        ]
        self.fields["parent"].choices = [("", _("All"))] + [
            (unit.code, unit.name) for unit in unit_parent_choices()
        ]


class InviteForm(StyledMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"))


class ExtensionForm(StyledMixin, forms.Form):
    unit_code = forms.CharField(
        label=_("Unit (code or name)"),
        max_length=255,
        help_text=_("The exact code, or enough of the name to find one unit."),
    )
    saq_close = forms.DateTimeField(
        label=_("New SAQ deadline"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    SHOWN = 5

    def clean_unit_code(self):
        text = " ".join(self.cleaned_data["unit_code"].split())
        unit = Unit.objects.filter(code__iexact=text).first()
        if unit is None:
            found = list(
                unit_search(units=Unit.objects.all(), text=text, codes=False).order_by("name")[
                    : self.SHOWN + 1
                ]
            )
            if not found:
                raise forms.ValidationError(
                    _("No unit has the code or a name containing “%(text)s”.") % {"text": text}
                )
            if len(found) > 1:
                names = ", ".join(f"{u.name} ({u.code})" for u in found[: self.SHOWN])
                more = _(", and more") if len(found) > self.SHOWN else ""
                raise forms.ValidationError(
                    _("Several units match “%(text)s”: %(names)s%(more)s. Type the code.")
                    % {"text": text, "names": names, "more": more}
                )
            unit = found[0]
        self.unit = unit
        return unit.code


class LoginForm(StyledMixin, auth_forms.AuthenticationForm):
    # Django's message fills in the field's name, which reads "nama pengguna nama pengguna"
    # in Indonesian; ours says it once and adds where an invited account's username comes from.
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is wrong. An account made by invitation has its "
            "email address as its username. Mind capital letters in the password."
        ),
    }


class PasswordChangeForm(StyledMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(StyledMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(StyledMixin, auth_forms.SetPasswordForm):
    pass


class OrganiserForm(StyledMixin, forms.ModelForm):
    """An organiser's identity and branding; the short name is fixed once created (it is in
    every URL and bookmark)."""

    LOGO_MAX_BYTES = 2 * 1024 * 1024

    class Meta:
        model = Organiser
        formfield_callback = scoped_formfield
        fields = [
            "name",
            "slug",
            "kind",
            "region_code",
            "logo",
            "signatory_name",
            "signatory_title",
            "contact_email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["slug"].disabled = True

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        image = getattr(logo, "image", None)
        if image is None:  # unchanged, or cleared
            return logo
        if image.format not in ("PNG", "JPEG"):
            raise forms.ValidationError(_("The logo must be a PNG or JPG image."))
        if logo.size > self.LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo may be at most 2 MB."))
        return logo


class TeamMemberForm(StyledMixin, forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=OrganiserMembership.Role.choices)
