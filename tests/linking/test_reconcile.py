"""The event's fields from its reports, rule by rule (incidents/linking/reconcile.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from incidents.linking.reconcile import combined_scale, reconcile
from incidents.linking.types import ReportFacts

DAY = dt.date(2022, 8, 20)
BASE = ReportFacts(key="1", article="a1", published=DAY, publisher="Wire One", source_scale="international",
                   start_date=DAY, country="SO", admin1="Banadir", location="Mogadishu", geo_precision="region",
                   event_type="Battles", sub_event_type="Armed clash", actors1=("al-Shabaab",),
                   fatalities=(12, 12, 12), injured=(None, None, None))  # fmt: skip


def later(days: int, **changes) -> ReportFacts:
    n = str(days + 2)
    return dataclasses.replace(
        BASE, key=n, article=f"a{n}", published=DAY + dt.timedelta(days=days), **changes
    )


def test_the_earliest_precise_date_wins_and_a_roundups_vague_week_does_not_widen_it():
    rec = reconcile([later(1, start_date=DAY - dt.timedelta(days=1)), BASE,
                     later(5, start_date=DAY - dt.timedelta(days=4), date_precision="week")])  # fmt: skip
    assert (rec.start_date, rec.end_date, rec.date_precision) == (DAY - dt.timedelta(days=1), DAY, "day")
    assert "day-precise" in rec.why["date"]


def test_the_most_precise_place_wins():
    hotel = later(
        1, location="Hayat Hotel", geo_precision="exact", latitude=2.04, longitude=45.31, location_key="7"
    )
    rec = reconcile([BASE, hotel])
    assert (rec.location, rec.location_key, rec.latitude) == ("Hayat Hotel", "7", 2.04)


def test_the_type_most_reports_give_wins_and_a_tie_goes_to_the_earliest():
    attack = {"event_type": "Violence against civilians", "sub_event_type": "Attack"}
    assert reconcile([BASE, later(1, **attack), later(2, **attack)]).sub_event_type == "Attack"
    assert reconcile([later(1, **attack), BASE]).sub_event_type == "Armed clash"


def test_a_later_count_from_an_equal_or_better_source_supersedes_and_low_high_span_all():
    rec = reconcile([BASE, later(1, fatalities=(20, 21, 21)), later(2, fatalities=(30, 30, 30))])
    assert rec.fatalities == (12, 30, 30)
    local = later(3, fatalities=(15, 15, 15), source_scale="local", publisher="Town Radio")
    rec = reconcile([BASE, local])  # a local station's later count does not supersede the agency's
    assert rec.fatalities == (12, 12, 15) and "Wire One" in rec.why["fatalities"]
    assert reconcile([BASE]).injured == (None, None, None)


def test_sources_are_the_union_in_publication_order_with_acleds_combined_scale():
    rec = reconcile([later(1, publisher="Daily Two", source_scale="national"), BASE, later(2)])
    assert rec.publishers == ("Wire One", "Daily Two")
    assert rec.source_scale == "National-International"
    assert combined_scale(["local", "regional", "international", "national"]) == "Local-International"
    assert combined_scale(["national"]) == "National"
    assert combined_scale(["", "other"]) == "Other"
    assert rec.actors1 == ("al-Shabaab",)


def test_two_precise_days_give_a_range_and_a_vague_report_alone_keeps_its_precision():
    rec = reconcile([BASE, later(1, start_date=DAY + dt.timedelta(days=1))])
    assert (rec.start_date, rec.end_date) == (DAY, DAY + dt.timedelta(days=1))
    month = later(3, start_date=DAY.replace(day=1), date_precision="month")
    assert (reconcile([month]).start_date, reconcile([month]).date_precision) == (DAY.replace(day=1), "month")
    assert reconcile([dataclasses.replace(BASE, start_date=None)]).why["date"] == "no report dates it"


def test_among_places_as_precise_one_with_coordinates_wins_over_the_earlier_one_without():
    town = later(1, location="Afgoye", admin1="Lower Shabelle", latitude=2.14, longitude=45.12)
    rec = reconcile([BASE, town])  # both "region"-precise: the one with coordinates
    assert (rec.location, rec.admin1, rec.latitude) == ("Afgoye", "Lower Shabelle", 2.14)
    country_only = later(2, location="", admin1="", geo_precision="country", latitude=5.0, longitude=46.0)
    assert reconcile([country_only, BASE]).location == "Mogadishu"


def test_actors_are_the_union_and_every_field_says_why():
    rec = reconcile([BASE, later(1, actors1=("Harakat al-Shabaab",), actors2=("Civilians (Somalia)",))])
    assert rec.actors1 == ("al-Shabaab", "Harakat al-Shabaab")
    assert rec.actors2 == ("Civilians (Somalia)",)
    assert set(rec.why) >= {
        "date",
        "place",
        "type",
        "actors",
        "fatalities",
        "injured",
        "sources",
        "source_scale",
    }
    assert all(rec.why.values())
