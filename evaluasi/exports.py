"""Workbooks of the questionnaire and the SAQ handed out (``common.exporters``): a
questionnaire (or the blank template) in the format its import reads, and a unit's answers
workbook for filling offline. Both are forms to fill (wrapped text, a guide sheet), so they are
written as normal workbooks; the formats themselves (sheet and column names) are defined with
their parsers in ``evaluasi.questionnaires.workbook`` and ``evaluasi.saq.workbook``."""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font

from award.models import Period
from common.exporters import BaseExporter, ListExporter, Sheet, exporter_register
from evaluasi.checks.selectors import evidence_check_rows
from evaluasi.models import Evidence
from evaluasi.questionnaires.rubric import QuestionnaireSpec
from evaluasi.questionnaires.workbook import (
    ASPECT_SHEET,
    INDICATOR_SHEET,
    OPTION_SHEET,
    SETTINGS_SHEET,
)
from evaluasi.saq.workbook import ANSWERS_SHEET, answer_cell


def _cell_number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@exporter_register
class QuestionnaireExporter(BaseExporter):
    """A questionnaire's workbook (``spec``), or with None the blank template, with a guide."""

    identifier = "questionnaire"
    verbose_name = gettext_lazy("Questionnaire workbook")
    streaming = False

    def __init__(self, *, spec: QuestionnaireSpec | None = None, name: str = ""):
        self.spec = spec
        self.name = name

    def filename(self, sheet=None) -> str:
        return slugify(self.name) if self.name else "templat-kuesioner-ppid"

    def sheets(self):
        spec = self.spec
        if spec is None:
            settings = [["judul", ""], ["tingkat", "desa"], ["versi", "1"]]
        else:
            settings = [
                ["judul", spec.title],
                ["tingkat", spec.level],
                ["versi", spec.version_label],
            ]
        yield Sheet(SETTINGS_SHEET, ["kunci", "nilai"], [14, 60], settings)
        aspects = spec.aspects if spec is not None else []
        yield Sheet(
            ASPECT_SHEET,
            ["kode", "nama", "bobot", "deskripsi"],
            [10, 40, 10, 60],
            ([a.code, a.name, _cell_number(a.weight), a.description or None] for a in aspects),
        )
        yield Sheet(
            INDICATOR_SHEET,
            [
                "aspek",
                "kode",
                "pertanyaan",
                "tipe",
                "bobot",
                "bukti",
                "petunjuk",
                "min",
                "maks",
                "batas_bawah",
                "batas_atas",
                "wajib",
                "kelompok",
            ],  # fmt: skip
            [8, 12, 60, 10, 8, 10, 60, 8, 8, 12, 12, 8, 28],
            (
                [
                    aspect.code,
                    indicator.code,
                    indicator.question,
                    indicator.type,
                    _cell_number(indicator.weight),
                    indicator.evidence,
                    indicator.guidance or None,
                    _cell_number(indicator.min_value),
                    _cell_number(indicator.max_value),
                    _cell_number(indicator.input_min),
                    _cell_number(indicator.input_max),
                    "ya" if indicator.required else "tidak",
                    indicator.group or None,
                ]
                for aspect in aspects
                for indicator in aspect.indicators
            ),
            formats={"wrap": ["C"]},
        )
        yield Sheet(
            OPTION_SHEET,
            ["indikator", "kode", "label", "nilai"],
            [12, 10, 60, 8],
            (
                [indicator.code, option.code, option.label, _cell_number(option.value)]
                for aspect in aspects
                for indicator in aspect.indicators
                for option in indicator.options
            ),
        )

    def xlsx_finish(self, workbook) -> None:
        guide = workbook.create_sheet("petunjuk")
        guide.column_dimensions["A"].width = 24
        guide.column_dimensions["B"].width = 100
        guide.append([_("Sheet / column"), _("How to fill it")])
        guide["A1"].font = guide["B1"].font = Font(bold=True)
        for row in _guide_rows():
            guide.append(list(row))


def _guide_rows():
    return [
        ("pengaturan", _("Keys judul (title), tingkat (level code, e.g. desa) and versi.")),
        ("aspek.kode", _("Short unique code of the aspect, e.g. A1 or 1.0.0.0.")),
        ("aspek.bobot", _("Aspect weight; the weights of all aspects must sum to 100.")),
        ("indikator.aspek", _("Code of the aspect the indicator belongs to.")),
        (
            "indikator.kode",
            _("Unique code, e.g. 1.1.1.1; hierarchical codes are kept as they are."),
        ),
        (
            "indikator.tipe",
            _("ya_tidak, pilihan, angka, teks or url. teks and url are not scored."),
        ),
        ("indikator.bobot", _("Weight inside its aspect (0 or more, a plain number without %).")),
        ("indikator.bukti", _("Evidence: wajib (required), opsional or tidak.")),
        (
            "indikator.min / maks",
            _(
                "For angka: the scoring range. min scores 0, maks or more scores 100; any "
                "number can be answered (40 on a 0–12 indicator scores 100)."
            ),
        ),
        (
            "indikator.batas_bawah / batas_atas",
            _(
                "For angka, optional: the hard limits of what may be answered, for values "
                "that are impossible (e.g. 0 and 100 for a percentage, 0 for a count)."
            ),
        ),
        ("indikator.wajib", _("ya (default) or tidak: must the operator answer it?")),
        ("indikator.kelompok", _("Optional heading that groups indicators inside an aspect.")),
        ("opsi", _("Options of pilihan indicators (and optionally ya/tidak): value 0 to 100.")),
        ("", _("The import is all or nothing: every problem is listed as sheet!cell.")),
    ]


@exporter_register
class AnswersExporter(BaseExporter):
    """The unit's questionnaire as a workbook to fill offline (DESIGN.md §4 "Answers")."""

    identifier = "answers"
    verbose_name = gettext_lazy("Answers workbook")
    streaming = False
    permission = "evaluasi.view_submission"

    def __init__(self, *, submission, questionnaire, answers: dict):
        self.submission = submission
        self.questionnaire = questionnaire
        self.answers = answers

    def filename(self, sheet=None) -> str:
        submission = self.submission
        return f"jawaban-{submission.unit.code}-{submission.period.year}"

    def permission_object(self):
        return self.submission

    def sheets(self):
        submission = self.submission
        yield Sheet(
            ANSWERS_SHEET,
            [
                "indikator",
                "jawaban",
                "bukti_url",
                "bukti_berkas",
                "aspek",
                "pertanyaan",
                "tipe",
                "pilihan",
                "wajib",
                "petunjuk",
            ],  # fmt: skip
            [12, 24, 36, 30, 22, 70, 10, 36, 8, 50],
            self._answer_rows(),
            formats={"wrap": ["F"]},
        )
        yield Sheet(
            SETTINGS_SHEET,
            ["kunci", "nilai"],
            [12, 40],
            [["unit", submission.unit.code], ["periode", submission.period.year]],
        )

    def _answer_rows(self):
        evidence_urls = {
            e.indicator_id: e.url
            for e in self.submission.evidence.filter(kind="url").order_by("-id")
        }
        for aspect in self.questionnaire.aspects.all():
            for indicator in aspect.indicators.all():
                answer = self.answers.get(indicator.pk)
                if indicator.type == "ya_tidak":
                    choices = ", ".join(o.code for o in indicator.options.all()) or "ya, tidak"
                elif indicator.type == "pilihan":
                    choices = "; ".join(f"{o.code} = {o.label}" for o in indicator.options.all())
                elif indicator.type == "angka":
                    choices = _("number, e.g. 12 or 12,5")
                else:
                    choices = ""
                yield [
                    indicator.code,
                    answer_cell(indicator, answer.value if answer else ""),
                    evidence_urls.get(indicator.pk),
                    None,  # bukti_berkas: filled by the operator for a ZIP upload
                    aspect.name,
                    indicator.question,
                    indicator.type,
                    choices,
                    "ya" if indicator.required else "tidak",
                    indicator.guidance or None,
                ]

    def xlsx_finish(self, workbook) -> None:
        guide = workbook.create_sheet("petunjuk")
        guide.column_dimensions["A"].width = 100
        for line in (
            _("Fill the column jawaban: ya or tidak, the option code, a number, or text."),
            _("Optionally put a link to the evidence in bukti_url."),
            _(
                "To send evidence files too, write their names in bukti_berkas (several separated "
                "by ;) and upload one ZIP holding this workbook and those files."
            ),
            _("Do not change the sheet pengaturan: it names the unit and the period."),
            _("Upload the file on the SAQ page; you will see what changes before it is applied."),
        ):
            guide.append([line])


@exporter_register
class EvidenceChecksExporter(ListExporter):
    """The jury assistant's findings of a period: sheet ``bukti``, one row per evidence (links
    too) with its flags and their reasons."""

    identifier = "evidence_checks"
    verbose_name = gettext_lazy("Evidence checks")
    sheet_title = "bukti"
    header = ["Kode Unit", "Indikator", "Berkas", "SHA-256", "Tanda", "Keterangan"]
    widths = [18, 12, 40, 66, 30, 90]

    def __init__(self, *, period: Period):
        self.period = period

    def filename(self, sheet=None) -> str:
        return f"integritas-bukti-{self.period.year}"

    def params(self) -> dict:
        return {"period": self.period.pk}

    @classmethod
    def from_params(cls, params: dict) -> EvidenceChecksExporter:
        return cls(period=Period.objects.get(pk=params["period"]))

    def permission_object(self):
        return self.period

    def size(self) -> int:
        return Evidence.objects.filter(submission__period=self.period).count()

    def rows(self):
        return evidence_check_rows(period=self.period)
