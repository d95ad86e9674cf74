"""The feeds page and import by URL in a real browser, with a real worker fetching from a local
news site: a feed added by form is polled, and its table fills in live (htmx), no reload; a URL
given alone on the upload page is followed until its drafts appear."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import _worker
from tests.support.news_site import NewsSite, items
from tests.test_browser import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def news_site():
    with NewsSite() as site:
        yield site


@pytest.fixture
def fetching_worker(transactional_db, tmp_path):
    with _worker(tmp_path / "worker.log", env={"FETCH_ALLOWED_HOSTS": "127.0.0.1"}) as proc:
        yield proc


def test_a_feed_added_in_the_browser_fills_its_row_live(
    live_server, fetching_worker, reference_data, analyst, news_site, browser_page
):
    feed_url = news_site.add_feed("/rss", items(0, 2))
    page = browser_page
    _log_in(page, live_server.url)
    page.click("header >> text=Feeds")
    assert "No feeds yet" in page.locator("#feed-table").inner_text()
    page.fill("#id_url", feed_url)
    page.fill("#id_name", "Test Herald wire")
    page.fill("#id_publisher", "The Test Herald")
    page.select_option("#id_scale", "national")
    page.click("#feed-add button[type=submit]")
    page.wait_for_selector("text=Feed “Test Herald wire” added")
    row = page.locator("#feed-table tbody tr[id^='feed-']")
    assert row.count() == 1
    feed_id = row.get_attribute("id").removeprefix("feed-")
    # no reload from here on: the row changes under htmx as the worker polls, fetches and parses
    page.evaluate("window.notReloaded = true")
    expect(row.locator(".feed-articles")).to_have_text("2", timeout=60_000)
    expect(row.locator(".feed-incidents")).not_to_have_text("0", timeout=60_000)
    assert page.evaluate("window.notReloaded") is True
    assert row.get_attribute("data-status") == "ok"
    assert "(2 items, 2 new)" in row.inner_text()
    _shot(page, "feeds")

    page.click(f"#feed-{feed_id} >> text=Test Herald wire")
    assert page.locator("tr.feed-item").count() == 2
    page.click("tr.feed-item >> nth=0 >> a >> nth=1")  # the item's article
    page.wait_for_selector("#article-status.status-parsed")
    assert page.locator("#article-published").inner_text().startswith("2026-11-")
    assert page.locator(".incident").count() >= 1


def test_a_url_alone_on_the_upload_page_is_fetched_and_drafted(
    live_server, fetching_worker, reference_data, analyst, news_site, browser_page
):
    news_site.pages["/news/undated"] = items(3, 1, undated=True)[0]
    page = browser_page
    _log_in(page, live_server.url)
    page.click("header >> text=Upload")
    page.fill("#id_url", news_site.url("/news/undated"))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/articles/*/")
    assert "fetching the page" in page.locator("#article-status").inner_text().lower()
    page.wait_for_selector(".incident", timeout=60_000)  # the page reloads itself once parsed
    warning = page.locator("#article-date-warning")
    assert "the day it was fetched" in warning.inner_text()
    _shot(page, "article-from-url")
    page.fill("#id_published_fix", "2026-11-20")
    page.click("text=Set the date")
    page.wait_for_selector("text=Publication date set to 2026-11-20")
    page.wait_for_selector("#article-status.status-parsed", timeout=60_000)
    assert page.locator("#article-published").inner_text().startswith("2026-11-20")
    assert page.locator("#article-date-warning").count() == 0
