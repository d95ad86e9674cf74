"""Plain dataclasses exchanged between the extractor and its callers.

No Django here: the worker converts database rows into a `Knowledge` and the
returned `DraftIncident`s back into rows, so the extractor can be tested and
benchmarked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class PlaceEntry:
    """A known place: a gazetteer row or an analyst-curated Location."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    aliases: tuple[str, ...] = ()
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    latitude: float | None = None
    longitude: float | None = None
    kind: str = "place"  # "place" (town, site), "admin1", "admin2", "admin3"
    key: str = ""  # caller's identifier (e.g. a Location primary key), returned untouched


@dataclass(frozen=True)
class ActorEntry:
    """A known actor with the names the news uses for it."""

    name: str
    actor_type: str  # one of ACTOR_TYPES in taxonomy.py
    aliases: tuple[str, ...] = ()
    country: str = ""  # ISO 3166-1 alpha-2, "" when not tied to one country
    key: str = ""


@dataclass(frozen=True)
class CountryEntry:
    """A country with its names and demonyms ("Iraq", "Iraqi")."""

    code: str  # ISO 3166-1 alpha-2
    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


@dataclass
class Knowledge:
    """Everything the extractor knows beyond the text itself."""

    countries: list[CountryEntry] = field(default_factory=list)
    places: list[PlaceEntry] = field(default_factory=list)
    actors: list[ActorEntry] = field(default_factory=list)
    gazetteer: Any = None  # a gazetteer.Gazetteer (GeoNames towns) or None; curated places win over it


@dataclass(frozen=True)
class Evidence:
    """The character span [start, end) of the text that supports one field."""

    field: str  # "date", "event_type", "location", "fatalities", "injured", "actor1", ...
    start: int
    end: int
    text: str


@dataclass
class Count:
    """A casualty figure; any part may be unknown (None)."""

    low: int | None = None
    best: int | None = None
    high: int | None = None
    vague: bool = False  # "dozens", "a number of": best is an estimate by rule


@dataclass
class DraftActor:
    name: str  # canonical name
    role: str  # "actor1" (perpetrator), "actor2" (target), "associated"
    actor_type: str = ""
    country: str = ""
    key: str = ""  # ActorEntry.key when it came from the knowledge


@dataclass
class DraftIncident:
    start_date: date | None
    end_date: date | None
    date_precision: str  # "day", "week", "month", "year"
    event_type: str
    sub_event_type: str
    country: str  # ISO 3166-1 alpha-2, "" if unknown
    admin1: str = ""
    admin2: str = ""
    location_name: str = ""  # most precise place named
    place: PlaceEntry | None = None  # the knowledge entry it resolved to
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = "exact"  # "exact", "near", "region", "country"
    fatalities: Count = field(default_factory=Count)
    injured: Count = field(default_factory=Count)
    actors: list[DraftActor] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # cited organisations ("SOHR", "police")
    summary: str = ""
    primary: bool = True  # False for a background incident recalled in passing
    confidence: float = 0.5
    field_confidence: dict[str, float] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)  # how its fields were found (confidence.py)
    evidence: list[Evidence] = field(default_factory=list)
