"""Two organisers on one installation (issue #22): every route × role of Kota Bontang, aimed at
Kutai Timur's objects under both organisers' URLs, answers 404, 403 or a redirect to sign in;
no page of Bontang shows Kutai Timur's data; a query of scoped data outside a scope raises."""

import pytest
from django.urls import NoReverseMatch
from django_scopes import ScopeError, scope

from award.middleware import GLOBAL_ROUTES
from award.models import (
    JURY_GROUP,
    OPERATOR_GROUP,
    OperatorMembership,
    OrganiserMembership,
    Period,
    Unit,
    organiser_active,
)
from award.organisers import organiser_create
from award.scoping import organiser_url
from evaluasi.models import Submission
from tests.award.test_permissions import MATRIX, PUBLIC, world  # noqa: F401 - the fixture
from tests.factories import DesaFactory, KecamatanFactory, PeriodFactory, UserFactory, kutim, level

pytestmark = pytest.mark.django_db

# Kutai Timur's units in the permission world: none of its pages may show them to Bontang.
MARKS = ["Desa Swarga Bara", "Kecamatan Sangatta Utara", "Dinas Komunikasi dan Informatika"]


@pytest.fixture
def bontang(db):
    organiser = organiser_create(name="Diskominfo Kota Bontang", slug="bontang")
    with organiser_active(organiser):
        kecamatan = KecamatanFactory(
            code="64.74.01", name="Kecamatan Bontang Selatan", level=level("kecamatan", organiser)
        )
        # The same code as Kutai Timur's Desa Swarga Bara: codes are unique per organiser.
        unit = DesaFactory(
            code="64.08.04.2002",
            name="Kelurahan Tanjung Laut",
            parent=kecamatan,
            level=level("desa", organiser),
        )
        period = PeriodFactory(year=2026, organiser=organiser, name="PPID Award Bontang 2026")
        admin = UserFactory(username="admin.bontang")
        OrganiserMembership.objects.create(user=admin, organiser=organiser, role="admin")
        viewer = UserFactory(username="pemantau.bontang")
        OrganiserMembership.objects.create(user=viewer, organiser=organiser, role="viewer")
        operator = UserFactory(username="op.bontang", groups=[OPERATOR_GROUP])
        OperatorMembership.objects.create(user=operator, unit=unit)
        jury = UserFactory(username="juri.bontang", groups=[JURY_GROUP])
        period.juries.create(user=jury)
    return {
        "organiser": organiser,
        "unit": unit,
        "period": period,
        "users": {
            "anon": None,
            "admin": admin,
            "viewer": viewer,
            "operator": operator,
            "jury": jury,
        },
    }


def test_bontangs_people_never_reach_kutai_timurs_data(client, world, bontang):  # noqa: F811
    tried, leaks = 0, []
    for route, (method, kwargs, data, expected) in sorted(MATRIX.items()):
        args = kwargs(world) if kwargs else {}
        for prefix in (bontang["organiser"], kutim()):
            try:
                url = organiser_url(prefix, route, **args)
            except NoReverseMatch:
                continue
            for role, user in bontang["users"].items():
                client.logout()
                if user is not None:
                    client.force_login(user)
                response = getattr(client, method)(
                    url, (data(world) if callable(data) else data) or {}
                )
                tried += 1
                if not 200 <= response.status_code < 300:
                    continue  # refused, not found or sent elsewhere: nothing shown
                body = b"" if response.streaming else response.content
                shown = [m for m in MARKS if m.encode() in body]
                by_id = any(key.endswith("pk") or key == "code" for key in args)
                public = expected is PUBLIC and prefix == kutim()
                if shown and not public or by_id and route not in GLOBAL_ROUTES and not public:
                    leaks.append((route, prefix.slug, role, response.status_code, shown))
    assert tried > 1000
    assert leaks == [], "\n".join(map(str, leaks))


def test_a_query_of_scoped_data_outside_a_scope_raises(world):  # noqa: F811
    from django_scopes import state

    token = state.state.set({})  # as in a request of no organiser: no scope at all
    try:
        with pytest.raises(ScopeError):
            list(Unit.objects.all())
        with pytest.raises(ScopeError):
            Submission.objects.filter(unit__code="64.08.04.2002").exists()
    finally:
        state.state.reset(token)


def test_inside_an_organisers_scope_only_its_rows_are_seen(world, bontang):  # noqa: F811
    with scope(organiser=bontang["organiser"].pk):
        assert list(Unit.objects.filter(code="64.08.04.2002")) == [bontang["unit"]]
        assert list(Period.objects.all()) == [bontang["period"]]
        assert not Submission.objects.exists()
    with scope(organiser=kutim().pk):
        assert Unit.objects.get(code="64.08.04.2002").name == "Desa Swarga Bara"
        assert Submission.objects.count() == 1


def test_the_audit_trail_shows_each_organiser_its_own(client, world, bontang):  # noqa: F811
    from award.scoping import organiser_url

    unit = world["unit_a"]
    unit.name = "Desa Swarga Bara Baru"
    unit.save()
    asked = {"kind": "unit"}
    client.force_login(bontang["users"]["admin"])
    url = organiser_url(bontang["organiser"], "audit:audit")
    for filters in (asked, {**asked, "unit": unit.code}):  # the code is Bontang's unit's too
        theirs = client.get(url, filters).content.decode()
        assert "Swarga Bara" not in theirs and "Sangatta" not in theirs
    client.force_login(world["users"]["admin"])
    ours = client.get(organiser_url(kutim(), "audit:audit"), {**asked, "unit": unit.code})
    assert "Desa Swarga Bara Baru" in ours.content.decode()
