"""Reviewing a draft in a real browser: evidence marks, an edit, approve, then the history."""

import pytest

from tests.conftest import SEED_PUBLISHED
from tests.test_browser import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed_draft(reference_data, analyst, seed_text) -> dict:
    """The seed article parsed in this process; its Iraqi incident (11 killed) is the draft to review.

    Everything the test needs from the database is read here, before the browser starts."""
    from incidents.models import Incident
    from incidents.services import article_ingest, article_parse

    article = article_ingest(
        published=SEED_PUBLISHED, text=seed_text, publisher="Mehr News Agency", enqueue=False
    ).article
    assert article_parse(article.pk) == "parsed"
    incident = Incident.objects.get(article=article, country_id="IQ", is_background=False)
    assert incident.fatalities_best == 11 and incident.status == "draft"
    return {"pk": incident.pk, "article": article.pk}


def test_analyst_corrects_approves_and_sees_the_history(
    live_server,
    seed_draft,
    browser_page,
):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    _log_in(page, base)
    page.goto(f"{base}/incidents/{seed_draft['pk']}/")

    marks = page.locator("#review-text mark.ev")
    assert marks.count() >= 4
    fatalities = page.locator('#review-text mark[data-field~="fatalities"]')
    assert fatalities.count() >= 1
    assert "Eleven" in "".join(fatalities.all_inner_texts())  # "Eleven Iraqi soldiers ...", split by overlaps
    assert page.locator("#id_fatalities_best").input_value() == "11"

    # focusing a field lights up its evidence
    page.focus("#id_fatalities_best")
    page.wait_for_selector('#review-text mark.active[data-field~="fatalities"]')
    assert page.locator('#review-text mark.active[data-field~="location"]').count() == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "review", full_page=False)  # the article pane is sticky: a full-page capture misplaces it

    high = page.locator("#id_fatalities_high").input_value()
    page.fill("#id_fatalities_best", "12")
    page.click("#approve-button")
    if high and int(high) < 12:  # the draft said "eleven": above its high figure, refused
        page.wait_for_selector("#id_fatalities_best_errors")
        assert "outside low–high" in page.locator("#id_fatalities_best_errors").inner_text()
        assert page.locator("#id_fatalities_best").input_value() == "12"  # the input is kept
        page.fill("#id_fatalities_high", "12")
        page.click("#approve-button")
    page.wait_for_url(lambda url: f"/incidents/{seed_draft['pk']}/" not in url)
    # on to the next draft waiting (or the article)
    assert "published" in page.locator(".messages").inner_text()

    page.goto(f"{base}/incidents/{seed_draft['pk']}/")
    assert page.locator("#incident-status").inner_text().strip().lower() == "published"
    page.click("#history-link")
    page.wait_for_url(f"**/incidents/{seed_draft['pk']}/history/")
    row = page.locator('#history tr.change[data-field="fatalities_best"]').first
    assert row.locator("del").inner_text() == "11" and row.locator("ins").inner_text() == "12"
    assert "11 → 12" in row.inner_text()
    changed = page.locator('tr.change[data-field="fatalities_best"]')
    entry = page.locator("#history .history-entry").filter(has=changed).first
    assert entry.locator(".who").inner_text() == "ana"
    text = page.locator("#history").inner_text()
    assert "Draft → Published" in text and "extractor/system" in text
    _shot(page, "history")
    assert not errors, errors


def test_the_form_helps_on_a_tablet(live_server, seed_draft, browser_page):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 800, "height": 1000})
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/incidents/{seed_draft['pk']}/")

    # narrow screen: the article sits above the form, not beside it
    text_box = page.locator(".pane-text").bounding_box()
    form_box = page.locator(".pane-form").bounding_box()
    assert text_box["y"] + text_box["height"] <= form_box["y"] + 1
    assert abs(text_box["x"] - form_box["x"]) < 2
    _shot(page, "review-tablet")

    # sub-event types follow the event type
    page.select_option("#id_event_type", "Protests")
    options = page.eval_on_selector_all("#id_sub_event_type option", "os => os.map(o => o.value)")
    assert "Peaceful protest" in options and "Armed clash" not in options

    # a curated place fills coordinates, admin1 and country
    page.fill("#id_location_name", "Baqu")
    page.wait_for_selector("#place-suggestions option", state="attached")
    label = page.locator("#place-suggestions option").first.get_attribute("value")
    assert label.startswith("Baqubah — Diyala, Iraq")
    page.fill("#id_location_name", label)
    assert page.locator("#id_location_name").input_value() == "Baqubah"
    assert page.locator("#id_latitude").input_value() == "33.75"
    assert page.locator("#id_admin1").input_value() == "Diyala"
    assert page.locator("#id_location").input_value() != ""

    # a new actor row, found by an alias
    page.click("#add-actor")
    new_row = page.locator("#actor-rows .actor-row").last
    new_row.locator("input[type=text]").fill("Daes")
    page.wait_for_selector("#actor-suggestions option", state="attached")
    assert page.locator("#actor-suggestions option").first.get_attribute("value") == "Islamic State"
    assert page.locator("#id_actors-TOTAL_FORMS").input_value() == "3"

    # j (outside any field) moves on to the next draft
    page.locator("h1").click()
    page.keyboard.press("j")
    page.wait_for_url(lambda url: f"/incidents/{seed_draft['pk']}/" not in url)
    assert "/incidents/" in page.url
    assert not errors, errors
