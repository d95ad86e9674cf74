"""The analyst's path in a real browser: log in, upload the seed article, watch its drafts appear."""

import os
from pathlib import Path

import pytest

from tests.conftest import SEED_PUBLISHED

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    """Playwright's sync API runs an event loop in this thread, so tests that use it touch the
    database only in fixtures set up before it; everything else goes through the browser."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"Chromium is not at {CHROMIUM}; .ci/run installs Debian's chromium package"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "ana")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_analyst_uploads_the_seed_and_sees_its_drafts(
    live_server, celery_worker_process, reference_data, analyst, seed_text, browser_page
):
    page = browser_page
    _log_in(page, live_server.url)
    page.click("text=Upload")
    page.fill("#id_text", seed_text)
    page.fill("#id_published", SEED_PUBLISHED.isoformat())
    page.fill("#id_publisher", "Mehr News Agency")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/articles/*/")
    page.wait_for_function(
        "document.querySelector('#article-status').textContent.trim() === 'Parsed'", timeout=90_000
    )
    cards = page.locator(".incident")
    assert cards.count() >= 2
    text = page.locator("main").inner_text()
    assert "2022-01-21" in text and "Diyala" in text and "Iraq" in text
    assert "2022-01-20" in text and "Syria" in text
    assert "Islamic State" in text
    _shot(page, "article")

    # An empty upload is refused with a message, not stored.
    page.click("text=Upload")
    page.fill("#id_published", SEED_PUBLISHED.isoformat())
    page.click("#upload-form button[type=submit]")
    assert "Paste the article" in page.locator(".errorlist").first.inner_text()


def test_article_text_is_escaped(live_server, analyst, browser_page):
    page = browser_page
    _log_in(page, live_server.url)
    page.click("text=Upload")
    page.fill("#id_text", "<script>document.title='owned'</script> Students protested in Basra on Monday.")
    page.fill("#id_published", SEED_PUBLISHED.isoformat())
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/articles/*/")
    assert page.title() != "owned"
    assert "<script>document.title='owned'</script>" in page.locator(".article-text").inner_text()
