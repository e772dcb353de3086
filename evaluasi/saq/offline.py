"""Offline filling: an answers workbook downloaded, filled and uploaded (DESIGN.md §4
"Answers"), checked with a preview and applied all or nothing."""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from award.models import Period, Unit
from common.jobs import ImportRejected, job_start
from common.models import Job
from common.workbooks import Problems, cell_text
from evaluasi import jobs as evaluasi_jobs
from evaluasi.models import (
    Indicator,
    Submission,
)
from evaluasi.questionnaires.rubric import (
    AnswerError,
    answer_normalise,
)
from evaluasi.questionnaires.selectors import (
    answer_label,
    indicator_spec,
)
from evaluasi.saq.bundle import Bundle, BundleDamaged, bundle_is_zip, bundle_open
from evaluasi.saq.services import (
    answer_save,
    evidence_add_file,
    evidence_add_url,
    evidence_file_check,
    evidence_too_large_message,
    submission_check_editable,
    submission_start,
    submission_submit,
)
from evaluasi.saq.workbook import answers_parse

logger = logging.getLogger(__name__)


# --- offline filling: answers workbook ----------------------------------------------------
@dataclass(frozen=True)
class PlannedFile:
    indicator: Indicator
    path: str  # inside the bundle
    name: str  # the safe name it is stored under
    size: int


@dataclass
class AnswersPlan:
    problems: Problems
    submission: Submission | None = None
    changes: list[dict] = field(default_factory=list)  # code, question, old, new
    urls: list[tuple[Indicator, str]] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # indicator -> normalised value
    bundle: Bundle | None = None
    files: list[PlannedFile] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "unit": self.submission.unit.name if self.submission else "",
            "changes": self.changes,
            "urls": [{"code": i.code, "url": url} for i, url in self.urls],
            "files": [
                {"code": f.indicator.code, "name": f.name, "path": f.path, "size": f.size}
                for f in self.files
            ],
            **self.problems.as_lists(),
        }


def answers_import_check(
    *, data: bytes, submission: Submission | None = None, file_name: str = ""
) -> AnswersPlan:
    """Check an answers workbook, or a bundle (a ZIP with the workbook and the evidence files
    it names: a file named .zip, or a zip that is not a workbook); with ``submission`` it must
    be for that unit and period."""
    bundle = None
    if file_name.lower().endswith(".zip") or bundle_is_zip(data):
        bundle_problems = Problems()
        bundle = bundle_open(data, bundle_problems)
        if bundle is None:
            return AnswersPlan(problems=bundle_problems)
        data = bundle.workbook
    parsed = answers_parse(data)
    plan = AnswersPlan(problems=parsed.problems, bundle=bundle)
    problems = parsed.problems
    if problems.errors:
        return plan
    target = (
        Submission.objects.filter(unit__code=parsed.unit_code, period__year=parsed.year)
        .select_related("unit", "period")
        .first()
    )
    if submission is not None and (
        parsed.unit_code != submission.unit.code or parsed.year != submission.period.year
    ):
        problems.error(
            "pengaturan",
            "B2",
            _(
                "This workbook is for unit %(code)s, period %(year)s; you are filling "
                "%(unit)s, period %(period)s. Download this unit's own workbook."
            )
            % {
                "code": parsed.unit_code,
                "year": parsed.year,
                "unit": submission.unit.code,
                "period": submission.period.year,
            },
        )
        return plan
    if target is None:
        unit = Unit.objects.filter(code=parsed.unit_code).first()
        period = Period.objects.filter(year=parsed.year).first()
        if unit is None or period is None:
            problems.error(
                "pengaturan",
                "B2",
                _("Unit %(code)s or period %(year)s does not exist.")
                % {"code": parsed.unit_code, "year": parsed.year},
            )
            return plan
        try:
            target = submission_start(period=period, unit=unit)
        except ValidationError as error:
            problems.error("pengaturan", "B3", error.messages[0])
            return plan
    plan.submission = target
    try:
        submission_check_editable(submission=target)
    except ValidationError as error:
        problems.error("pengaturan", "B3", error.messages[0])
        return plan
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(questionnaire_id=target.questionnaire_id)
        .prefetch_related("options")
        .order_by("aspect__order", "order")
    }
    current = {a.indicator_id: a.value for a in target.answers.all()}
    existing_urls = set(target.evidence.filter(kind="url").values_list("indicator_id", "url"))
    existing_files = set(
        target.evidence.filter(kind="file").values_list("indicator_id", "original_name", "size")
    )
    url_validator = URLValidator(schemes=["http", "https"])
    for item in parsed.rows:
        row = item["row"]
        indicator = indicators.get(item["code"])
        if indicator is None:
            problems.error(
                row.sheet,
                row.ref("indikator"),
                _("Indicator '%(code)s' is not in this unit's questionnaire.")
                % {"code": item["code"]},
            )
            continue
        raw = item["value"] if indicator.type == "angka" else cell_text(item["value"])
        try:
            value = answer_normalise(indicator_spec(indicator=indicator), raw)
        except AnswerError as error:
            problems.error(row.sheet, row.ref("jawaban"), str(error))
            continue
        if item["url"]:
            try:
                url_validator(item["url"])
            except ValidationError:
                problems.error(
                    row.sheet,
                    row.ref("bukti_url"),
                    _("“%(url)s” is not a valid web address; start it with https://.")
                    % {"url": item["url"]},
                )
                continue
            if (indicator.pk, item["url"]) not in existing_urls:
                plan.urls.append((indicator, item["url"]))
        for name in item["files"]:
            _evidence_file_plan(plan, indicator, row, name, existing_files)
        old = current.get(indicator.pk, "")
        if value != old:
            plan.values[indicator] = value
            plan.changes.append(
                {
                    "code": indicator.code,
                    "question": indicator.question[:120],
                    "old": answer_label(indicator=indicator, value=old),
                    "new": answer_label(indicator=indicator, value=value),
                }
            )
    if bundle is not None and not problems.errors:
        for path in bundle.unused():
            problems.warn(
                "",
                "ZIP",
                _("“%(name)s” is not named in bukti_berkas; it is not used.") % {"name": path},
            )
    return plan


def _evidence_file_plan(plan: AnswersPlan, indicator, row, name: str, existing: set) -> None:
    """One name in ``bukti_berkas``: found in the bundle and checked as a single upload."""
    problems, bundle, cell = plan.problems, plan.bundle, row.ref("bukti_berkas")
    if bundle is None:
        problems.error(
            row.sheet,
            cell,
            _(
                "bukti_berkas names “%(name)s”, but only a workbook was uploaded. Upload a ZIP "
                "holding this workbook and the evidence files."
            )
            % {"name": name},
        )
        return
    paths = bundle.find(name)
    if len(paths) != 1:
        message = (
            _("“%(name)s” is not in the ZIP.")
            if not paths
            else _("“%(name)s” matches several files in the ZIP (%(paths)s); write its folder too.")
        )
        problems.error(row.sheet, cell, message % {"name": name, "paths": ", ".join(paths)})
        return
    path = paths[0]
    declared = bundle.entries[path].file_size
    if declared > settings.UPLOAD_MAX_BYTES:
        problems.error(row.sheet, cell, evidence_too_large_message(name=path, size=declared))
        return
    try:
        content = bundle.read(path)
    except BundleDamaged as damaged:
        problems.error(row.sheet, cell, str(damaged))
        return
    try:
        _kind, _type, safe = evidence_file_check(
            upload=SimpleUploadedFile(posixpath.basename(path), content)
        )
    except ValidationError as error:
        problems.error(row.sheet, cell, " ".join(error.messages))
        return
    if (indicator.pk, safe, len(content)) in existing:
        problems.warn(
            row.sheet,
            cell,
            _("“%(name)s” is already evidence of %(code)s; it is not added again.")
            % {"name": safe, "code": indicator.code},
        )
        return
    plan.files.append(PlannedFile(indicator=indicator, path=path, name=safe, size=len(content)))


def answers_import_apply(
    *,
    data: bytes,
    user,
    submission: Submission | None = None,
    submit: bool = False,
    file_name: str = "",
) -> AnswersPlan:
    """Apply an answers workbook or bundle: all or nothing; optionally submit the SAQ
    afterwards."""
    plan = answers_import_check(data=data, submission=submission, file_name=file_name)
    if plan.problems.errors:
        raise ImportRejected(plan.problems)
    stored = []  # files written before the transaction ends; removed again if it rolls back
    try:
        with transaction.atomic():
            for indicator, value in plan.values.items():
                answer_save(
                    submission=plan.submission,
                    indicator=indicator,
                    raw=value,
                    version=None,
                    user=user,
                )
            for indicator, url in plan.urls:
                evidence_add_url(
                    submission=plan.submission, indicator=indicator, url=url, user=user
                )
            for planned in plan.files:
                upload = SimpleUploadedFile(planned.name, plan.bundle.read(planned.path))
                evidence = evidence_add_file(
                    submission=plan.submission,
                    indicator=planned.indicator,
                    upload=upload,
                    user=user,
                )
                stored.append(evidence.file)
            if submit:
                submission_submit(submission=plan.submission, user=user)
    except Exception:
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise
    return plan


def answers_import_start(*, data: bytes, file_name: str, submission: Submission, user) -> Job:
    """Store the upload and queue its check (job kind registered in ``evaluasi.apps``)."""
    return job_start(
        kind=evaluasi_jobs.ANSWERS_IMPORT,
        created_by=user,
        data=data,
        file_name=file_name,
        params={"submission": submission.pk},
    )


def answers_import_job_check(job, data: bytes, report):
    report(30, _("Reading the workbook"))
    submission = Submission.objects.get(pk=job.params["submission"])
    plan = answers_import_check(data=data, submission=submission, file_name=job.file_name)
    return plan.problems, plan.summary()


def answers_import_job_apply(job, data: bytes, report):
    submission = Submission.objects.get(pk=job.params["submission"])
    try:
        plan = answers_import_apply(
            data=data, user=job.created_by, submission=submission, file_name=job.file_name
        )
    except ValidationError as error:
        problems = Problems()
        for message in error.messages:
            problems.error("", "", message)
        raise ImportRejected(problems) from error
    message = answers_import_message(plan)
    return message, job.result


def answers_import_message(plan: AnswersPlan) -> str:
    message = _("%(count)s answers saved from the workbook.") % {"count": len(plan.changes)}
    if plan.files:
        message += " " + _("%(count)s evidence files attached.") % {"count": len(plan.files)}
    return message
