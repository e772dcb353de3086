"""The exporter convention (common.exporters): the workbook and the CSV of a table read the same
rows, text that looks like a formula stays text in both, numbers keep two decimals, and an
export too large to answer at once runs as a job on the real worker, with its file only for
those who may have it."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from award.models import JURY_GROUP, Level, Unit
from common import exporters
from common.exporters import ListExporter
from common.models import Job
from penjurian.exports import AssignmentsExporter
from penjurian.models import Assignment
from tests.award.test_celery_worker import wait_for
from tests.conftest import client_for
from tests.factories import UserFactory


class _Table(ListExporter):
    identifier = "test-table"  # not registered: used directly
    sheet_title = "tabel"
    header = ["Kode", "Nama", "Nilai"]
    widths = [10, 20, 10]
    numeric = (2,)

    def rows(self):
        yield ["A1", '=HYPERLINK("http://x")', 12.5]
        yield ["A2", "Desa Biasa", None]
        yield ["A3", "teks di kolom angka", "–"]


def test_the_workbook_and_the_csv_read_the_same_rows():
    sheet = load_workbook(io.BytesIO(_Table().xlsx_bytes()))["tabel"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Kode", "Nama", "Nilai"]
    assert rows[1] == ["A1", '=HYPERLINK("http://x")', 12.5]
    assert sheet["B2"].data_type == "s", "a formula-like name is text, never a formula"
    assert sheet["C2"].number_format == "0.00"
    assert rows[3] == ["A3", "teks di kolom angka", "–"], "text in a number column stays text"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C4"

    text = io.StringIO()
    csv.writer(text).writerows(_Table().csv_rows())
    assert list(csv.reader(io.StringIO(text.getvalue()))) == [
        ["Kode", "Nama", "Nilai"],
        ["A1", '\'=HYPERLINK("http://x")', "12.50"],
        ["A2", "Desa Biasa", ""],
        ["A3", "teks di kolom angka", "–"],
    ]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_large_export_runs_as_a_job_on_the_worker_and_only_the_admin_gets_it(
    celery_live, client, admin_user, period, monkeypatch
):
    Level.objects.get_or_create(code="opd", defaults={"name": "OPD", "order": 3})
    opd = Level.objects.get(code="opd")
    units = [Unit.objects.create(code=f"OPD-{n}", name=f"Dinas {n}", level=opd) for n in range(3)]
    juries = [UserFactory(username=f"juri.{n}", groups=[JURY_GROUP]) for n in range(2)]
    for jury in juries:
        period.juries.create(user=jury)
        for unit in units:
            Assignment.objects.create(period=period, jury=jury, unit=unit)
    monkeypatch.setattr(exporters, "INLINE_ROWS", 5)  # 6 assignments: too many to answer at once

    admin = client_for(client, admin_user)
    response = admin.get(reverse("penjurian:assignments_export", args=[period.year]))
    assert response.status_code == 302
    job = Job.objects.get(kind=exporters.EXPORT_JOB)
    assert response["Location"] == reverse("common:export_job", args=[job.pk])
    job = wait_for(job, {Job.Status.SUCCEEDED, Job.Status.FAILED})
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["sheets"] == {"penugasan": 6, "beban": 2}
    page = admin.get(reverse("common:export_job", args=[job.pk])).content.decode()
    assert "penugasan-juri-" in page and reverse("common:export_download", args=[job.pk]) in page

    download = admin.get(reverse("common:export_download", args=[job.pk]))
    from_job = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    at_once = load_workbook(io.BytesIO(AssignmentsExporter(period=period).xlsx_bytes()))
    for title in ("penugasan", "beban"):
        assert [[c.value for c in row] for row in from_job[title].iter_rows()] == [
            [c.value for c in row] for row in at_once[title].iter_rows()
        ]

    jury = client_for(client, juries[0])
    assert jury.get(reverse("common:export_job", args=[job.pk])).status_code == 403
    assert jury.get(reverse("common:export_download", args=[job.pk])).status_code == 403
