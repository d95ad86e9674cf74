"""The incident list and map in a real browser: filter, sort and bulk-publish with htmx, then the map
drawn with no tile server (markers and clusters over the shipped country outlines), a popup and its link."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.test_browser import _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(browser_page):
    """The shared headless Chromium (conftest), with room for the filters and the map."""
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    return browser_page


@pytest.fixture
def no_tiles(settings):
    """Static files come by their plain names (conftest); the map gets no tile server."""
    settings.MAP_TILE_URL = ""  # no internet here: the map must stand on its own outlines


@pytest.fixture
def incidents(analyst):
    """Drafts in Nigeria far apart, and a tight group in Baghdad the map clusters; all before the browser opens."""
    from incidents.models import Country, Incident

    iq = Country.objects.create(code="IQ", name="Iraq")
    ng = Country.objects.create(code="NG", name="Nigeria")
    made = {}
    for place, country, lat, lon, deaths in [
        ("Maiduguri", ng, 11.85, 13.16, 7),
        ("Lagos", ng, 6.45, 3.39, 30),
        ("Kano", ng, 12.0, 8.52, 2),
    ]:
        made[place] = Incident.objects.create(
            location_name=place,
            country=country,
            admin1="",
            start_date=dt.date(2022, 2, 1),
            event_type="Violence against civilians",
            sub_event_type="Attack",
            fatalities_best=deaths,
            latitude=lat,
            longitude=lon,
        )
    for n in range(6):
        Incident.objects.create(
            location_name=f"Baghdad {n}",
            country=iq,
            start_date=dt.date(2022, 1, 10 + n),
            event_type="Battles",
            sub_event_type="Armed clash",
            fatalities_best=n,
            latitude=33.31 + n * 0.001,
            longitude=44.36,
            status="published",
        )
    return {place: incident.pk for place, incident in made.items()}


def _log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/incidents/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/incidents/")


def _places(page) -> list[str]:
    return [
        text.split(",")[0].strip()
        for text in page.locator("#incident-results td.incident-place .place-name").all_inner_texts()
    ]


def test_filter_sort_and_bulk_publish_on_the_list(live_server, no_tiles, incidents, browser_page):
    page = browser_page
    _log_in(page, live_server.url)
    assert len(_places(page)) == 9
    page.evaluate("window.notReloaded = true")

    # the country filter: htmx swaps the results only, and the address follows
    page.fill("#id_country", "NG")
    page.press("#id_country", "Enter")
    page.wait_for_url(re.compile(r"/incidents/\?country=NG$"))
    page.wait_for_function("() => document.querySelectorAll('#incident-results tbody tr').length === 3")
    assert sorted(_places(page)) == ["Kano", "Lagos", "Maiduguri"]
    assert "3 incidents" in page.inner_text("#result-count")
    assert page.evaluate("window.notReloaded") is True

    # sorting by fatalities, still within Nigeria
    page.click("a.sort[data-sort=fatalities]")
    page.wait_for_url(re.compile(r"ordering=-fatalities"))
    page.wait_for_function(
        "() => document.querySelector('#incident-results td.incident-place .place-name').textContent.trim() === 'Lagos'"
    )
    assert _places(page) == ["Lagos", "Maiduguri", "Kano"]
    assert page.evaluate("window.notReloaded") is True
    _shot(page, "list-filtered")

    # select all, then keep two, and publish them
    page.check("#select-all")
    assert page.locator("input[name=ids]:checked").count() == 3
    page.uncheck(f"input[name=ids][value='{incidents['Kano']}']")
    assert page.inner_text("#selected-count") == "2 selected"
    page.click("#bulk-form button[value=publish]")
    page.wait_for_selector(".messages")
    assert "Published 2 incidents." in page.inner_text(".messages")
    assert re.search(r"/incidents/\?country=NG&ordering=-fatalities$", page.url)  # back where we were
    statuses = dict(
        zip(_places(page), page.locator("#incident-results td.status").all_inner_texts(), strict=True)
    )
    assert statuses == {"Lagos": "PUBLISHED", "Maiduguri": "PUBLISHED", "Kano": "DRAFT"}

    # the CSV export link carries the filters
    assert page.get_attribute("#export-csv", "href") == "/api/v1/incidents/?format=csv&country=NG"


def test_the_map_draws_markers_over_outlines_without_tiles(
    live_server, no_tiles, incidents, browser_page, monkeypatch
):
    page = browser_page
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/incidents/?country=NG")
    page.click("#map-link")
    page.wait_for_url(re.compile(r"/incidents/map/\?country=NG$"))
    page.wait_for_function("() => document.getElementById('incident-map').dataset.points === '3'")
    page.wait_for_function("() => document.getElementById('incident-map').dataset.outlines === 'ready'")
    assert page.locator(".leaflet-tile").count() == 0  # no tile layer at all
    assert page.locator(".leaflet-outlines-pane svg path").count() > 100  # the countries
    markers = page.locator(".leaflet-overlay-pane svg path.incident-marker")
    assert markers.count() == 3
    # the markers' pane is stacked above the outlines'
    z = page.evaluate(
        "[getComputedStyle(document.querySelector('.leaflet-outlines-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex].map(Number)"
    )
    assert z[0] < z[1]
    assert "3 incidents, all at their place." in page.inner_text("#map-status")
    _shot(page, "map-nigeria")

    # a popup: date, type, place, fatalities and the incident's link, followed
    markers.first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "2022-02-01" in text and "Violence against civilians — Attack" in text and "Nigeria" in text
    place = next(p for p in incidents if p in text)
    href = popup.locator("a.incident-link").get_attribute("href")
    assert href == f"/incidents/{incidents[place]}/"
    popup.locator("a.incident-link").click()
    page.wait_for_url(f"{live_server.url}/incidents/{incidents[place]}/")

    # everything: the six Baghdad incidents cluster
    page.goto(f"{live_server.url}/incidents/map/")
    page.wait_for_function("() => document.getElementById('incident-map').dataset.points === '9'")
    cluster = page.locator(".incident-cluster")
    cluster.first.wait_for()
    assert "6" in cluster.all_inner_texts()
    assert page.locator(".leaflet-outlines-pane svg path").count() > 100
    _shot(page, "map-all")

    # over the cap: the newest only, and the page says so
    monkeypatch.setattr("incidents.views.maps.MAX_POINTS", 4)
    page.reload()
    page.wait_for_function("() => document.getElementById('incident-map').dataset.points === '4'")
    assert "Showing the newest 4 matching incidents only" in page.inner_text("#map-status")


@pytest.fixture
def kano_recalled(incidents):
    """Kano's attack becomes an older event an article recalls: a background incident."""
    from incidents.models import Incident

    Incident.objects.filter(pk=incidents["Kano"]).update(is_background=True)
    return incidents


def test_background_incidents_are_badged_and_filtered_in_the_browser(
    live_server, no_tiles, kano_recalled, browser_page
):
    page, incidents = browser_page, kano_recalled
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/incidents/?country=NG")
    row = page.locator(f"tr[data-incident='{incidents['Kano']}']")
    assert row.locator(".badge-background").inner_text() == "BACKGROUND"  # shown in capitals
    assert page.locator("#incident-results .badge-background").count() == 1

    # the filter form's control leaves them out, through htmx like every filter
    page.select_option("#id_background", "exclude")
    page.wait_for_url(re.compile(r"background=exclude"))
    page.wait_for_function("() => document.querySelectorAll('#incident-results tbody tr').length === 2")
    assert sorted(_places(page)) == ["Lagos", "Maiduguri"]

    # the review page's header
    page.goto(f"{live_server.url}/incidents/{incidents['Kano']}/")
    assert page.locator(".review-head .badge-background").is_visible()

    # the map's popup, the same badge copied from the page's template
    page.goto(f"{live_server.url}/incidents/map/?country=NG&background=only")
    page.wait_for_function("() => document.getElementById('incident-map').dataset.points === '1'")
    page.locator(".leaflet-overlay-pane svg path.incident-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".badge-background").inner_text() == "BACKGROUND"
    assert "Kano" in popup.inner_text()


@pytest.fixture
def confidences(incidents):
    """The extractor's confidence in each Nigerian draft; the published Baghdad ones have none."""
    from incidents.models import Incident

    for place, confidence in (("Maiduguri", 0.9), ("Lagos", 0.4), ("Kano", 0.6)):
        Incident.objects.filter(pk=incidents[place]).update(confidence=confidence)
    return incidents


def test_the_dashboard_opens_the_drafts_least_sure_first_and_the_column_flips(
    live_server, no_tiles, confidences, browser_page
):
    page = browser_page
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/")
    page.click("#least-sure-link")
    page.wait_for_url(re.compile(r"/incidents/\?status=draft&background=exclude&ordering=confidence$"))
    assert _places(page) == ["Lagos", "Kano", "Maiduguri"]
    assert page.locator("#incident-results td.incident-confidence").all_inner_texts() == [
        "0.40",
        "0.60",
        "0.90",
    ]
    assert page.get_attribute("th:has(a.sort[data-sort=confidence])", "aria-sort") == "ascending"

    # the column's header flips the order through htmx, the filters kept
    page.click("a.sort[data-sort=confidence]")
    page.wait_for_url(re.compile(r"ordering=-confidence"))
    page.wait_for_function(
        "() => document.querySelector('#incident-results td.incident-place .place-name').textContent.trim() === 'Maiduguri'"
    )
    assert _places(page) == ["Maiduguri", "Kano", "Lagos"]
    assert "3 incidents" in page.inner_text("#result-count")
