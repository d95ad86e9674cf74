"""Issue 14, the map in a real browser with no tile server: it frames the filtered incidents, reads
as a map (sea behind the land, country names), draws province-level incidents at the province's
centre with their own marker and says so, and paints clusters and the legend in the type palette."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.test_browser import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PALETTE_RGB = {
    "Battles": "rgb(192, 57, 43)",
    "Explosions/Remote violence": "rgb(211, 84, 0)",
    "Violence against civilians": "rgb(142, 68, 173)",
    "Protests": "rgb(40, 116, 166)",
}
MAP = "document.getElementById('incident-map')"


@pytest.fixture
def page(browser_page, settings):
    settings.MAP_TILE_URL = ""  # no internet here: the map must stand on its own outlines
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    return browser_page


@pytest.fixture
def incidents(analyst):
    """Nigeria: three at their town, two known only to their state, one with no place; Iraq: a
    mixed group at one spot in Baghdad, which clusters. Made before the browser opens."""
    from incidents.models import Country, Incident

    ng = Country.objects.create(code="NG", name="Nigeria")
    iq = Country.objects.create(code="IQ", name="Iraq")
    day = dt.date(2023, 3, 1)
    attack = {"event_type": "Violence against civilians", "sub_event_type": "Attack", "start_date": day}
    for town, lat, lon in [("Maiduguri", 11.85, 13.16), ("Kano", 12.0, 8.52), ("Jos", 9.9, 8.86)]:
        Incident.objects.create(country=ng, location_name=town, latitude=lat, longitude=lon, **attack)
    for state in ("Zamfara", "Lagos"):
        Incident.objects.create(country=ng, admin1=state, geo_precision="region", **attack)
    Incident.objects.create(country=ng, geo_precision="country", **attack)
    kinds = [("Battles", "Armed clash")] * 3 + [("Protests", "Peaceful protest")] * 2
    kinds.append(("Explosions/Remote violence", "Suicide bomb"))
    for n, (event, sub) in enumerate(kinds):
        Incident.objects.create(
            country=iq,
            location_name=f"Baghdad {n}",
            latitude=33.31 + n / 1000,
            longitude=44.36,
            start_date=day,
            event_type=event,
            sub_event_type=sub,
        )


def _view_bbox(page) -> list[float]:
    """The map's view, as its "List the incidents in this view" link carries it."""
    query = parse_qs(urlsplit(page.get_attribute("#list-in-view", "href")).query)
    return [float(v) for v in query["bbox"][0].split(",")]


def _open(page, url: str, points: int) -> None:
    page.goto(url)
    page.wait_for_function(f"() => {MAP}.dataset.points === '{points}'")
    page.wait_for_function(f"() => {MAP}.dataset.outlines === 'ready'")


def test_the_map_frames_nigeria_with_names_sea_and_province_markers(live_server, incidents, page):
    _log_in(page, live_server.url)
    _open(page, f"{live_server.url}/incidents/map/?country=NG", 5)
    west, south, east, north = _view_bbox(page)
    # every drawn incident is in view (Lagos State 3.5 E to Maiduguri 13.2 E, 6.6 N to 12.1 N) ...
    assert west < 3.5 and east > 13.2 and south < 6.6 and north > 12.1
    # ... and the view is Nigeria's neighbourhood, not the world nor a few streets
    assert 6 < east - west < 40, (west, east)

    status = page.inner_text("#map-status")
    assert "5 incidents: 3 at their place, 2 at their province's centre." in status
    assert "1 more incident with no known place is not drawn." in status
    province = page.locator("path.incident-marker.at-province-centre")
    assert province.count() == 2
    assert province.first.get_attribute("stroke-dasharray") == "3 3"
    assert page.locator("path.incident-marker:not(.at-province-centre)").count() == 3
    province.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "drawn at the province's centre" in popup.inner_text()

    # no tiles: a sea colour behind the land, and country names that fit
    assert page.locator(".leaflet-tile").count() == 0
    sea = page.evaluate(f"getComputedStyle({MAP}).backgroundColor")
    land = page.locator(".leaflet-outlines-pane svg path").first.get_attribute("fill")
    assert sea == "rgb(169, 200, 227)" and land.lower() == "#f7f3e8"
    names = page.locator(".country-label:not([hidden])").all_inner_texts()
    assert {"Nigeria", "Niger", "Cameroon"} <= set(names)
    box = page.locator(".country-label:not([hidden])", has_text="Nigeria").bounding_box()
    frame = page.locator("#incident-map").bounding_box()
    assert frame["x"] < box["x"] < frame["x"] + frame["width"]  # Nigeria's name is on screen
    assert frame["y"] < box["y"] < frame["y"] + frame["height"]
    _shot(page, "map-14-nigeria")


def test_clusters_and_the_legend_use_the_event_type_palette(live_server, incidents, page):
    _log_in(page, live_server.url)
    _open(page, f"{live_server.url}/incidents/map/?country=IQ", 6)
    ring = page.locator(".incident-cluster .cluster-ring")
    ring.first.wait_for()
    assert ring.first.inner_text() == "6"
    assert ring.first.get_attribute("data-types") == "Battles|Explosions/Remote violence|Protests"
    paint = ring.first.evaluate("e => getComputedStyle(e).backgroundImage")
    assert paint.startswith("conic-gradient(")
    for event in ("Battles", "Protests", "Explosions/Remote violence"):
        assert PALETTE_RGB[event] in paint
    assert PALETTE_RGB["Violence against civilians"] not in paint  # only the types in the group
    assert page.locator(".marker-cluster-small, .marker-cluster-medium").count() == 0  # not the green default

    legend = page.locator("#map-legend li")
    texts = legend.all_inner_texts()
    assert "At its province's centre (place not known)" in texts and "At its place" in texts
    for event, rgb in PALETTE_RGB.items():
        swatch = page.locator("#map-legend li", has_text=event).locator(".swatch")
        assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == rgb
    _shot(page, "map-14-cluster")


def test_the_whole_world_view_names_countries_without_crowding(live_server, incidents, page):
    _log_in(page, live_server.url)
    _open(page, f"{live_server.url}/incidents/map/", 11)
    west, _south, east, _north = _view_bbox(page)
    assert west < 8.5 and east > 44.36  # Nigeria and Iraq both framed
    shown = page.locator(".country-label:not([hidden])").all_inner_texts()
    hidden = page.locator(".country-label[hidden]").count()
    assert "Nigeria" in shown and hidden > 0  # small states wait for a closer zoom
