"""Dates read YYYY-MM-DD everywhere on the desk and in the admin, never "Jan. 23, 2022" or 01/23/2022."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from incidents.models import Article

# linear: fixed-width digit runs and one optional dot, no nested or overlapping quantifiers
US_DATE = re.compile(r"\b\d\d/\d\d/\d{4}\b|\b[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\b")


def test_a_date_without_a_format_is_iso():
    context = Context({"d": dt.date(2022, 1, 23), "t": dt.datetime(2022, 1, 23, 14, 5, tzinfo=dt.UTC)})
    assert Template("{{ d }} {{ t }}").render(context) == "2022-01-23 2022-01-23 14:05"
    assert (
        Template('{{ d|date }} {{ d|date:"SHORT_DATE_FORMAT" }}').render(context) == "2022-01-23 2022-01-23"
    )


def test_the_us_date_pattern_finds_what_it_should_in_linear_time():
    assert US_DATE.findall("on 01/23/2022 and Jan. 23, 2022 or January 3, 2022") == [
        "01/23/2022",
        "Jan. 23, 2022",
        "January 3, 2022",
    ]
    assert not US_DATE.search("2022-01-23 14:05")
    import time

    started = time.perf_counter()
    assert not US_DATE.search("1/" * 100_000 + "Jan" * 100_000 + " 1" * 100_000)
    assert time.perf_counter() - started < 2


@pytest.fixture
def incident_id(make_incidents, analyst):
    article = Article.objects.create(text="Clashes.", published=dt.date(2022, 1, 23))
    return make_incidents(1, start_date=dt.date(2022, 1, 23), article=article)[0]


@pytest.mark.parametrize(
    "page",
    [
        lambda pk: reverse("incidents:incident_list"),
        lambda pk: reverse("incidents:incident_review", args=[pk]),
        lambda pk: reverse("incidents:incident_history", args=[pk]),
        lambda pk: reverse("incidents:article_list"),
        lambda pk: "/admin/incidents/article/",
        lambda pk: f"/admin/incidents/incident/{pk}/change/",
    ],
    ids=["list", "review", "history", "articles", "admin-articles", "admin-incident"],
)
def test_pages_show_iso_dates(page, incident_id, analyst_client, analyst):
    analyst.is_superuser = True
    analyst.save()
    html = analyst_client.get(page(incident_id)).content.decode()
    assert "2022-01-23" in html
    assert US_DATE.findall(html) == []


def test_date_boxes_take_iso_dates_whatever_the_browser_locale(analyst_client):
    """Every date box is a text box with the ISO pattern: a browser's own date box shows the
    system's format (mm/dd/yyyy in an American locale)."""
    for url, name in (
        ("/articles/new/", "published"),
        ("/incidents/", "date_from"),
        ("/incidents/", "date_to"),
    ):
        page = analyst_client.get(url).content.decode()
        box = page[page.index(f'name="{name}"') - 200 : page.index(f'name="{name}"') + 300]
        assert 'type="text"' in box and 'placeholder="YYYY-MM-DD"' in box, (url, name)
        assert 'type="date"' not in page, url
