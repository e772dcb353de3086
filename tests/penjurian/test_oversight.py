"""Oversight and penetapan waiting for the juries: progress per jury and unit, reminders to
juries behind, unfinished verifications / open objections / unscored finalists block
finalisation until done or overridden with a reason shown on the explanation page."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from award.models import Stage
from penilaian import selectors, services
from penilaian.models import FinalisationOverride
from penjurian import objections, oversight
from penjurian.models import Objection, PresentationSlot, Verification
from penjurian.verification import verification_save
from tests.penilaian import golden
from tests.penilaian.test_golden import run_period

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def main(default_levels):
    period, units, juries = golden.main_period()
    FinalisationOverride.objects.filter(period=period).delete()  # start from the real state
    for number, jury in enumerate(juries, start=1):
        jury.email = f"juri{number}@example.org"
        jury.save()
    return period, units, juries


def test_progress_per_jury_and_unit(main):
    period, units, (j1, j2, j3, j4) = main
    progress = oversight.verification_progress(period=period)
    indicators = period.questionnaires.get().indicators.count()
    juries = {row["user"]: row for row in progress["juries"]}
    # j1 judges G01, G03, G04, G06 and gave 3 + 1 + 2 + 0 verdicts.
    assert juries[j1]["units"] == 4 and juries[j1]["done"] == 6
    assert juries[j1]["due"] == 4 * indicators and juries[j1]["finished"] == 0
    assert juries[j3]["units"] == 1 and juries[j3]["done"] == 1
    unit_rows = {row["unit"].code: row for row in progress["units"]}
    assert unit_rows["G01"]["juries"] == 4 and unit_rows["G01"]["done"] == 3 + 3 + 1 + 1
    assert "G02" not in unit_rows  # no jury
    mail.outbox.clear()
    sent = oversight.juries_remind(period=period, jury_ids=[j3.pk])
    assert sent == 1 and [m.to for m in mail.outbox] == [["juri3@example.org"]]


def test_penetapan_waits_for_the_juries_and_an_override_is_shown(main, admin_user, client):
    period, units, (j1, j2, j3, j4) = main
    run = run_period(period)
    keys = {item["key"] for item in selectors.jury_work_items(period=period)}
    assert f"verifikasi:{units['G01'].pk}" in keys
    with pytest.raises(services.ScoringRefused, match="Verifikasi Dinas G01"):
        services.scoring_run_finalise(run=run, user=admin_user)
    # Finish everything but G01; waive G01 with a reason.
    for code in ("G03", "G04", "G06"):
        submission = period.submissions.get(unit=units[code])
        for jury in (j1, j2):
            for indicator in submission.questionnaire.indicators.all():
                if not Verification.objects.filter(
                    submission=submission, indicator=indicator, jury=jury
                ).exists():
                    verification_save(
                        submission=submission, indicator=indicator, jury=jury, decision="accept"
                    )
    with pytest.raises(Exception, match="alasan"):
        services.finalisation_override(
            period=period, key=f"verifikasi:{units['G01'].pk}", reason=" ", user=admin_user
        )
    services.finalisation_override(
        period=period,
        key=f"verifikasi:{units['G01'].pk}",
        reason="Juri 3 dan 4 berhalangan",
        user=admin_user,
    )
    # An open objection blocks too.
    type(period).objects.filter(pk=period.pk).update(stage_override=Stage.OBJECTION)
    period.refresh_from_db()
    verdict = Verification.objects.get(submission__unit=units["G03"], jury=j1, indicator__code="i2")
    objection = objections.objection_file(verification=verdict, text="Ada bukti", user=None)
    type(period).objects.filter(pk=period.pk).update(stage_override=Stage.FINALISATION)
    period.refresh_from_db()
    assert any("Sanggahan" in b for b in selectors.finalisation_blockers(period=period))
    objections.objection_answer(objection=objection, jury=j1, accepted=False, answer="Tetap")
    # A scheduled finalist not scored by every assigned jury blocks (G04: j1 and j2 scored).
    PresentationSlot.objects.create(
        period=period,
        unit=units["G06"],
        starts_at=period.saq_close + dt.timedelta(days=3),
        place="R",
    )
    assert any("Presentasi Dinas G06" in b for b in selectors.finalisation_blockers(period=period))
    PresentationSlot.objects.filter(unit=units["G06"]).delete()
    assert selectors.finalisation_blockers(period=period) == []
    run = run_period(period)
    services.scoring_run_finalise(run=run, user=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("penilaian:score_explain", args=[run.pk, units["G01"].pk]))
    assert "Juri 3 dan 4 berhalangan" in page.content.decode()
    page = client.get(reverse("penilaian:score_explain", args=[run.pk, units["G03"].pk]))
    assert "Ada bukti" in page.content.decode() and "Tetap" in page.content.decode()
    assert Objection.objects.get().status == "rejected"


def test_blockers_grouped_by_kind_and_one_reason_for_a_whole_group(main, admin_user, client):
    period, units, _juries = main
    run_period(period)
    items = selectors.jury_work_items(period=period)
    open_verifications = [i for i in items if i["key"].startswith("verifikasi:")]
    assert len(open_verifications) > 1
    client.force_login(admin_user)
    page = client.get(reverse("penilaian:scoring", args=[period.year])).content.decode()
    assert 'id="jury-work-verifikasi"' in page
    assert f"{len(open_verifications)} terbuka dari {len(open_verifications)}" in page
    assert reverse("penjurian:oversight", args=[period.year]) in page
    # The provisional notice names the group with its count, not each of its items.
    assert f"Verifikasi belum selesai</a>: {len(open_verifications)} butir" in page
    assert open_verifications[0]["label"] not in page.split('id="jury-work-')[0]

    response = client.post(
        reverse("penilaian:override", args=[period.year]),
        {"kind": "verifikasi", "reason": "Juri berhalangan"},
        follow=True,
    )
    assert f"{len(open_verifications)} pengecualian dicatat" in response.content.decode()
    overrides = FinalisationOverride.objects.filter(period=period, key__startswith="verifikasi:")
    assert overrides.count() == len(open_verifications)
    assert set(overrides.values_list("reason", flat=True)) == {"Juri berhalangan"}
    assert not any(
        b.startswith("Verifikasi") for b in selectors.finalisation_blockers(period=period)
    )
    again = client.post(
        reverse("penilaian:override", args=[period.year]),
        {"kind": "verifikasi", "reason": "Lagi"},
        follow=True,
    )
    assert "sudah tidak terbuka" in again.content.decode()
