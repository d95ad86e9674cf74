"""Issue 14, the review page in a real browser: evidence shown on load on whole words, readable
inputs, the background badge, reject and merge asked first and undone, the figures rule, a typed
place. The data is made in fixtures (Playwright's loop keeps the test body off the database)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from playwright.sync_api import expect

from tests.test_browser import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLER = "Officials met in the capital to discuss the budget and the coming harvest season. " * 6
STORY = "Gunmen attacks near Al-Adhim killed 11 soldiers on Friday, the army said."


@pytest.fixture
def world(analyst, make_incident) -> dict:
    """A long article whose only story is at its end, drafted with evidence that cuts words; a
    second draft waiting; a background incident; a published incident to merge into."""
    from incidents.models import Article, Country, Evidence, Location

    iraq, _ = Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
    Location.objects.create(name="Al-Adhim", country=iraq, admin1="Diyala", latitude=34.06, longitude=44.52)
    text = "\n\n".join([FILLER] * 40 + [STORY])
    article = Article.objects.create(
        text=text, published=dt.date(2022, 1, 23), content_hash=uuid.uuid4().hex * 2, title="Diyala"
    )
    draft = make_incident(article=article, location_name="Al-Adhim", fatalities_best=11)
    at = text.index(STORY)
    for field, part in [
        ("event_type", "attack"),  # cut: "attacks"
        ("location", "Adhim"),  # cut: "Al-Adhim"
        ("fatalities", "killed 11 soldiers"),
        ("actor2", "11 soldiers"),  # inside the fatalities span
    ]:
        start = at + STORY.index(part)
        Evidence.objects.create(
            incident=draft, report=draft.reports.first(), article=article, field=field,
            start=start, end=start + len(part), text=part,
        )  # fmt: skip
    waiting = make_incident()
    recalled = make_incident(article=article, is_background=True, start_date=dt.date(2019, 5, 1))
    target = make_incident(status="published")
    return {"draft": draft.pk, "waiting": waiting.pk, "recalled": recalled.pk, "target": target.pk}


def _open(page, base: str, pk: int) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1366, "height": 800})
    _log_in(page, base)
    page.goto(f"{base}/incidents/{pk}/")
    return errors


def test_the_evidence_is_shown_on_load_on_whole_words_one_underline_per_field(
    live_server, world, browser_page
):
    page = browser_page
    errors = _open(page, live_server.url, world["draft"])
    page.wait_for_selector("#review[data-evidence-shown]")
    first = page.locator("#review-text mark.ev").first
    assert first.get_attribute("data-flashed") == "1"
    pane = page.locator(".pane-text").bounding_box()
    box = first.bounding_box()
    # in view without hovering: inside the article pane and inside the window
    assert pane["y"] <= box["y"] and box["y"] + box["height"] <= pane["y"] + pane["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.evaluate("() => document.querySelector('.pane-text').scrollTop") > 0

    def words(field: str) -> str:
        return "".join(page.locator(f'#review-text mark[data-field~="{field}"]').all_inner_texts())

    assert words("location") == "Al-Adhim" and words("event_type") == "attacks"
    assert words("fatalities") == "killed 11 soldiers" and words("actor2") == "11 soldiers"
    # one underline per field: the fatalities line keeps its lane on both of its segments, the
    # nested actor2 evidence draws a second line above it; no rounded per-segment boxes
    styles = page.eval_on_selector_all(
        '#review-text mark[data-field~="fatalities"]',
        "ms => ms.map(m => [getComputedStyle(m).borderTopLeftRadius, getComputedStyle(m).backgroundImage])",
    )
    assert len(styles) == 2
    for radius, image in styles:
        assert radius == "0px" and "rgb(192, 24, 47)" in image  # the fatalities colour, lane 0
    assert "rgb(155, 47, 174)" in styles[1][1]  # actor2's colour on the nested part
    _shot(page, "review14-evidence", full_page=False)
    assert not errors, errors


def test_inputs_read_at_the_size_of_their_labels(live_server, world, browser_page):
    page = browser_page
    errors = _open(page, live_server.url, world["draft"])
    sizes = page.eval_on_selector_all(
        "#review-form .field",
        """fs => fs.filter(f => f.querySelector('label') && f.querySelector('input:not([type=hidden]), select, textarea'))
                 .map(f => [f.querySelector('label').textContent.trim(),
                            parseFloat(getComputedStyle(f.querySelector('label')).fontSize),
                            parseFloat(getComputedStyle(f.querySelector('input:not([type=hidden]), select, textarea')).fontSize)])""",
    )
    assert len(sizes) >= 15
    small = [(label, lab, inp) for label, lab, inp in sizes if inp < lab]
    assert not small, small
    assert not errors, errors


def test_a_background_incident_says_so(live_server, world, browser_page):
    page = browser_page
    errors = _open(page, live_server.url, world["recalled"])
    expect(page.locator(".review-head .badge-background")).to_be_visible()
    expect(page.locator("#background-note")).to_contain_text("only recalls")
    assert not errors, errors


def test_r_asks_first_and_the_rejection_can_be_undone(live_server, world, browser_page):
    page = browser_page
    base = live_server.url
    errors = _open(page, base, world["draft"])
    page.locator("h1").click()
    page.keyboard.press("r")
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-text")).to_contain_text(f"Reject incident {world['draft']}?")
    page.keyboard.press("Escape")  # changed one's mind: nothing happens
    expect(dialog).to_be_hidden()
    expect(page.locator("#incident-status")).to_have_text("Draft")

    page.keyboard.press("r")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/incidents/{world['waiting']}/?rejected={world['draft']}")
    expect(page.locator("#reject-undo")).to_contain_text(f"Incident {world['draft']} rejected.")
    _shot(page, "review14-reject-undo", full_page=False)
    page.locator("h1").click()
    page.keyboard.press("u")
    page.wait_for_url(f"**/incidents/{world['draft']}/")
    expect(page.locator("#incident-status")).to_have_text("Draft")
    expect(page.locator(".messages")).to_contain_text("undone")
    page.click("#history-link")
    history = page.locator("#history")
    expect(history).to_contain_text("Draft → Rejected")
    expect(history).to_contain_text("Rejected → Draft")
    assert not errors, errors


def test_a_late_close_of_the_last_ask_does_not_swallow_the_next(live_server, world, browser_page):
    """The dialog's "close" comes as a task after it shuts: after a quick Escape and "r" it can
    arrive while the new ask is open. It must leave the new ask alone, so Enter still rejects."""
    page = browser_page
    errors = _open(page, live_server.url, world["draft"])
    page.locator("h1").click()
    page.keyboard.press("r")
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    page.evaluate("() => document.getElementById('confirm-dialog').dispatchEvent(new Event('close'))")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/incidents/{world['waiting']}/?rejected={world['draft']}")
    assert not errors, errors


def test_merge_asks_first_and_offers_undo(live_server, world, browser_page):
    page = browser_page
    base = live_server.url
    errors = _open(page, base, world["draft"])
    page.fill("#duplicate-of", str(world["target"]))
    page.click("#duplicate-button")
    expect(page.locator("#confirm-text")).to_contain_text(f"into incident {world['target']}?")
    page.click("#confirm-no")
    assert f"/incidents/{world['draft']}/" in page.url
    page.click("#duplicate-button")
    page.click("#confirm-yes")
    page.wait_for_url(f"**/incidents/{world['target']}/?undo=*")
    expect(page.locator("#undo")).to_contain_text(
        f"Incident {world['draft']} merged into incident {world['target']}"
    )
    page.click("#undo-button")
    page.goto(f"{base}/incidents/{world['draft']}/")
    expect(page.locator("#incident-status")).not_to_have_text("Merged")
    assert not errors, errors


def test_figures_out_of_order_are_refused_on_the_field(live_server, world, browser_page):
    page = browser_page
    errors = _open(page, live_server.url, world["draft"])
    page.fill("#id_fatalities_low", "121")
    page.fill("#id_fatalities_best", "120")
    page.click("#save-button")
    errors_box = page.locator("#id_fatalities_best_errors")
    expect(errors_box).to_contain_text("below low (121)")
    assert page.locator("#id_fatalities_low").input_value() == "121"  # the input is kept
    _shot(page, "review14-figures", full_page=False)
    assert not errors, errors


def test_a_typed_place_is_resolved_or_the_analyst_is_told_it_stays_text(live_server, world, browser_page):
    page = browser_page
    base = live_server.url
    errors = _open(page, base, world["draft"])
    page.fill("#id_location_name", "Somewhere Unmapped")
    note = page.locator("#place-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("free text with no coordinates")
    page.click("#save-button")
    page.wait_for_url(f"**/incidents/{world['draft']}/")
    expect(page.locator(".messages")).to_contain_text("kept as free text with no coordinates")
    assert page.locator("#id_location").input_value() == ""

    page.fill("#id_location_name", "al-adhim")  # typed exactly, not picked
    page.click("#save-button")
    expect(page.locator(".messages")).to_contain_text("placed at")
    assert page.locator("#id_location").input_value() != ""
    assert page.locator("#id_latitude").input_value() == "34.06"
    assert not errors, errors
