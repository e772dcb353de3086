"""Scoring runs: one at a time, atomic replacement, finalisation, corrections, year over year,
the three agreeing implementations of an answer's score, and the screens."""

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from award.models import OperatorMembership
from evaluasi.models import Answer
from evaluasi.questionnaires.rubric import indicator_score, questionnaire_score
from evaluasi.questionnaires.selectors import questionnaire_spec
from penilaian import data, scoring
from penilaian import selectors as scoring_selectors
from penilaian import services as scoring_services
from penilaian.models import Score, ScoringRun
from tests.factories import UserFactory
from tests.penilaian import golden
from tests.penilaian.test_golden import results, run_period

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def main(default_levels):
    return golden.main_period()


def test_only_one_run_per_period_and_stale_runs_are_released(main, admin_user):
    period, _units, _juries = main
    stuck = ScoringRun.objects.create(
        period=period, number=1, status="running", heartbeat_at=timezone.now()
    )
    with pytest.raises(scoring_services.ScoringRefused, match="sedang berjalan"):
        scoring_services.scoring_run_start(period=period, user=admin_user)
    ScoringRun.objects.filter(pk=stuck.pk).update(
        heartbeat_at=timezone.now() - timezone.timedelta(minutes=settings.SCORING_STALE_MINUTES + 1)
    )
    run = run_period(period)
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "berhenti" in stuck.message
    assert run.number == 2 and run.is_current


def test_a_failed_run_leaves_the_previous_results_untouched(main, monkeypatch, caplog):
    period, _units, _juries = main
    good = run_period(period)
    before = results(good)
    original = scoring_services.scores_write

    def write_then_fail(**kwargs):
        original(**kwargs)  # the rows are written inside the transaction, then it breaks
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(scoring_services, "scores_write", write_then_fail)
    bad = scoring_services.scoring_run_start(period=period)
    bad.refresh_from_db()
    assert bad.status == "failed"
    # The admin reads what happened in Indonesian; the library's own words go to the log.
    assert "kesalahan internal" in bad.message and f"scoring-run-{bad.pk}" in bad.message
    assert "disk penuh" not in bad.message
    assert "disk penuh" in caplog.text
    assert not Score.objects.filter(run=bad).exists()
    good.refresh_from_db()
    assert good.is_current and results(good) == before
    assert scoring_selectors.scoring_run_current(period=period) == good


def test_finalisation_is_immutable_and_a_correction_supersedes_it(main, admin_user):
    period, units, _juries = main
    first = run_period(period)
    scoring_services.scoring_run_finalise(run=first, user=admin_user)
    with pytest.raises(scoring_services.ScoringRefused, match="sudah ditetapkan"):
        scoring_services.scoring_run_finalise(run=first, user=admin_user)
    with pytest.raises(scoring_services.ScoringRefused, match="Buka koreksi") as refusal:
        scoring_services.scoring_run_start(period=period, user=admin_user)
    assert refusal.value.field == "reason"
    scoring_services.period_correction_open(
        period=period, reason="Jawaban G02 dikoreksi", user=admin_user
    )
    answer = Answer.objects.get(submission__unit__code="G02", indicator__code="i5")
    answer.value = "20"
    answer.save()
    correction = run_period(period, user=admin_user)
    assert correction.reason == "Jawaban G02 dikoreksi", "the correction's reason goes with it"
    assert scoring_selectors.scoring_run_published(period=period) == first, (
        "published until finalised"
    )
    assert results(first)["G02"][0] == "24.50", "finalised results never change"
    scoring_services.scoring_run_finalise(run=correction, user=admin_user)
    first.refresh_from_db()
    period.refresh_from_db()
    assert first.superseded_by == correction and not first.is_published
    assert scoring_selectors.scoring_run_published(period=period) == correction
    assert results(correction)["G02"][0] == "39.50"  # A2 = (20 + 300)/4 = 80 → 7.5 + 32
    assert set(scoring_selectors.scoring_runs(period=period)) == {first, correction}
    assert period.inputs_locked, "the correction is closed by its penetapan"


def test_only_the_current_successful_run_can_be_finalised(main, admin_user):
    period, _units, _juries = main
    old = run_period(period)
    run_period(period)
    with pytest.raises(scoring_services.ScoringRefused, match="terakhir"):
        scoring_services.scoring_run_finalise(run=old, user=admin_user)


def test_year_over_year_change_and_most_improved(default_levels, admin_user):
    last_year, _units, _j = golden.main_period(year=2029)
    scoring_services.scoring_run_finalise(run=run_period(last_year), user=admin_user)
    this_year, _units, _j = golden.main_period(year=2030)
    Answer.objects.filter(
        submission__period=this_year, submission__unit__code="G02", indicator__code="i1"
    ).update(value="ya")  # A1 = (200 + 50)/4 = 62.5 → SAQ = 37.5 + 17 = 54.5 (+30)
    run = run_period(this_year)
    g02 = Score.objects.get(run=run, unit__code="G02")
    assert (str(g02.previous_final), str(g02.change)) == ("24.50", "30.00")
    assert str(Score.objects.get(run=run, unit__code="G03").change) == "0.00"
    (table,) = scoring_selectors.ranking_tables(run=run)
    assert [s.unit.code for s in table["improved"]] == ["G02"]


def test_chunks_keep_regions_together_and_split_big_levels(default_levels, settings):
    from tests.factories import DesaFactory, KecamatanFactory, PeriodFactory

    period = PeriodFactory(year=2032)
    desa = golden.Level.objects.get(code="desa")
    questionnaire = golden.build_questionnaire(period, desa, golden.MAIN_ASPECTS, {})
    kecamatan = [KecamatanFactory() for _ in range(3)]
    for parent, count in zip(kecamatan, (2, 3, 1), strict=True):
        for _ in range(count):
            golden.submit(period, questionnaire, DesaFactory(parent=parent), {"i1": "ya"})
    plan = scoring.chunks_plan(period_id=period.pk, size=3)
    assert [(c["parents"], c["size"]) for c in plan] == [
        ([kecamatan[0].pk], 2),
        ([kecamatan[1].pk], 3),
        ([kecamatan[2].pk], 1),
    ]
    settings.SCORING_CHUNK_UNITS = 3
    run = run_period(period)
    assert run.chunks_total == 3 and Score.objects.filter(run=run).count() == 6


# --- the three implementations of an answer's score agree --------------------------------
ANSWER = {
    "i1": st.sampled_from(["", "ya", "tidak"]),
    "i2": st.sampled_from(["", "a", "b", "c"]),
    "i3": st.decimals(min_value=0, max_value=30, places=2).map(lambda d: format(d, "f")),
    "i4": st.sampled_from(["", "ya", "tidak"]),
    "i5": st.decimals(min_value=-5, max_value=40, places=3).map(lambda d: format(d, "f")),
}


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=st.fixed_dictionaries(ANSWER))
def test_sql_scores_agree_with_the_exact_rules(main, answers):
    """The engine's SQL expression (bulk sums and one by one) against
    ``evaluasi.questionnaires.rubric``."""
    period, units, _juries = main
    submission = units["G02"].submissions.get()
    Answer.objects.filter(submission=submission).delete()
    indicators = {i.code: i for i in submission.questionnaire.indicators.all()}
    Answer.objects.bulk_create(
        Answer(submission=submission, indicator=indicators[c], value=v) for c, v in answers.items()
    )
    spec = questionnaire_spec(questionnaire=submission.questionnaire)
    exact = {i.code: indicator_score(i, answers.get(i.code) or None) for i in spec.indicators()}
    one_by_one = data.answers_scored(submission.pk).set_index("indicator")["self_score"]
    for code, indicator in indicators.items():
        if exact[code] is None:
            assert pd.isna(one_by_one[indicator.pk]), code
        else:
            assert one_by_one[indicator.pk] == pytest.approx(float(exact[code]), abs=1e-9), code
    chunk = scoring.chunk_compute(
        {"period": period.pk, "level": units["G02"].level_id, "units": [units["G02"].pk] * 2},
        scoring.PeriodSettings.of(period),
    )["units"]
    exact_saq = questionnaire_score(spec, {c: v for c, v in answers.items() if v})
    assert chunk["saq"].iloc[0] == pytest.approx(float(exact_saq), abs=1e-9)


# A run killed mid-way by real processes: tests/faults/test_worker_faults.py.


# --- screens and command -------------------------------------------------------------------
def test_admin_starts_watches_explains_and_finalises(main, admin_client, admin_user):
    period, units, _juries = main
    page = admin_client.get(reverse("penilaian:scoring", args=[period.year]))
    assert page.status_code == 200 and "Mulai penilaian" in page.text
    response = admin_client.post(reverse("penilaian:scoring", args=[period.year]), {"reason": ""})
    run = ScoringRun.objects.get(period=period)
    assert response.status_code == 302 and response["Location"] == reverse(
        "penilaian:scoring_run", args=[run.pk]
    )
    status = admin_client.get(response["Location"], headers={"HX-Request": "true"})
    assert 'data-progress="100"' in status.text and status["HX-Refresh"] == "true"
    ranking = admin_client.get(reverse("penilaian:ranking", args=[run.pk]))
    assert "Menuju Informatif" in ranking.text and "G03" in ranking.text
    assert "sementara" in ranking.text.lower()
    explain = admin_client.get(reverse("penilaian:score_explain", args=[run.pk, units["G01"].pk]))
    assert explain.status_code == 200
    assert "64,63" in explain.text and "57,50" in explain.text, explain.text
    finalise = admin_client.post(reverse("penilaian:scoring_finalise", args=[run.pk]))
    assert finalise.status_code == 302
    run.refresh_from_db()
    assert run.is_published and run.finalised_by == admin_user
    refused = admin_client.post(reverse("penilaian:scoring", args=[period.year]), {"reason": ""})
    assert refused.status_code == 422 and "Buka koreksi" in refused.text


def test_operators_see_their_explained_result_only_after_publication(main, client, admin_user):
    period, units, _juries = main
    operator = UserFactory(username="op.g01")
    OperatorMembership.objects.create(user=operator, unit=units["G01"])
    other = UserFactory(username="op.g02")
    OperatorMembership.objects.create(user=other, unit=units["G02"])
    run = run_period(period)
    url = reverse("penilaian:score_explain", args=[run.pk, units["G01"].pk])
    client.force_login(operator)
    assert client.get(url).status_code == 403, "provisional results are not shown"
    scoring_services.scoring_run_finalise(run=run, user=admin_user)
    assert client.get(url).status_code == 200
    client.force_login(other)
    assert client.get(url).status_code == 403, "never another unit's result"


def test_score_period_command(main, capsys):
    period, _units, _juries = main
    call_command("score_period", "--period", str(period.year), "--wait")
    out = capsys.readouterr().out
    assert "100%" in out and "5 unit" in out and "sementara" in out
    with pytest.raises(Exception, match="Tidak ada periode 1999"):
        call_command("score_period", "--period", "1999")


def test_submission_times_with_and_without_a_fraction_of_a_second_score(main):
    """PostgreSQL prints a whole second without a fraction: a period mixing both (the demo's
    submissions plus some sent through the web) once made every run fail in pandas."""
    from evaluasi.models import Submission

    period, _units, _juries = main
    submissions = list(Submission.objects.filter(period=period, status="submitted").order_by("pk"))
    base = timezone.now().replace(microsecond=0) - timezone.timedelta(days=1)
    for index, submission in enumerate(submissions):
        fraction = 0 if index % 2 else 250000 + index
        submission.submitted_at = base + timezone.timedelta(seconds=index, microseconds=fraction)
        submission.save(update_fields=["submitted_at"])
    run = run_period(period)
    assert run.status == "succeeded", run.message
    from penilaian.data import load_submissions

    loaded = load_submissions(period.pk).set_index("submission")["submitted_at"]
    for submission in submissions:
        assert loaded[submission.pk].to_pydatetime() == submission.submitted_at
