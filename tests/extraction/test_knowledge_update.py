"""Knowledge updated one entry at a time finds what a Knowledge built afresh finds."""

from __future__ import annotations

import dataclasses
from datetime import date

from incidents.extraction import extract, load_reference_knowledge
from incidents.extraction.knowledge import indexed, knowledge_update
from incidents.extraction.text import tokens
from incidents.extraction.types import ActorEntry, Knowledge, PlaceEntry

DAY = date(2024, 5, 6)
TEXT = (
    "Fighters of the Kettle Hill Front attacked Dunmore village in Plateau State on Sunday, killing "
    "seven farmers, police said. The KHF also burned homes in Jos."
)


def _keyed() -> Knowledge:
    """The reference knowledge with numeric keys, as the worker's (database) knowledge has."""
    ref = load_reference_knowledge(gazetteer=False)
    places = [dataclasses.replace(p, key=str(i + 1)) for i, p in enumerate(ref.places)]
    actors = [dataclasses.replace(a, key=str(i + 1)) for i, a in enumerate(ref.actors)]
    return Knowledge(countries=ref.countries, places=places, actors=actors)


def _fresh(k: Knowledge) -> Knowledge:
    return Knowledge(countries=list(k.countries), places=list(k.places), actors=list(k.actors))


def _found(k: Knowledge, text: str = TEXT) -> list[tuple[str, str, int, int]]:
    return [(m.kind, m.entry.name, m.start, m.end) for m in indexed(k).index.find(tokens(text))]


def _span(kind: str, name: str) -> tuple[str, str, int, int]:
    start = TEXT.index(name)
    return (kind, name, start, start + len(name))


def _drafts(k: Knowledge) -> list:
    return [dataclasses.asdict(d) for d in extract(TEXT, DAY, k)]


def test_an_added_actor_and_its_alias_are_found_as_after_a_fresh_build():
    k = _keyed()
    before = _found(k)
    front = ActorEntry("Kettle Hill Front", "rebel_group", ("KHF",), "NG", key="9001")
    knowledge_update(k, actors={"9001": front})
    after = _found(k)
    assert after != before and _span("actor", "Kettle Hill Front") in after
    assert after == _found(_fresh(k))
    assert _drafts(k) == _drafts(_fresh(k))


def test_a_changed_and_a_deleted_entry_leave_no_trace_of_the_old_names():
    k = _keyed()
    front = ActorEntry("Kettle Hill Front", "rebel_group", ("KHF",), "NG", key="9001")
    knowledge_update(k, actors={"9001": front})
    renamed = dataclasses.replace(front, name="Kettle Hill Movement", aliases=())
    knowledge_update(k, actors={"9001": renamed})
    assert not any(name == "Kettle Hill Front" for _, name, _, _ in _found(k))
    assert _found(k) == _found(_fresh(k))
    knowledge_update(k, actors={"9001": None})
    assert all(a.key != "9001" for a in k.actors)
    assert _found(k) == _found(_fresh(k))


def test_places_keep_their_order_and_admin1_lookups_follow():
    k = _keyed()
    jos = next(p for p in k.places if p.name == "Jos")
    moved = dataclasses.replace(jos, aliases=("Jos Town",))
    village = PlaceEntry("Dunmore", "NG", admin1="Plateau", latitude=9.9, longitude=8.9, key="99999")
    region = PlaceEntry("Kettle Hills", "NG", kind="admin1", key="100000")
    knowledge_update(k, places={jos.key: moved, "99999": village, "100000": region})
    assert [p.key for p in k.places] == sorted((p.key for p in k.places), key=int)
    assert _span("place", "Dunmore") in _found(k)
    fresh = indexed(_fresh(k))
    assert indexed(k).admin1 == fresh.admin1 and indexed(k).curated_admin1 == fresh.curated_admin1
    assert _found(k, "Clashes in Jos Town and the Kettle Hills.") == _found(
        _fresh(k), "Clashes in Jos Town and the Kettle Hills."
    )
    assert _drafts(k) == _drafts(_fresh(k))
    knowledge_update(k, places={"100000": None})
    assert ("NG", "kettle hills") not in indexed(k).admin1
