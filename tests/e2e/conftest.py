"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("FAILED: chromium is not installed (make test installs it)", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def login(page, live_server, username, password):
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/dasbor/")


def answer_yes_and_upload(page, indicator, folder, file_name: str):
    """On the open SAQ step: answer "Ya" to ``indicator``, wait for the autosave, upload a PDF
    as its evidence and wait until it is listed (by its stored name)."""
    from tests.evaluasi.conftest import PDF

    block = page.locator(f"#indikator-{indicator.pk}")
    block.get_by_label("Ya").check()
    block.get_by_text("Tersimpan pukul").wait_for()
    upload = folder / file_name
    upload.write_bytes(PDF)
    block.get_by_text("Tambah bukti").click()
    block.locator("input[type=file]").set_input_files(str(upload))
    block.get_by_role("button", name="Unggah").click()
    block.get_by_role("link", name=file_name.replace(" ", "_")).wait_for()
    return block
