"""Where to draw an incident known only to its province (admin1): the province's centre.

No admin1 outlines ship with the project, so a province's centre is the mean position of its
GeoNames cities1000 places (the gazetteer's towns), which sits inside the settled part of the
province: good enough to put a marker in the right region of a country map. The centres are
derived once by scripts/derive_admin1_centres.py into incidents/reference/admin1_centres.json,
keyed by country and the folded admin1 name (`admin1_key`: "Diyala Governorate" and "Diyala"
meet), under both the GeoNames name and the curated (ACLED-style) name the extractor outputs.
Reading that file costs milliseconds, so a web process never loads the gazetteer for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from .gazetteer import admin1_key

CENTRES_FILE = Path(__file__).resolve().parent.parent / "reference" / "admin1_centres.json"


def mean_position(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The mean of (lat, lon) points; a group across the antimeridian (Chukotka, Fiji) is averaged
    on the 0..360 circle, else its mean would land on the other side of the world."""
    lat = sum(p[0] for p in points) / len(points)
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lon + 360 if lon < 0 else lon for lon in lons]
    lon = sum(lons) / len(lons)
    if lon > 180:
        lon -= 360
    return round(lat, 4), round(lon, 4)


def derive_centres(
    places: Iterable[tuple[str, str, float, float]],
    admin1_names: Mapping[str, str],
    curated: Iterable[Mapping],
    namesake: Callable[[str, str], tuple[str, float, float] | None] = lambda name, country: None,
) -> dict[str, dict[str, list[float]]]:
    """{country: {folded admin1 name: [lat, lon]}} from gazetteer places (country, admin1 code,
    lat, lon), GeoNames admin1 names by "CC.code", and curated admin1 entries (name, country,
    aliases): a curated name gets the centre its own name or one of its aliases folds to, else
    that of the province holding its namesake town (`namesake(name, country)` -> (admin1 code,
    lat, lon): "Dubayy" is Dubai's emirate), else the town's own position."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for country, code, lat, lon in places:
        if code:
            groups.setdefault(f"{country}.{code}", []).append((lat, lon))
    centres: dict[str, dict[str, list[float]]] = {}
    # the most places first: two codes folding alike in a country keep the bigger province
    for code, points in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        key = admin1_key(admin1_names.get(code, ""))
        if key:
            centres.setdefault(code.split(".")[0], {}).setdefault(key, list(mean_position(points)))
    for entry in curated:
        known = centres.get(entry["country"], {})
        names = [entry["name"], *entry.get("aliases", [])]
        keys = [k for k in map(admin1_key, names) if k]
        found = next((known[k] for k in keys if k in known), None)
        if found is None:
            found = _namesake_centre(names, entry["country"], namesake, groups)
        if found is not None:
            for key in keys:
                centres.setdefault(entry["country"], known).setdefault(key, found)
    return centres


def _namesake_centre(names: list[str], country: str, namesake, groups) -> list[float] | None:
    for name in names:
        town = namesake(name, country)
        if town is not None:
            points = groups.get(f"{country}.{town[0]}")
            return list(mean_position(points)) if points else [round(town[1], 4), round(town[2], 4)]
    return None


@lru_cache(maxsize=4)
def _centres(path: Path) -> dict[str, dict[str, list[float]]]:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def admin1_centre(country: str, admin1: str, path: Path = CENTRES_FILE) -> tuple[float, float] | None:
    """The centre of the province `admin1` of `country` (ISO alpha-2), or None when unknown."""
    if not country or not admin1:
        return None
    found = _centres(path).get(country, {}).get(admin1_key(admin1))
    return None if found is None else (found[0], found[1])
