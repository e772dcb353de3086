"""Published numbers never move: after penetapan, an answer, a verification and a presentation
score changed behind the app's back (straight in the database) change no output of the
finalised run — ranking workbook (every sheet), CSV, explanation page, certificates, recap,
public pages and badges all read what the run stored."""

import csv
import io
import re

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from evaluasi.models import Answer
from laporan import services
from laporan.documents import render_pdf
from laporan.exports import RankingExporter
from laporan.models import Certificate
from laporan.recap import recap_html
from penilaian import services as scoring_services
from penjurian.models import PresentationScore, Verification
from tests.laporan.test_reports import pdf_text
from tests.penilaian import golden
from tests.penilaian.test_golden import run_period

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
# The recap says when it was printed: the one part of it that is not the run's.
PRINTED = re.compile(r"Dicetak\s.*?\sWITA\.", re.S)


def page(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return CSRF.sub(rb"\1-", b"".join(response) if response.streaming else response.content)


def outputs(run, units, admin_client, client, tmp_path, name) -> dict:
    path = tmp_path / f"{name}.xlsx"
    RankingExporter(run=run).xlsx_write(path)
    workbook = load_workbook(path, read_only=True)
    sheets = {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
    level = units["G02"].level
    buffer = io.StringIO()
    csv.writer(buffer).writerows(RankingExporter(run=run).csv_rows(level.code))
    certificates = list(Certificate.objects.filter(run=run).order_by("pk"))
    pdf, _archive = services.certificates_render(run=run, certificates=certificates)
    year = run.period.year
    return {
        "sheets": sheets,
        "csv": buffer.getvalue(),
        "explanations": {
            code: page(admin_client, reverse("penilaian:score_explain", args=[run.pk, unit.pk]))
            for code, unit in units.items()
            if code in ("G01", "G02", "G03")
        },
        "certificates": pdf_text(pdf),
        "recap": PRINTED.sub("Dicetak - WITA.", pdf_text(render_pdf(recap_html(run=run)))),
        "public": page(client, reverse("laporan:public_ranking", args=[year])),
        "unit_page": page(client, reverse("laporan:public_unit", args=["G02"])),
        "badge": page(client, reverse("laporan:badge", args=["G03", year])),
    }


def test_every_output_of_a_finalised_run_reads_what_it_stored(
    default_levels, admin_user, admin_client, tmp_path
):
    from django.test import Client

    period, units, juries = golden.main_period()
    run = run_period(period)
    scoring_services.scoring_run_finalise(run=run, user=admin_user)
    run.refresh_from_db()
    services.certificates_issue(run=run)
    public = Client()
    before = outputs(run, units, admin_client, public, tmp_path, "before")
    assert "Dinas G02" in before["explanations"]["G02"].decode()
    assert "Dicetak - WITA." in before["recap"], "the print time is the only part left out"
    assert any(row for row in before["sheets"]["indikator"][1:] if row[0] == "G02")

    # Behind the app's back: an answer, a verification and a presentation score change.
    answer = Answer.objects.filter(
        submission__period=period, submission__unit__code="G02", indicator__code="i5"
    ).get()
    Answer.objects.filter(pk=answer.pk).update(value="20")
    verification = Verification.objects.filter(submission__period=period).first()
    Verification.objects.filter(pk=verification.pk).update(
        decision="reject" if verification.decision != "reject" else "accept",
        reason="diubah diam-diam",
    )
    presentation = PresentationScore.objects.filter(criterion__period=period).first()
    PresentationScore.objects.filter(pk=presentation.pk).update(score=1)
    # ...and a verification is deleted, another added, an answer added where there was none.
    gone = Verification.objects.filter(submission__period=period).exclude(pk=verification.pk)
    gone.first().delete()
    Verification.objects.create(
        submission=answer.submission,
        indicator=answer.indicator,
        jury=juries[3],
        decision="reject",
        reason="ditambahkan diam-diam",
    )
    unanswered = answer.submission.questionnaire.indicators.exclude(
        pk__in=Answer.objects.filter(submission=answer.submission).values("indicator")
    ).first()
    if unanswered is not None:
        Answer.objects.create(submission=answer.submission, indicator=unanswered, value="ya")
    with connection.cursor() as cursor:  # plain SQL, past every part of the app
        cursor.execute("UPDATE evaluasi_answer SET value = '0' WHERE id = %s", [answer.pk])

    after = outputs(run, units, admin_client, public, tmp_path, "after")
    for name in before:
        assert after[name] == before[name], f"{name} changed"
