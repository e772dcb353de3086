"""Form plumbing shared by every app: the Bootstrap renderer, widget styling, the workbook
upload field. Forms hold no business rules."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import apply_limit_choices_to_to_formfield
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from common.formats import decimal_text
from common.uploads import upload_limit_mb


class BootstrapRenderer(TemplatesSetting):
    """Renders every form with the project's Bootstrap templates (``templates/components``)."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


def scoped_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` of every model form: a relation's choices start empty, since
    a queryset made when the module is imported is outside any organiser's scope (django-scopes
    refuses it); ``StyledMixin`` fills them for each form inside the request's scope."""
    if db_field.is_relation and db_field.related_model is not None:
        kwargs.setdefault("queryset", db_field.related_model._default_manager.none())
        field = db_field.formfield(**kwargs)
        if field is not None:
            field.scoped_model = db_field.related_model
        return field
    return db_field.formfield(**kwargs)


class StyledMixin:
    """Adds Bootstrap classes to widgets and marks invalid ones after validation; fills the
    choices of model form relations within the current scope (``scoped_formfield``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_choices()
        self.style_fields()

    def scope_choices(self):
        for field in self.fields.values():
            model = getattr(field, "scoped_model", None)
            if model is not None:
                field.queryset = model._default_manager.all()
                apply_limit_choices_to_to_formfield(field)

    def style_fields(self):
        for field in self.fields.values():
            widget = field.widget
            if "class" in widget.attrs:
                continue
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class WorkbookUploadForm(StyledMixin, forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("“%(name)s” is not an .xlsx workbook.") % {"name": upload.name}
            )
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "size": decimal_text(upload.size / 1048576, 1),
                    "limit": upload_limit_mb(),
                }
            )
        return upload


def error_text(error: ValidationError) -> str:
    """A service's refusal as one message line (every message it carries)."""
    return " ".join(error.messages)


def validation_errors(error: ValidationError) -> dict:
    """A service's refusal as field → messages (messages that name no field under "")."""
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


def form_errors_add(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: each message on the field it names, the rest (and a
    refusal that names no field) above the form; what the user typed stays."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
