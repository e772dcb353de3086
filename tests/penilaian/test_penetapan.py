"""Penetapan is stage-gated and final: refused while a stage the period uses is open, a unit
has an extended SAQ or a SAQ is reopened; afterwards every input is read-only (services,
screens, Django admin) until a correction is opened; a correction with the inputs of the
published run is refused and supersedes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from award.models import DeadlineExtension, Period
from award.services import period_update
from evaluasi.models import Answer, Submission, SubmissionEvent
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.saq import services as saq_services
from penilaian import selectors, services
from penjurian.assignment import assignment_add
from penjurian.models import PresentationCriterion, Verification
from penjurian.presentations import presentation_scores_save
from penjurian.verification import verification_save
from tests.penilaian import golden
from tests.penilaian.test_golden import run_period

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def main(default_levels):
    return golden.main_period()


def reopen_saq_stage(period):
    Period.objects.filter(pk=period.pk).update(
        stage_override="",
        saq_open=timezone.now() - timezone.timedelta(days=1),
        saq_close=timezone.now() + timezone.timedelta(days=10),
    )
    period.refresh_from_db()


def test_finalisation_is_refused_while_the_saq_is_open(main, admin_user):
    period, _units, _juries = main
    run = run_period(period)
    reopen_saq_stage(period)
    blockers = selectors.finalisation_blockers(period=period)
    assert any("Pengisian SAQ" in b or "SAQ" in b for b in blockers), blockers
    with pytest.raises(services.ScoringRefused, match="belum dapat ditetapkan"):
        services.scoring_run_finalise(run=run, user=admin_user)
    with pytest.raises(CommandError, match="belum dapat ditetapkan"):
        call_command("finalise_period", "--period", str(period.year))
    run.refresh_from_db()
    period.refresh_from_db()
    assert not run.is_finalised and period.finalised_at is None


def test_an_extension_or_a_reopened_saq_blocks_penetapan(main, admin_user):
    period, units, _juries = main
    run = run_period(period)
    DeadlineExtension.objects.create(
        period=period,
        unit=units["G03"],
        saq_close=timezone.now() + timezone.timedelta(days=2),
        reason="Banjir",
    )
    submission = Submission.objects.get(period=period, unit=units["G02"])
    Submission.objects.filter(pk=submission.pk).update(status="draft", submitted_at=None)
    SubmissionEvent.objects.create(submission=submission, kind="reopened", reason="Salah isi")
    blockers = selectors.finalisation_blockers(period=period)
    assert len(blockers) == 2, blockers
    assert "perpanjangan" in blockers[0] and units["G02"].name in blockers[1]
    with pytest.raises(services.ScoringRefused):
        services.scoring_run_finalise(run=run, user=admin_user)


def test_the_command_finalises_when_nothing_is_open(main):
    period, _units, _juries = main
    run = run_period(period)
    call_command("finalise_period", "--period", str(period.year), "--run", str(run.number))
    run.refresh_from_db()
    assert run.is_published


def test_after_penetapan_every_input_is_read_only(main, admin_user, admin_client):
    period, units, juries = main
    services.scoring_run_finalise(run=run_period(period), user=admin_user)
    period.refresh_from_db()
    submission = Submission.objects.get(period=period, unit=units["G02"])
    answer = Answer.objects.filter(submission=submission).first()
    verification = Verification.objects.filter(submission__period=period).first()
    criterion = PresentationCriterion.objects.filter(period=period).first()
    aspect = submission.questionnaire.aspects.first()
    attempts = {
        "answer": lambda: saq_services.answer_save(
            submission=submission, indicator=answer.indicator, raw="0", version=None, user=None
        ),
        "reopen": lambda: saq_services.submission_reopen(
            submission=submission, reason="ubah", user=admin_user
        ),
        "verification": lambda: verification_save(
            submission=verification.submission,
            indicator=verification.indicator,
            jury=verification.jury,
            decision="reject",
            reason="ubah",
        ),
        "presentation": lambda: presentation_scores_save(
            period=period, unit=units["G01"], jury=juries[0], scores={criterion.pk: 10}
        ),
        "assignment": lambda: assignment_add(period=period, jury=juries[3], unit=units["G04"]),
        "settings": lambda: period_update(period=period, aggregation="median"),
        "questionnaire": lambda: questionnaire_services.aspect_save(
            questionnaire=submission.questionnaire, aspect=aspect, name="Baru"
        ),
    }
    for _name, attempt in attempts.items():
        with pytest.raises(ValidationError, match="ditetapkan"):
            attempt()
    period.refresh_from_db()
    assert period.aggregation == "mean"
    # Django admin follows the same rule.
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    change = reverse("admin:penjurian_verification_change", args=[verification.pk])
    response = admin_client.post(change, {"decision": "reject", "reason": "x"})
    assert response.status_code == 403
    verification.refresh_from_db()
    assert verification.decision != "reject" or verification.reason != "x"
    # The screen says so and keeps what was typed.
    response = admin_client.post(
        reverse("award:period_update", args=[period.year]),
        {"name": "Diubah", "year": period.year},
    )
    assert "sudah ditetapkan" in response.content.decode()


def test_a_correction_unlocks_and_a_no_op_correction_is_refused(main, admin_user):
    period, units, _juries = main
    first = run_period(period)
    services.scoring_run_finalise(run=first, user=admin_user)
    with pytest.raises(services.ScoringRefused, match="alasan"):
        services.period_correction_open(period=period, reason=" ", user=admin_user)
    services.period_correction_open(period=period, reason="Cek ulang", user=admin_user)
    period.refresh_from_db()
    assert not period.inputs_locked
    same = run_period(period, user=admin_user)
    assert same.input_hash == first.input_hash
    with pytest.raises(services.ScoringRefused, match="Tidak ada perubahan"):
        services.scoring_run_finalise(run=same, user=admin_user)
    first.refresh_from_db()
    assert first.is_published and first.superseded_by is None, "nothing superseded"
    services.period_correction_cancel(period=period, user=admin_user)
    period.refresh_from_db()
    assert period.inputs_locked
    with pytest.raises(ValidationError):
        period_update(period=period, finalist_minimum=Decimal("50"))


def test_the_run_page_says_before_the_click_that_a_correction_changes_nothing(
    main, admin_user, admin_client
):
    from django.urls import reverse

    period, _units, _juries = main
    first = run_period(period)
    page = admin_client.get(reverse("penilaian:scoring_run", args=[first.pk])).content.decode()
    assert "Tidak ada perubahan" not in page
    services.scoring_run_finalise(run=first, user=admin_user)
    services.period_correction_open(period=period, reason="Cek ulang", user=admin_user)
    same = run_period(period, user=admin_user)
    page = admin_client.get(reverse("penilaian:scoring_run", args=[same.pk])).content.decode()
    assert 'id="penetapan-unchanged"' in page and "Tidak ada perubahan" in page
    assert '<button class="btn btn-success" type="submit" disabled>' in page
