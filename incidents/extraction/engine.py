"""The pipeline: text -> stories -> incident groups -> DraftIncidents with evidence."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from collections import Counter
from datetime import date

from . import actors as act
from .counts import CountMention, find_counts
from .document import read_document
from .dates import DateMention, anchor, find_dates, reporting
from .events import classify, first_cue, has_event_cue
from .factual import accident
from .knowledge import Indexed, Match, indexed
from .places import (
    Where,
    locative,
    add_gazetteer_places,
    best_place,
    from_patterns,
    place_precision,
    raw_place,
    with_suffix,
)
from .segment import Block, Group, group_sentences, is_background, split_blocks
from .text import MAX_CHARS, Sentence, sentences, tokens
from .types import Count, DraftActor, DraftIncident, Evidence, Knowledge

_SOURCE = re.compile(
    r"according\s+to\s+(?:a\s+|an\s+|the\s+)?(?P<a>[A-Z][\w'\u2019&.-]*(?:\s+(?:of|for|on|and|the|de)?\s*[A-Z(][\w'\u2019&.)-]*){0,7})"
    r"|(?P<b>police|officials?|the\s+military|the\s+army|witnesses|residents|medics|doctors|hospital\s+officials|security\s+sources|local\s+media|state\s+media|[A-Z][\w]+(?:\s+[A-Z][\w]+){0,4})\s+(?:said|say|says|reported|stated|told|confirmed)\b"
)
_SOURCE_SKIP = re.compile(r"^(?:He|She|They|It|We|The|This|That|Officials?|Police)$")


def extract_incidents(
    text: str, published: date, knowledge: Knowledge, title: str = ""
) -> list[DraftIncident]:
    """Draft incidents from one article (see package docstring)."""
    if not isinstance(text, str) or not text.strip():
        return []
    doc = read_document(text[:MAX_CHARS], published, title)
    text, published = doc.text, doc.reference  # furniture blanked; relative dates from the dateline
    if not text.strip():
        return []
    ix = indexed(knowledge)
    toks = tokens(text)
    matches = add_gazetteer_places(ix, text, toks, ix.index.find(toks))
    starts = [m.start for m in matches]
    title_countries = _countries_in(ix.index.find(tokens(title)) if title else [])
    article_countries = _rank_countries(matches) + [
        c for c in title_countries if c not in _rank_countries(matches)
    ]
    out: list[DraftIncident] = []
    for block in split_blocks(text):
        sents = sentences(text[block.start : block.end], block.start)
        if block.headline:
            sents = [s for s in sents if s.start >= block.headline.end]
        block_matches = [m for m in matches if block.start <= m.start < block.end]
        block_countries = _rank_countries(block_matches) or article_countries
        items = []
        for s in sents:
            counted = bool(find_counts(s.text))
            if accident(s.text) or not (has_event_cue(s.text) or counted and items):
                continue
            sm = _in_span(matches, starts, s.start, s.end)
            dms = _own_dates(text, s, published)
            event_date = dms[0] if dms and not dms[0].reporting else None
            items.append((s, _sentence_country(ix, text, s, sm, block_countries), event_date))
        if not items:
            continue
        groups = group_sentences(items)
        if "\n" not in text.strip() and len(text) < 1500 and len(split_blocks(text)) == 1:
            groups = _one_report(groups, published, sents)
        for g in groups:
            inc = _build(ix, text, g, block, published, matches, starts, block_countries)
            if inc is not None:
                out.append(inc)
    return out


def _own_dates(text: str, s: Sentence, published: date) -> list[DateMention]:
    """The sentence's dates that date its own event ("two days later, on ..." shifted back), the
    event's before those of statements about it ("said on Sunday")."""
    events, reports = [], []
    for d in find_dates(s.text, published, s.start):
        own = anchor(d, text[max(0, d.start - 30) : d.start])
        if own is None:
            continue
        if reporting(text, d.start, d.end):
            reports.append(replace(own, reporting=True))
        else:
            events.append(own)
    return events + reports


def _one_report(groups: list[Group], published: date, sents: list[Sentence]) -> list[Group]:
    """A one-paragraph note (ACLED, GTD style) reports one incident: merge its current groups, all its sentences."""  # noqa: E501
    current = [g for g in groups if not is_background(g.date, published)]
    if not current:
        return groups
    first = current[0]
    in_background = {id(s) for g in groups if g not in current for s in g.sentences}
    first.sentences = [s for s in sents if id(s) not in in_background]
    for g in current[1:]:
        first.sentences.extend(g.sentences)
        first.country = first.country or g.country
        first.date = first.date or g.date
    first.sentences.sort(key=lambda s: s.start)
    return [g for g in groups if g is first or g not in current]


def _in_span(matches: list[Match], starts: list[int], a: int, b: int) -> list[Match]:
    i = bisect_left(starts, a)
    out = []
    while i < len(matches) and matches[i].start < b:
        out.append(matches[i])
        i += 1
    return out


def _countries_in(ms: list[Match]) -> list[str]:
    seen: list[str] = []
    for m in ms:
        code = (
            m.entry.code if m.kind in ("country", "demonym") else m.entry.country if m.kind == "place" else ""
        )
        if code and code not in seen:
            seen.append(code)
    return seen


def _rank_countries(ms: list[Match]) -> list[str]:
    """Countries of an article, most mentioned first (places count towards their country)."""
    c: Counter[str] = Counter()
    first: dict[str, int] = {}
    at: dict[int, set[str]] = {}
    for m in ms:
        if m.kind == "place":
            at.setdefault(m.start, set()).add(m.entry.country)
    for m in ms:
        if m.kind in ("country", "demonym"):
            code, w = m.entry.code, 2.0
        elif m.kind == "place":
            code, w = m.entry.country, 1.0 / len(at[m.start])  # "Tripoli": Libya or Lebanon
        else:
            continue
        c[code] += w
        first.setdefault(code, m.start)
    return sorted(c, key=lambda k: (-c[k], first[k]))


def _sentence_country(ix: Indexed, text: str, s: Sentence, sm: list[Match], prefer: list[str]) -> str:
    """Country where a sentence's event happened: an explicit admin pattern, a place named as where
    ("in Kabul", "the town of Palma"), or "in <Country>". Countries that report, react or are
    someone's nationality ("Russia's defence ministry", "a Japanese journalist") say nothing."""
    w = from_patterns(ix, s.text, s.start, prefer)
    if w:
        return w.country
    places = [m for m in sm if m.kind == "place" and locative(text, m.start, m.end)]
    known = sorted(
        (m for m in places if m.entry.country in prefer),
        key=lambda m: (prefer.index(m.entry.country), m.start),
    ) or sorted(places, key=lambda m: m.start)
    if known:
        return known[0].entry.country
    for m in sm:
        if m.kind == "country" and locative(text, m.start, m.end):
            return m.entry.code
    return ""


def _build(
    ix: Indexed,
    text: str,
    g: Group,
    block: Block,
    published: date,
    matches: list[Match],
    starts: list[int],
    block_countries: list[str],
) -> DraftIncident | None:
    sents = sorted(g.sentences, key=lambda s: s.start)
    lead = next((s for s in sents if has_event_cue(s.text)), sents[0])
    ev: list[Evidence] = []
    conf: dict[str, float] = {}
    full_a, full_b = sents[0].start, sents[-1].end
    full_text = " ".join(s.text for s in sents)
    # place
    country = g.country or (block_countries[0] if block_countries else "")
    prefer = [country] + [c for c in block_countries if c != country] if country else block_countries
    where: Where | None = None
    for s in sents:
        where = from_patterns(ix, s.text, s.start, prefer)
        if where:
            break
    gm = [m for s in sents for m in _in_span(matches, starts, s.start, s.end)]
    if block.headline:
        gm += _in_span(matches, starts, block.headline.start, block.headline.end)
    if where is None or not where.location:
        bp = best_place(gm, [country] if country else []) or (
            best_place(_in_span(matches, starts, block.start, block.end), [country] if country else [])
        )
        if bp is not None:
            p = bp.entry
            where = Where(
                p.country,
                p.admin1,
                p.admin2,
                p.name,
                p,
                place_precision(text, bp.start, p),
                bp.start,
                bp.end,
            )
    if where is None:
        where = Where(country, precision="country")
    if where.precision in ("region", "country") and country:
        known = set(ix.admin1_names) | set(ix.country_names)
        raw = raw_place(lead.text, lead.start, known)
        if raw:
            where.location, where.start, where.end = raw
    if where.location and where.end > 0 and (where.place is None or where.place.kind != "place"):
        where.location = with_suffix(text, where.end, where.location)
    elif where.country and where.country != country:
        country = where.country
    if where.start >= 0:
        ev.append(Evidence("location", where.start, where.end, text[where.start : where.end]))
        conf["location"] = 0.8 if where.precision == "exact" else 0.6
    if where.place is None and where.admin1 and country:
        cand = next((p for p in ix.admin1.values() if p.country == country and p.name == where.admin1), None)
        where.place = None if cand is None else where.place
    # date
    dm: DateMention | None = g.date
    if dm is None:
        for s in sents:
            d = _own_dates(text, s, published)
            if d:
                dm = d[0]
                break
    if dm is None:
        # "The deceased was found on Tuesday": the two sentences that follow the incident's own, when
        # they report no other event (their dates belong to this one)
        story = sentences(text[block.start : block.end], block.start)
        following = [s for s in story if s.start >= full_b][:2]
        for s in following:
            if has_event_cue(s.text):
                break
            found = _own_dates(text, s, published)
            if found:
                dm = found[0]
                break
    if dm is None and block.headline is not None:
        hd = find_dates(block.headline.text, published, block.headline.start)
        dm = hd[0] if hd else None
    # a later "fourth consecutive day" widens a start-only date into a range, but only one it
    # contains: "On 8 May, for the second consecutive day" stays 8 May when published on the 11th
    for s in sents:
        for d in find_dates(s.text, published, s.start):
            widens = dm is None or d.start_date <= dm.start_date <= d.end_date
            if ("consecutive" in d.text or "straight" in d.text) and widens:
                dm = d
    if dm is not None:
        start_date, end_date, precision = dm.start_date, dm.end_date, dm.precision
        ev.append(Evidence("date", dm.start, dm.end, dm.text))
        conf["date"] = 0.8
    else:
        start_date, end_date, precision = published, published, "day"
        conf["date"] = 0.3
    primary = not is_background(dm, published)
    # actors
    country_entry = ix.countries.get(country)
    named = [(m.start, m.end, m.entry) for m in gm if m.kind == "actor" and full_a <= m.start < full_b]
    demonyms = [(m.start, m.end, m.entry) for m in gm if m.kind == "demonym"]
    mentions = act.find_actors(text[full_a:full_b], full_a, named, demonyms, country_entry, ix.countries)
    cue = first_cue(lead.text) or first_cue(full_text)
    family = cue[0] if cue else ""
    perp, target = act.assign_roles(mentions, family, country_entry, text[full_a:full_b], full_a)
    etype = classify(
        lead.text,
        full_text,
        target_is_armed=bool(target and act.is_armed(target) and (perp is None or perp.name != target.name)),
    )
    if etype is None:
        return None
    if etype.family != family:
        perp, target = act.assign_roles(mentions, etype.family, country_entry, text[full_a:full_b], full_a)
    if perp is None and etype.event_type in (
        "Violence against civilians",
        "Explosions/Remote violence",
        "Battles",
    ):
        name, atype = act.generic_name("unidentified", country_entry)
        perp = act.ActorMention(name, atype, country, -1, -1, "", "unidentified")
    if target is None and etype.event_type == "Violence against civilians":
        name, atype = act.generic_name("civilians", country_entry)
        target = act.ActorMention(name, atype, country, -1, -1, "", "civilians")
    cue_src = lead if first_cue(lead.text) else sents[0]
    ev.append(
        Evidence(
            "event_type",
            cue_src.start + etype.cue_start,
            cue_src.start + etype.cue_end,
            cue_src.text[etype.cue_start : etype.cue_end],
        )
    )
    conf["event_type"] = 0.7
    draft_actors = []
    for role, am in (("actor1", perp), ("actor2", target)):
        if am is None:
            continue
        draft_actors.append(DraftActor(am.name, role, am.actor_type, am.country, am.key))
        if am.start >= 0:
            ev.append(Evidence(role, am.start, am.end, am.text))
            conf[role] = 0.7 if am.kind == "named" else 0.5
        else:
            conf[role] = 0.3
    # counts
    fat, fat_m = _best_count([c for s in sents for c in find_counts(s.text, s.start)], "fatalities")
    inj, inj_m = _best_count([c for s in sents for c in find_counts(s.text, s.start)], "injured")
    for name, m in (("fatalities", fat_m), ("injured", inj_m)):
        if m is not None:
            ev.append(Evidence(name, m.start, m.end, text[m.start : m.end]))
            conf[name] = 0.5 if m.count.vague else 0.8
    # sources
    srcs = []
    for s in sents:
        for m in _SOURCE.finditer(s.text):
            name = (m.group("a") or m.group("b") or "").strip(" .,")
            if not name or _SOURCE_SKIP.match(name):
                if name in ("Police", "police", "Officials", "officials"):
                    srcs.append(name.lower())
                continue
            name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
            # "Syrian Observatory for Human Rights (SOHR)": the acronym is not part of the name.
            name = re.sub(r"\s*\([^()]*\)$", "", name)
            if name not in srcs:
                srcs.append(name)
                ev.append(Evidence("source", s.start + m.start(), s.start + m.end(), m.group()))
    confidence = round(sum(conf.values()) / max(len(conf), 1) * (1.0 if primary else 0.6), 3)
    return DraftIncident(
        start_date=start_date,
        end_date=end_date,
        date_precision=precision,
        event_type=etype.event_type,
        sub_event_type=etype.sub_event_type,
        country=country,
        admin1=where.admin1,
        admin2=where.admin2,
        location_name=where.location,
        place=where.place,
        latitude=where.place.latitude if where.place else None,
        longitude=where.place.longitude if where.place else None,
        geo_precision=where.precision,
        fatalities=fat,
        injured=inj,
        actors=draft_actors,
        sources=srcs,
        summary=lead.text[:300],
        primary=primary,
        confidence=confidence,
        field_confidence=conf,
        evidence=ev,
    )


def _best_count(mentions: list[CountMention], field: str) -> tuple[Count, CountMention | None]:
    """The figure a report would give for the event: the last stated tally (tolls are revised
    upwards as a story grows, and the article's latest word wins), else the largest precise
    figure, else one victim told in the singular. "Dozens" gives no figure: only its evidence."""
    ms = [m for m in mentions if m.field == field]
    if not ms:
        return Count(), None
    precise = [m for m in ms if not m.count.vague and m.count.best is not None]
    tallies = [m for m in precise if m.tally]
    if tallies:
        return tallies[-1].count, tallies[-1]
    counted = [m for m in precise if not m.single]
    if counted:
        m = max(counted, key=lambda m: m.count.best or 0)
        return m.count, m
    if precise:
        return precise[0].count, precise[0]
    return Count(vague=True), ms[0]
