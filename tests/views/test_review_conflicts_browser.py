"""Two analysts' pages open on one draft in a real browser: the second save is refused, shows
what the first changed and keeps what the second typed."""

from __future__ import annotations

import pytest

from tests.test_browser import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft_pk(make_incident, analyst) -> int:
    """Read before the browser starts (Playwright's loop shares this thread)."""
    return make_incident().pk


def test_two_pages_from_one_version_the_second_save_shows_the_conflict(live_server, draft_pk, browser_page):
    first = browser_page
    _log_in(first, live_server.url)
    second = first.context.browser.new_page()  # a browser window of its own (own session)
    _log_in(second, live_server.url)
    url = f"{live_server.url}/incidents/{draft_pk}/"
    first.goto(url)
    second.goto(url)
    first.fill("#id_summary", "First analyst's summary.")
    first.click("#save-button")
    first.wait_for_selector("text=Saved.")
    second.fill("#id_fatalities_best", "42")
    second.click("#save-button")
    second.wait_for_selector("#conflict")
    conflict = second.inner_text("#conflict")
    assert "First analyst's summary." in conflict and "by ana" in conflict
    assert second.input_value("#id_fatalities_best") == "42"
    second.click("#save-button")  # re-applied deliberately, having seen the change
    second.wait_for_selector("text=Saved.")
    assert second.input_value("#id_fatalities_best") == "42"
