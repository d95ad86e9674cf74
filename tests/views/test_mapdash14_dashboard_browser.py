"""Issue 14, the dashboard in a real browser: an archive whose events are all older than a year draws
a chart with its incidents in it (not a flat line), says which period it shows, and every figures
card shows its count."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_browser import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archive(analyst):
    """Events of spring 2021, one a week for ten weeks, made before the browser opens."""
    from incidents.models import Country, Incident

    iq = Country.objects.create(code="IQ", name="Iraq")
    for week in range(10):
        Incident.objects.create(
            start_date=dt.date(2021, 3, 1) + dt.timedelta(weeks=week, days=2),
            country=iq,
            event_type="Battles",
            sub_event_type="Armed clash",
            fatalities_best=week,
        )


def test_an_archive_draws_its_last_year_and_says_so(live_server, archive, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server.url)
    page.wait_for_function("() => document.getElementById('trend-chart').dataset.rendered === 'true'")
    bars = page.evaluate("window.deskTrendChart.data.datasets[0].data")
    labels = page.evaluate("window.deskTrendChart.data.labels")
    assert len(bars) == 52 and sum(bars) == 10 and bars[-1] == 1  # the data's year, its latest week last
    assert labels[-1] == "2021-05-03"
    assert page.evaluate("window.deskTrendChart.options.scales.x.title.text") == "Week starting (Monday)"
    period = page.inner_text("#trend-period")
    assert "Weeks of 2020-05-11 to 2021-05-09" in period and "No incidents since 2021-05-05" in period
    assert "10 incidents, 45 fatalities" in period
    for card in ("#week-by-type", "#week-by-country", "#trend"):
        assert page.locator(f"{card} h2 .count").is_visible(), card
    assert page.inner_text("#trend h2 .count") == "10"
    assert page.inner_text("#week-by-country h2 .count") == "0"  # nothing this week
    _shot(page, "dashboard-14-archive")

    page.click("#trend-period a")  # per month: the same period by months
    page.wait_for_function("() => document.getElementById('trend-chart').dataset.rendered === 'true'")
    assert page.evaluate("window.deskTrendChart.data.labels.slice(-1)[0]") == "2021-05-01"
    assert "Months 2020-06 to 2021-05" in page.inner_text("#trend-period")
