"""Where an incident happened: the most precise known place, resolved to country and admin1.

ACLED-style notes spell the hierarchy out ("in Temixco, Morelos", "(Hays, Al Hudaydah)"),
so those patterns are read first; otherwise the gazetteer match that is most precise and
lies in the article's countries wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .knowledge import Indexed, Match
from .text import name_keys, tokens
from .types import PlaceEntry

_CAP = r"[A-Z][\w'\u2019.-]*(?:(?:[ -](?:de|del|do|da|dos|das|la|las|los|el|al|of|y|ez|az|ad|as)){0,2}[ -][A-Z][\w'\u2019.-]*){0,3}"  # noqa: E501
_KIND = r"(?:\s+(?:city|town|village|district|area|county|municipality|neighbou?rhood|camp|province|governorate|region|upazila|tehsil|sub-district|subdistrict))?"  # noqa: E501
_IN_X_Y = re.compile(
    rf"\b(?:in|at|near|of|outside|from)\s+(?:the\s+)?(?:(?:village|town|city|district|area|region|province)\s+of\s+)?(?P<x>{_CAP}){_KIND},\s+(?P<y>{_CAP})"
)
_PAREN = re.compile(rf"(?P<w>{_CAP})?{_KIND}\s*\((?P<x>[^,()]{{2,40}})(?:,\s*(?P<y>[^,()]{{2,40}}))?\)")
_LEADING_JUNK = re.compile(r"^(?:On|In|At|The|A|An|Near|Around)\s+")


@dataclass
class Where:
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    place: PlaceEntry | None = None
    precision: str = "country"  # "exact", "region", "country"
    start: int = -1
    end: int = -1


def admin1_lookup(ix: Indexed, name: str, prefer: list[str]) -> PlaceEntry | None:
    """The admin1 entry called `name`, preferring the article's countries."""
    keys = name_keys(
        re.sub(
            r"\s+(?:province|governorate|state|region|oblast|department|district)$",
            "",
            name.strip(),
            flags=re.I,
        )
    )
    cands = ix.admin1_names.get(keys, [])
    if not cands:
        return None
    for code in prefer:
        for c in cands:
            if c.country == code:
                return c
    return cands[0] if len({c.country for c in cands}) == 1 or not prefer else cands[0]


def from_patterns(ix: Indexed, text: str, offset: int, prefer: list[str]) -> Where | None:
    """'(Town, Admin1)', 'Town (Admin1)' and 'in Town, Admin1' as written in ACLED and GTD notes."""
    for m in _PAREN.finditer(text):
        x, y, w = m.group("x").strip(), (m.group("y") or "").strip(), (m.group("w") or "").strip()
        adm = admin1_lookup(ix, y, prefer) if y else admin1_lookup(ix, x, prefer)
        if not adm:
            continue
        w = _LEADING_JUNK.sub("", w)
        loc = (
            w
            if (w and y and re.search(r"\b(?:in|at|near|of)\s+$", text[max(0, m.start() - 6) : m.start()]))
            else (x if y else w)
        )
        if not loc or not loc[0].isupper():
            loc = x if y else adm.name
        return Where(
            adm.country, adm.admin1 or adm.name, "", loc, None, "exact", offset + m.start(), offset + m.end()
        )
    for m in _IN_X_Y.finditer(text):
        x, y = m.group("x"), m.group("y")
        country = ix.country_names.get(name_keys(y))
        if country is not None:
            # "near Zugdidi, Georgia": the country, not a same-named region elsewhere
            known = [
                p.entry
                for p in ix.index.find(tokens(x), frozenset({"place"}))
                if p.entry.country == country.code
            ]
            if known:
                p = min(known, key=lambda e: e.kind == "admin1")
                return Where(
                    country.code,
                    p.admin1,
                    p.admin2,
                    p.name,
                    p,
                    "exact" if p.kind != "admin1" else "region",
                    offset + m.start("x"),
                    offset + m.end("x"),
                )
            return Where(country.code, "", "", x, None, "exact", offset + m.start("x"), offset + m.end("x"))
        adm = admin1_lookup(ix, y, prefer)
        if not adm:
            # "in Mukalla city, Hadramawt governorate": retry without the trailing kind word handled by lookup
            continue
        return Where(
            adm.country,
            adm.admin1 or adm.name,
            "",
            x,
            None,
            "exact",
            offset + m.start("x"),
            offset + m.end("y"),
        )
    return None


_SUFFIX = re.compile(r"^\s+(?:district|county|sub-?district|tehsil|upazila|municipality)\b", re.I)
_RAW_PLACE = re.compile(
    rf"\b(?:in|at|near|outside)\s+(?:the\s+)?(?:(?:village|town|city|area|district|neighbou?rhood|camp)\s+of\s+)?(?P<x>{_CAP})(?:\s+(?:village|town|city|area|district|neighbou?rhood|camp))?"
)
_NOT_PLACE = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|The|A|An|This|That|His|Her|Their|Its|Police|Army|According|Addition|Response|Total|Order|Front|Retaliation)\b"
)


def with_suffix(text: str, end: int, name: str) -> str:
    """'Kurram district' when the text says so: the longer name still contains the short one."""
    m = _SUFFIX.match(text[end : end + 20])
    return name + " " + m.group().strip().lower() if m else name


def raw_place(text: str, offset: int, known: set[tuple[str, ...]]) -> tuple[str, int, int] | None:
    """An unknown capitalised place after 'in'/'near' ("in Kolofata town"), for the location name only."""
    for m in _RAW_PLACE.finditer(text):
        x = m.group("x")
        if _NOT_PLACE.match(x) or name_keys(x) in known:
            continue
        return x, offset + m.start("x"), offset + m.end("x")
    return None


def best_place(matches: list[Match], countries: list[str]) -> Match | None:
    """Most precise place in the preferred countries, earliest first."""
    places = [m for m in matches if m.kind == "place"]
    if countries:
        inside = [m for m in places if m.entry.country in countries]
        if inside:
            places = inside
        else:
            return None
    rank = {"place": 0, "admin3": 1, "admin2": 2, "admin1": 3}
    if not places:
        return None
    return min(places, key=lambda m: (rank.get(m.entry.kind, 0), m.start))
