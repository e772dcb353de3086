"""Kutai Timur demo data: its 18 kecamatan, 139 desa under them, 40 OPD, a period, accounts.

Loaded by ``manage.py demo_kutim`` (and ``make run``). Idempotent: running it again changes
nothing that exists, so a demo that people have been clicking through keeps its state.
"""

from __future__ import annotations

import datetime as dt
import random
import textwrap
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from award import services
from award.models import (
    ADMIN_GROUP,
    JURY_GROUP,
    OPERATOR_GROUP,
    Level,
    OperatorMembership,
    Period,
    Unit,
)
from demo import pki
from demo.evidence import demo_evidence_load
from evaluasi.models import Answer, Evidence, Questionnaire, Submission, SubmissionEvent
from evaluasi.questionnaires.defaults import LEVELS, default_workbook_path
from evaluasi.questionnaires.selectors import questionnaire_active
from evaluasi.questionnaires.services import questionnaire_import, questionnaire_publish
from evaluasi.saq.selectors import submission_score
from laporan.signing import signer_certificate_current, signer_certificate_save
from penilaian.models import ScoringRun
from penilaian.services import scoring_run_finalise, scoring_run_start
from penjurian.assignment import assignment_add, assignments_fill, jury_facts
from penjurian.models import Assignment, PresentationCriterion, Verification
from penjurian.objections import objection_answer, objection_file
from penjurian.presentations import presentation_scores_save, slot_save
from penjurian.verification import verification_save

from .data import (
    ACCOUNTS,
    DEMO_JURY_SCOPE,
    DEMO_PASSWORD,
    KECAMATAN,
    OBJECTION_UNIT,
    OPD,
    PLATFORM,
)


def demo_units() -> list[dict]:
    """Every demo unit as a row of the units workbook (kode, nama, tingkat, induk)."""
    rows = []
    for number, name, villages in KECAMATAN:
        code = f"64.08.{number}"
        rows.append({"code": code, "name": f"Kecamatan {name}", "level": "kecamatan", "parent": ""})
        for index, village in enumerate(villages, start=1):
            rows.append(
                {
                    "code": f"{code}.{2000 + index}",
                    "name": f"Desa {village}",
                    "level": "desa",
                    "parent": code,
                }
            )
    for code, name in OPD:
        rows.append({"code": f"OPD.{code}", "name": name, "level": "opd", "parent": ""})
    return rows


@transaction.atomic
def demo_kutim_load(*, now: dt.datetime | None = None) -> dict:
    """Load the demo; returns what it created and the logins to print."""
    now = now or timezone.now()
    levels = {level.code: level for level in Level.objects.all()}
    created_units = 0
    units: dict[str, Unit] = {unit.code: unit for unit in Unit.objects.all()}
    for row in demo_units():
        if row["code"] in units:
            continue
        unit = Unit(
            code=row["code"],
            name=row["name"],
            level=levels[row["level"]],
            parent=units.get(row["parent"]) if row["parent"] else None,
            website="https://ppid.kutaitimurkab.go.id/" if row["level"] == "opd" else "",
            # Kutai Timur's kecamatan and desa codes are Kemendagri's region codes.
            kode_wilayah="" if row["level"] == "opd" else row["code"],
        )
        unit.full_clean()
        unit.save()
        units[unit.code] = unit
        created_units += 1

    year = timezone.localtime(now).year
    period = Period.objects.filter(year=year).first()
    if period is None:
        start = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
        period = services.period_create(
            year=year,
            name=f"PPID Award Kabupaten Kutai Timur {year}",
            **services.period_default_dates(
                saq_open=start - dt.timedelta(days=14),
                # Stages end at the end of a day (23.59 WITA), as people read a deadline.
                saq_close=(start + dt.timedelta(days=21)).replace(hour=23, minute=59, second=59),
            ),
        )

    questionnaires = demo_questionnaires_load(period=period)

    logins = []
    for username, full_name, role, codes in ACCOUNTS:
        user = demo_user(username, full_name, "demo.kutaitimurkab.go.id")
        if role == PLATFORM:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
            logins.append((username, DEMO_PASSWORD, full_name))
            continue
        services.user_get_or_invite(email=user.email, full_name=full_name, group=role)
        if role == ADMIN_GROUP:
            services.admin_grant(user=user)
        elif role == OPERATOR_GROUP:
            for code in codes:
                OperatorMembership.objects.get_or_create(user=user, unit=units[code])
        elif role == JURY_GROUP:
            membership, _created = period.juries.get_or_create(
                user=user, defaults={"home_unit": units[codes[0]] if codes else None}
            )
            levels, conflicts = DEMO_JURY_SCOPE.get(username, ([], []))
            membership.levels.set(Level.objects.filter(code__in=levels))
            membership.conflicts.set([units[code] for code in conflicts])
        logins.append((username, DEMO_PASSWORD, full_name))
    submissions = demo_submissions_load(period=period)
    demo_jury_data_load(period=period)
    demo_evidence_load(period=period)
    demo_previous_year_load(current=period, now=now)
    demo_signer_load()
    return {
        "units_created": created_units,
        "period": period,
        "questionnaires": questionnaires,
        "submissions": submissions,
        "logins": logins,
    }


def demo_user(username: str, full_name: str, domain: str):
    """A demo account with the demo password (made once; kept as people left it)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        first, _sep, last = full_name.partition(" ")
        user = User.objects.create_user(
            username=username,
            email=f"{username}@{domain}",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
        )
    return user


# Units left empty on purpose so that the demo operators can fill them themselves.
UNFILLED = {"64.08.04", "64.08.04.2002", "OPD.DISKOMINFO", "64.08.09", "64.08.09.2001"}


def demo_submissions_load(
    *, period: Period, seed: int = 2026, started: float = 0.8, quality_range=(0.35, 0.98)
) -> int:
    """Realistic SAQ answers for most Kutai Timur units (deterministic): about 60% submitted,
    20% in progress, the rest not started, mirroring the 2025 participation problem."""
    if Submission.objects.filter(period=period).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    created = 0
    for unit in Unit.objects.select_related("level").order_by("code"):
        if unit.code in UNFILLED:
            continue
        roll = rng.random()
        if roll > started:
            continue  # not started
        questionnaire = questionnaire_active(period=period, level=unit.level)
        if questionnaire is None:
            continue
        submission = Submission.objects.create(
            period=period, unit=unit, questionnaire=questionnaire
        )
        quality = rng.uniform(*quality_range)
        answers = []
        indicators = questionnaire.indicators.prefetch_related("options")
        partial = roll > started - 0.2
        for indicator in indicators:
            if partial and rng.random() < 0.5:
                continue
            good = rng.random() < quality
            if indicator.type == "ya_tidak":
                value = "ya" if good else "tidak"
            elif indicator.type == "pilihan":
                options = sorted(indicator.options.all(), key=lambda o: -o.value)
                value = options[0 if good else rng.randrange(len(options))].code
            elif indicator.type == "angka":
                share = rng.uniform(0.6, 1.0) if good else rng.uniform(0, 0.6)
                low, high = indicator.min_value, indicator.max_value
                number = low + (high - low) * Decimal(str(share))
                value = format(round(number, 0 if high - low <= 10 else 1).normalize(), "f")
            elif indicator.type == "url":
                value = unit.website or "https://ppid.kutaitimurkab.go.id"
            else:
                value = "Layanan informasi keliling ke dusun setiap bulan."
            answers.append(Answer(submission=submission, indicator=indicator, value=value))
        Answer.objects.bulk_create(answers)
        if not partial:
            # Submitted units have their required evidence: the first of each aspect as an
            # uploaded PDF (juries see it inline), the others as links.
            required = [i for i in indicators if i.evidence == "wajib"]
            first_of_aspect = {}
            for indicator in required:
                first_of_aspect.setdefault(indicator.aspect_id, indicator)
            Evidence.objects.bulk_create(
                _demo_pdf_evidence(submission, indicator, unit)
                if first_of_aspect.get(indicator.aspect_id) is indicator
                else Evidence(
                    submission=submission,
                    indicator=indicator,
                    kind=Evidence.Kind.URL,
                    url=f"https://ppid.kutaitimurkab.go.id/bukti/{unit.code}/{indicator.code}",
                )
                for indicator in required
            )
            submission.status = Submission.Status.SUBMITTED
            submission.submitted_at = period.saq_open + dt.timedelta(
                days=rng.randint(1, 12), minutes=rng.randint(0, 600)
            )
            submission.saq_score = submission_score(submission=submission)
            submission.save()
            SubmissionEvent.objects.create(
                submission=submission, kind=SubmissionEvent.Kind.SUBMITTED
            )
        created += 1
    return created


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a few lines of text (no library: the demo's evidence files)."""
    text = "".join(
        f"BT /F1 14 Tf 72 {760 - 24 * n} Td ({line.encode('latin-1', 'replace').decode()}) Tj ET\n"
        for n, line in enumerate(lines)
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


DEMO_SENTENCES = [
    "Dokumen ini disusun oleh PPID {unit} bersama perangkat setempat.",
    "Rapat koordinasi ke-{n} membahas tindak lanjut permohonan informasi warga.",
    "Daftar hadir dan notulen terlampir pada halaman berikutnya.",
    "Pengumuman ditempel di papan informasi balai pertemuan dan disiarkan lewat media sosial.",
    "Sebanyak {n} permohonan informasi dicatat dalam buku register tahun ini.",
    "Anggaran kegiatan bersumber dari dana operasional pemerintahan.",
    "Foto kegiatan diambil oleh petugas dokumentasi pada hari pelaksanaan.",
    "Laporan ini ditandatangani kepala unit dan diarsipkan oleh sekretariat.",
    "Sosialisasi keterbukaan informasi diikuti {n} orang warga dan tokoh masyarakat.",
    "Standar layanan memuat waktu pelayanan sepuluh hari kerja sejak permohonan diterima.",
    "Evaluasi internal dilakukan setiap triwulan oleh tim PPID.",
    "Salinan dokumen dapat diminta langsung di meja layanan informasi.",
    "Jadwal piket petugas informasi disusun bergiliran setiap minggu.",
    "Keberatan pemohon ditangani atasan PPID paling lama tiga puluh hari kerja.",
    "Website resmi diperbarui setelah setiap musyawarah pembangunan.",
    "Formulir permohonan tersedia dalam bentuk cetak dan daring.",
    "Kegiatan ini melibatkan karang taruna dan kelompok perempuan sebanyak {n} orang.",
    "Informasi berkala diumumkan paling sedikit enam bulan sekali.",
    "Surat edaran disampaikan kepada seluruh ketua rukun tetangga.",
    "Petugas mengikuti bimbingan teknis pengelolaan informasi di ibu kota kabupaten.",
    "Arsip dinamis disimpan dalam lemari terkunci dan dicatat dalam daftar arsip.",
    "Tanggapan atas pengaduan warga dijawab melalui pesan singkat dan surat resmi.",
    "Kotak saran dibuka setiap akhir bulan di hadapan perwakilan warga.",
    "Ringkasan anggaran dipasang pada baliho di depan kantor.",
]


def _demo_pdf_evidence(submission, indicator, unit):
    # Each unit words its own document (a template shared by every desa would be, rightly,
    # "nearly the same" for the jury assistant).
    rng = random.Random(f"{unit.code}-{indicator.code}")  # noqa: S311 - demo data
    body = " ".join(rng.sample(DEMO_SENTENCES, 4)).format(unit=unit.name, n=rng.randint(2, 40))
    about = textwrap.wrap(f"{indicator.question} {body}", 80)
    data = demo_pdf(
        [
            f"Bukti indikator {indicator.code}",
            unit.name,
            *about,
            f"Ditetapkan 2 Januari {submission.period.year}",
            f"PPID Award {submission.period.year} - dokumen contoh",
        ]
    )
    name = f"bukti-{indicator.code}.pdf"
    return Evidence(
        submission=submission,
        indicator=indicator,
        kind=Evidence.Kind.FILE,
        file=ContentFile(data, name=name),
        original_name=name,
        content_type="application/pdf",
        size=len(data),
    )


def demo_questionnaires_load(*, period: Period) -> int:
    """Import and publish the shipped questionnaire of each level that has none yet."""
    created = 0
    for level in LEVELS:
        if Questionnaire.objects.filter(period=period, level__code=level).exists():
            continue
        path = default_workbook_path(level)
        questionnaire = questionnaire_import(
            data=path.read_bytes(), period=period, file_name=path.name
        )
        questionnaire_publish(questionnaire=questionnaire)
        created += 1
    return created


CRITERIA = [
    ("K1", "Penguasaan materi keterbukaan informasi", 30),
    ("K2", "Inovasi layanan informasi", 25),
    ("K3", "Komitmen pimpinan", 25),
    ("K4", "Kemampuan menjawab pertanyaan juri", 20),
]


def demo_jury_data_load(*, period: Period) -> None:
    """Presentation criteria, jury assignments, some verifications and presentation scores
    for the best submitted units of each level, so a scoring run shows every stage."""
    if PresentationCriterion.objects.filter(period=period).exists():
        return
    rng = random.Random(14)  # noqa: S311 - demo data
    criteria = [
        PresentationCriterion.objects.create(
            period=period, code=code, name=name, weight=weight, order=index
        )
        for index, (code, name, weight) in enumerate(CRITERIA)
    ]
    memberships = list(period.juries.select_related("user"))
    facts = {fact.jury: fact for fact in jury_facts(period=period)}
    for level in Level.objects.all():
        best = (
            Submission.objects.filter(period=period, status="submitted", unit__level=level)
            .select_related("unit")
            .order_by("-saq_score")[:6]
        )
        for submission in best:
            for membership in memberships:
                fact = facts[membership.user_id]
                if submission.unit_id in fact.blocked or not fact.judges(level.pk):
                    continue  # never its own unit, a conflict or a level it does not judge
                assignment_add(period=period, jury=membership.user, unit=submission.unit)
            assigned = Assignment.objects.filter(period=period, unit=submission.unit)
            indicators = list(submission.questionnaire.indicators.filter(weight__gt=0)[:8])
            for assignment in assigned:
                for indicator in indicators:
                    roll = rng.random()
                    if roll < 0.75:
                        verification_save(
                            submission=submission,
                            indicator=indicator,
                            jury=assignment.jury,
                            decision="accept",
                        )
                    elif roll < 0.9 and indicator.type == "ya_tidak":
                        verification_save(
                            submission=submission,
                            indicator=indicator,
                            jury=assignment.jury,
                            decision="adjust",
                            value="tidak",
                            reason="Bukti yang diunggah belum memenuhi syarat.",
                        )
                    else:
                        verification_save(
                            submission=submission,
                            indicator=indicator,
                            jury=assignment.jury,
                            decision="reject",
                            reason="Bukti tidak dapat dibuka.",
                        )
                presentation_scores_save(
                    period=period,
                    unit=submission.unit,
                    jury=assignment.jury,
                    scores={criterion.pk: Decimal(rng.randint(60, 95)) for criterion in criteria},
                )

    # Every other submitted unit gets its juries by the rules, still to be verified.
    assignments_fill(period=period)
    demo_objections_and_schedule_load(period=period, criteria=criteria)


def demo_objections_and_schedule_load(*, period: Period, criteria) -> None:
    """The best desa fully verified by its juries; one of its rejections objected to and
    accepted, another objected to and still open; the top units of each level scheduled."""
    submitted = Submission.objects.filter(period=period, status="submitted").select_related(
        "unit", "questionnaire"
    )
    best = (
        submitted.filter(unit__code=OBJECTION_UNIT).first()
        or submitted.filter(unit__level__code="desa").order_by("-saq_score").first()
    )
    if best is None:
        return
    operator = best.unit.operator_memberships.select_related("user").first()
    juries = [a.jury for a in Assignment.objects.filter(period=period, unit=best.unit)]
    # The two verdicts the unit objects to, whatever the random ones were: its SOP (1.1.3)
    # rejected, its DIP (2.1.1) set to "tidak".
    indicators = best.questionnaire.indicators
    objected = [
        verification_save(
            submission=best,
            indicator=indicators.get(code="1.1.3"),
            jury=juries[0],
            decision="reject",
            reason="Berkas SOP tidak dapat dibuka.",
        ),
        verification_save(
            submission=best,
            indicator=indicators.get(code="2.1.1"),
            jury=juries[0],
            decision="adjust",
            value="tidak",
            reason="DIP belum ditetapkan dengan SK.",
        ),
    ]
    for jury in juries:
        done = set(
            Verification.objects.filter(submission=best, jury=jury).values_list(
                "indicator_id", flat=True
            )
        )
        for indicator in best.questionnaire.indicators.exclude(pk__in=done):
            verification_save(submission=best, indicator=indicator, jury=jury, decision="accept")
    window = period.verification_close + dt.timedelta(hours=1)
    user = operator.user if operator else None
    texts = [
        "Dokumen SOP PPID sudah kami unggah ulang dalam format PDF yang dapat dibuka.",
        "Daftar Informasi Publik kami sudah ditetapkan dengan SK Kepala Desa; salinan terlampir.",
    ]
    for verdict, text in zip(objected, texts, strict=True):
        objection = objection_file(verification=verdict, text=text, user=user, moment=window)
        if text is texts[0]:
            objection_answer(
                objection=objection,
                jury=verdict.jury,
                accepted=True,
                answer="Dokumen baru dapat dibuka dan memenuhi syarat.",
            )
    start = period.objection_close + dt.timedelta(days=2)
    for level in Level.objects.all():
        top = (
            Submission.objects.filter(period=period, status="submitted", unit__level=level)
            .select_related("unit")
            .order_by("-saq_score")[: period.finalist_count]
        )
        for index, submission in enumerate(top):
            slot_save(
                period=period,
                unit=submission.unit,
                starts_at=start.replace(hour=9) + dt.timedelta(minutes=30 * index),
                place="Ruang Rapat Diskominfo Kutai Timur, Sangatta",
                link="https://vicon.kutaitimurkab.go.id/ppid-award" if index % 2 else "",
            )
        start += dt.timedelta(days=1)


def demo_previous_year_load(*, current: Period, now: dt.datetime) -> Period | None:
    """Last year's award, closed, with finalised and published results (SAQ only, lower
    participation and scores), so that this year's rankings show year-over-year changes."""
    year = current.year - 1
    if Period.objects.filter(year=year).exists():
        return None
    start = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
    period = services.period_create(
        year=year,
        name=f"PPID Award Kabupaten Kutai Timur {year}",
        has_verification=False,
        has_presentation=False,
        **services.period_default_dates(
            saq_open=start - dt.timedelta(days=365),
            with_verification=False,
            with_presentation=False,
        ),
    )
    demo_questionnaires_load(period=period)
    demo_submissions_load(period=period, seed=year, started=0.75, quality_range=(0.25, 0.9))
    run = scoring_run_start(period=period, reason="Hasil penetapan tahun lalu", inline=True)
    if run.status == ScoringRun.Status.SUCCEEDED:
        admin = get_user_model().objects.filter(username="admin").first()
        scoring_run_finalise(run=run, user=admin)
        # Published when last year's award was: on its finalisation date, not today.
        published = period.finalisation_date
        ScoringRun.objects.filter(pk=run.pk).update(finalised_at=published)
        Period.objects.filter(pk=period.pk).update(finalised_at=published)
    return period


def demo_signer_load() -> None:
    """A signer certificate from a throw-away demo CA (not BSrE), so that the demo's
    certificates and recap come out signed and the signing pages have something to show."""
    if signer_certificate_current() is not None:
        return
    authority = pki.authority("CA Demo PPID Award (bukan BSrE)")
    signer_certificate_save(
        data=pki.signer_pkcs12(
            authority, name="Kepala Diskominfo Staper Kutai Timur (demo)", password=b"demo"
        ),
        password="demo",  # noqa: S106 - the demo CA's throw-away file
        user=get_user_model().objects.filter(username="admin").first(),
    )
