"""Kota Bontang demo data (issue #22): a second organiser on the same installation, with its
3 kecamatan, 15 kelurahan and 10 OPD (codes of the same shape as Kutai Timur's: each
organiser's codes are its own), a published 2025 period and an open 2026 one, its admin
``admin.bontang`` and a jury who judges for both organisers. Idempotent like the Kutai Timur
demo; loaded after it by ``manage.py demo_kutim``."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from award import services
from award.models import (
    JURY_GROUP,
    OPERATOR_GROUP,
    Level,
    OperatorMembership,
    Organiser,
    OrganiserMembership,
    Period,
    Unit,
)
from award.organisers import organiser_create
from award.scoping import organiser_scope
from evaluasi.models import Questionnaire, SharedQuestionnaire
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.questionnaires.selectors import shared_questionnaire_of
from evaluasi.questionnaires.services import (
    questionnaire_import,
    questionnaire_publish,
    questionnaire_share,
    shared_questionnaire_copy,
)
from penilaian.models import ScoringRun
from penilaian.services import scoring_run_finalise, scoring_run_start

from .data import DEMO_PASSWORD
from .kutim import demo_submissions_load, demo_user

KECAMATAN = [
    (
        "01",
        "Bontang Selatan",
        [
            "Tanjung Laut",
            "Tanjung Laut Indah",
            "Berbas Tengah",
            "Berbas Pantai",
            "Satimpo",
            "Bontang Lestari",
        ],
    ),
    (
        "02",
        "Bontang Utara",
        ["Bontang Baru", "Bontang Kuala", "Api-Api", "Gunung Elai", "Loktuan", "Guntung"],
    ),
    ("03", "Bontang Barat", ["Kanaan", "Gunung Telihan", "Belimbing"]),
]
OPD = [
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan"),
    ("DINKES", "Dinas Kesehatan"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DINSOS", "Dinas Sosial dan Pemberdayaan Masyarakat"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
]
ADMIN = ("admin.bontang", "Admin Diskominfo Bontang")
OPERATOR = ("op.tanjunglaut", "Operator Kelurahan Tanjung Laut", "64.74.01.1001")
SHARED_JURY = ("juri.bersama", "Juri Kutim dan Bontang")


def demo_bontang_load(*, now: dt.datetime | None = None) -> dict:
    """Load Kota Bontang next to Kutai Timur; returns its logins."""
    now = now or timezone.now()
    organiser = Organiser.objects.filter(slug="bontang").first() or organiser_create(
        name="Diskominfo Kota Bontang",
        slug="bontang",
        kind=Organiser.Kind.DISKOMINFO,
        region_code="64.74",
        signatory_name="Kepala Diskominfo Kota Bontang",
        signatory_title="Kepala Dinas Komunikasi dan Informatika",
        contact_email="diskominfo@bontangkota.go.id",
    )
    year = timezone.localtime(now).year
    shared = _kutim_shares(year=year)
    with organiser_scope(organiser), transaction.atomic():
        _levels()
        _units()
        current = _period(now=now, year=year, published=False, template=shared)
        _period(now=now, year=current.year - 1, published=True)
        logins = _accounts(organiser=organiser, period=current)
    return {"organiser": organiser, "period": current, "logins": logins}


def _levels() -> None:
    """Kota Bontang has kelurahan, not desa."""
    desa = Level.objects.filter(code="desa").first()
    if desa is not None and not desa.units.exists():
        desa.code, desa.name = "kelurahan", "Kelurahan"
        desa.save(update_fields=["code", "name"])


def _units() -> None:
    levels = {level.code: level for level in Level.objects.all()}
    existing = set(Unit.objects.values_list("code", flat=True))
    for number, name, kelurahan in KECAMATAN:
        code = f"64.74.{number}"
        if code not in existing:
            Unit.objects.create(
                code=code, name=f"Kecamatan {name}", level=levels["kecamatan"], kode_wilayah=code
            )
        parent = Unit.objects.get(code=code)
        for index, village in enumerate(kelurahan, start=1):
            if f"{code}.{1000 + index}" not in existing:
                Unit.objects.create(
                    code=f"{code}.{1000 + index}",
                    name=f"Kelurahan {village}",
                    level=levels["kelurahan"],
                    parent=parent,
                    kode_wilayah=f"{code}.{1000 + index}",
                )
    for code, name in OPD:
        if f"OPD.{code}" not in existing:
            Unit.objects.create(
                code=f"OPD.{code}",
                name=name,
                level=levels["opd"],
                website="https://ppid.bontangkota.go.id/",
            )


def _kutim_shares(*, year: int) -> SharedQuestionnaire | None:
    """Kutai Timur offers its desa questionnaire of ``year`` as a template (shown on both
    organisers' questionnaire pages); Bontang's kelurahan copy it."""
    kutim = Organiser.objects.filter(slug="kutim").first()
    if kutim is None:
        return None
    with organiser_scope(kutim):
        questionnaire = Questionnaire.objects.filter(
            period__year=year, level__code="desa", status=Questionnaire.Status.PUBLISHED
        ).first()
        if questionnaire is None:
            return None
        shared = shared_questionnaire_of(questionnaire=questionnaire)
        admin = get_user_model().objects.filter(username="admin").first()
        return shared or questionnaire_share(questionnaire=questionnaire, user=admin)


def _questionnaires(period: Period, template: SharedQuestionnaire | None) -> None:
    """The shipped questionnaires; the kelurahan answer Kutai Timur's shared desa one when
    there is one, else the shipped desa one."""
    for level, shipped in (("kelurahan", "desa"), ("kecamatan", "kecamatan"), ("opd", "opd")):
        if Questionnaire.objects.filter(period=period, level__code=level).exists():
            continue
        if level == "kelurahan" and template is not None:
            questionnaire = shared_questionnaire_copy(
                shared=template,
                period=period,
                level=Level.objects.get(code=level),
                created_by=None,
            )
            questionnaire_publish(questionnaire=questionnaire)
            continue
        workbook = load_workbook(io.BytesIO(default_workbook_path(shipped).read_bytes()))
        for row in workbook["pengaturan"].iter_rows(min_row=2):
            if str(row[0].value).strip().lower() == "tingkat":
                row[1].value = level
        buffer = io.BytesIO()
        workbook.save(buffer)
        questionnaire = questionnaire_import(
            data=buffer.getvalue(), period=period, file_name=f"{level}.xlsx"
        )
        questionnaire_publish(questionnaire=questionnaire)


def _period(
    *, now: dt.datetime, year: int, published: bool, template: SharedQuestionnaire | None = None
) -> Period:
    period = Period.objects.filter(year=year).first()
    if period is not None:
        return period
    start = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
    opens = start - dt.timedelta(days=365 if published else 10)
    period = services.period_create(
        year=year,
        name=f"PPID Award Kota Bontang {year}",
        has_verification=False,
        has_presentation=False,
        **services.period_default_dates(
            saq_open=opens, with_verification=False, with_presentation=False
        ),
    )
    _questionnaires(period, template)
    demo_submissions_load(
        period=period, seed=year + 74, started=0.9 if published else 0.6, quality_range=(0.4, 0.95)
    )
    if published:
        run = scoring_run_start(period=period, reason="Penetapan Kota Bontang", inline=True)
        if run.status == ScoringRun.Status.SUCCEEDED:
            admin = get_user_model().objects.filter(username=ADMIN[0]).first()
            scoring_run_finalise(run=run, user=admin)
            ScoringRun.objects.filter(pk=run.pk).update(finalised_at=period.finalisation_date)
            Period.objects.filter(pk=period.pk).update(finalised_at=period.finalisation_date)
    return period


def _user(username: str, full_name: str):
    return demo_user(username, full_name, "demo.bontangkota.go.id")


def _accounts(*, organiser: Organiser, period: Period) -> list[tuple[str, str, str]]:
    admin = _user(*ADMIN)
    OrganiserMembership.objects.get_or_create(
        user=admin, organiser=organiser, defaults={"role": OrganiserMembership.Role.ADMIN}
    )
    operator = _user(OPERATOR[0], OPERATOR[1])
    services.user_get_or_invite(email=operator.email, full_name=OPERATOR[1], group=OPERATOR_GROUP)
    OperatorMembership.objects.get_or_create(user=operator, unit=Unit.objects.get(code=OPERATOR[2]))
    jury = _user(*SHARED_JURY)
    services.user_get_or_invite(email=jury.email, full_name=SHARED_JURY[1], group=JURY_GROUP)
    period.juries.get_or_create(user=jury)
    kutim = Organiser.objects.filter(slug="kutim").first()
    if kutim is not None:  # the same person judges Kutai Timur's current award too
        with organiser_scope(kutim):
            kutim_period = Period.objects.filter(year=period.year).first()
            if kutim_period is not None:
                kutim_period.juries.get_or_create(user=jury)
    return [
        (ADMIN[0], DEMO_PASSWORD, ADMIN[1]),
        (OPERATOR[0], DEMO_PASSWORD, OPERATOR[1]),
        (SHARED_JURY[0], DEMO_PASSWORD, SHARED_JURY[1]),
    ]
