"""What the extractor knows, read from the database analysts curate, and kept current cheaply.

A worker reads the countries, locations and dictionary actors once, builds the extractor's index
once, and from then on applies only what changed: before each parse it asks the change log
(KnowledgeChange, written with every change) for entries it has not applied, one indexed query
that finds nothing almost always, and re-reads just the changed rows. A changed country, a bulk
load, a long backlog of changes or an hour's age reads everything again. The GeoNames gazetteer
is never reloaded for a dictionary change.

Change log ids are handed out when a row is written, not when its transaction commits, so an
early id can appear after a later one: the log is read from a floor that stays SETTLE behind the
present, and the ids applied above the floor are remembered so none is applied twice.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from incidents.extraction.gazetteer import shared_gazetteer
from incidents.extraction.knowledge import indexed, knowledge_update
from incidents.extraction.types import ActorEntry, CountryEntry, Knowledge, PlaceEntry
from incidents.models import Actor, Country, KnowledgeChange, Location

# A change older than this has committed (or never will): the log is read from there on.
SETTLE = timedelta(minutes=5)
# Read everything again after this long (a backstop; the log is pruned after KEEP).
MAX_AGE_SECONDS = 3600
KEEP = timedelta(days=1)
# More changes than this at once (an import) are read as a full reload.
MAX_CHANGES = 500

_lock = threading.Lock()
logger = logging.getLogger(__name__)


@dataclass
class _Loaded:
    knowledge: Knowledge
    floor: int  # every change at or below this id is in `knowledge`
    applied: set[int] = field(default_factory=set)  # change ids above the floor already in it
    loaded_at: float = field(default_factory=time.monotonic)
    reloads: int = 1
    updates: int = 0


_state: _Loaded | None = None


def knowledge_load() -> Knowledge:
    """Countries, curated locations and dictionary actors with their aliases, as extractor input.

    The same Knowledge object (and the index built on it) is returned parse after parse, updated
    in place: an alias an analyst adds is used by the next parse in every worker.
    """
    global _state
    with _lock:
        state = _state
        if state is None or time.monotonic() - state.loaded_at > MAX_AGE_SECONDS:
            _state = _reload(state)
            return _state.knowledge
        changes = list(
            KnowledgeChange.objects.filter(pk__gt=state.floor)
            .order_by("pk")
            .values_list("pk", "table", "row", "at")[: MAX_CHANGES + 1]
        )
        fresh = [c for c in changes if c[0] not in state.applied]
        if fresh and (len(fresh) > MAX_CHANGES or any(c[1] in ("*", "country") for c in fresh)):
            _state = _reload(state)
            return _state.knowledge
        if fresh:
            _apply(state.knowledge, fresh)
            state.updates += 1
        _settle(state, changes)
        return state.knowledge


def knowledge_stats() -> dict[str, int]:
    """How often this process read everything and how often it applied changes (for benches)."""
    state = _state
    return {"reloads": state.reloads if state else 0, "updates": state.updates if state else 0}


def knowledge_forget() -> None:
    """Drop this process's copy: the next parse reads everything (tests, and after a restore)."""
    global _state
    with _lock:
        _state = None


def knowledge_log_prune() -> int:
    """Delete change log entries no worker needs any more (run by the outbox dispatcher)."""
    deleted, _ = KnowledgeChange.objects.filter(at__lt=timezone.now() - KEEP).delete()
    return deleted


def _reload(previous: _Loaded | None) -> _Loaded:
    """Read everything. The log is read first: a change committed after it is applied later."""
    settled = timezone.now() - SETTLE
    floor = KnowledgeChange.objects.filter(at__lt=settled).aggregate(n=Max("pk"))["n"] or 0
    recent = set(KnowledgeChange.objects.filter(pk__gt=floor).values_list("pk", flat=True))
    started = time.perf_counter()
    knowledge = _read_knowledge()
    indexed(knowledge)
    logger.info(
        "knowledge: read all (%s places, %s actors) in %.2f s",
        len(knowledge.places),
        len(knowledge.actors),
        time.perf_counter() - started,
    )
    return _Loaded(knowledge, floor, recent, reloads=(previous.reloads + 1) if previous else 1)


def _settle(state: _Loaded, changes: list[tuple]) -> None:
    """Record the applied ids and raise the floor past changes old enough to have committed."""
    state.applied.update(c[0] for c in changes)
    settled = timezone.now() - SETTLE
    old = [c[0] for c in changes if c[3] < settled]
    if old:
        state.floor = max(state.floor, *old)
        state.applied = {pk for pk in state.applied if pk > state.floor}


def _apply(knowledge: Knowledge, changes: list[tuple]) -> None:
    """Re-read the changed locations and actors and put them into the Knowledge and its index."""
    rows: dict[str, set[int]] = {"location": set(), "actor": set()}
    for _pk, table, row, _at in changes:
        if table in rows and row.isdigit():
            rows[table].add(int(row))
    places: dict[str, PlaceEntry | None] = dict.fromkeys(map(str, rows["location"]))
    places.update((p.key, p) for p in map(_place, Location.objects.filter(pk__in=rows["location"])))
    actors: dict[str, ActorEntry | None] = dict.fromkeys(map(str, rows["actor"]))
    found = Actor.objects.filter(pk__in=rows["actor"], in_dictionary=True)
    actors.update((a.key, a) for a in map(_actor, found))
    knowledge_update(knowledge, places=places, actors=actors)


def _read_knowledge() -> Knowledge:
    countries = [
        CountryEntry(code=c.code, name=c.name, aliases=tuple(c.aliases), demonyms=tuple(c.demonyms))
        for c in Country.objects.order_by("code")
    ]
    # In key order: the order the index keeps when rows change one at a time
    places = [_place(loc) for loc in Location.objects.order_by("pk")]
    actors = [_actor(a) for a in Actor.objects.filter(in_dictionary=True).order_by("pk")]
    # The GeoNames gazetteer is the same for every parse: one copy per process, loaded once.
    return Knowledge(countries=countries, places=places, actors=actors, gazetteer=shared_gazetteer())


def _place(loc: Location) -> PlaceEntry:
    return PlaceEntry(
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


def _actor(a: Actor) -> ActorEntry:
    return ActorEntry(
        name=a.name,
        actor_type=a.actor_type,
        aliases=tuple(a.aliases),
        country=a.country_id or "",
        key=str(a.pk),
    )
