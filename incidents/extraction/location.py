"""Where one incident happened, among the places its article names.

A news story names many places: where the event was ("in the town of Palma"), where the
reporter filed from (the dateline), where the wounded were taken, where a minister spoke. The
event's place is the one the report's own sentences give as where, the lead's first; the most
precise there. Without one, the title, "the Somali capital", and the dateline city (a weak
hint, right when nothing else is named) are tried in turn. A province named like its capital
city ("Kabul", "Kandahar") with no "province" after it is the city, which has coordinates.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from .gazetteer import admin1_key
from .knowledge import Indexed, Match
from .places import (
    _CAP,
    Where,
    admin1_lookup,
    best_place,
    from_patterns,
    geo_entry,
    geo_lookup,
    locative,
    own_clause_end,
    place_precision,
)
from .text import Sentence, name_keys, tokens
from .types import CountryEntry, PlaceEntry

_RANK = {"place": 0, "admin3": 1, "admin2": 2, "admin1": 3}
_REGION_WORD = re.compile(
    r"(?<!\s)\s*(?:province|governorate|state|region|oblast|department|district|county|prefecture|division|"
    r"territory|municipality|valley)\b",
    re.I,
)
# "the Somali capital", "Somalia's capital", "the capital of Afghanistan"; not "the capital, Kabul"
_CAPITAL = re.compile(
    r"\b(?:the\s+(?P<dem>[A-Z][\w'\u2019-]{1,40}(?:\s+[A-Z][\w'\u2019-]{1,40})?)\s+capital"
    r"|(?P<owner>[A-Z][\w'\u2019-]{1,40}(?:\s+[A-Z][\w'\u2019-]{1,40})?)['\u2019]s?\s+capital"
    r"|the\s+capital\s+of\s+(?P<of>[A-Z][\w'\u2019-]{1,40}(?:\s+[A-Z][\w'\u2019-]{1,40})?))\b(?![,\s]+[A-Z])"
)
# "the El Arenal neighbourhood of Irapuato", "Kuz Kunar district of eastern Nangarhar province"
_SUBPLACE = re.compile(
    rf"(?P<x>{_CAP})\s+(?:neighbou?rhood|district|area|suburb|quarter|township|village|sub-?district)\s+"
    rf"(?:of|in)\s+(?:the\s+)?(?:(?:north|south|east|west|central|northern|southern|eastern|western|"
    rf"north-?eastern|north-?western|south-?eastern|south-?western)\s+)?(?P<y>{_CAP})"
    rf"(?P<kind>\s+(?:province|state|region|governorate|county|city|town))?"
)

# "El Alto, a town in the Sierra region of Oaxaca state": the state named is the town's
_APPOSITE = re.compile(
    rf"(?P<x>{_CAP}),\s+an?\s+(?:(?:small|remote|rural|border|mountain|farming|fishing|coastal|mining)\s+)?"
    rf"(?:town|village|city|community|hamlet|settlement|municipality)\s+in\s+(?:the\s+)?"
    rf"(?:{_CAP}\s+(?:region|area|district|municipality|county)\s+of\s+)?(?P<y>{_CAP})"
    rf"(?P<kind>\s+(?:state|province|region|governorate|department))"
)

# "in the village of Houla", "near the small town of Kfar Roummane"
_VILLAGE_OF = re.compile(
    rf"\b(?:in|at|near|outside)\s+the\s+(?:(?:small|remote|nearby|border|mountain)\s+)?"
    rf"(?:village|town|hamlet|settlement)\s+of\s+(?P<x>{_CAP})"
    rf"|\b(?:in|at|near|outside)\s+(?P<v>[A-Z][\w'\u2019-]{{1,30}})\s+village\b"
)


@dataclass
class Hints:
    """What the article says about place outside the incident's own sentences."""

    title: list[Match] = field(default_factory=list)  # places in the title (offsets into the title)
    dateline: list[PlaceEntry] = field(default_factory=list)  # the dateline's city, as known places
    dateline_span: tuple[int, int] = (-1, -1)


def incident_place(
    ix: Indexed,
    text: str,
    sents: list[Sentence],
    lead: Sentence,
    matches: list[Match],
    country: str,
    prefer: list[str],
    block_span: tuple[int, int],
    hints: Hints,
    starts: list[int] | None = None,
    follow: list[Sentence] = (),
    villages: bool = True,
) -> Where:
    """The incident's place (see module docstring). `follow` are the sentences right after the
    lead that tell no event ("The bus was stopped in Mandera county"): where, when the incident's
    own sentences say it nowhere."""
    ordered = [lead] + [s for s in sents if s is not lead]
    region = None  # "in the Diyala governorate, eastern Iraq": a province, kept unless a town is named
    for s in ordered:
        own = s.text[: own_clause_end(s.text, 0)]  # not "comes after a landmine in Boni, central Mali"
        if len(own) < len(s.text):
            s = replace(s, text=own, end=s.start + len(own))
        w = from_patterns(ix, s.text, s.start, prefer) or _subplace(ix, text, s, prefer)
        if w and w.location and w.precision != "region":
            return w
        region = region or (w if w and w.location else None)
    wanted = [country] if country else prefer
    starts = starts or [m.start for m in matches]
    group = []
    for s in [*ordered, *follow]:
        cut = own_clause_end(s.text, s.start)
        places = [m for m in _places_in(matches, starts, s.start, s.end, wanted) if m.start < cut]
        if s not in follow:
            group.extend(places)
        here = [m for m in places if locative(text, m.start, m.end)]
        if here:
            best = min(here, key=lambda m: (_RANK.get(m.entry.kind, 0), m.start))
            if best.entry.kind != "place":
                best = _finer(ix, text, ordered, matches, starts, best) or best
            return _where_of(ix, text, best)
        w = _capital(ix, s, wanted) or (_unlisted_village(ix, s, country, region) if villages else None)
        if w is not None:
            return w
    if region is not None:
        return region
    if group:
        return _where_of(ix, text, min(group, key=lambda m: (_RANK.get(m.entry.kind, 0), m.start)))
    title = [m for m in hints.title if m.kind == "place" and (not wanted or m.entry.country in wanted)]
    if title:
        best = min(title, key=lambda m: (_RANK.get(m.entry.kind, 0), m.start))
        w = _where_of(ix, "", best)
        w.start = w.end = -1  # the title is not part of the text: no evidence span
        return w
    for p in hints.dateline:
        if not wanted or p.country in wanted:
            a, b = hints.dateline_span
            return Where(p.country, p.admin1, p.admin2, p.name, p, "exact", a, b)
    # not a place the incident's own sentences give to another event ("comes after ... in Mombasa")
    elsewhere = [(own_clause_end(s.text, s.start), s.end) for s in ordered]
    block_places = [
        m
        for m in _places_in(matches, starts, block_span[0], block_span[1], wanted)
        if not any(a <= m.start < b for a, b in elsewhere)
    ]
    bp = best_place(block_places, wanted)
    if bp is not None:
        return _where_of(ix, text, bp)
    return Where(country, precision="country")


def _finer(
    ix: Indexed, text: str, ordered: list[Sentence], matches: list[Match], starts: list[int], region: Match
) -> Match | None:
    """A town inside `region` that another of the incident's sentences names as where it happened:
    "in the Diyala governorate ... raided a barrack in the Al-Adhim county" is in Al-Adhim."""
    want = admin1_key(region.entry.admin1 or region.entry.name)
    for s in ordered:
        for m in _places_in(matches, starts, s.start, s.end, [region.entry.country]):
            inside = admin1_key(m.entry.admin1 or m.entry.name) == want
            if (
                inside
                and _RANK.get(m.entry.kind, 0) < _RANK.get(region.entry.kind, 0)
                and locative(text, m.start, m.end)
            ):
                return m
    return None


def _places_in(matches: list[Match], starts: list[int], a: int, b: int, wanted: list[str]) -> list[Match]:
    i = bisect_left(starts, a)
    out = []
    while i < len(matches) and matches[i].start < b:
        m = matches[i]
        if m.kind == "place" and (not wanted or m.entry.country in wanted):
            out.append(m)
        i += 1
    return out


def _where_of(ix: Indexed, text: str, m: Match) -> Where:
    """A Where for a place match; a province named without "province" is its capital city."""
    p = m.entry
    if p.kind in ("admin1", "admin2") and not _REGION_WORD.match(text, m.end):
        city = geo_lookup(ix, p.name, p.country, p.admin1 or p.name)
        if city is not None and (p.kind == "admin1" or _same_name(city, p)):
            return Where(city.country, p.admin1 or p.name, city.admin2, p.name, city, "exact", m.start, m.end)
    return Where(p.country, p.admin1, p.admin2, p.name, p, place_precision(text, m.start, p), m.start, m.end)


def _same_name(city: PlaceEntry, p: PlaceEntry) -> bool:
    return name_keys(city.name) == name_keys(p.name) or any(
        name_keys(a) == name_keys(p.name) for a in city.aliases
    )


def _subplace(ix: Indexed, text: str, s: Sentence, prefer: list[str]) -> Where | None:
    """ "X district of Y province": Y gives the admin1; "X neighbourhood of Y": Y is the town."""
    for m in [*_SUBPLACE.finditer(s.text), *_APPOSITE.finditer(s.text)]:
        x, y = m.group("x"), m.group("y")
        a, b = s.start + m.start("x"), s.start + m.end("x")
        kind = (m.group("kind") or "").strip().lower()
        if kind not in ("city", "town"):
            adm = admin1_lookup(ix, y, prefer)
            if adm is not None:
                geo = geo_lookup(ix, x, adm.country, adm.admin1 or adm.name)
                w = Where(
                    adm.country, adm.admin1 or adm.name, geo.admin2 if geo else "", x, geo, "exact", a, b
                )
                return w
        for cc in prefer:
            town = geo_lookup(ix, y, cc)
            if town is not None:
                inner = geo_lookup(ix, x, cc, town.admin1)
                place = inner or town
                ya, yb = s.start + m.start("y"), s.start + m.end("y")
                span = (a, b) if inner else (ya, yb)
                return Where(cc, place.admin1, place.admin2, place.name, place, "exact", *span)
    return None


def _unlisted_village(ix: Indexed, s: Sentence, country: str, region: Where | None) -> Where | None:
    """ "in the village of Houla": a place the gazetteer does not list is still where it happened,
    rather than some listed town the story names for another reason (where a minister spoke)."""
    if not country:
        return None
    for m in _VILLAGE_OF.finditer(s.text):
        g = "x" if m.group("x") else "v"
        name = m.group(g)
        if ix.index.find(tokens(name), frozenset({"place", "country", "demonym"})):
            continue  # a listed name is read (or ruled out) as such
        admin1 = region.admin1 if region is not None and region.country == country else ""
        a, b = s.start + m.start(g), s.start + m.end(g)
        return Where(country, admin1, "", name, None, "exact", a, b)
    return None


def _capital(ix: Indexed, s: Sentence, wanted: list[str]) -> Where | None:
    """ "The Somali capital", "Afghanistan's capital": the country's capital city."""
    if ix.gazetteer is None:
        return None
    for m in _CAPITAL.finditer(s.text):
        name = m.group("dem") or m.group("owner") or m.group("of")
        cc = _country_of(ix, name)
        if cc is None or (wanted and cc.code not in wanted):
            continue
        rec = ix.gazetteer.capital(cc.code)
        if rec is None:
            continue
        city = geo_entry(ix, rec)
        return Where(
            cc.code,
            city.admin1,
            city.admin2,
            city.name,
            city,
            "exact",
            s.start + m.start(),
            s.start + m.end(),
        )
    return None


def _country_of(ix: Indexed, name: str) -> CountryEntry | None:
    for mm in ix.index.find(tokens(name), frozenset({"country", "demonym"})):
        return mm.entry
    return None
