"""Suggestions for the review form: places (curated Locations, then GeoNames towns) and actors.

Curated Locations match by name prefix or alias, GeoNames towns by the prefix of any spelling
the extractor's gazetteer folds together (Baqubah, Baquba, Ba'qubah), exact names first, then the
most populous; so both appear as the analyst types. A town's admin1 is given as the curated
places spell it (ACLED style) when one of them matches.

Towns come from the gazetteer's type-ahead file (extraction/gazetteer_index.py), not the
gazetteer itself: a web process never loads the ~240 MB the extractor's workers hold.
"""

from __future__ import annotations

from django.db.models import Q

from incidents.extraction.gazetteer import admin1_key, shared_gazetteer
from incidents.extraction.gazetteer_index import shared_index
from incidents.models import Actor, Country, Location

LIMIT = 10


def _curated_places(q: str) -> list[dict]:
    rows = (
        Location.objects.filter(Q(name__istartswith=q) | Q(aliases__icontains=q))
        .select_related("country")
        .order_by("name", "country_id")[:LIMIT]
    )
    return [
        {
            "name": loc.name,
            "admin1": loc.admin1,
            "country": loc.country_id,
            "country_name": loc.country.name,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "location": loc.pk,
            "kind": loc.kind,
            "source": "curated",
        }
        for loc in rows
    ]


def _acled_admin1(records) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1) -> the admin1 as curated Locations spell it, where one matches."""
    countries = {r.country for r in records if r.admin1}
    if not countries:
        return {}
    curated: dict[tuple[str, str], str] = {}
    rows = (
        Location.objects.filter(country_id__in=countries)
        .exclude(admin1="")
        .values_list("country_id", "admin1")
        .distinct()
    )
    for cc, name in rows:
        curated.setdefault((cc, admin1_key(name)), name)
    return {(r.country, r.admin1): curated.get((r.country, admin1_key(r.admin1)), r.admin1) for r in records}


def _gazetteer_places(q: str, taken: set[tuple[str, str]], room: int) -> list[dict]:
    if room <= 0:
        return []
    # the in-memory gazetteer only where the file cannot be built (a read-only cache directory)
    towns = shared_index() or shared_gazetteer()
    if towns is None:
        return []
    records = [
        r for r in towns.complete(q, limit=room + len(taken)) if (r.name.casefold(), r.country) not in taken
    ]
    records = records[:room]
    if not records:
        return []
    names = dict(Country.objects.filter(code__in={r.country for r in records}).values_list("code", "name"))
    admin1 = _acled_admin1(records)
    return [
        {
            "name": r.name,
            "admin1": admin1.get((r.country, r.admin1), r.admin1),
            "country": r.country if r.country in names else "",
            "country_name": names.get(r.country, r.country),
            "latitude": r.latitude,
            "longitude": r.longitude,
            "location": None,
            "kind": "place",
            "source": "geonames",
        }
        for r in records
    ]


def place_suggestions(q: str) -> list[dict]:
    """Up to LIMIT places for what the analyst typed, curated ones first."""
    q = " ".join(q.split())[:100]
    if len(q) < 2:
        return []
    curated = _curated_places(q)
    taken = {(p["name"].casefold(), p["country"]) for p in curated}
    return curated + _gazetteer_places(q, taken, LIMIT - len(curated))


def actor_suggestions(q: str) -> list[dict]:
    """Up to LIMIT actors whose name or one of whose aliases contains `q`; name prefixes first."""
    q = " ".join(q.split())[:100]
    if len(q) < 2:
        return []
    rows = list(
        Actor.objects.filter(Q(name__icontains=q) | Q(aliases__icontains=q)).order_by("name")[: LIMIT * 3]
    )
    folded = q.casefold()
    rows.sort(key=lambda a: (not a.name.casefold().startswith(folded), folded not in a.name.casefold()))
    return [
        {"id": a.pk, "name": a.name, "aliases": a.aliases, "actor_type": a.get_actor_type_display()}
        for a in rows[:LIMIT]
    ]
