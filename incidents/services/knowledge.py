"""What the extractor knows, read from the database analysts curate."""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from incidents.extraction.gazetteer import shared_gazetteer
from incidents.extraction.types import ActorEntry, CountryEntry, Knowledge, PlaceEntry
from incidents.models import Actor, Country, Location

_cache_lock = threading.Lock()
_cache: dict[str, object] = {}


def _fingerprint() -> tuple:
    """Changes whenever a country, location or actor is added, edited or deleted."""
    return tuple(
        tuple(model.objects.aggregate(n=Count("pk"), t=Max("updated_at")).values())
        for model in (Country, Location, Actor)
    )


def knowledge_load() -> Knowledge:
    """Countries, curated locations and actors with their aliases, as extractor input.

    The worker keeps the last Knowledge (and so the extractor's index built on it) while the
    tables are unchanged; an alias an analyst adds changes the fingerprint, so the next parse
    reads the tables again and uses it.
    """
    fingerprint = _fingerprint()
    with _cache_lock:
        if _cache.get("fingerprint") == fingerprint:
            return _cache["knowledge"]  # type: ignore[return-value]
    knowledge = _read_knowledge()
    with _cache_lock:
        _cache.update(fingerprint=fingerprint, knowledge=knowledge)
    return knowledge


def _read_knowledge() -> Knowledge:
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
        for a in Actor.objects.filter(in_dictionary=True)
    ]
    # The GeoNames gazetteer is the same for every parse: one copy per process, loaded once.
    return Knowledge(countries=countries, places=places, actors=actors, gazetteer=shared_gazetteer())
