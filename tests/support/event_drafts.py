"""Drafts of one made-up event as different outlets report it, for the linking tests: the same
attack told by an agency flash and a next-day report, or a look-alike of it."""

from __future__ import annotations

import datetime as dt

from incidents.extraction.types import Count, DraftActor, DraftIncident, Evidence, PlaceEntry
from incidents.models import Article, Country, Location
from incidents.services import article_ingest

DAY = dt.date(2024, 3, 9)
SENTENCE = (
    "Gunmen stormed a market in Tal Abyad on Saturday, killing {n} people and wounding {w}, "
    "local officials said, blaming the Crescent Brigades."
)


def place(db_location: bool = True) -> PlaceEntry:
    """The event's town, known to the dictionary (a Location) so drafts carry its key."""
    syria, _ = Country.objects.get_or_create(code="SY", defaults={"name": "Syria"})
    location, _ = Location.objects.get_or_create(
        name="Tal Abyad", country=syria, admin1="Ar-Raqqa", defaults={"latitude": 36.7, "longitude": 38.95}
    )
    return PlaceEntry(
        name="Tal Abyad",
        country="SY",
        admin1="Ar-Raqqa",
        latitude=36.7,
        longitude=38.95,
        key=str(location.pk),
    )


def report_article(publisher: str, published: dt.date = DAY, tag: str = "") -> Article:
    text = f"{publisher} {published} {tag}: " + SENTENCE
    return article_ingest(published=published, text=text, publisher=publisher, enqueue=False).article


def event_draft(
    *,
    day: dt.date = DAY,
    killed: int = 12,
    wounded: int = 20,
    where: PlaceEntry | None = None,
    country: str = "SY",
    admin1: str = "Ar-Raqqa",
    perpetrator: str = "Crescent Brigades",
    sub_event_type: str = "Attack",
    event_type: str = "Violence against civilians",
) -> DraftIncident:
    text = SENTENCE.format(n=killed, w=wounded)
    return DraftIncident(
        start_date=day,
        end_date=None,
        date_precision="day",
        event_type=event_type,
        sub_event_type=sub_event_type,
        country=country,
        admin1=admin1,
        location_name=where.name if where else "",
        place=where,
        latitude=where.latitude if where else None,
        longitude=where.longitude if where else None,
        fatalities=Count(low=killed, best=killed, high=killed),
        injured=Count(low=wounded, best=wounded, high=wounded),
        actors=[
            DraftActor(name=perpetrator, role="actor1", actor_type="rebel_group", country=country),
            DraftActor(name="Civilians (Syria)", role="actor2", actor_type="civilians", country=country),
        ],
        summary=text,
        confidence=0.8,
        evidence=[Evidence(field="fatalities", start=0, end=len(text), text=text)],
    )
