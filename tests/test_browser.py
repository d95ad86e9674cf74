"""The analyst's path in a real browser: log in, upload the seed article, watch its drafts appear."""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import SEED_PUBLISHED

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str, full_page: bool = True) -> None:
    """With SCREENSHOT_DIR set, save the page (docs/screenshots/ holds the current ones)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=full_page)


def _log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "ana")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_analyst_uploads_reviews_finds_and_traces_the_seed_incident(
    live_server, celery_worker_process, reference_data, analyst, seed_text, browser_page, settings
):
    """The whole day's path: upload the seed, wait for the worker's drafts, review the Iraqi one
    against its evidence, correct its death toll, approve it, find it through the list's filters and
    on the map, and read the correction in its history."""
    settings.MAP_TILE_URL = ""  # no internet here: the map stands on its own outlines
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    _log_in(page, base)
    _shot(page, "dashboard-empty")
    page.click("header >> text=Upload")
    page.fill("#id_text", seed_text)
    page.fill("#id_published", SEED_PUBLISHED.isoformat())
    page.fill("#id_publisher", "Mehr News Agency")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/articles/*/")
    page.wait_for_function(
        "() => document.querySelector('#article-status').textContent.trim() === 'Parsed'", timeout=90_000
    )
    page.wait_for_selector(".incident")
    cards = page.locator(".incident")
    assert cards.count() >= 2
    text = page.locator("main").inner_text()
    assert "2022-01-21" in text and "Diyala" in text and "Iraq" in text
    assert "2022-01-20" in text and "Syria" in text
    assert "Islamic State" in text
    _shot(page, "article")

    # the review page: the Iraqi draft, its evidence highlighted in the article
    iraq = cards.filter(has_text="Iraq").filter(has_text="2022-01-21").first
    iraq.locator("a.review-link").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    incident_url = page.url
    assert page.locator("#review-text mark.ev").count() >= 4
    assert page.locator('#review-text mark[data-field~="fatalities"]').count() >= 1
    assert page.locator("#id_fatalities_best").input_value() == "11"

    # correct the toll (a twelfth soldier died of his wounds, say) and approve
    page.fill("#id_fatalities_high", "12")
    page.fill("#id_fatalities_best", "12")
    page.click("#approve-button")
    page.wait_for_url(lambda url: url != incident_url)
    assert "published" in page.locator(".messages").inner_text().lower()
    incident_path = incident_url.removeprefix(base)

    # found through the list's filters
    page.goto(f"{base}/incidents/?country=IQ&status=published")
    rows = page.locator("#incident-results tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(f'a[href="{incident_path}"]').count() >= 1
    assert "12" in rows.first.inner_text()
    _shot(page, "list")

    # and on the map, its popup leading back to it
    page.click("#map-link")
    page.wait_for_url(re.compile(r"/incidents/map/\?"))
    page.wait_for_function("() => document.getElementById('incident-map').dataset.points === '1'")
    page.wait_for_function("() => document.getElementById('incident-map').dataset.outlines === 'ready'")
    page.locator(".leaflet-overlay-pane svg path.incident-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "2022-01-21" in popup.inner_text()
    assert popup.locator("a.incident-link").get_attribute("href") == incident_path
    _shot(page, "map")
    popup.locator("a.incident-link").click()
    page.wait_for_url(incident_url)

    # the history: who changed the toll from what to what
    page.click("#history-link")
    page.wait_for_url(f"{incident_url}history/")
    row = page.locator('#history tr.change[data-field="fatalities_best"]').first
    assert "11 → 12" in row.inner_text()
    changed = page.locator('tr.change[data-field="fatalities_best"]')
    entry = page.locator("#history .history-entry").filter(has=changed).first
    assert entry.locator(".who").inner_text() == "ana"
    assert "Draft → Published" in page.locator("#history").inner_text()

    page.goto(f"{base}/")
    _shot(page, "dashboard")
    assert not errors, errors

    # An empty upload is refused with a message, not stored.
    page.click("header >> text=Upload")
    page.fill("#id_published", SEED_PUBLISHED.isoformat())
    page.click("#upload-form button[type=submit]")
    assert "Paste the article" in page.locator(".errorlist").first.inner_text()


def test_article_text_is_escaped(live_server, analyst, browser_page):
    page = browser_page
    _log_in(page, live_server.url)
    page.click("header >> text=Upload")
    page.fill("#id_text", "<script>document.title='owned'</script> Students protested in Basra on Monday.")
    page.fill("#id_published", SEED_PUBLISHED.isoformat())
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/articles/*/")
    assert page.title() != "owned"
    assert "<script>document.title='owned'</script>" in page.locator(".article-text").inner_text()
