"""Issue 14, the dashboard: the chart covers the period the data covers (an archive of older events
is not a flat line), says which period it shows, and every figures card carries its count."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from incidents.models import Country, Incident
from incidents.views.dashboard import chart_series

pytestmark = pytest.mark.django_db
BATTLE = {"event_type": "Battles", "sub_event_type": "Armed clash"}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _chart(response) -> dict:
    found = re.search(
        r'<script id="trend-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    return json.loads(found.group(1))


@pytest.fixture
def archive(db):
    """Incidents all older than a year: the latest on 2021-06-09 (a Wednesday), one a year before it."""
    iq = Country.objects.create(code="IQ", name="Iraq")
    for day, dead in [("2021-06-09", 5), ("2021-06-07", 2), ("2021-01-04", 1), ("2020-06-10", 9)]:
        Incident.objects.create(
            start_date=dt.date.fromisoformat(day), country=iq, fatalities_best=dead, **BATTLE
        )


def test_an_archive_ends_the_chart_at_its_latest_week(analyst_client, archive):
    response = analyst_client.get("/")
    data = _chart(response)
    assert len(data["labels"]) == 52
    assert data["labels"][-1] == "2021-06-07"  # the latest incident's week, not this one
    assert data["labels"][0] == "2020-06-15"
    assert (data["incidents"][-1], data["fatalities"][-1]) == (2, 7)
    assert sum(data["incidents"]) == 3  # 2020-06-10 is 52 weeks before: outside
    assert data["ends_early"] is True and data["latest"] == "2021-06-09"
    page = response.content.decode()
    assert "Weeks of 2020-06-15 to 2021-06-13" in page
    assert "No incidents since 2021-06-09" in page
    assert re.search(r'Incidents and fatalities per week <span class="count">3</span>', page)


def test_an_archive_ends_the_monthly_chart_at_its_latest_month(analyst_client, archive):
    response = analyst_client.get("/", {"by": "month"})
    data = _chart(response)
    assert data["labels"][-1] == "2021-06-01" and data["labels"][0] == "2020-07-01"
    assert sum(data["incidents"]) == 3 and sum(data["fatalities"]) == 8
    assert "Months 2020-07 to 2021-06" in response.content.decode()


def test_recent_data_keeps_the_chart_on_the_current_week(analyst, archive):
    today = timezone.localdate()
    Incident.objects.create(start_date=today - dt.timedelta(weeks=30), fatalities_best=4, **BATTLE)
    data = chart_series(Incident.objects.all(), today)
    assert data["labels"][-1] == _monday(today).isoformat()
    assert data["ends_early"] is False and data["total"] == 1 and data["total_fatalities"] == 4


def test_no_incidents_at_all_is_the_current_year_of_zeros(db):
    today = dt.date(2024, 3, 14)
    data = chart_series(Incident.objects.all(), today)
    assert data["labels"][-1] == "2024-03-11" and data["total"] == 0 and data["ends_early"] is False
    assert data["latest"] is None


def test_future_dated_incidents_do_not_move_the_chart(db):
    today = dt.date(2024, 3, 14)
    Incident.objects.create(start_date=dt.date(2030, 1, 1), **BATTLE)
    Incident.objects.create(start_date=dt.date(2020, 1, 1), **BATTLE)
    data = chart_series(Incident.objects.all(), today)
    # nothing in the year to today: the chart ends with the latest incident's week up to today
    assert data["labels"][-1] == "2019-12-30"  # 2020-01-01's week, not 2030's
    assert data["total"] == 1


def test_the_by_country_card_shows_its_count(analyst_client):
    iq = Country.objects.create(code="IQ", name="Iraq")
    sy = Country.objects.create(code="SY", name="Syria")
    today = timezone.localdate()
    monday = _monday(today)
    for country in (iq, iq, sy, None):
        Incident.objects.create(start_date=monday, country=country, **BATTLE)
    response = analyst_client.get("/")
    page = response.content.decode()
    assert re.search(r'This week by country <span class="count">4</span>', page)
    assert "2 countries, events dated" in page
    assert response.context["week"]["countries"] == 2
