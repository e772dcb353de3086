import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from award.models import (
    ADMIN_GROUP,
    JURY_GROUP,
    OPERATOR_GROUP,
    Level,
    Organiser,
    OrganiserMembership,
    Period,
    Unit,
)

PASSWORD = "kata-sandi-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@contoh.go.id")
    first_name = "Uji"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])
            if name == ADMIN_GROUP:  # the admins of tests are Kutai Timur's
                OrganiserMembership.objects.get_or_create(
                    user=self, organiser=kutim(), defaults={"role": "admin"}
                )


class OrganiserFactory(factory.django.DjangoModelFactory):
    """Kutai Timur unless told: the organiser migration 0017 makes of today's data."""

    class Meta:
        model = Organiser
        django_get_or_create = ("slug",)

    slug = "kutim"
    name = "Diskominfo Staper Kabupaten Kutai Timur"
    region_code = "64.08"


def kutim() -> Organiser:
    return OrganiserFactory()


def level(code: str, organiser: Organiser | None = None) -> Level:
    return Level.objects.get(code=code, organiser=organiser or kutim())


class KecamatanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"64.08.{n:02d}")
    name = factory.Sequence(lambda n: f"Kecamatan Uji {n}")
    level = factory.LazyFunction(lambda: level("kecamatan"))
    organiser = factory.LazyAttribute(lambda o: o.level.organiser)


class DesaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"64.08.99.{2000 + n}")
    name = factory.Sequence(lambda n: f"Desa Uji {n}")
    level = factory.LazyFunction(lambda: level("desa"))
    organiser = factory.LazyAttribute(lambda o: o.level.organiser)
    parent = factory.SubFactory(KecamatanFactory)


class OpdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"OPD.{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    level = factory.LazyFunction(lambda: level("opd"))
    organiser = factory.LazyAttribute(lambda o: o.level.organiser)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    organiser = factory.LazyFunction(kutim)
    year = factory.Sequence(lambda n: 2026 + n)
    name = factory.LazyAttribute(lambda o: f"PPID Award {o.year}")
    saq_open = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=5))
    saq_close = factory.LazyAttribute(lambda o: o.saq_open + timezone.timedelta(days=30))
    verification_close = factory.LazyAttribute(lambda o: o.saq_close + timezone.timedelta(days=14))
    objection_close = factory.LazyAttribute(
        lambda o: o.verification_close + timezone.timedelta(days=7)
    )
    presentation_close = factory.LazyAttribute(
        lambda o: o.objection_close + timezone.timedelta(days=14)
    )
    finalisation_date = factory.LazyAttribute(
        lambda o: o.presentation_close + timezone.timedelta(days=7)
    )


ROLE_GROUPS = {"admin": [ADMIN_GROUP], "jury": [JURY_GROUP], "operator": [OPERATOR_GROUP]}


def score_make(*, run, unit, score=0, **fields):
    """A stored result of ``unit`` in ``run``: SAQ, verified and final all ``score`` unless
    given, rank 1, the qualification worked out by the default thresholds."""
    from decimal import Decimal

    from award.qualifications import QUALIFICATIONS
    from penilaian.models import Score

    label = next(q.label for q in QUALIFICATIONS if Decimal(score) >= Decimal(q.default))
    values = {
        "saq": score,
        "verified": score,
        "final": score,
        "qualification": label,
        "rank": 1,
        **fields,
    }
    return Score.objects.create(run=run, unit=unit, level=unit.level, **values)
