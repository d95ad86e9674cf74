"""The desk's report pages in a real browser: the "possible same event" queue's keys (j/k move,
y merges, n rejects, the next pair takes the focus), merging from the review page then Undo, and
splitting a report out of an incident of two (then Undo)."""

from __future__ import annotations

import pytest

from tests.test_browser import _log_in, _shot
from tests.views.desk_world import queue_pair, two_report_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(make_incident, analyst) -> dict:
    """Three queued pairs and an incident of two reports; read before the browser starts
    (Playwright's loop shares this thread)."""
    pairs = [
        queue_pair(make_incident, 0.72, place="Baquba", killed=9),
        queue_pair(make_incident, 0.61, place="Muqdadiya", killed=6),
        queue_pair(make_incident, 0.55, place="Khalis", killed=4),
    ]
    event, _, second = two_report_event(make_incident)
    lone = make_incident(location_name="Balad Ruz")
    return {
        "pairs": [(p.pk, p.incident_id, p.candidate_id) for p in pairs],
        "event": event.pk,
        "second": second.pk,
        "lone": lone.pk,
    }


def _current(page) -> str:
    return page.locator("#pairs .pair.current").get_attribute("data-pair")


def test_the_queue_by_keys(live_server, desk, browser_page):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, live_server.url)
    page.wait_for_selector("#possible-duplicate-count:text('3')")
    page.click("#nav-possible-duplicates")
    (first, first_new, first_old), (second, second_new, second_old), (third, _, _) = desk["pairs"]
    assert page.locator("#pairs .pair").count() == 3 and _current(page) == str(first)
    _shot(page, "possible-duplicates")
    page.keyboard.press("j")
    assert _current(page) == str(second)
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("y")  # the second pair is the same event: merged in place
    page.wait_for_selector("#undo-text")
    assert page.inner_text("#undo-text") == f"Incident {second_new} merged into incident {second_old}."
    assert page.locator("#pairs .pair").count() == 2
    assert _current(page) == str(third)  # the next pair took the decided one's place and the focus
    assert page.evaluate("document.activeElement.getAttribute('data-pair')") == str(third)
    assert page.inner_text("#possible-duplicate-count") == "2"
    page.keyboard.press("n")  # the third is not the same
    page.wait_for_selector("#queue-notice")
    assert "not the same event" in page.inner_text("#queue-notice")
    assert page.locator("#pairs .pair").count() == 1 and _current(page) == str(first)
    assert page.inner_text("#possible-duplicate-count") == "1"
    page.goto(f"{live_server.url}/incidents/{second_new}/")
    assert page.inner_text("#merged-pointer") == f"Merged into incident {second_old}"
    assert not errors, errors


def test_merge_then_undo_from_the_queue_and_the_review_page(live_server, desk, browser_page):
    page = browser_page
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/incidents/possible-duplicates/")
    first, first_new, first_old = desk["pairs"][0]
    page.keyboard.press("y")
    page.wait_for_selector("#undo-button")
    page.click("#undo-button")  # the pair asks again, at the top
    page.wait_for_selector(".messages >> text=Undone:")
    assert page.locator("#pairs .pair").count() == 3 and _current(page) == str(first)

    # the review page's merge box ("d"), then Undo
    page.goto(f"{live_server.url}/incidents/{desk['lone']}/")
    page.keyboard.press("d")
    page.keyboard.type(str(desk["event"]))
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")  # a merge asks first (issue 14): Enter confirms
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/incidents/{desk['event']}/?undo=*")
    assert page.inner_text("#undo-text") == f"Incident {desk['lone']} merged into incident {desk['event']}."
    assert page.locator(".report-card").count() == 3
    page.click("#undo-button")
    page.wait_for_selector(".messages >> text=Undone:")
    assert page.locator(".report-card").count() == 2 and page.locator("#undo").count() == 0
    page.goto(f"{live_server.url}/incidents/{desk['lone']}/")
    assert (
        page.inner_text("#incident-status").strip().lower() == "draft"
        and page.locator("#merged-pointer").count() == 0
    )


def test_split_a_report_out_then_undo(live_server, desk, browser_page):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/incidents/{desk['event']}/")
    assert page.locator(".report-card").count() == 2
    page.focus("#id_fatalities_best")  # the toll's evidence lights up in both reports
    page.wait_for_selector(f"#report-text-{desk['second']} mark.active[data-field~='fatalities']")
    assert page.locator(".report-text mark.active").count() == 2
    page.set_viewport_size({"width": 1400, "height": 900})
    _shot(page, "review-reports", full_page=False)
    page.click(f"#split-{desk['second']}")
    page.wait_for_selector("#undo-text")
    text = page.inner_text("#undo-text")
    assert text.startswith(f"Report {desk['second']} split out into incident ")
    assert page.locator(".report-card").count() == 0 and page.locator("#review-text").count() == 1
    page.click("#undo-button")
    page.wait_for_selector(".messages >> text=Undone:")
    assert page.locator(".report-card").count() == 2
    page.click("#history-link")
    assert "— undone by ana" in page.inner_text("#history")
    assert not errors, errors
