"""Security from the first view: CSP, login lockout, production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

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
    assert "dan sandi yang benar" in response.content.decode()


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
