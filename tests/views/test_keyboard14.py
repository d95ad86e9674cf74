"""The desk without a mouse: on every page Tab reaches every control in the order it is read, each
shows where the focus is, and the day's main actions (save, approve, filter, bulk publish, upload,
poll a feed) are done from the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import _log_in
from tests.views.conftest import layout_pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every control a keyboard user must reach, numbered in document order (data-kb): links, buttons,
# fields, summaries and scroll boxes that are shown and enabled; a radio group counts once.
NUMBER_CONTROLS = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  const seen = new Set();
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    const shown = el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    if (!shown || el.disabled || el.tabIndex < 0 || el.closest("[inert], details:not([open]) > :not(summary)")) continue;
    if (el.type === "radio") {
      if (seen.has(el.name)) continue;
      seen.add(el.name);
    }
    el.dataset.kb = String(n++);
  }
  return n;
}"""

# Where the focus is after a Tab, and whether it can be seen (an outline or a ring).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  return {kb: el.dataset.kb === undefined ? null : Number(el.dataset.kb), ring,
          what: el.tagName + (el.id ? "#" + el.id : "") + " " + (el.textContent || el.name || "").trim().slice(0, 30)};
}"""

THIRD_PARTY = ("/api/v1/docs/",)  # Swagger UI's own page


def _tab_walk(page, limit: int) -> list[dict]:
    """Press Tab until the focus leaves the page's controls or comes round again."""
    focused: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now is None or (focused and now["kb"] is not None and now["kb"] == focused[0]["kb"]):
            break
        focused.append(now)
    return focused


def _open(page, base: str, width: int, path: str) -> None:
    """Log in and open `path` at a window `width` pixels wide."""
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, base)
    page.goto(f"{base}{path}")


def _retype(page, text: str) -> None:
    """Replace the focused box's text, as one does with Ctrl+A and typing."""
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def test_tab_reaches_every_control_in_reading_order_and_shows_the_focus(
    live_server, layout_world, browser_page, settings
):
    settings.MAP_TILE_URL = ""
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_in(page, live_server.url)
    problems: list[str] = []
    print()
    for path in layout_pages_of(layout_world):
        if path in THIRD_PARTY:
            continue
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        total = page.evaluate(NUMBER_CONTROLS)
        page.evaluate(
            "() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }"
        )
        walk = _tab_walk(page, total + 10)
        order = [step["kb"] for step in walk if step["kb"] is not None]
        missed = sorted(set(range(total)) - set(order))
        print(f"keyboard {path}: {total} controls, {len(set(order))} reached by Tab")
        if missed:
            problems.append(f"{path}: Tab never reaches controls {missed[:5]} of {total}")
        if order != sorted(order):
            back = next(b for a, b in zip(order, order[1:], strict=False) if b < a)
            problems.append(f"{path}: the focus jumps back to control {back} (order {order[:12]}…)")
        problems += [f"{path}: no visible focus on {step['what']}" for step in walk if not step["ring"]]
    print("\n".join(problems))
    assert problems == []


def test_a_draft_is_corrected_saved_and_approved_from_the_keyboard(live_server, layout_world, browser_page):
    page = browser_page
    _open(page, live_server.url, 1366, f"/incidents/{layout_world['drafted']}/")
    page.focus("#id_fatalities_best")
    _retype(page, "4")  # the wire says three; a later count says four
    page.keyboard.press("Tab")  # on to "Fatalities high", which must not stay below best
    _retype(page, "4")
    page.keyboard.press("Control+Enter")  # save without leaving the field
    expect(page.locator(".messages")).to_contain_text("Saved")
    expect(page.locator("#incident-status")).to_contain_text("reviewed", ignore_case=True)
    page.locator("body").focus()
    page.keyboard.press("a")  # approve: save and publish, then on to the next draft
    drafted = layout_world["drafted"]
    expect(page.locator(".messages")).to_contain_text(f"Incident {drafted} published.")
    page.goto(f"{live_server.url}/incidents/{drafted}/")
    expect(page.locator("#incident-status")).to_contain_text("published", ignore_case=True)
    expect(page.locator("#id_fatalities_best")).to_have_value("4")


def test_filter_select_and_bulk_publish_from_the_keyboard(live_server, layout_world, browser_page):
    page = browser_page
    _open(page, live_server.url, 1024, "/incidents/")
    page.focus("#id_q")
    page.keyboard.type("checkpoint")
    page.keyboard.press("Enter")  # the filter form submits from its text box
    rows = page.locator("#incident-results tbody tr")
    expect(rows).to_have_count(2)  # the wire story's two incidents
    page.focus("#incident-results tbody tr:first-child input[name=ids]")
    page.keyboard.press("Space")
    publish = page.locator("#bulk-form button[value=publish]")
    expect(publish).to_be_enabled()
    publish.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#incident-results tbody td.status").first).to_contain_text(
        "published", ignore_case=True
    )


def test_an_article_is_uploaded_and_a_feed_polled_from_the_keyboard(live_server, layout_world, browser_page):
    page = browser_page
    _open(page, live_server.url, 820, "/articles/new/")
    page.focus("#id_text")
    page.keyboard.type("Gunmen wounded a shepherd near Kirkuk on Monday, police said.")
    page.focus("#id_published")
    page.keyboard.type("2024-05-08")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/\d+/$"))  # the new article's page
    expect(page.locator("main")).to_contain_text("Gunmen wounded a shepherd near Kirkuk")
    page.goto(f"{live_server.url}/feeds/")
    poll = page.locator("form[action$='/poll/'] button").first
    poll.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_be_visible()
