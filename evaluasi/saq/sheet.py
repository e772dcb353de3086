"""The SAQ's question sheet: one aspect's questions with their answer inputs and evidence
cards, rendered by Jinja2 (``evaluasi/jinja2/evaluasi/saq_questions.html``).

The step page is the request every operator repeats on deadline day; Django's engine spent
most of its time on the per-question includes (issue #19). The sheet takes plain rows made
here from the wizard's form and every text translated here, like the jury's verification
sheet (``penjurian.views.verification``); the evidence card's htmx answer and the questionnaire
preview render the same template, so an operator, the organiser's preview and an upload's
answer show one markup.
"""

from __future__ import annotations

from itertools import groupby

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from formtools.wizard.forms import ManagementForm

from common.formats import moment_text
from common.fragments import fragment_render
from common.uploads import upload_guard_attrs
from evaluasi.checks.selectors import operator_notes
from evaluasi.models import Indicator
from evaluasi.saq.selectors import step_name


def _texts() -> dict[str, str]:
    return {
        "required_evidence": _("Evidence required for Ya or a scoring answer"),
        "optional_evidence": _("Evidence optional"),
        "use_saved": _("Use the saved one"),
        "not_reachable": _("not reachable"),
        "reachable": _("reachable"),
        "remove_confirm": _("Remove this evidence?"),
        "remove": _("remove"),
        "add": _("Add evidence"),
        "file_label": _("File (PDF, JPG, PNG, DOCX, XLSX)"),
        "upload": _("Upload"),
        "link": _("Link"),
        "add_link": _("Add link"),
        "upload_guard": upload_guard_attrs(),
    }


def _number(value) -> str:
    return defaultfilters.floatformat(value, "-2")


def number_hint(indicator) -> str:
    """What a number question accepts and how it scores ("" for other questions)."""
    if indicator.type != "angka" or indicator.min_value is None or indicator.max_value is None:
        return ""
    hint = _("A number; %(low)s scores 0 and %(high)s or more scores full marks.") % {
        "low": _number(indicator.min_value),
        "high": _number(indicator.max_value),
    }
    if indicator.input_min is not None and indicator.input_max is not None:
        hint += " " + _("Allowed: %(low)s to %(high)s.") % {
            "low": _number(indicator.input_min),
            "high": _number(indicator.input_max),
        }
    elif indicator.input_min is not None:
        hint += " " + _("Not below %(low)s.") % {"low": _number(indicator.input_min)}
    return hint


def question_rows(form, *, evidence=None, conflicts=None) -> list[dict]:
    """The sheet's rows from an ``AspectAnswersForm`` (bound after a refused save, so what
    the operator typed is shown again)."""
    evidence, conflicts = evidence or {}, conflicts or {}
    rows = []
    for indicator, field, version in form.rows():
        value = field.value()
        rows.append(
            {
                "indicator": indicator,
                "name": field.html_name,
                "id": field.auto_id,
                "value": "" if value is None else str(value),
                "choices": list(field.field.choices) if hasattr(field.field, "choices") else [],
                "errors": list(field.errors),
                "version_name": version.html_name,
                "version_id": version.auto_id,
                "version": version.value() or 0,
                "hint": number_hint(indicator),
                "evidence": evidence.get(indicator.pk, []),
                "conflict": conflicts.get(indicator.pk),
            }
        )
    return rows


def _urls(submission) -> dict[str, str]:
    """URL stems, reversed once per page rather than four times per question."""
    if submission is None:
        return {}
    return {
        "autosave": reverse("evaluasi:saq_autosave", args=[submission.pk, 0]).removesuffix("0/"),
        "add": reverse("evaluasi:evidence_add", args=[submission.pk, 0]).removesuffix("0/"),
        "delete": reverse("evaluasi:evidence_delete", args=[0]).removesuffix("0/hapus/"),
        "download": reverse("evaluasi:evidence_download", args=[0]).removesuffix("0/unduh/"),
    }


def _render(template: str, request, context: dict, texts=_texts) -> str:
    return fragment_render(template, request, context, texts=texts())


def questions_html(
    request, *, rows, submission, prefix: str, preview: bool = False, heading: str = "h2"
) -> str:
    """One aspect's questions, under their group headings (``heading``), ready to place in a
    page."""
    groups = [(name, list(items)) for name, items in groupby(rows, lambda r: r["indicator"].group)]
    items = [item for row in rows for item in row.get("evidence", [])]
    for item in items:
        item.submission = submission  # the notes read its unit and period
    return _render(
        "evaluasi/saq_questions.html",
        request,
        {
            "notes": operator_notes(evidence=items) if not preview else {},
            "groups": groups,
            "prefix": prefix,
            "preview": preview,
            "heading": heading,
            "urls": _urls(submission),
        },
    )


def evidence_html(request, *, submission, indicator, items, error=None) -> str:
    """One question's evidence card, opened, as an upload or removal answers it (htmx)."""
    return _render(
        "evaluasi/saq_evidence.html",
        request,
        {
            "indicator": indicator,
            "items": items,
            "notes": operator_notes(evidence=list(items)),
            "error": error,
            "expanded": True,
            "urls": _urls(submission),
        },
    )


def review_notes(*, submission, evidence: dict) -> list[dict]:
    """*Periksa bukti Anda* on the review step: each evidence the assistant has a note on,
    with its indicator and the step it is on."""
    items = [item for found in evidence.values() for item in found]
    for item in items:
        item.submission = submission
    notes = operator_notes(evidence=items)
    if not notes:
        return []
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(
            pk__in={item.indicator_id for item in items if item.pk in notes}
        ).select_related("aspect")
    }
    return [
        {
            "indicator": indicators[item.indicator_id],
            "step": step_name(indicators[item.indicator_id].aspect),
            "name": item.original_name or item.url,
            "notes": notes[item.pk],
        }
        for item in sorted(items, key=lambda i: (indicators.get(i.indicator_id) is None, i.pk))
        if item.pk in notes
    ]


def progress_html(request, *, progress: dict, oob: bool = False) -> str:
    """The progress block of the side card; ``oob`` for the autosave's out-of-band swap."""
    return _render("evaluasi/saq_progress.html", request, {"p": _progress(progress), "oob": oob})


def _progress(progress: dict) -> dict:
    missing = progress["evidence_missing"]
    return {
        **progress,
        "answered_text": _("%(a)s of %(r)s required answers")
        % {"a": progress["answered"], "r": progress["required"]},
        "label": _("Progress"),
        "evidence_text": ngettext(
            "%(n)s required evidence missing", "%(n)s required evidence missing", missing
        )
        % {"n": missing},
    }


def _step_texts() -> dict[str, str]:
    return {
        "steps": _("Steps of the SAQ"),
        "review": _("Review and submit"),
        "workbook": _("Download as workbook (offline)"),
        "import": _("Upload a filled workbook"),
        "deadline": _("Deadline"),
        "time_left": _("Time left: {d} days {h} hours {m} minutes"),
        "expired": _("The deadline has passed."),
        "all_steps": _("All steps and the offline workbook"),
        "answer_missing": _("answer missing"),
        "evidence_missing": _("evidence missing"),
        "check_evidence": _("Check your evidence"),
        "check_evidence_help": _(
            "The assistant read your files. What it noticed, so you can still fix it before "
            "submitting (the juries decide; these notes never stop a submission):"
        ),
        "complete": _(
            "Every required answer and evidence is there. After submitting, the SAQ is locked."
        ),
        "autosaved": _(
            "Answers are saved automatically as you type; nothing is lost if the connection drops."
        ),
        "unsaved": _("Not saved yet: kept on this device, sent again automatically"),
        "banner": _(
            "{n} answers are not saved yet. They are kept on this device and sent as soon as "
            "the connection returns."
        ),
        "leave": _("Some answers are not saved yet. Leave the page anyway?"),
        "submit_confirm": _("Submit the SAQ now? It will be locked."),
        "previous": _("Previous"),
        "submitting": _("Submitting…"),
        "submit": _("Submit the SAQ"),
        "save_continue": _("Save and continue"),
    }


def step_html(
    request,
    *,
    wizard_prefix: str,
    submission,
    steps: list[tuple[str, str]],
    current: str,
    previous: str | None,
    aspect=None,
    questions: str = "",
    missing=None,
    notes=None,
    progress: dict,
    deadline,
) -> str:
    """The whole SAQ step page below the menu bar: a step (``aspect`` with its rendered
    ``questions``) or the review step (``aspect`` None, ``missing``)."""
    is_review = aspect is None
    number = [name for name, _label in steps].index(current) + 1 if not is_review else 0
    stem = reverse("evaluasi:saq_step", args=[submission.pk, "x"]).removesuffix("x/")
    context = {
        "submission": submission,
        "steps": steps,
        "current": current,
        "previous": previous,
        "is_review": is_review,
        "aspect": aspect,
        "questions": questions,
        "missing": missing or [],
        "notes": notes or [],
        "missing_text": ngettext(
            "%(n)s item is still missing:", "%(n)s items are still missing:", len(missing or [])
        )
        % {"n": len(missing or [])},
        "heading": ""
        if is_review
        else _("Step %(n)s of %(total)s: %(name)s")
        % {"n": number, "total": len(steps) + 1, "name": aspect.name},
        "progress": progress_html(request, progress=progress),
        "deadline_text": moment_text(deadline),
        "deadline_iso": dateformat.format(timezone.localtime(deadline), "c") if deadline else "",
        "management_name": ManagementForm(prefix=wizard_prefix).add_prefix("current_step"),
        "urls": {
            "step": stem,
            "workbook": reverse("evaluasi:answers_workbook", args=[submission.pk]),
            "import": reverse("evaluasi:answers_import", args=[submission.pk]),
            "autosave_js": static("js/autosave.js"),
        },
    }
    return _render("evaluasi/saq_step.html", request, context, _step_texts)
