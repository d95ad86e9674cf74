"""What the extractor knows, read from the database analysts curate."""

from __future__ import annotations

from incidents.extraction.types import ActorEntry, CountryEntry, Knowledge, PlaceEntry
from incidents.models import Actor, Country, Location


def knowledge_load() -> Knowledge:
    """Countries, curated locations and actors with their aliases, as extractor input.

    Read fresh for every parse so an alias an analyst adds is used by the next one.
    """
    countries = [
        CountryEntry(code=c.code, name=c.name, aliases=tuple(c.aliases), demonyms=tuple(c.demonyms))
        for c in Country.objects.all()
    ]
    places = [
        PlaceEntry(
            name=loc.name,
            country=loc.country_id,
            aliases=tuple(loc.aliases),
            admin1=loc.admin1,
            admin2=loc.admin2,
            admin3=loc.admin3,
            latitude=loc.latitude,
            longitude=loc.longitude,
            kind=loc.kind,
            key=str(loc.pk),
        )
        for loc in Location.objects.all()
    ]
    actors = [
        ActorEntry(
            name=a.name,
            actor_type=a.actor_type,
            aliases=tuple(a.aliases),
            country=a.country_id or "",
            key=str(a.pk),
        )
        for a in Actor.objects.all()
    ]
    return Knowledge(countries=countries, places=places, actors=actors)
