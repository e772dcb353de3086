"""Assigning juries by the rules (DESIGN.md §4): k per unit where possible, never a conflict or
a level the jury does not judge, loads as even as the conflicts allow, deterministic,
idempotent, existing work kept — as properties over random inputs, then through the database
and the commands."""

import io

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from award.models import OPERATOR_GROUP, OperatorMembership
from evaluasi.models import Submission
from penjurian.assignment import JuryFacts, assignment_plan, assignments_fill
from penjurian.juries import jury_remove
from penjurian.models import Assignment, Verification
from tests.factories import DesaFactory, UserFactory


@st.composite
def situations(draw):
    unit_count = draw(st.integers(1, 40))
    levels = draw(st.integers(1, 3))
    units = [(u, draw(st.integers(1, levels))) for u in range(1, unit_count + 1)]
    juries = []
    for jury in range(101, 101 + draw(st.integers(1, 9))):
        judged = draw(st.frozensets(st.integers(1, levels), max_size=levels))
        blocked = draw(st.frozensets(st.integers(1, unit_count), max_size=unit_count // 3))
        juries.append(JuryFacts(jury=jury, levels=judged, blocked=blocked))
    existing = {}
    for unit, _level in units:
        if draw(st.booleans()) and juries:
            existing[unit] = set(
                draw(st.lists(st.sampled_from([j.jury for j in juries]), max_size=2, unique=True))
            )
    return units, juries, existing, draw(st.integers(1, 3))


def eligible(unit, level, juries):
    return {j.jury for j in juries if j.judges(level) and unit not in j.blocked}


@settings(max_examples=150, deadline=None)
@given(situations())
def test_assignment_properties(situation):
    units, juries, existing, k = situation
    plan = assignment_plan(units=units, juries=juries, existing=existing, k=k)
    facts = {j.jury: j for j in juries}
    loads = {j.jury: 0 for j in juries}
    final = {unit: set(existing.get(unit, ())) for unit, _level in units}
    for unit, added in plan.new.items():
        final[unit] |= set(added)
    for assigned in final.values():
        for jury in assigned:
            loads[jury] += 1
    assert plan.loads == loads
    for unit, level in units:
        added = set(plan.new.get(unit, ()))
        # Never a conflict or a level the jury does not judge; never twice the same jury.
        assert added <= eligible(unit, level, juries)
        assert not added & set(existing.get(unit, ()))
        # k where possible; what is missing is reported.
        have = len(existing.get(unit, ()))
        possible = len(eligible(unit, level, juries) - set(existing.get(unit, ())))
        expected = max(0, min(k - have, possible))
        assert len(added) == expected
        assert plan.short.get(unit, 0) == max(0, k - have - expected)
    # Balance: no new unit of a jury loaded 2+ more than another could go to that other.
    level_of = dict(units)
    for heavy in loads:
        for light in loads:
            if loads[heavy] - loads[light] < 2:
                continue
            for unit, added in plan.new.items():
                if heavy in added and light not in final[unit]:
                    assert unit in facts[light].blocked or not facts[light].judges(level_of[unit])
    # Deterministic (input order does not matter) and idempotent.
    again = assignment_plan(
        units=list(reversed(units)), juries=list(reversed(juries)), existing=existing, k=k
    )
    assert again.new == plan.new
    filled = assignment_plan(units=units, juries=juries, existing=final, k=k)
    assert filled.new == {}


def test_balanced_without_conflicts():
    units = [(u, 1) for u in range(100)]
    juries = [JuryFacts(jury=j) for j in range(7)]
    plan = assignment_plan(units=units, juries=juries, existing={}, k=2)
    assert sorted(plan.loads.values()) == [28] * 3 + [29] * 4  # 200 = 7 × 28 + 4
    assert not plan.short


@pytest.mark.django_db
def test_fill_respects_conflicts_operators_and_levels_then_drop_out(
    period, kecamatan, unit_a, unit_b, desa_questionnaire, tmp_path
):
    other = DesaFactory(code="64.08.04.2003", name="Desa Singa Gembara", parent=kecamatan)
    for unit in (unit_a, unit_b, other, kecamatan):
        Submission.objects.create(
            period=period,
            unit=unit,
            questionnaire=desa_questionnaire,
            status=Submission.Status.SUBMITTED,
        )
    j1, j2, j3, j4 = (UserFactory(username=f"juri{n}") for n in range(1, 5))
    for jury in (j1, j2, j3, j4):
        period.juries.create(user=jury)
    # j1 declared the kecamatan: none of its desa either. j2 operates Desa Swarga Bara.
    period.juries.get(user=j1).conflicts.add(kecamatan)
    from django.contrib.auth.models import Group

    j2.groups.add(Group.objects.get_or_create(name=OPERATOR_GROUP)[0])
    OperatorMembership.objects.create(user=j2, unit=unit_a)
    # j3 judges OPD only.
    period.juries.get(user=j3).levels.add(unit_b.level)
    report = assignments_fill(period=period)
    pairs = set(Assignment.objects.values_list("unit__code", "jury__username"))
    assert not {p for p in pairs if p[1] == "juri1" and p[0].startswith("64.08.04")}
    assert ("64.08.04.2002", "juri2") not in pairs
    assert not {p for p in pairs if p[1] == "juri3" and p[0] != unit_b.code}
    assert all(sum(1 for p in pairs if p[0] == u.code) == 2 for u in (unit_b, other, kecamatan))
    assert report.short == {unit_a.code: 1}, "only juri4 may judge Desa Swarga Bara"
    assert assignments_fill(period=period).created == 0, "idempotent"

    # juri4 leaves: the desa it verified stays with it, the rest goes to others.
    finished = Assignment.objects.filter(jury=j4).exclude(unit=unit_a).first()
    submission = Submission.objects.get(unit=finished.unit)
    indicator = desa_questionnaire.indicators.first()
    Verification.objects.create(
        submission=submission, indicator=indicator, jury=j4, decision="accept"
    )
    jury_remove(period=period, jury=j4)
    assert Assignment.objects.filter(jury=j4).get().unit == finished.unit
    assert not period.juries.filter(user=j4).exists()

    out = tmp_path / "penugasan.xlsx"
    call_command("export_assignments", "--period", str(period.year), "--out", str(out))
    workbook = load_workbook(out)
    assert [c.value for c in workbook["penugasan"][1]] == ["Kode", "Nama Unit", "Tingkat", "Juri"]
    assert [c.value for c in workbook["beban"][1]] == ["Juri", "Jumlah Unit"]
    assert workbook["penugasan"].max_row - 1 == Assignment.objects.count()
    printed = io.StringIO()
    call_command("assign_juries", "--period", str(period.year), stdout=printed)
    assert "0 penugasan baru" in printed.getvalue()


def test_a_conflict_or_level_declared_after_assignment_takes_the_assignment_away(
    admin_client, period, kecamatan, unit_a, unit_b, desa_questionnaire
):
    """The conflicts form removes the assignments it now forbids, keeps the verdicts the
    jury gave, says how many went, and the automatic assignment fills the gaps again."""
    from django.urls import reverse

    other = DesaFactory(code="64.08.04.2003", name="Desa Singa Gembara", parent=kecamatan)
    for unit in (unit_a, other, unit_b):
        Submission.objects.create(
            period=period,
            unit=unit,
            questionnaire=desa_questionnaire,
            status=Submission.Status.SUBMITTED,
        )
    j1, j2, j3 = (UserFactory(username=f"juri{n}") for n in range(1, 4))
    for jury in (j1, j2, j3):
        period.juries.create(user=jury)
    assignments_fill(period=period, per_unit=3)
    assert Assignment.objects.filter(jury=j1).count() == 3
    submission = Submission.objects.get(unit=unit_a)
    verdict = Verification.objects.create(
        submission=submission,
        indicator=desa_questionnaire.indicators.first(),
        jury=j1,
        decision="accept",
    )
    membership = period.juries.get(user=j1)

    # juri1 declares the kecamatan: both of its desa go; the OPD stays.
    response = admin_client.post(
        reverse("penjurian:jury_edit", args=[period.year, membership.pk]),
        {"conflicts": kecamatan.code},
        follow=True,
    )
    assert response.status_code == 200
    assert set(Assignment.objects.filter(jury=j1).values_list("unit__code", flat=True)) == {
        unit_b.code
    }
    text = response.content.decode()
    assert "2 penugasan juri ini tidak lagi diizinkan" in text
    assert Verification.objects.filter(pk=verdict.pk).exists(), "the work done is kept"

    # Then it judges desa only: the OPD goes too.
    admin_client.post(
        reverse("penjurian:jury_edit", args=[period.year, membership.pk]),
        {"conflicts": kecamatan.code, "levels": [unit_a.level_id]},
    )
    assert not Assignment.objects.filter(jury=j1).exists()
    # The gaps are filled by the rules (only juri2 and juri3 may judge now).
    assignments_fill(period=period, per_unit=2)
    assert not Assignment.objects.filter(jury=j1).exists()
    assert all(
        Assignment.objects.filter(unit=unit).count() == 2 for unit in (unit_a, other, unit_b)
    )
