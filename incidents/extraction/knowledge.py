"""Loading the reference JSON and indexing a Knowledge for fast phrase lookup.

The index is built once per Knowledge object (cached), so extracting from many
articles with the same knowledge costs one build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gazetteer import Gazetteer, admin1_key, shared_gazetteer
from .text import Token, name_keys, strip_accents
from .types import ActorEntry, CountryEntry, Knowledge, PlaceEntry

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"

# Names that are ordinary English words: never read as places outside "(Town, Region)" patterns.
COMMON_WORDS = frozenset(
    [
        "north",
        "south",
        "gulf",
        "highlands",
        "east",
        "west",
        "centre",
        "center",
        "central",
        "capital",
        "coast",
        "lakes",
        "upper",
        "lower",
        "northern",
        "southern",
        "eastern",
        "western",
        "islands",
        "plateau",
        "delta",
        "rivers",
        "river",
        "red",
        "sea",
        "est",
        "nord",
        "sud",
        "ouest",
        "centre-nord",
        "littoral",
        "sahel",
        "interior",
        "bay",
        "bari",
        "mon",
        "chin",
        "salvador",
        "sucre",
        "meta",
        "cesar",
        "bolivar",
        "cordoba",
        "amazonas",
        "santander",
        "victoria",
        "georgia",
        "jordan",
        "washington",
        "niger",
        "cross",
        "federal",
        "district",
        "national",
        "city",
        "region",
        "province",
        "state",
    ]
)


_KIND_WORDS = frozenset(["state", "province", "region", "governorate", "county", "district"])


def load_reference_knowledge(path: str | Path | None = None, gazetteer: bool = True) -> Knowledge:
    """Read countries.json, places.json and actors.json from `path` (default: incidents/reference/).

    With `gazetteer` (the default) the process-wide GeoNames gazetteer is attached as well.
    """
    base = Path(path) if path else REFERENCE_DIR
    countries = [
        CountryEntry(r["code"], r["name"], tuple(r.get("aliases", ())), tuple(r.get("demonyms", ())))
        for r in _read(base / "countries.json")
    ]
    places = [
        PlaceEntry(
            name=r["name"],
            country=r["country"],
            aliases=tuple(r.get("aliases", ())),
            admin1=r.get("admin1", "") or "",
            admin2=r.get("admin2", "") or "",
            admin3=r.get("admin3", "") or "",
            latitude=r.get("latitude"),
            longitude=r.get("longitude"),
            kind=r.get("kind", "place") or "place",
        )
        for r in _read(base / "places.json")
    ]
    actors = [
        ActorEntry(r["name"], r["actor_type"], tuple(r.get("aliases", ())), r.get("country", "") or "")
        for r in _read(base / "actors.json")
    ]
    gaz = shared_gazetteer() if gazetteer else None
    return Knowledge(countries=countries, places=places, actors=actors, gazetteer=gaz)


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class Match:
    """A knowledge phrase found in the text: token range, char span, what it names."""

    kind: str  # "place", "country", "demonym", "actor"
    entry: Any
    start: int
    end: int
    tok: int  # index of first token
    ntok: int


class PhraseIndex:
    """Maps folded token sequences to entries; finds the longest match at each token.

    Each bucket is kept in `rank` order (what an entry is, its place in the knowledge, which of its
    names), so an index updated one entry at a time finds what one built afresh would.
    """

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, Any, str, tuple]]] = {}

    def add(self, name: str, kind: str, entry: Any, rank: tuple = ()) -> None:
        keys = name_keys(name)
        if not keys:
            return
        # Short all-capital acronyms ("IS", "SDF") must appear exactly so, not as ordinary words.
        exact = name if (name.isupper() and len(name.replace(".", "")) <= 5) else ""
        if not exact and kind == "place" and len(keys) == 1 and len(keys[0]) <= 4:
            exact = strip_accents(name)  # "Nõo" must not match "No"
        bucket = self._by_first.setdefault(keys[0], [])
        if any(b[0] == keys and b[2] is entry and b[3] == exact for b in bucket):
            return
        bucket.append((keys, kind, entry, exact, rank))
        if len(bucket) > 1 and bucket[-2][4] > rank:
            bucket.sort(key=lambda b: b[4])

    def discard(self, names: list[str], entry: Any) -> None:
        """Forget `entry` under each of `names` (the names it was added by)."""
        for name in names:
            keys = name_keys(name)
            bucket = self._by_first.get(keys[0]) if keys else None
            if bucket:
                bucket[:] = [b for b in bucket if b[2] is not entry]
                if not bucket:
                    del self._by_first[keys[0]]

    def find(self, toks: list[Token], kinds: frozenset[str] | None = None) -> list[Match]:
        out: list[Match] = []
        i, n = 0, len(toks)
        while i < n:
            best: tuple[int, str, Any] | None = None
            cands = self._by_first.get(toks[i].key)
            if cands:
                for keys, kind, entry, exact, _rank in cands:
                    k = len(keys)
                    if kinds is not None and kind not in kinds:
                        continue
                    if i + k > n or (best and k < best[0]):
                        continue
                    if any(toks[i + j].key != keys[j] for j in range(1, k)):
                        continue
                    if (
                        exact
                        and exact.isupper()
                        and toks[i].raw != exact.replace(".", "")[: len(toks[i].raw)]
                    ):
                        continue
                    if exact and not exact.isupper() and strip_accents(toks[i].raw) != exact:
                        continue
                    if not exact and not toks[i].raw[:1].isupper():
                        continue  # proper names are capitalised in news text
                    if best is None or k > best[0]:
                        best = (k, kind, entry)
                        matches_here = [(kind, entry)]
                    elif k == best[0]:
                        matches_here.append((kind, entry))
            if best:
                k = best[0]
                for kind, entry in matches_here:
                    out.append(Match(kind, entry, toks[i].start, toks[i + k - 1].end, i, k))
                i += k
            else:
                i += 1
        return out


@dataclass
class Indexed:
    index: PhraseIndex
    countries: dict[str, CountryEntry]
    admin1: dict[tuple[str, str], PlaceEntry]  # (country, folded admin1 name) -> entry
    admin1_names: dict[
        tuple[str, ...], list[PlaceEntry]
    ]  # folded name -> admin1 entries (incl. common words)
    country_names: dict[tuple[str, ...], CountryEntry]  # folded country name or alias -> entry
    gazetteer: Gazetteer | None = None
    # country -> admin1_key(curated admin1 name or alias) -> curated admin1 name
    curated_admin1: dict[str, dict[str, str]] = field(default_factory=dict)
    _admin1_names: dict[str, str] = field(default_factory=dict)  # "CC.code" -> admin1 name to output
    country_words: set[tuple[str, ...]] = field(default_factory=set)  # folded country names, demonyms

    def admin1_name(self, country: str, code: str, geonames_name: str) -> str:
        """The admin1 name to output for a GeoNames admin1: the curated (ACLED-style) one if it matches."""
        k = f"{country}.{code}"
        hit = self._admin1_names.get(k)
        if hit is None:
            hit = self._admin1_names[k] = _curated_admin1(self.curated_admin1.get(country, {}), geonames_name)
        return hit


_CACHE: dict[int, tuple[Knowledge, tuple[int, ...], Indexed]] = {}
_COUNTRY, _PLACE, _ACTOR = 0, 1, 2  # the order entries are indexed in: a bucket's rank


def _signature(knowledge: Knowledge) -> tuple[int, ...]:
    return (len(knowledge.countries), len(knowledge.places), len(knowledge.actors), id(knowledge.gazetteer))


def _position(entry: PlaceEntry | ActorEntry, i: int) -> int:
    """Where an entry stands among its kind: the caller's numeric key (a database row's primary
    key, which an update keeps), else its place in the list."""
    return int(entry.key) if entry.key.isdigit() else i


def indexed(knowledge: Knowledge) -> Indexed:
    """The (cached) index of a Knowledge."""
    sig = _signature(knowledge)
    hit = _CACHE.get(id(knowledge))
    if hit and hit[0] is knowledge and hit[1] == sig:
        return hit[2]
    idx = PhraseIndex()
    country_words: set[tuple[str, ...]] = set()
    country_names: dict[tuple[str, ...], CountryEntry] = {}
    for i, c in enumerate(knowledge.countries):
        for j, nm in enumerate((c.name, *c.aliases)):
            idx.add(nm, "country", c, (_COUNTRY, i, 0, j))
            country_words.add(name_keys(nm))
            country_names.setdefault(name_keys(nm), c)
        for j, d in enumerate(c.demonyms):
            idx.add(d, "demonym", c, (_COUNTRY, i, 1, j))
            country_words.add(name_keys(d))
    result = Indexed(
        idx, {c.code: c for c in knowledge.countries}, {}, {}, country_names, knowledge.gazetteer
    )
    result.country_words = country_words
    _index_admin1(result, knowledge.places)
    for i, p in enumerate(knowledge.places):
        _index_place(result, p, _position(p, i))
    for i, a in enumerate(knowledge.actors):
        for j, nm in enumerate((a.name, *a.aliases)):
            idx.add(nm, "actor", a, (_ACTOR, _position(a, i), j))
    _CACHE.clear()
    _CACHE[id(knowledge)] = (knowledge, sig, result)
    return result


def _index_place(ix: Indexed, p: PlaceEntry, pos: int) -> None:
    """Add the names a place is found by to the phrase index."""
    for j, nm in enumerate((p.name, *p.aliases)):
        keys = name_keys(nm)
        own_country = ix.country_names.get(keys)
        if keys in ix.country_words and not (
            p.kind == "admin1"
            and own_country
            and own_country.code == p.country
            and keys != name_keys(own_country.name)
        ):
            # "Jordan" is the country; "Gaza Strip", another name of Palestine, is also its
            # admin1; "Mexico" is the country, its State of Mexico goes by that longer name
            continue
        if all(k in COMMON_WORDS for k in keys) and not (len(keys) > 1 and keys[-1] in _KIND_WORDS):
            if p.kind == "admin1":  # "Lakes" is a word; "Lakes State", "the region of Lakes" a place
                for v, kind in enumerate(("State", "Province", "Region")):
                    ix.index.add(f"{nm} {kind}", "place", p, (_PLACE, pos, j, 1 + 2 * v))
                    ix.index.add(f"{kind} of {nm}", "place", p, (_PLACE, pos, j, 2 + 2 * v))
            continue
        ix.index.add(nm, "place", p, (_PLACE, pos, j, 0))


def _place_names(p: PlaceEntry) -> list[str]:
    """Every name `_index_place` may have added `p` by."""
    names = []
    for nm in (p.name, *p.aliases):
        names.append(nm)
        for kind in ("State", "Province", "Region"):
            names += [f"{nm} {kind}", f"{kind} of {nm}"]
    return names


def _index_admin1(ix: Indexed, places: list[PlaceEntry]) -> None:
    """The first-level divisions' lookups, (re)built from all the places (a few ms)."""
    ix.admin1, ix.admin1_names, ix.curated_admin1 = {}, {}, {}
    ix._admin1_names.clear()
    for p in places:
        if p.kind != "admin1":
            continue
        for nm in (p.name, *p.aliases):
            ix.admin1[(p.country, " ".join(name_keys(nm)))] = p
            ix.admin1_names.setdefault(name_keys(nm), []).append(p)
            ix.curated_admin1.setdefault(p.country, {}).setdefault(admin1_key(nm), p.name)


def knowledge_update(
    knowledge: Knowledge,
    *,
    places: dict[str, PlaceEntry | None] | None = None,
    actors: dict[str, ActorEntry | None] | None = None,
) -> None:
    """Apply changed places and actors (by `key`; None: deleted) to `knowledge` and, in place, to
    its index: a dictionary change costs milliseconds, not a rebuild. The lists stay in key order,
    so the result is what a fresh load of the same rows would give. (A changed country changes
    how every place is read: rebuild with a new Knowledge instead.)"""
    ix = indexed(knowledge)
    admin1_changed = False
    for key, new in (places or {}).items():
        old = _replace(knowledge.places, key, new)
        if old is not None:
            ix.index.discard(_place_names(old), old)
        if new is not None:
            _index_place(ix, new, _position(new, len(knowledge.places)))
        admin1_changed |= "admin1" in {getattr(old, "kind", ""), getattr(new, "kind", "")}
    if admin1_changed:
        _index_admin1(ix, knowledge.places)
    for key, new in (actors or {}).items():
        old = _replace(knowledge.actors, key, new)
        if old is not None:
            ix.index.discard([old.name, *old.aliases], old)
        if new is not None:
            for j, nm in enumerate((new.name, *new.aliases)):
                ix.index.add(nm, "actor", new, (_ACTOR, _position(new, len(knowledge.actors)), j))
    _CACHE[id(knowledge)] = (knowledge, _signature(knowledge), ix)


def _replace(entries: list, key: str, new: Any) -> Any:
    """Put `new` where the entry keyed `key` is (or in key order); return the entry it replaces."""
    at = next((i for i, e in enumerate(entries) if e.key == key), None)
    old = entries[at] if at is not None else None
    if at is not None:
        del entries[at]
    if new is not None:
        if at is None:
            pos = int(key) if key.isdigit() else None
            at = len(entries)
            if pos is not None:
                at = next((i for i, e in enumerate(entries) if e.key.isdigit() and int(e.key) > pos), at)
        entries.insert(at, new)
    return old


def _curated_admin1(curated: dict[str, str], geonames_name: str) -> str:
    """Curated admin1 name for a GeoNames one ("Muhafazat Kirkuk" -> "Kirkuk"), else the GeoNames name."""
    if not geonames_name:
        return ""
    key = admin1_key(geonames_name)
    if key in curated:
        return curated[key]
    # "Kashmir" -> "Jammu and Kashmir": a curated name holding the GeoNames one as whole words, if only one
    if key:
        padded = f" {key} "
        hits = {nm for k, nm in curated.items() if k and (f" {k} " in padded or padded in f" {k} ")}
        if len(hits) == 1:
            return hits.pop()
    return strip_accents(geonames_name)
