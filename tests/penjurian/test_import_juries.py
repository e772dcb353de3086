"""``import_juries`` (DESIGN.md §4 "Juries"): all or nothing, errors named by cell."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from award.models import JuryMembership
from common.jobs import ImportRejected
from penjurian.assignment import assignments_fill, jury_facts
from penjurian.juries import juries_import_apply
from tests.factories import UserFactory
from tests.workbooks import xlsx

HEADER = ["username", "nama", "email", "tingkat", "konflik"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_levels")
def test_import_creates_invites_and_sets_levels_and_conflicts(period, kecamatan, unit_a, unit_b):
    existing = UserFactory(username="Juri.Lama", email="lama@example.go.id")
    data = xlsx(
        {
            "juri": [
                HEADER,
                ["juri.baru", "Siti", "Siti@Example.go.id", "desa, kecamatan", kecamatan.code],
                ["juri.lama", "Budi", "lain@example.go.id", "", ""],
            ]
        }
    )
    plan = juries_import_apply(period=period, data=data)
    assert (plan.added, plan.created_users, plan.updated) == (2, 1, 0)
    new = JuryMembership.objects.get(period=period, user__username="juri.baru")
    assert not new.user.has_usable_password()
    assert new.user.email == "siti@example.go.id"
    assert sorted(new.levels.values_list("code", flat=True)) == ["desa", "kecamatan"]
    assert list(new.conflicts.all()) == [kecamatan]
    old = JuryMembership.objects.get(period=period, user=existing)
    assert old.levels.count() == 0 and old.conflicts.count() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["lama@example.go.id", "siti@example.go.id"]
    # The kecamatan conflict covers its desa when assignments are planned.
    facts = {f.jury: f for f in jury_facts(period=period)}
    assert {kecamatan.pk, unit_a.pk} <= facts[new.user_id].blocked
    assert unit_b.pk not in facts[new.user_id].blocked

    # Importing again updates levels and conflicts; nobody is invited twice.
    data = xlsx({"juri": [HEADER, ["juri.baru", "Siti Aminah", "siti@example.go.id", "", ""]]})
    plan = juries_import_apply(period=period, data=data)
    assert (plan.added, plan.updated) == (0, 1)
    assert new.levels.count() == 0 and new.conflicts.count() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_every_problem_is_named_by_cell_and_nothing_is_saved(period, unit_a):
    UserFactory(username="pemilik", email="dipakai@example.go.id")
    data = xlsx(
        {
            "juri": [
                HEADER,
                ["juri.a", "A", "a@example.go.id", "provinsi", ""],
                ["juri.b", "B", "bukan-email", "", "KODE-TIDAK-ADA"],
                ["juri.a", "", "c@example.go.id", "", ""],
                ["juri.d", "D", "dipakai@example.go.id", "", unit_a.code],
                ["juri e", "E", "e@example.go.id", "", ""],
            ]
        }
    )
    with pytest.raises(ImportRejected) as rejected:
        juries_import_apply(period=period, data=data)
    messages = rejected.value.problems.as_lists()["errors"]
    assert [m.split(":")[0] for m in messages] == [
        "juri!D2",
        "juri!C3",
        "juri!E3",
        "juri!A4",
        "juri!B4",
        "juri!C5",
        "juri!A6",
    ]
    assert "provinsi" in messages[0] and "KODE-TIDAK-ADA" in messages[2]
    assert "pemilik" in messages[5]
    assert not JuryMembership.objects.exists()


@pytest.mark.django_db
def test_command_reports_problems_and_summary(period, tmp_path, capsys):
    bad = tmp_path / "juri.xlsx"
    bad.write_bytes(xlsx({"lain": [HEADER]}))
    with pytest.raises(CommandError, match="1"):
        call_command("import_juries", str(bad), "--period", str(period.year))
    good = tmp_path / "juri2.xlsx"
    good.write_bytes(xlsx({"juri": [HEADER, ["juri.x", "X", "x@example.go.id", "", ""]]}))
    call_command("import_juries", str(good), "--period", str(period.year))
    assert JuryMembership.objects.filter(period=period, user__username="juri.x").exists()
    with pytest.raises(CommandError):
        call_command("import_juries", str(good), "--period", "1999")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_levels")
def test_screen_imports_assigns_and_exports(
    admin_client, period, unit_a, unit_b, desa_questionnaire
):
    from django.urls import reverse
    from openpyxl import load_workbook

    from evaluasi.models import Submission
    from penjurian.models import Assignment

    client = admin_client
    for unit in (unit_a, unit_b):
        Submission.objects.create(
            period=period,
            unit=unit,
            questionnaire=desa_questionnaire,
            status=Submission.Status.SUBMITTED,
        )
    page = reverse("penjurian:juries", args=[period.year])
    bad = xlsx({"juri": [HEADER, ["juri.a", "A", "a@example.go.id", "", "TIDAK-ADA"]]})
    response = client.post(
        reverse("penjurian:juries_import", args=[period.year]),
        {"file": _upload("juri.xlsx", bad)},
    )
    assert response.status_code == 422
    assert "juri!E2" in response.content.decode()
    assert not JuryMembership.objects.exists()
    good = xlsx(
        {
            "juri": [
                HEADER,
                ["juri.a", "A", "a@example.go.id", "", unit_a.code],
                ["juri.b", "B", "b@example.go.id", "", ""],
                ["juri.c", "C", "c@example.go.id", "", ""],
            ]
        }
    )
    response = client.post(
        reverse("penjurian:juries_import", args=[period.year]),
        {"file": _upload("juri.xlsx", good)},
        follow=True,
    )
    assert response.status_code == 200
    assert JuryMembership.objects.filter(period=period).count() == 3
    response = client.post(
        reverse("penjurian:assign", args=[period.year]), {"per_unit": "2"}, follow=True
    )
    assert response.status_code == 200
    pairs = set(Assignment.objects.values_list("unit__code", "jury__username"))
    assert len(pairs) == 4 and (unit_a.code, "juri.a") not in pairs
    assert "juri.a" in client.get(page).content.decode()
    download = client.get(reverse("penjurian:assignments_export", args=[period.year]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook["penugasan"].max_row == 5


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_drop_out_from_the_screen_keeps_finished_work(
    admin_client, period, unit_a, unit_b, desa_questionnaire
):
    from django.urls import reverse

    from evaluasi.models import Submission
    from penjurian.models import Assignment, Verification

    submissions = {
        unit: Submission.objects.create(
            period=period,
            unit=unit,
            questionnaire=desa_questionnaire,
            status=Submission.Status.SUBMITTED,
        )
        for unit in (unit_a, unit_b)
    }
    juries = [UserFactory(username=f"juri.{n}") for n in "abc"]
    for jury in juries:
        period.juries.create(user=jury)
    assignments_fill(period=period, per_unit=2)
    leaving = juries[0]
    mine = list(Assignment.objects.filter(jury=leaving).order_by("unit_id"))
    assert len(mine) >= 1
    worked = mine[0].unit
    Verification.objects.create(
        submission=submissions[worked],
        indicator=desa_questionnaire.indicators.first(),
        jury=leaving,
        decision="accept",
    )
    membership = period.juries.get(user=leaving)
    response = admin_client.post(
        reverse("penjurian:jury_remove", args=[period.year, membership.pk]), follow=True
    )
    assert response.status_code == 200
    assert "meninggalkan periode" in response.content.decode()
    assert list(Assignment.objects.filter(jury=leaving).values_list("unit", flat=True)) == [
        worked.pk
    ]
    for unit in (unit_a, unit_b):
        assert Assignment.objects.filter(unit=unit).count() == 2
