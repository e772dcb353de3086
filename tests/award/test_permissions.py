"""The permission matrix: every named route × every role, generated from the URL configuration.

A route that is added without an entry in ``MATRIX`` fails ``test_every_route_has_an_entry``,
so nobody can add a view and forget to decide who may open it.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from award import jobs as award_jobs
from award.models import DeadlineExtension, OperatorMembership
from award.scoping import organiser_url
from common.models import Job
from evaluasi import jobs as evaluasi_jobs
from laporan import jobs as laporan_jobs
from tests.conftest import client_for

ROLES = ["anon", "op_a", "op_b", "jury", "admin"]
LOGIN = "login"  # a redirect to the login page
DASH = "dash"  # a redirect to the dashboard

ADMIN_ONLY = {"anon": LOGIN, "op_a": 403, "op_b": 403, "jury": 403, "admin": 200}
ADMIN_ONLY_POST_REDIRECT = {"anon": LOGIN, "op_a": 403, "op_b": 403, "jury": 403, "admin": 302}
LOGGED_IN = {"anon": LOGIN, "op_a": 200, "op_b": 200, "jury": 200, "admin": 200}
PUBLIC = dict.fromkeys(ROLES, 200)
PLATFORM_ONLY = {"anon": LOGIN, "op_a": 403, "op_b": 403, "jury": 403, "admin": 403}
FILL_ONLY = {"anon": LOGIN, "op_a": 200, "op_b": 403, "jury": 403, "admin": 403}
FILL_ONLY_REDIRECT = {"anon": LOGIN, "op_a": 302, "op_b": 403, "jury": 403, "admin": 403}
UNIT_A_OR_ADMIN = {"anon": LOGIN, "op_a": 200, "op_b": 403, "jury": 403, "admin": 200}

# route name -> (method, kwargs builder, POST data, expected per role)
MATRIX = {
    "home": (
        "get",
        None,
        None,
        {"anon": 200, "op_a": DASH, "op_b": DASH, "jury": DASH, "admin": DASH},
    ),
    "award:dashboard": ("get", None, None, LOGGED_IN),
    # Public, and 503 here: no Celery worker has been seen by this test (test_health.py).
    "health": ("get", None, None, dict.fromkeys(ROLES, 503)),
    "health_web": ("get", None, None, PUBLIC),
    "lockout_list": ("get", None, None, ADMIN_ONLY),
    "penilaian:correction_open": (
        "post",
        lambda w: {"year": w["period"].year},
        {"reason": "uji"},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penilaian:correction_cancel": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "lockout_release": ("post", lambda w: {"pk": 999999}, {}, ADMIN_ONLY_POST_REDIRECT),
    "favicon": ("get", None, None, dict.fromkeys(ROLES, 302)),
    "award:period_list": ("get", None, None, ADMIN_ONLY),
    "award:period_create": ("get", None, None, ADMIN_ONLY),
    "award:period_detail": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "award:period_update": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "penjurian:inbox": ("get", None, None, LOGGED_IN),
    # Nobody in this world is assigned to unit A: every jury view and download is refused.
    "penjurian:verify": (
        "get",
        lambda w: {"pk": w["submission"].pk},
        None,
        {**dict.fromkeys(ROLES, 403), "anon": LOGIN},
    ),
    "penjurian:aspect_accept": (
        "post",
        lambda w: {"pk": w["submission"].pk, "aspect_pk": w["s_indicator"].aspect_id},
        {},
        {**dict.fromkeys(ROLES, 403), "anon": LOGIN},
    ),
    "penjurian:evidence": (
        "get",
        lambda w: {"pk": w["evidence"].pk},
        None,
        {**dict.fromkeys(ROLES, 403), "anon": LOGIN},
    ),
    "penjurian:juries": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    # Objections: the unit's operators and the admin read them; only the jury whose verdict
    # it is answers (the jury of this world is not assigned to unit A).
    "penjurian:objections": ("get", lambda w: {"pk": w["submission"].pk}, None, UNIT_A_OR_ADMIN),
    "penjurian:objections_jury": (
        "get",
        lambda w: {"pk": w["submission"].pk},
        None,
        {**dict.fromkeys(ROLES, 403), "anon": LOGIN},
    ),
    "penjurian:objection_file": ("get", lambda w: {"pk": w["objection"].pk}, None, UNIT_A_OR_ADMIN),
    "penjurian:objections_admin": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "penjurian:presentations": ("get", None, None, LOGGED_IN),
    "laporan:verify_lookup": ("get", None, None, PUBLIC),
    "penjurian:presentation_score": (
        "get",
        lambda w: {"pk": w["slot"].pk},
        None,
        {**dict.fromkeys(ROLES, 403), "anon": LOGIN},
    ),
    "penjurian:oversight": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "penjurian:remind": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penjurian:matrix": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "penjurian:assignment_change": (
        "post",
        lambda w: {"year": w["period"].year},
        lambda w: {"unit": w["unit_b"].pk, "jury": w["users"]["jury"].pk, "action": "add"},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penjurian:jury_add": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        {**ADMIN_ONLY, "admin": 422},
    ),
    "penjurian:jury_edit": (
        "get",
        lambda w: {"year": w["period"].year, "pk": w["jury_membership"].pk},
        None,
        ADMIN_ONLY,
    ),
    "penjurian:presentations_admin": (
        "get",
        lambda w: {"year": w["period"].year},
        None,
        ADMIN_ONLY,
    ),
    "penjurian:presentation_criteria": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        {**ADMIN_ONLY, "admin": 422},
    ),
    # Unit A is scheduled: an empty form is refused (422) for the admin, nobody else gets in.
    "penjurian:presentation_slot": (
        "post",
        lambda w: {"year": w["period"].year, "unit_pk": w["unit_a"].pk},
        {},
        {**ADMIN_ONLY, "admin": 422},
    ),
    "penilaian:override": (
        "post",
        lambda w: {"year": w["period"].year},
        {"key": "nothing", "reason": "uji"},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penjurian:juries_import": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        {**ADMIN_ONLY, "admin": 422},
    ),
    "penjurian:jury_remove": (
        "post",
        lambda w: {"year": w["period"].year, "pk": w["jury_membership"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penjurian:assign": (
        "post",
        lambda w: {"year": w["period"].year},
        {"per_unit": "0"},
        {**ADMIN_ONLY, "admin": 422},
    ),
    "penjurian:assignments_export": (
        "get",
        lambda w: {"year": w["period"].year},
        None,
        ADMIN_ONLY,
    ),
    "award:period_extension_add": ("post", lambda w: {"year": w["period"].year}, {}, ADMIN_ONLY),
    "award:period_extension_delete": (
        "post",
        lambda w: {"year": w["period"].year, "pk": w["extension"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "award:unit_list": ("get", None, None, ADMIN_ONLY),
    "award:level_list": ("get", None, None, ADMIN_ONLY),
    # Organisers and their teams: the platform superuser alone (tests/award/test_organisers.py).
    "award:organiser_list": ("get", None, None, PLATFORM_ONLY),
    "award:organiser_update": ("get", lambda w: {"slug": "kutim"}, None, PLATFORM_ONLY),
    "award:organiser_member_add": ("post", lambda w: {"slug": "kutim"}, {}, PLATFORM_ONLY),
    "award:organiser_member_remove": (
        "post",
        lambda w: {"slug": "kutim", "user_pk": w["admin_user"].pk},
        {},
        PLATFORM_ONLY,
    ),
    "award:level_update": ("get", lambda w: {"code": "opd"}, None, ADMIN_ONLY),
    # An empty form: refused with the form again (200), nothing changed.
    "award:level_delete": ("post", lambda w: {"code": "opd"}, {}, ADMIN_ONLY_POST_REDIRECT),
    "award:unit_create": ("get", None, None, ADMIN_ONLY),
    "award:unit_import": ("get", None, None, ADMIN_ONLY),
    "award:unit_import_template": ("get", None, None, ADMIN_ONLY),
    "award:unit_import_job": ("get", lambda w: {"pk": w["job"].pk}, None, ADMIN_ONLY),
    "award:unit_import_confirm": (
        "post",
        lambda w: {"pk": w["job"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "award:unit_detail": (
        "get",
        lambda w: {"pk": w["unit_a"].pk},
        None,
        {"anon": LOGIN, "op_a": 200, "op_b": 403, "jury": 403, "admin": 200},
    ),
    "award:unit_update": ("get", lambda w: {"pk": w["unit_a"].pk}, None, ADMIN_ONLY),
    "audit:audit": ("get", None, None, ADMIN_ONLY),
    "audit:unit_history": ("get", lambda w: {"pk": w["unit_a"].pk}, None, UNIT_A_OR_ADMIN),
    "award:operator_invite": ("post", lambda w: {"pk": w["unit_a"].pk}, {}, ADMIN_ONLY),
    "award:operator_remove": (
        "post",
        lambda w: {"pk": w["unit_a"].pk, "membership_pk": w["membership_a"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    # Questionnaires (evaluasi): the admin's editor.
    "evaluasi:questionnaire_list": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "evaluasi:questionnaire_import": ("post", lambda w: {"year": w["period"].year}, {}, ADMIN_ONLY),
    "evaluasi:questionnaire_copy": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:questionnaire_template": ("get", None, None, ADMIN_ONLY),
    "evaluasi:questionnaire_import_job": ("get", lambda w: {"pk": w["q_job"].pk}, None, ADMIN_ONLY),
    "evaluasi:questionnaire_import_confirm": (
        "post",
        lambda w: {"pk": w["q_job"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:questionnaire_detail": ("get", lambda w: {"pk": w["q"].pk}, None, ADMIN_ONLY),
    "evaluasi:questionnaire_export": ("get", lambda w: {"pk": w["q"].pk}, None, ADMIN_ONLY),
    "evaluasi:questionnaire_preview": ("get", lambda w: {"pk": w["q"].pk}, None, ADMIN_ONLY),
    "evaluasi:questionnaire_publish": (
        "post",
        lambda w: {"pk": w["q"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:questionnaire_new_version": (
        "post",
        lambda w: {"pk": w["q"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:questionnaire_share": (
        "post",
        lambda w: {"pk": w["q"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:questionnaire_unshare": (
        "post",
        lambda w: {"pk": w["q"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:shared_questionnaire_list": (
        "get",
        lambda w: {"year": w["period"].year},
        None,
        ADMIN_ONLY,
    ),
    "evaluasi:shared_questionnaire_copy": (
        "post",
        lambda w: {"year": w["period"].year, "pk": w["shared"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:questionnaire_delete": (
        "post",
        lambda w: {"pk": w["q"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:aspect_add": ("post", lambda w: {"pk": w["q"].pk}, {}, ADMIN_ONLY),
    "evaluasi:aspect_edit": ("post", lambda w: {"pk": w["aspect"].pk}, {}, ADMIN_ONLY),
    "evaluasi:aspect_delete": (
        "post",
        lambda w: {"pk": w["aspect"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:aspect_move": (
        "post",
        lambda w: {"pk": w["aspect"].pk, "direction": "turun"},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:indicator_create": ("get", lambda w: {"pk": w["aspect"].pk}, None, ADMIN_ONLY),
    "evaluasi:indicator_edit": ("get", lambda w: {"pk": w["indicator"].pk}, None, ADMIN_ONLY),
    "evaluasi:indicator_delete": (
        "post",
        lambda w: {"pk": w["indicator"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:indicator_move": (
        "post",
        lambda w: {"pk": w["indicator"].pk, "direction": "naik"},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    # The SAQ (evaluasi): operators of the unit fill it; the admin reads it.
    "evaluasi:participation": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "evaluasi:reminder_send": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "evaluasi:saq_start": (
        "get",
        lambda w: {"year": w["period"].year, "unit_pk": w["unit_a"].pk},
        None,
        {"anon": LOGIN, "op_a": 302, "op_b": 403, "jury": 403, "admin": 403},
    ),
    "evaluasi:saq_step": (
        "get",
        lambda w: {"pk": w["submission"].pk, "step": "tinjau"},
        None,
        FILL_ONLY,
    ),
    "evaluasi:saq_summary": ("get", lambda w: {"pk": w["submission"].pk}, None, UNIT_A_OR_ADMIN),
    "evaluasi:saq_reopen": ("post", lambda w: {"pk": w["submission"].pk}, {}, ADMIN_ONLY),
    "evaluasi:saq_autosave": (
        "post",
        lambda w: {"pk": w["submission"].pk, "indicator_pk": w["s_indicator"].pk},
        {},
        FILL_ONLY,
    ),
    "evaluasi:evidence_add": (
        "post",
        lambda w: {"pk": w["submission"].pk, "indicator_pk": w["s_indicator"].pk},
        {},
        FILL_ONLY_REDIRECT,
    ),
    "evaluasi:evidence_delete": (
        "post",
        lambda w: {"pk": w["evidence"].pk},
        {},
        FILL_ONLY_REDIRECT,
    ),
    "evaluasi:evidence_download": (
        "get",
        lambda w: {"pk": w["evidence"].pk},
        None,
        UNIT_A_OR_ADMIN,
    ),
    "evaluasi:answers_workbook": (
        "get",
        lambda w: {"pk": w["submission"].pk},
        None,
        UNIT_A_OR_ADMIN,
    ),
    "evaluasi:answers_import": ("get", lambda w: {"pk": w["submission"].pk}, None, FILL_ONLY),
    "evaluasi:answers_import_job": ("get", lambda w: {"pk": w["a_job"].pk}, None, FILL_ONLY),
    "evaluasi:answers_import_confirm": (
        "post",
        lambda w: {"pk": w["a_job"].pk},
        {},
        FILL_ONLY_REDIRECT,
    ),
    "penilaian:scoring": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "penilaian:period_ranking": (
        "get",
        lambda w: {"year": w["period"].year},
        None,
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penilaian:scoring_run": ("get", lambda w: {"pk": w["run"].pk}, None, ADMIN_ONLY),
    "penilaian:scoring_finalise": (
        "post",
        lambda w: {"pk": w["run"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penilaian:scoring_run_cancel": (
        "post",
        lambda w: {"pk": w["run"].pk},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penilaian:ranking": ("get", lambda w: {"pk": w["run"].pk}, None, ADMIN_ONLY),
    # The unit's own operator sees its explained result once published; nobody else does.
    "penilaian:score_explain": (
        "get",
        lambda w: {"pk": w["run"].pk, "unit_pk": w["unit_a"].pk},
        None,
        UNIT_A_OR_ADMIN,
    ),
    "laporan:report": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "laporan:report_start": (
        "post",
        lambda w: {"year": w["period"].year, "kind": "rekap"},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "laporan:ranking_csv": (
        "get",
        lambda w: {"year": w["period"].year, "level": "desa"},
        None,
        ADMIN_ONLY,
    ),
    "laporan:job": ("get", lambda w: {"pk": w["report_job"].pk}, None, ADMIN_ONLY),
    "laporan:download": ("get", lambda w: {"pk": w["report_job"].pk}, None, ADMIN_ONLY),
    "laporan:download_zip": ("get", lambda w: {"pk": w["report_job"].pk}, None, ADMIN_ONLY),
    "penjurian:integrity": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "penjurian:integrity_check": (
        "post",
        lambda w: {"year": w["period"].year},
        {},
        ADMIN_ONLY_POST_REDIRECT,
    ),
    "penjurian:integrity_export": ("get", lambda w: {"year": w["period"].year}, None, ADMIN_ONLY),
    "penjurian:integrity_job": ("get", lambda w: {"pk": w["check_job"].pk}, None, ADMIN_ONLY),
    "common:export_job": ("get", lambda w: {"pk": w["export_job"].pk}, None, ADMIN_ONLY),
    "common:export_download": ("get", lambda w: {"pk": w["export_job"].pk}, None, ADMIN_ONLY),
    # Public: published results only (the world's run is finalised).
    "laporan:public_home": ("get", None, None, PUBLIC),
    "laporan:public_ranking": ("get", lambda w: {"year": w["period"].year}, None, PUBLIC),
    "laporan:public_unit": ("get", lambda w: {"code": w["unit_a"].code}, None, PUBLIC),
    "laporan:verify": ("get", lambda w: {"code": w["certificate"].code}, None, PUBLIC),
    "laporan:badge": (
        "get",
        lambda w: {"code": w["unit_a"].code, "year": w["period"].year},
        None,
        PUBLIC,
    ),
    "laporan:verify_file": ("get", None, None, PUBLIC),
    # The signer certificate (issue #23): the organiser's admin only.
    "laporan:signer": ("get", None, None, ADMIN_ONLY),
    "laporan:signer_delete": ("post", None, {}, ADMIN_ONLY_POST_REDIRECT),
    # Open data (issue #23): public, for published runs only.
    "laporan:opendata_catalogue": ("get", None, None, PUBLIC),
    "laporan:opendata_package": ("get", lambda w: {"year": w["period"].year}, None, PUBLIC),
    "laporan:opendata_csv": (
        "get",
        lambda w: {"year": w["period"].year, "level": "desa"},
        None,
        PUBLIC,
    ),
    "laporan:opendata_json": (
        "get",
        lambda w: {"year": w["period"].year, "level": "desa"},
        None,
        PUBLIC,
    ),
    "laporan:opendata_package_version": (
        "get",
        lambda w: {"year": w["period"].year, "version": w["run"].number},
        None,
        PUBLIC,
    ),
    "laporan:opendata_csv_version": (
        "get",
        lambda w: {"year": w["period"].year, "version": w["run"].number, "level": "desa"},
        None,
        PUBLIC,
    ),
    "laporan:opendata_json_version": (
        "get",
        lambda w: {"year": w["period"].year, "version": w["run"].number, "level": "desa"},
        None,
        PUBLIC,
    ),
    # The open data API (issue #23): public, published results only, organiser in the path.
    "laporan:api_docs": ("get", None, None, PUBLIC),
    "api_root": ("get", None, None, dict.fromkeys(ROLES, 302)),  # to the documentation page
    "api:api-root": ("get", None, None, dict.fromkeys(ROLES, 302)),  # the same URL
    "api:openapi-json": ("get", None, None, PUBLIC),
    "api:openapi-view": ("get", None, None, PUBLIC),
    "api:organisers": ("get", None, None, PUBLIC),
    "api:periods": ("get", lambda w: {"penyelenggara": "kutim"}, None, PUBLIC),
    "api:ranking": (
        "get",
        lambda w: {"penyelenggara": "kutim", "tahun": w["period"].year, "tingkat": "desa"},
        None,
        PUBLIC,
    ),
    "api:unit_history": (
        "get",
        lambda w: {"penyelenggara": "kutim", "kode_unit": w["unit_a"].code},
        None,
        PUBLIC,
    ),
    "login": (
        "get",
        None,
        None,
        {"anon": 200, "op_a": DASH, "op_b": DASH, "jury": DASH, "admin": DASH},
    ),
    "logout": ("post", None, {}, dict.fromkeys(ROLES, 302)),
    "password_change": ("get", None, None, LOGGED_IN),
    "password_change_done": ("get", None, None, LOGGED_IN),
    "password_reset": ("get", None, None, PUBLIC),
    "password_reset_done": ("get", None, None, PUBLIC),
    "password_reset_confirm": ("get", lambda w: {"uidb64": "MQ", "token": "x-y"}, None, PUBLIC),
    "password_reset_complete": ("get", None, None, PUBLIC),
    "invitation_confirm": ("get", lambda w: {"uidb64": "MQ", "token": "x-y"}, None, PUBLIC),
}


def _route_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _route_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and not prefix.startswith("admin:"):
            yield (f"{prefix}{pattern.name}" if pattern.name else None), pattern
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}", pattern


def app_routes():
    """Our own routes (Django admin's are checked by the staff-only tests below)."""
    return [
        (name, pattern)
        for name, pattern in _route_names(get_resolver().url_patterns)
        if not (name or "").startswith("admin:")
    ]


def admin_routes():
    return sorted(
        {
            name
            for name, _p in _route_names(get_resolver().url_patterns)
            if (name or "").startswith("admin:")
        }
    )


def test_every_route_has_an_entry():
    unnamed = [str(p.pattern) for name, p in app_routes() if name is None]
    assert not unnamed, f"routes without a name: {unnamed}"
    missing = sorted({name for name, _p in app_routes()} - set(MATRIX))
    assert not missing, f"add these routes to the permission MATRIX: {missing}"
    stale = sorted(set(MATRIX) - {name for name, _p in app_routes()})
    assert not stale, f"MATRIX names routes that no longer exist: {stale}"


@pytest.fixture
def world(unit_a, unit_b, period, admin_user, operator_a, operator_b, jury_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluasi.questionnaires import services as questionnaire_services
    from evaluasi.questionnaires.defaults import default_workbook_path
    from evaluasi.questionnaires.services import questionnaire_import
    from evaluasi.saq import services as saq_services

    q = questionnaire_import(data=default_workbook_path("desa").read_bytes(), period=period)
    aspect = q.aspects.first()
    published = questionnaire_services.questionnaire_publish(
        questionnaire=questionnaire_import(
            data=default_workbook_path("desa").read_bytes(), period=period
        )
    )
    shared = questionnaire_services.questionnaire_share(questionnaire=published, user=admin_user)
    submission = saq_services.submission_start(period=period, unit=unit_a)
    s_indicator = published.indicators.get(code="1.1.1")
    evidence = saq_services.evidence_add_file(
        submission=submission,
        indicator=s_indicator,
        upload=SimpleUploadedFile("sk.pdf", b"%PDF-1.4 sk"),
        user=operator_a,
    )
    from django.utils import timezone

    from penilaian.models import ScoringRun
    from tests.factories import score_make

    run = ScoringRun.objects.create(
        period=period,
        number=1,
        status="succeeded",
        is_current=True,
        finalised_at=timezone.now(),
        finalised_by=admin_user,
    )
    score_make(run=run, unit=unit_a)
    from django.core.files.base import ContentFile

    from laporan.models import Certificate

    report_job = Job.objects.create(
        kind=laporan_jobs.RECAP,
        created_by=admin_user,
        status=Job.Status.SUCCEEDED,
        params={"period": period.pk, "run": run.pk},
        file_name="rekap.pdf",
    )
    report_job.file.save("laporan/rekap.pdf", ContentFile(b"%PDF-1.4"), save=False)
    report_job.result = {"zip": report_job.file.storage.save("laporan/x.zip", ContentFile(b"PK"))}
    report_job.save()
    export_job = Job.objects.create(
        kind="export",
        created_by=admin_user,
        status=Job.Status.SUCCEEDED,
        params={"exporter": "assignments", "args": {"period": period.pk}},
        file_name="penugasan.xlsx",
    )
    export_job.file.save("ekspor/penugasan.xlsx", ContentFile(b"PK"))
    check_job = Job.objects.create(
        kind="evidence_check",
        created_by=admin_user,
        status=Job.Status.SUCCEEDED,
        params={"period": period.pk},
        result={"analysed": 0, "failed": 0, "files": 0},
    )
    return {
        "shared": shared,
        "check_job": check_job,
        "export_job": export_job,
        "run": run,
        "report_job": report_job,
        "certificate": Certificate.objects.create(
            run=run,
            unit=unit_a,
            level=unit_a.level,
            kind="partisipan",
            title="Partisipan",
            qualification="Tidak Informatif",
            final=0,
            code="kode-uji",
        ),
        "submission": submission,
        "s_indicator": s_indicator,
        "evidence": evidence,
        "a_job": Job.objects.create(
            kind=evaluasi_jobs.ANSWERS_IMPORT,
            created_by=operator_a,
            params={"submission": submission.pk},
        ),
        "q": q,
        "aspect": aspect,
        "indicator": aspect.indicators.first(),
        "q_job": Job.objects.create(
            kind=evaluasi_jobs.QUESTIONNAIRE_IMPORT,
            created_by=admin_user,
            params={"period": period.pk},
        ),
        "unit_a": unit_a,
        "unit_b": unit_b,
        "admin_user": admin_user,
        "period": period,
        "jury_membership": period.juries.get(user=jury_user),
        "extension": DeadlineExtension.objects.create(
            period=period, unit=unit_a, saq_close=period.saq_close.replace(year=2027), reason="x"
        ),
        "job": Job.objects.create(kind=award_jobs.UNITS_IMPORT, created_by=admin_user),
        "membership_a": OperatorMembership.objects.get(user=operator_a),
        **_jury_world(period, unit_a, submission, s_indicator, operator_a),
        "users": {
            "anon": None,
            "op_a": operator_a,
            "op_b": operator_b,
            "jury": jury_user,
            "admin": admin_user,
        },
    }


def _jury_world(period, unit_a, submission, indicator, operator_a):
    """Another jury, assigned to unit A, rejected one indicator; the operator objected with a
    file; unit A is scheduled for its presentation."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from award.models import JURY_GROUP
    from penjurian.models import Assignment, Objection, PresentationSlot, Verification
    from tests.factories import UserFactory

    other = UserFactory(username="juri.lain", groups=[JURY_GROUP])
    period.juries.create(user=other)
    Assignment.objects.create(period=period, unit=unit_a, jury=other)
    verdict = Verification.objects.create(
        submission=submission, indicator=indicator, jury=other, decision="reject", reason="x"
    )
    objection = Objection(
        verification=verdict, submission=submission, text="t", filed_by=operator_a
    )
    objection.file_name, objection.file_type = "bukti.pdf", "application/pdf"
    objection.file.save("bukti.pdf", ContentFile(b"%PDF-1.4 x"), save=True)
    slot = PresentationSlot.objects.create(
        period=period, unit=unit_a, starts_at=period.saq_close + dt.timedelta(days=40), place="R"
    )
    return {"objection": objection, "slot": slot}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_permission(client, world, route, role):
    method, kwargs, data, expected = MATRIX[route]
    url = reverse(route, kwargs=kwargs(world) if kwargs else None)
    if route.startswith("api"):  # the API's paths name their organiser: no prefix
        url = organiser_url(None, route, **(kwargs(world) if kwargs else {}))
    client_for(client, world["users"][role])
    response = getattr(client, method)(url, (data(world) if callable(data) else data) or {})
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302, (route, role, response.status_code)
        assert response["Location"].startswith(reverse("login")), response["Location"]
    elif want == DASH:
        assert response.status_code == 302, (route, role, response.status_code)
        assert response["Location"] == reverse("award:dashboard")
    else:
        assert response.status_code == want, (route, role, response.status_code)


def _admin_url(name):
    """A URL for an admin route, filling each path argument with a plausible value."""
    for candidate, pattern in _route_names(get_resolver().url_patterns):
        if candidate == name:
            params = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
            if not params:
                return reverse(name)
            return reverse(name, kwargs={p: ("award" if p == "app_label" else "1") for p in params})
    raise AssertionError(f"no admin route {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anon", "op_a", "jury", "admin"])
def test_django_admin_is_for_staff_only(client, world, role):
    """No role of ours without is_staff reads any Django admin page (the login page aside)."""
    client_for(client, world["users"][role])
    for name in admin_routes():
        if name in {"admin:login", "admin:logout"}:
            continue
        response = client.get(_admin_url(name))
        assert response.status_code in (302, 404), (name, role, response.status_code)
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"], (name, response["Location"])


@pytest.mark.django_db
def test_django_admin_works_for_a_superuser_in_indonesian(client, world):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    for url in ["/admin/", "/admin/award/unit/", "/admin/award/period/", "/admin/award/level/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    body = client.get("/admin/award/unit/").content.decode()
    assert "Pilih unit untuk diubah" in body
    assert "Tingkat" in body or "tingkat" in body
