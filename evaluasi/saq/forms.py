"""Forms of the SAQ: one form per aspect (wizard step), review, evidence, reopen."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.formats import decimal_text
from common.forms import StyledMixin
from common.uploads import upload_guard_message

from .services import answer_clean

# --- the SAQ ------------------------------------------------------------------------------
# The answer inputs sit outside the wizard's <form> (so that each question can hold its own
# evidence upload forms without nesting forms) and join it through the form attribute.
SAQ_FORM_ID = "saq-form"


class AspectAnswersForm(StyledMixin, forms.Form):
    """One wizard step: the answers of one aspect, each with the version it was read at.

    A save over an answer that someone else changed meanwhile is refused with both values
    shown; the version is moved forward so that saving again keeps the user's value.
    """

    def __init__(self, *args, aspect, submission, answers, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()
        self.aspect = aspect
        self.submission = submission
        self.answers = answers
        self.indicators = list(aspect.indicators.all())
        for indicator in self.indicators:
            self.fields[f"i{indicator.pk}"] = self._field(indicator)
            self.fields[f"v{indicator.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput(attrs={"form": SAQ_FORM_ID}), required=False
            )
            answer = answers.get(indicator.pk)
            value = answer.value if answer else ""
            if indicator.type == "angka":
                value = value.replace(".", ",")  # shown as typed: "85,5", stored "85.5"
            self.initial.setdefault(f"i{indicator.pk}", value)
            self.initial.setdefault(f"v{indicator.pk}", answer.version if answer else 0)
        self.style_fields()

    @staticmethod
    def _field(indicator):
        label = f"{indicator.code} {indicator.question}"
        if indicator.type in ("ya_tidak", "pilihan"):
            options = [(o.code, o.label) for o in indicator.options.all()]
            if indicator.type == "ya_tidak" and not options:
                options = [("ya", _("Yes")), ("tidak", _("No"))]
            return forms.ChoiceField(
                label=label,
                choices=options,
                required=False,
                widget=forms.RadioSelect(attrs={"form": SAQ_FORM_ID}),
            )
        if indicator.type == "teks":
            return forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "form": SAQ_FORM_ID}),
            )
        attrs = {"inputmode": "decimal"} if indicator.type == "angka" else {}
        if indicator.type == "url":
            attrs = {"placeholder": "https://", "inputmode": "url"}
        attrs["form"] = SAQ_FORM_ID
        return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))

    def rows(self):
        """(indicator, answer field, version field) in order, for the template."""
        for indicator in self.indicators:
            yield indicator, self[f"i{indicator.pk}"], self[f"v{indicator.pk}"]

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            name = f"i{indicator.pk}"
            try:
                cleaned[name] = answer_clean(indicator=indicator, raw=cleaned.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def conflict(self, *, indicator, stored) -> None:
        """Someone saved a newer, different value (``answer_save``'s version rule): say so
        beside the field and move the version on, so that saving again keeps the user's."""
        who = (
            stored.updated_by.get_full_name() or stored.updated_by.username
            if (stored.updated_by)
            else "-"
        )
        self.add_error(
            f"i{indicator.pk}",
            _(
                "Someone else (%(who)s) changed this answer to “%(value)s” while you "
                "were editing. Save again to keep yours, or use theirs."
            )
            % {"who": who, "value": stored.value or "-"},
        )
        self.data = self.data.copy()
        self.data[self.add_prefix(f"v{indicator.pk}")] = str(stored.version)
        self.conflicts = {**getattr(self, "conflicts", {}), indicator.pk: stored}


class ReviewForm(forms.Form):
    """The last step: nothing to fill; submitting it submits the SAQ."""


class EvidenceFileForm(StyledMixin, forms.Form):
    file = forms.FileField(label=_("File (PDF, JPG, PNG, DOCX, XLSX)"))


class EvidenceUrlForm(StyledMixin, forms.Form):
    url = forms.CharField(label=_("Link"), max_length=1000)


class ReopenForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=500)


class AnswersUploadForm(StyledMixin, forms.Form):
    """The filled answers workbook (.xlsx), or a ZIP with it and the evidence files it names
    in ``bukti_berkas`` (an answers bundle, with its own size limit)."""

    file = forms.FileField(
        label=_("Answers workbook (.xlsx) or ZIP with the workbook and evidence files"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.zip"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.ANSWERS_BUNDLE_MAX_BYTES
        attrs = self.fields["file"].widget.attrs
        attrs["data-max-bytes"] = str(limit)
        attrs["data-too-large"] = upload_guard_message(limit)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".zip")):
            raise forms.ValidationError(
                _("“%(name)s” is neither an .xlsx workbook nor a .zip file.")
                % {"name": upload.name}
            )
        limit = settings.ANSWERS_BUNDLE_MAX_BYTES if name.endswith(".zip") else None
        limit = limit or settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": decimal_text(upload.size / 1048576, 1), "limit": limit // 1048576}
            )
        return upload
