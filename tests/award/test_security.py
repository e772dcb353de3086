"""Security from the first view: CSP, login lockout, production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from award import jobs as award_jobs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_csp_header_forbids_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_style():
    for path in list(ROOT.glob("templates/**/*.html")) + list(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            assert "src=" in match.group(1), f"inline <script> in {path}"
        assert " style=" not in text, f"inline style attribute in {path}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {path}"


def test_no_external_assets_are_referenced():
    for path in list(ROOT.glob("templates/**/*.html")) + list(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text()
        assert not re.search(r"(src|href)=\"(https?:)?//", text), f"external asset in {path}"
    for css in (ROOT / "static").rglob("*.css"):
        assert "@import url(http" not in css.read_text(errors="ignore"), css


def test_login_is_locked_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="op.kunci")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "op.kunci", "password": "salah"})
    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(
        reverse("login"), {"username": user.username, "password": "kata-sandi-uji-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_login_with_the_right_password(client):
    UserFactory(username="op.masuk")
    response = client.post(
        reverse("login"), {"username": "op.masuk", "password": "kata-sandi-uji-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("award:dashboard")


def test_wrong_password_message_is_indonesian(client):
    UserFactory(username="op.salah")
    response = client.post(reverse("login"), {"username": "op.salah", "password": "keliru"})
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "ppid.kutaitimurkab.go.id",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_private_uploads_have_no_public_url():
    from django.core.files.storage import storages

    with pytest.raises(ValueError, match="no public URL"):
        storages["private"].url("jobs/x.xlsx")


def _login(client, username, password, forwarded):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",  # every request arrives from the reverse proxy
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_an_attacker_cannot_lock_out_the_real_admin(settings):
    """Lockout is per username *and* client address, the address taken from the header the
    trusted proxy sets; a forged X-Forwarded-For entry changes nothing."""
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXIES = 1
    UserFactory(username="admin.kominfo")
    attacker = Client()
    for forged in ("10.9.9.9", "10.9.9.8", "10.9.9.7", "10.9.9.6"):
        response = _login(attacker, "admin.kominfo", "salah", f"{forged}, 203.0.113.66")
    assert response.status_code == 429, "the attacker's own address is locked"
    admin = Client()
    response = _login(admin, "admin.kominfo", "kata-sandi-uji-123", "198.51.100.7")
    assert response.status_code == 302, "the real admin, from its own address, signs in"
    response = _login(Client(), "admin.kominfo", "kata-sandi-uji-123", "1.1.1.1, 203.0.113.66")
    assert response.status_code == 429, "and the locked address stays locked"


def test_lockout_page_says_minutes_and_an_admin_releases_it(client, settings, admin_user):
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    UserFactory(username="op.lupa")
    operator = Client()
    for _ in range(2):
        response = _login(operator, "op.lupa", "salah", "203.0.113.5")
    body = response.content.decode()
    assert response.status_code == 429
    assert "Tunggu 30 menit" in body and "PT30M" not in body
    client.force_login(admin_user)
    page = client.get(reverse("lockout_list")).content.decode()
    assert "op.lupa" in page and "203.0.113.5" in page
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="op.lupa")
    released = client.post(reverse("lockout_release", args=[attempt.pk]), follow=True)
    assert "op.lupa dapat masuk lagi" in released.content.decode()
    response = _login(operator, "op.lupa", "kata-sandi-uji-123", "203.0.113.5")
    assert response.status_code == 302


def test_django_admin_job_page_shows_a_private_file_without_a_link(client, admin_user):
    from django.core.files.base import ContentFile

    from common.models import Job

    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    job = Job(kind=award_jobs.UNITS_IMPORT, file_name="unit.xlsx")
    job.file.save("jobs/unit.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    client.force_login(admin_user)
    response = client.get(reverse("admin:common_job_change", args=[job.pk]))
    assert response.status_code == 200
    assert "jobs/unit" in response.content.decode()


def test_an_oversized_upload_is_refused_before_it_is_read(client, operator_a, settings):
    """The declared length decides: a 200 MB upload is answered 413 from its headers."""
    client.force_login(operator_a)
    response = client.post(
        "/kutim/saq/1/bukti/1/",
        data=b"x" * 1024,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "lebih besar dari 10 MB" in response.content.decode()
    assert response["Connection"] == "close"


def test_a_body_without_a_length_is_cut_at_the_limit(settings, rf):
    from django.core.files.uploadhandler import StopUpload

    from common.uploads import LimitedUploadHandler

    settings.REQUEST_MAX_BYTES = 4096
    request = rf.post("/")
    handler = LimitedUploadHandler(request)
    handler.receive_data_chunk(b"x" * 4000, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 200, 4000)
    assert request.upload_too_large


def test_malformed_settings_stop_the_start():
    for name, value in (("DEBUG", "Flase"), ("UPLOAD_MAX_MB", "10MB")):
        run = subprocess.run(
            [sys.executable, "-c", "import config.settings"],
            env={**os.environ, name: value, "SECRET_KEY": "x"},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert run.returncode != 0
        assert name in run.stderr and "SettingError" in run.stderr
