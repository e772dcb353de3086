"""Presentations: the admin edits criteria and schedules finalists (the operator sees and is
mailed the schedule); an assigned jury scores 0–100 per criterion, all or nothing; the admin
sees each jury's raw score beside its z-score."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from penjurian import presentations
from penjurian.models import Assignment, PresentationCriterion, PresentationScore, PresentationSlot
from tests.conftest import client_for


def _finalist_run(period, unit):
    """A current successful run in which ``unit`` is a finalist."""
    from penilaian.models import ScoringRun
    from tests.factories import score_make

    run = ScoringRun.objects.create(period=period, number=1, status="succeeded", is_current=True)
    score_make(run=run, unit=unit, score=90, finalist=True)
    return run


@pytest.fixture
def criteria(period):
    return [
        PresentationCriterion.objects.create(period=period, code="M", name="Materi", weight=60),
        PresentationCriterion.objects.create(period=period, code="W", name="Wawancara", weight=40),
    ]


@pytest.fixture
def slot(period, unit_a, jury_user):
    Assignment.objects.create(period=period, unit=unit_a, jury=jury_user)
    return PresentationSlot.objects.create(
        period=period, unit=unit_a, starts_at=period.saq_close + dt.timedelta(days=30), place="R1"
    )


@pytest.mark.django_db
def test_criteria_are_edited_all_or_nothing(period, criteria, unit_a, jury_user):
    with pytest.raises(ValidationError, match="unik"):
        presentations.criteria_replace(
            period=period,
            rows=[
                {"code": "A", "name": "a", "weight": Decimal(1)},
                {"code": "A", "name": "b", "weight": Decimal(1)},
            ],
        )
    assert [c.code for c in PresentationCriterion.objects.filter(period=period)] == ["M", "W"]
    Assignment.objects.create(period=period, unit=unit_a, jury=jury_user)
    PresentationScore.objects.create(criterion=criteria[1], unit=unit_a, jury=jury_user, score=70)
    with pytest.raises(ValidationError, match="W"):
        presentations.criteria_replace(
            period=period, rows=[{"code": "M", "name": "Materi", "weight": Decimal(100)}]
        )
    presentations.criteria_replace(
        period=period,
        rows=[
            {"code": "W", "name": "Wawancara", "weight": Decimal(50)},
            {"code": "K", "name": "Kreativitas", "weight": Decimal(50)},
        ],
    )
    rows = list(PresentationCriterion.objects.filter(period=period).values_list("code", "weight"))
    assert rows == [("W", Decimal("50.00")), ("K", Decimal("50.00"))]
    assert PresentationScore.objects.count() == 1  # the kept criterion keeps its score


@pytest.mark.django_db
def test_a_jury_scores_all_or_nothing_with_comma_decimals(client, slot, criteria, jury_user):
    page = reverse("penjurian:presentation_score", args=[slot.pk])
    jury = client_for(client, jury_user)
    assert "Materi" in jury.get(page).content.decode()
    m, w = criteria
    response = jury.post(page, {f"c-{m.pk}": "85,5", f"c-{w.pk}": "101"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "antara 0 dan 100" in body and 'value="85,5"' in body
    assert not PresentationScore.objects.exists()
    response = jury.post(page, {f"c-{m.pk}": "85,5", f"c-{w.pk}": "90"})
    assert response.status_code == 302
    scores = dict(PresentationScore.objects.values_list("criterion__code", "score"))
    assert scores == {"M": Decimal("85.50"), "W": Decimal("90.00")}
    assert "1 dari 2" not in jury.get(reverse("penjurian:presentations")).content.decode()


@pytest.mark.django_db
def test_only_an_assigned_jury_without_conflict_scores(client, slot, period, unit_a, jury_user):
    from award.models import JURY_GROUP
    from tests.factories import UserFactory

    other = UserFactory(username="juri.lain", groups=[JURY_GROUP])
    period.juries.create(user=other)
    page = reverse("penjurian:presentation_score", args=[slot.pk])
    assert client_for(client, other).get(page).status_code == 403
    membership = period.juries.get(user=jury_user)
    membership.conflicts.set([unit_a])
    assert client_for(client, jury_user).get(page).status_code == 403


@pytest.mark.django_db
def test_the_admin_schedules_a_finalist_and_the_operator_sees_it(
    client, admin_client, period, unit_a, operator_a, submission, django_capture_on_commit_callbacks
):
    from evaluasi.models import Submission

    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)

    operator_a.email = "op@example.org"
    operator_a.save()
    _finalist_run(period, unit_a)
    page = reverse("penjurian:presentations_admin", args=[period.year])
    assert unit_a.name in admin_client.get(page).content.decode()
    url = reverse("penjurian:presentation_slot", args=[period.year, unit_a.pk])
    prefix = f"s{unit_a.pk}"
    response = admin_client.post(url, {f"{prefix}-starts_at": "2026-12-20T09:30"})
    assert response.status_code == 422 and not PresentationSlot.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {f"{prefix}-starts_at": "2026-12-20T09:30", f"{prefix}-place": "Aula Bappeda"}
        )
    assert response.status_code == 302
    assert PresentationSlot.objects.get().place == "Aula Bappeda"
    assert [m.to for m in mail.outbox] == [["op@example.org"]]
    dashboard = client_for(client, operator_a).get(reverse("award:dashboard")).content.decode()
    assert "Aula Bappeda" in dashboard and "20 Desember 2026" in dashboard


@pytest.mark.django_db
def test_raw_and_z_scores_beside_each_other(admin_client, period, criteria, unit_a, jury_user):
    from penilaian.jury_scores import presentation_overview

    _finalist_run(period, unit_a)
    Assignment.objects.create(period=period, unit=unit_a, jury=jury_user)
    m, w = criteria
    PresentationScore.objects.create(criterion=m, unit=unit_a, jury=jury_user, score=80)
    PresentationScore.objects.create(criterion=w, unit=unit_a, jury=jury_user, score=90)
    row = presentation_overview(period=period)["rows"][0]
    # Raw = 0.6·80 + 0.4·90 = 84; one unit only, so z-scoring leaves it (σⱼ needs 3 units).
    assert row["juries"][0]["raw"] == pytest.approx(84) and row["juries"][0]["z"] == pytest.approx(
        84
    )
    body = admin_client.get(
        reverse("penjurian:presentations_admin", args=[period.year])
    ).content.decode()
    assert "84,00" in body
