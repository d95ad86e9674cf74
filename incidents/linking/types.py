"""Plain dataclasses exchanged between the linker and its callers (no Django here).

A *report* is one article's draft of an event; an *event* (an incident in the database) is one
or more reports. The worker turns rows into `ReportFacts`, asks `decide` where a new report goes,
and writes what `reconcile` says the event's fields are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

Figure = tuple[int | None, int | None, int | None]  # (low, best, high); any part unknown


@dataclass(frozen=True)
class ReportFacts:
    """What linking reads of one report: an article's draft of an event, and the article."""

    key: str  # the caller's id of the report
    article: str  # the article's id: two drafts of one article are never one event
    published: date
    publisher: str = ""
    source_scale: str = ""  # "local", "national", "regional", "international", "other" or ""
    start_date: date | None = None
    end_date: date | None = None
    date_precision: str = "day"  # "day", "week", "month", "year"
    country: str = ""  # ISO 3166-1 alpha-2
    admin1: str = ""
    admin2: str = ""
    location: str = ""  # the most precise place named
    location_key: str = ""  # the caller's id of the place (a Location primary key), or ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = "exact"  # "exact", "near", "region", "country"
    event_type: str = ""
    sub_event_type: str = ""
    actors1: tuple[str, ...] = ()  # perpetrators' names
    actors2: tuple[str, ...] = ()  # targets' names
    fatalities: Figure = (None, None, None)
    injured: Figure = (None, None, None)
    text: str = ""  # the draft's evidence sentences, or its summary
    background: bool = False  # recalled in passing, not reported
    sources: tuple[str, ...] = ()  # organisations the article cites for its figures

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings), read back by `from_json`."""
        out = asdict(self)
        for name in ("published", "start_date", "end_date"):
            out[name] = out[name].isoformat() if out[name] else None
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportFacts:
        values = dict(data)
        for name in ("published", "start_date", "end_date"):
            values[name] = date.fromisoformat(values[name]) if values.get(name) else None
        for name in ("actors1", "actors2", "sources"):
            values[name] = tuple(values.get(name) or ())
        for name in ("fatalities", "injured"):
            values[name] = tuple(values.get(name) or (None, None, None))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class Window:
    """The blocking key of a report: the events it may belong to are in this country and have a
    start date in [date_from, date_to] (the database answers it from an index)."""

    country: str
    date_from: date
    date_to: date


@dataclass(frozen=True)
class Reason:
    """One thing the scorer weighed, and what it says to an analyst."""

    name: str  # "date", "place", "type", "actors", "toll", "text", ...
    weight: float  # what it added to (or, below zero, took from) the score
    says: str  # "same day", "Hodan is in Banadir", "toll 20 then 276: a story that grew", ...


@dataclass(frozen=True)
class Match:
    """How alike a report is to one candidate event, and why."""

    event: str  # the candidate event's key
    score: float  # 0..1
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Decision:
    """Where a new report goes: "link" to `best.event`, "ask" an analyst (a new event is started
    and the pair is queued as a possible same event), or "new"."""

    action: str  # "link", "ask" or "new"
    best: Match | None = None
    others: tuple[Match, ...] = ()  # the other candidates above the "ask" threshold, best first


@dataclass
class Reconciled:
    """An event's fields as its reports give them, each with why (`why[field]`)."""

    start_date: date | None = None
    end_date: date | None = None
    date_precision: str = "day"
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    location_key: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = "exact"
    event_type: str = ""
    sub_event_type: str = ""
    actors1: tuple[str, ...] = ()
    actors2: tuple[str, ...] = ()
    fatalities: Figure = (None, None, None)
    injured: Figure = (None, None, None)
    publishers: tuple[str, ...] = ()  # every report's publisher, once, in publication order
    source_scale: str = ""  # ACLED's combined scale ("National-International")
    why: dict[str, str] = field(default_factory=dict)
