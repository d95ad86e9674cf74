"""The pipeline: page -> stories -> event sentences -> incident groups -> DraftIncidents with evidence.

An article is first stripped of its page furniture (`document.py`): the dateline dates the
report and hints at its place. Each story of it is read sentence by sentence; a sentence that
reports violence that happened (`events.py`, `factual.py`) joins the incident of its place and
date or starts a new one (`segment.py`). Each group of sentences then becomes one draft: its
place (`location.py`), date, type, actors, counts and sources, each with the span of text that
supports it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial

from . import actors as act
from . import blame
from .confidence import confidence
from .counts import CountMention, find_counts
from .dates import DateMention, anchor, find_dates, reporting
from .document import Document, read_document
from .events import EventType, classify, first_cue, has_event_cue
from .factual import accident
from .gazetteer import admin1_key
from .knowledge import Indexed, Match, indexed
from .location import Hints, incident_place
from .places import (
    Where,
    add_gazetteer_places,
    from_patterns,
    geo_lookup,
    locative,
    own_clause_end,
    raw_place,
    with_suffix,
)
from .segment import Block, EventSentence, Group, Spot, group_sentences, is_background, split_blocks
from .text import MAX_CHARS, Sentence, fold_lookalikes, name_keys, sentences, tokens
from .types import Count, CountryEntry, DraftActor, DraftIncident, Evidence, Knowledge, PlaceEntry

_NAME = r"[A-Z][\w'\u2019&.-]{0,40}(?:\s+(?:(?:of|for|on|and|the|de)\s+)?[A-Z(][\w'\u2019&.)-]{0,40}){0,7}"
_SOURCE = re.compile(
    rf"according\s+to\s+(?:a\s+|an\s+|the\s+)?(?P<a>{_NAME})"
    r"|(?P<b>police|officials?|the\s+military|the\s+army|witnesses|residents|medics|doctors|hospital\s+officials|"
    r"security\s+sources|local\s+media|state\s+media|[A-Z]\w+(?:\s+[A-Z]\w+){0,4})\s+"
    r"(?:said|say|says|reported|stated|told|confirmed)\b"
)
_SOURCE_SKIP = re.compile(r"^(?:He|She|They|It|We|The|This|That|Officials?|Police)$")
_VIOLENT_TYPES = ("Violence against civilians", "Explosions/Remote violence", "Battles")


class _Locatives:
    """`locative` for the names of one text, each worked out once: the article's countries, each
    block's and each sentence's ask it of the same names again."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: dict[tuple[int, int], bool] = {}

    def __call__(self, m: Match) -> bool:
        key = (m.start, m.end)
        hit = self.seen.get(key)
        if hit is None:
            hit = self.seen[key] = locative(self.text, m.start, m.end)
        return hit


@dataclass
class _Article:
    """What every incident of one article is read against, computed once."""

    ix: Indexed
    text: str  # page furniture blanked (same offsets as `original`)
    original: str
    published: date  # the reference date: the dateline's, else the publication date
    matches: list[Match]
    starts: list[int]
    countries: list[str]  # the article's countries, where its events are first
    hints: Hints
    at: _Locatives  # whether a name is named as where something happened
    dates: dict[tuple[int, date | None], list[DateMention]] = field(default_factory=dict)
    # "One attack killed the officers, and in another neighbourhood two soldiers were wounded":
    # the second clause, read as a sentence of its own (its start) -> the clause it turned from
    turned: dict[int, Sentence] = field(default_factory=dict)


def extract_incidents(
    text: str, published: date, knowledge: Knowledge, title: str = ""
) -> list[DraftIncident]:
    """Draft incidents from one article (see module docstring)."""
    if not isinstance(text, str) or not text.strip():
        return []
    original = text[:MAX_CHARS]
    doc = read_document(fold_lookalikes(original), published, fold_lookalikes(title))
    if not doc.text.strip():
        return []
    art = _read(indexed(knowledge), doc, fold_lookalikes(title))
    art.original = original  # evidence quotes the article as it came
    blocks = split_blocks(art.text)
    # a one-paragraph note (ACLED, GTD style) reports one incident
    one_report = "\n" not in art.text.strip() and len(art.text) < 1500 and len(blocks) == 1
    out: list[DraftIncident] = []
    for block in blocks:
        story = _another_clauses(art, sentences(art.text[block.start : block.end], block.start))
        if block.headline:
            story = [s for s in story if s.start >= block.headline.end]
        block_matches = _in_span(art.matches, art.starts, block.start, block.end)
        block_countries = _rank_countries(art.at, block_matches) or art.countries
        items = _event_sentences(art, story, block_countries)
        if not items:
            continue
        groups = group_sentences(items, art.published)
        if one_report:
            groups = _one_report(groups, art.published, story)
        _carry_countries(groups)
        _hand_out_asides(story, groups)
        # the lead incident: the one the story opens with (in its first two sentences)
        opening = {id(s) for s in story[:2]}
        lead = next((g for g in groups if any(id(s) in opening for s in g.sentences)), None)
        story_day: date | None = None
        for g in groups:
            inc = _build(art, g, block, story, block_countries, is_lead=g is lead, story_day=story_day)
            if inc is not None:
                out.append(inc)
                if g is lead and inc.date_precision == "day":
                    story_day = inc.start_date
    reported = max(1, sum(1 for inc in out if inc.primary))
    for inc in out:
        inc.signals.update(alone=1.0 / reported, note=float(one_report))
        inc.confidence = confidence(inc.signals)
        if not inc.primary:
            inc.confidence = round(inc.confidence * 0.6, 3)  # a recalled event is told in passing
    return out


def _read(ix: Indexed, doc: Document, title: str) -> _Article:
    """Names found once in the whole text and in the title; the article's countries; place hints."""
    text = doc.text
    toks = tokens(text)
    matches = [
        m
        for m in add_gazetteer_places(ix, text, toks, ix.index.find(toks))
        if not (m.kind in ("country", "demonym") and _CURRENCY.match(text, m.end))
    ]
    title_toks = tokens(title) if title else []
    title_matches = add_gazetteer_places(ix, title, title_toks, ix.index.find(title_toks)) if title else []
    at = _Locatives(text)
    countries = _rank_countries(at, matches)
    dateline = _dateline_places(ix, doc, countries)
    for m in title_matches:
        code = m.entry.code if m.kind in ("country", "demonym") else getattr(m.entry, "country", "")
        if code and code not in countries and m.kind != "actor":
            countries.append(code)
    for p in dateline:
        if p.country not in countries:
            countries.append(p.country)
    span = (doc.dateline.place_start, doc.dateline.place_end) if doc.dateline else (-1, -1)
    hints = Hints([m for m in title_matches if m.kind == "place"], dateline, span)
    starts = [m.start for m in matches]
    return _Article(ix, text, doc.original, doc.reference, matches, starts, countries, hints, at)


def _dateline_places(ix: Indexed, doc: Document, countries: list[str]) -> list[PlaceEntry]:
    """The dateline's city as known places, in the article's countries first ("KABUL/WASHINGTON"
    names Kabul; "LVIV, Ukraine" is the Lviv of Ukraine)."""
    if doc.dateline is None:
        return []
    first = re.split(r"/", doc.dateline.place)[0].strip()
    region = ix.country_names.get(tuple(t.key for t in tokens(doc.dateline.region)))
    wanted = [region.code] if region else countries
    found = [
        m.entry
        for m in ix.index.find(tokens(first.title()), frozenset({"place"}))
        if not wanted or m.entry.country in wanted
    ]
    if not found and ix.gazetteer is not None:
        for cc in wanted[:3]:
            geo = geo_lookup(ix, first.title(), cc)
            if geo is not None:
                found.append(geo)
                break
    return sorted(found, key=lambda p: p.kind != "place")


_CODED_UNDER = {"HK": ("CN", "Hong Kong"), "MO": ("CN", "Macau")}
# "the US dollar", "Lebanese pound": money, not the country
_CURRENCY = re.compile(r"(?<!\s)\s+(?:dollars?|pounds?|dinars?|rupees?|euros?|pesos?|currency)\b", re.I)
_SEPARATE = re.compile(
    r"^\W*(?:separately|elsewhere|meanwhile|in\s+(?:a\s+)?(?:separate|another|other|a\s+second|an\s+unrelated)\s+"
    r"(?:attack|incident|development|violence|bombing|raid|clash|strike)s?)\b|"
    r"\bin\s+(?:another|a\s+different|a\s+second)\s+(?:neighbou?rhood|area|town|village|district|province|city|"
    r"location|place|region|state)\b|"
    r"\bin\s+a\s+separate\s+(?:attack|incident)\b|"
    # "Also on Wednesday, two people were killed ...": one more event that day
    r"^\W*also\s+(?:on\s+|late\s+|early\s+)(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    re.I,
)
_REFERS_BACK = re.compile(
    r"^\W*(?:(?:during|in|after)\s+)?the\s+(?:\w+\s+){0,2}?(?:attack|attacks|blast|blasts|explosion|explosions|"
    r"bombing|bombings|strike|raid|assault|shooting|ambush|incident|massacre|violence|fighting|clashes|siege|"
    r"attackers?|bombers?|gunm[ae]n|assailants?)\b",
    re.I,
)
_RANK = {"place": 0, "admin3": 1, "admin2": 2, "admin1": 3}
_GENERIC_CUE = re.compile(
    r"killed|attack(?:s|ed)?|assault|slain|bodies|body\s+(?:was|of)|found\s+dead|dead", re.I
)
# the present perfect and progressive tell what is happening now: "have been killed", "is fighting"
_PRESENT = re.compile(r"\b(?:(?:has|have)\s+(?:been\s+)?[a-z]+(?:ed|en|wn|ght)|(?:is|are)\s+[a-z]+ing)\b")
_MAX_SENTENCES = 40
_FOLLOW_UP = timedelta(days=60)  # a follow-up reports its event within weeks; older leads are looked back on
# an article that looks back: an anniversary, a commemoration, "two years after the massacre"
_RECALLS = re.compile(
    r"\b(?:anniversary|commemorat\w*|memorial\s+(?:service|ceremony)|years?\s+(?:ago|after|since|on)|"
    r"remember(?:ed|s|ing)?\s+(?:the\s+)?victims|marks?\s+(?:\w+\s+){0,2}years?)\b",
    re.I,
)
_EVENT_NOUN = re.compile(
    r"(?:attacks?|blasts?|explosions?|bombings?|strikes?|raids?|assault|shooting|ambush|massacre|killings?|"
    r"violence|fighting|clashes|siege|gunm[ae]n|attackers?|bombers?|assailants?)\b",
    re.I,
)
_DETERMINER_END = re.compile(
    r"\b(?:the|this|that|these|those|its|their|[\w-]{1,40}['\u2019]s)\s+(?:[\w-]{1,40}\s+){0,2}$", re.I
)


_PRONOUN_BACK = re.compile(
    r"\b(?:it|they)\s+(?:was|were)\s+(?:attacked|hit|struck|targeted|ambushed|bombed|stopped|stormed|seized)\b",
    re.I,
)


_ANOTHER_TURN = re.compile(
    r"[;,]\s+(?:and\s+|while\s+|whereas\s+)?(?=in\s+(?:another|a\s+second|a\s+different|a\s+separate|"
    r"a\s+nearby)\s+(?:neighbou?rhood|area|town|village|district|province|city|region|state)\b)",
    re.I,
)


def _another_clauses(art: _Article, story: list[Sentence]) -> list[Sentence]:
    """The story's sentences, each clause that turns to "another neighbourhood" a sentence of its own."""
    out: list[Sentence] = []
    for s in story:
        m = _ANOTHER_TURN.search(s.text)
        if m is None:
            out.append(s)
            continue
        first = Sentence(s.start, s.start + m.start(), s.text[: m.start()])
        second = Sentence(s.start + m.end(), s.end, s.text[m.end() :])
        art.turned[second.start] = first
        out += [first, second]
    return out


def _refers_back(text: str) -> bool:
    """Whether a sentence's event is one told before: it opens on "The attack ...", or its first
    event word is a definite noun ("condemned the attack", "since the bombing", "Tuesday's blast")."""
    if _REFERS_BACK.search(text) or _PRONOUN_BACK.search(text):
        return True
    cue = first_cue(text)
    if cue is None:
        return False
    m = cue[1]
    return bool(_EVENT_NOUN.match(text, m.start())) and bool(
        _DETERMINER_END.search(text, max(0, m.start() - 40), m.start())
    )


def _event_sentences(art: _Article, story: list[Sentence], block_countries: list[str]) -> list[EventSentence]:
    """The story's sentences that report violence (or give a toll right after one), with the
    country, date and place of their event."""
    items: list[EventSentence] = []
    last: DateMention | None = None  # the story's time so far: the last date it gave an event
    for s in story:
        dms = _dates_of(art, s, last.start_date if last else None)
        said = last
        if dms and not dms[0].reporting:
            last = dms[0]
        if not has_event_cue(s.text) and not (items and find_counts(s.text, s.start)):
            continue  # neither an event nor a toll given right after one
        if accident(s.text):
            continue
        sm = _in_span(art.matches, art.starts, s.start, s.end)
        event_date = dms[0] if dms and not dms[0].reporting else None
        if (
            event_date is None
            and said is not None
            and items
            and said.start > items[-1].sentence.end
            and is_background(said, art.published)
        ):
            # "In October last year, Daesh sought a foothold. It launched attacks ...": the story's time
            event_date = said
        country = _sentence_country(art.ix, art.at, s, sm, block_countries)
        items.append(
            EventSentence(
                s,
                country,
                event_date,
                _spot(art, s, sm, country, block_countries) if has_event_cue(s.text) else None,
                separate=bool(_SEPARATE.search(s.text)),
                refers_back=_refers_back(s.text),
                current=bool(_PRESENT.search(s.text)),
                reported=dms[0] if dms and dms[0].reporting else None,
            )
        )
    return items


_UNLISTED_VILLAGE = re.compile(
    r"\b(?:in|at|on|near)\s+(?:the\s+)?(?:village\s+of\s+(?P<y>[A-Z][\w'\u2019-]{1,30})|"
    r"(?P<x>[A-Z][\w'\u2019-]{1,30})\s+village)\b"
)


def _spot(art: _Article, s: Sentence, sm: list[Match], country: str, prefer: list[str]) -> Spot | None:
    """The most precise place a sentence names as where its event happened, as grouping keys."""
    wanted = [country] if country else prefer
    end = own_clause_end(s.text, s.start)  # "in retaliation for raids in Mombasa": another event's place
    here = [
        m
        for m in sm
        if m.kind == "place" and m.start < end and (not wanted or m.entry.country in wanted) and art.at(m)
    ]
    if not here:
        v = _UNLISTED_VILLAGE.search(s.text, 0, end - s.start)
        if v is None or not (country or wanted):
            return None
        # "killed in Kofa village": a village no gazetteer lists is still a place of its own
        return Spot(country or wanted[0], "", " ".join(name_keys(v.group("x") or v.group("y"))))
    p = min(here, key=lambda m: (_RANK.get(m.entry.kind, 0), m.start)).entry
    admin1 = admin1_key(p.admin1 or p.name)
    town = " ".join(name_keys(p.name)) if p.kind in ("place", "admin3") else ""
    return Spot(p.country, admin1, town)


def _dates_of(art: _Article, s: Sentence, base: date | None = None) -> list[DateMention]:
    """`_own_dates` of a sentence, read once per article: grouping, dating and widening all ask."""
    key = (s.start, base)
    if key not in art.dates:
        art.dates[key] = _own_dates(art.text, s, art.published, base)
    return art.dates[key]


def _own_dates(text: str, s: Sentence, published: date, base: date | None = None) -> list[DateMention]:
    """The sentence's dates that date its own event ("two days later, on ..." shifted back), the
    event's before those of statements about it ("said on Sunday")."""
    events, reports, since = [], [], []
    for d in find_dates(s.text, published, s.start, base):
        own = anchor(d, text[max(0, d.start - 30) : d.start])
        if own is None:
            continue
        if d.text[:5].lower() == "since":
            # "the deadliest since 2003": another event's date; the sentence's own only if it has no
            # other, and even then not one to date an incident by
            since.append(replace(own, reporting=True))
            continue
        if reporting(text, d.start, d.end):
            reports.append(replace(own, reporting=True))
        else:
            events.append(own)
    return events + reports or since


def _one_report(groups: list[Group], published: date, sents: list[Sentence]) -> list[Group]:
    """A one-paragraph note reports one incident: merge its current groups, all its sentences."""
    current = [g for g in groups if not is_background(g.date, published) and not g.separate]
    if not current:
        return groups
    first = current[0]
    apart = {id(s) for g in groups if g not in current for s in g.sentences}
    first.sentences = [s for s in sents if id(s) not in apart]
    for g in current[1:]:
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


def _hand_out_asides(story: list[Sentence], groups: list[Group]) -> None:
    """Each sentence that tells no event goes to the incident told just before it: "Residents
    blamed Boko Haram" speaks of the attack the paragraph before described."""
    owner = {id(s): g for g in groups for s in g.sentences}
    current: Group | None = None
    for s in story:
        g = owner.get(id(s))
        if g is not None:
            current = g
        elif current is not None and len(current.asides) < _MAX_SENTENCES:
            current.asides.append(s)


def _carry_countries(groups: list[Group]) -> None:
    """An incident whose sentences name no country of their own happened where the story was
    when it told it ("The officer had been abducted a week earlier" after an Iraqi officer)."""
    story_country = ""
    for g in groups:  # in the order the story tells them
        if g.country:
            story_country = g.country
        elif story_country:
            g.country = story_country


def _rank_countries(at: _Locatives, ms: list[Match]) -> list[str]:
    """Countries of an article, where its events are first: a place or country named as where
    something happened weighs most, other places less, names of countries and demonyms (who
    reported, reacted or was someone's nationality) least."""
    c: Counter[str] = Counter()
    first: dict[str, int] = {}
    named_at: dict[int, set[str]] = {}
    for m in ms:
        if m.kind == "place":
            named_at.setdefault(m.start, set()).add(m.entry.country)
    for m in ms:
        if m.kind == "place":
            where = 3.0 if at(m) else 1.0
            code, w = m.entry.country, where / len(named_at[m.start])  # "Tripoli": Libya or Lebanon
        elif m.kind == "country":
            code, w = m.entry.code, 3.0 if at(m) else 1.0
        elif m.kind == "demonym":
            code, w = m.entry.code, 0.75
        else:
            continue
        c[code] += w
        first.setdefault(code, m.start)
    return sorted(c, key=lambda k: (-c[k], first[k]))


def _sentence_country(ix: Indexed, at: _Locatives, s: Sentence, sm: list[Match], prefer: list[str]) -> str:
    """Country where a sentence's event happened: an explicit admin pattern, a place named as where
    ("in Kabul", "the town of Palma"), or "in <Country>". Countries that report, react or are
    someone's nationality ("Russia's defence ministry", "a Japanese journalist") say nothing."""
    w = from_patterns(ix, s.text, s.start, prefer)
    if w:
        return w.country
    places = [m for m in sm if m.kind == "place" and at(m)]
    known = sorted(
        (m for m in places if m.entry.country in prefer),
        key=lambda m: (prefer.index(m.entry.country), m.start),
    ) or sorted(places, key=lambda m: m.start)
    if known:
        return known[0].entry.country
    for m in sm:
        if m.kind == "country" and at(m):
            return m.entry.code
    return ""


def _build(
    art: _Article,
    g: Group,
    block: Block,
    story: list[Sentence],
    block_countries: list[str],
    is_lead: bool = False,
    story_day: date | None = None,
) -> DraftIncident | None:
    """One draft from one group of sentences, or None when they name no event type. The story's
    lead incident is what the article reports however old it is (a follow-up on last month's
    bombing reports that bombing), unless the lead itself recalls it ("a year after the massacre");
    any other incident more than a week old is recalled in passing: background."""
    # an incident is told in a few paragraphs: past the first few dozen sentences, more of them
    # only repeats it (and would make one incident cost as much as the whole text)
    sents = sorted(g.sentences, key=lambda s: s.start)[:_MAX_SENTENCES]
    lead = next((s for s in sents if has_event_cue(s.text)), sents[0])
    ev: list[Evidence] = []
    conf: dict[str, float] = {}
    country = g.country or (block_countries[0] if block_countries else "")
    after_lead = next((s.start for s in sents if s.start > lead.start), len(art.text))
    follow = [s for s in g.asides if lead.start < s.start < after_lead][:2]
    where, country = _place(art, sents, lead, country, block_countries, block, ev, conf, follow)
    if country in _CODED_UNDER and country in art.ix.countries:
        # ACLED codes Hong Kong and Macau as regions of China
        parent, region = _CODED_UNDER[country]
        where.admin1 = region
        country = parent if parent in art.ix.countries else country
    dm = _date(art, g, sents, block, story, ev, conf)
    day = _story_day(g, dm, story_day)
    if day is not None:
        dm = DateMention(day, day, "day", -1, -1, "")
        ev[:] = [e for e in ev if e.field != "date"]  # the day is the story's, said elsewhere
        conf["date"] = 0.5
    turned = next((art.turned[s.start] for s in sents if s.start in art.turned), None)
    etype, perp, target = _type_and_actors(art, sents, lead, country, ev, conf, g.asides, turned)
    if etype is None:
        return None
    fat, inj, fat_m = _counts(art, sents, ev, conf)
    primary = _reported(art, dm, etype, sents, is_lead)
    signals = _signals(where, dm, etype, fat_m, perp, is_lead)
    start_date, end_date, precision = (
        (dm.start_date, dm.end_date, dm.precision) if dm else (art.published, art.published, "day")
    )
    draft_actors = [
        DraftActor(am.name, role, am.actor_type, am.country, am.key)
        for role, am in (("actor1", perp), ("actor2", target))
        if am is not None
    ]
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
        sources=_sources(art, sents, ev),
        summary=lead.text[:300],
        primary=primary,
        field_confidence=conf,
        evidence=ev,
        signals=signals,
    )


def _signals(
    where: Where,
    dm: DateMention | None,
    etype: EventType,
    fat_m: CountMention | None,
    perp: act.ActorMention | None,
    is_lead: bool,
) -> dict[str, float]:
    """How the draft's fields were found, for its confidence (see confidence.py)."""
    town = (
        where.place is not None
        and where.place.kind in ("place", "admin3")
        or (where.place is None and bool(where.location) and where.precision == "exact")
    )
    return {
        "date_own": float(dm is not None and not dm.reporting),
        "date_none": float(dm is None),
        "place_town": float(town and where.start >= 0),
        "place_region": float(not town and bool(where.admin1)),
        "place_fallback": float(bool(where.location) and where.start < 0),
        "type_specific": float(not _GENERIC_CUE.fullmatch(etype.cue_text)),
        "count_tally": float(fat_m is not None and fat_m.tally),
        "count_figure": float(fat_m is not None and not fat_m.tally and fat_m.count.best is not None),
        "count_none": float(fat_m is None),
        "named_actor": float(perp is not None and perp.kind == "named"),
        "lead": float(is_lead),
    }


def _evidence(art: _Article, field: str, a: int, b: int) -> Evidence:
    return Evidence(field, a, b, art.original[a:b])


def _place(
    art: _Article,
    sents: list[Sentence],
    lead: Sentence,
    country: str,
    block_countries: list[str],
    block: Block,
    ev: list[Evidence],
    conf: dict[str, float],
    follow: list[Sentence] = (),
) -> tuple[Where, str]:
    """The incident's place and, when the place says so, its country."""
    prefer = [country] + [c for c in block_countries if c != country] if country else block_countries
    args = (art.ix, art.text, sents, lead, art.matches, country, prefer, (block.start, block.end), art.hints)
    where = incident_place(*args, art.starts, follow)
    if where.place is None and where.precision == "exact" and not where.admin1:
        # a village no gazetteer lists: its province is the one the story gives without it
        other = incident_place(*args, art.starts, follow, villages=False)
        if other.country == where.country:
            where.admin1 = other.admin1
    if where.precision in ("region", "country") and country:
        known = set(art.ix.admin1_names) | set(art.ix.country_names)
        raw = raw_place(lead.text, lead.start, known)
        if raw:
            where.location, where.start, where.end = raw
    if where.location and where.end > 0 and (where.place is None or where.place.kind != "place"):
        where.location = with_suffix(art.text, where.end, where.location)
    elif where.country and where.country != country:
        country = where.country
    if where.start >= 0:
        ev.append(_evidence(art, "location", where.start, where.end))
        conf["location"] = 0.8 if where.precision == "exact" else 0.6
    return where, country


def _date(
    art: _Article,
    g: Group,
    sents: list[Sentence],
    block: Block,
    story: list[Sentence],
    ev: list[Evidence],
    conf: dict[str, float],
) -> DateMention | None:
    """The incident's date: its own, else one a sentence after it gives, else the headline's; a later
    "fourth consecutive day" widens it into a range."""
    published = art.published
    dm: DateMention | None = g.date
    if dm is None:
        found = [d for s in sents for d in _dates_of(art, s)]
        dm = next((d for d in found if not d.reporting), found[0] if found else None)
    if dm is None or dm.reporting:
        # "Trouble broke out on Sunday evening", "The deceased was found on Tuesday": a sentence among
        # the incident's own, or one of the two after them, that reports no other event
        first, end = sents[0].start, sents[-1].end
        own = {id(s) for s in sents}
        starts = [s.start for s in story]
        lo, hi = bisect_right(starts, first), bisect_left(starts, end)
        between = [s for s in story[lo:hi] if id(s) not in own][:4]
        after = story[hi : hi + 2]
        fallback = None
        for s in between + after:
            if s in after and has_event_cue(s.text):
                break
            found = _dates_of(art, s)
            fallback = fallback or next(iter(found), None)
            if found and not found[0].reporting:
                dm = found[0]
                break
        else:
            dm = dm or fallback  # "The deceased was found on Tuesday": when found, if nothing better
    if dm is None and block.headline is not None:
        hd = find_dates(block.headline.text, published, block.headline.start)
        dm = hd[0] if hd else None
    if dm is not None and dm.precision in ("week", "month") and not dm.reporting:
        # "last week's abduction ... on Friday night, gunmen attacked": the day inside the week
        days = [
            d
            for s in sents
            for d in _dates_of(art, s)
            if d.precision == "day" and not d.reporting and dm.start_date <= d.start_date <= dm.end_date
        ]
        dm = days[0] if days else dm
    # "On 8 May, for the second consecutive day" stays 8 May when published on the 11th
    for s in sents:
        for d in find_dates(s.text, published, s.start):
            widens = dm is None or d.start_date <= dm.start_date <= d.end_date
            if ("consecutive" in d.text or "straight" in d.text) and widens:
                dm = d
    if dm is not None:
        ev.append(_evidence(art, "date", dm.start, dm.end))
    conf["date"] = 0.8 if dm is not None and not dm.reporting else 0.5 if dm is not None else 0.3
    return dm


def _reported(
    art: _Article, dm: DateMention | None, etype: EventType, sents: list[Sentence], is_lead: bool
) -> bool:
    """Whether the article reports the incident (primary) rather than recalls it (background)."""
    if is_lead and not (
        dm is not None and (dm.precision == "year" or dm.end_date < art.published - _FOLLOW_UP)
    ):
        # a commemoration is itself a gathering: only other events are recalled by it
        return etype.event_type == "Protests" or not _RECALLS.search(" ".join(s.text for s in sents[:2]))
    return not is_background(dm, art.published)


def _story_day(g: Group, dm: DateMention | None, story_day: date | None) -> date | None:
    """The story's day for an incident the story tells beside its own that gives no day of its own:
    "a statement on Thursday said six were killed in Kofa" (the night the story tells of), "in
    another neighbourhood, two soldiers were wounded" (not a year the story names later)."""
    if story_day is None:
        return None
    if dm is not None and dm.reporting and 0 < (dm.start_date - story_day).days <= 2:
        return story_day
    if g.date is None and g.separate and (dm is None or dm.precision == "year"):
        return story_day
    return None


def _type_and_actors(
    art: _Article,
    sents: list[Sentence],
    lead: Sentence,
    country: str,
    ev: list[Evidence],
    conf: dict[str, float],
    asides: list[Sentence] = (),
    turned: Sentence | None = None,
) -> tuple[EventType | None, act.ActorMention | None, act.ActorMention | None]:
    """Event type and (perpetrator, target): the roles depend on the type and the type on whether
    the target is armed, so the roles are read again when the type changes the cue family."""
    # each sentence up to where it turns to another event ("comes two days after a landmine ...")
    owns = [s.text[: own_clause_end(s.text, 0)] for s in sents]
    full_text = " ".join(owns)
    country_entry = art.ix.countries.get(country)
    mentions = _mentions(art, sents, owns, country_entry)
    parts = [(s.text, s.start) for s in sents]
    cue = first_cue(lead.text) or first_cue(full_text)
    family = cue[0] if cue else ""
    perp, target = act.assign_roles(mentions, family, country_entry, parts, lead_end=lead.end)
    armed = bool(target and act.is_armed(target) and (perp is None or perp.name != target.name))
    etype = classify(lead.text, full_text, target_is_armed=armed)
    if etype is None and turned is not None:
        # "... and in another neighbourhood, two soldiers were wounded": the kind of the attacks told
        etype = classify(turned.text, turned.text, target_is_armed=armed)
        etype = replace(etype, in_lead=False) if etype is not None else None
    if etype is None:
        return None, None, None
    if etype.family != family:
        perp, target = act.assign_roles(mentions, etype.family, country_entry, parts, lead_end=lead.end)
    if etype.event_type in _VIOLENT_TYPES:
        perp = _story_perpetrator(art, perp, [*sents, *asides], full_text, country)
    if target is None and etype.event_type == "Violence against civilians":
        name, atype = act.generic_name("civilians", country_entry)
        target = act.ActorMention(name, atype, country, -1, -1, "", "civilians")
    _type_evidence(art, etype, lead, sents, perp, target, ev, conf)
    return etype, perp, target


def _mentions(
    art: _Article, sents: list[Sentence], owns: list[str], country_entry: CountryEntry | None
) -> list[act.ActorMention]:
    """Actor mentions of each of the incident's sentences, up to where it turns to another event
    (`owns`: each sentence's text up to there; not "three days after an Islamic State bomber ...")."""
    mentions: list[act.ActorMention] = []
    for i, (s, own) in enumerate(zip(sents, owns, strict=True)):
        # each sentence on its own: a group's sentences may lie far apart in the story
        sm = _in_span(art.matches, art.starts, s.start, s.start + len(own))
        named = [(m.start, m.end, m.entry) for m in sm if m.kind == "actor"]
        demonyms = [(m.start, m.end, m.entry) for m in sm if m.kind in ("demonym", "country")]
        place = blame.claimed_place(own)
        if place is not None and not any(place in o for j, o in enumerate(owns) if j != i):
            named = []  # "Islamic State claimed the Hadera attack": the group claimed another attack
        mentions += act.find_actors(own, s.start, named, demonyms, country_entry, art.ix.countries)
    return mentions


def _story_perpetrator(
    art: _Article,
    perp: act.ActorMention | None,
    story: list[Sentence],
    own: str,
    country: str,
) -> act.ActorMention:
    """Who did a violent incident its own sentences (`own`) name no one for: whom the rest of the
    story blames, names or calls bandits, else an unidentified armed group."""
    country_entry = art.ix.countries.get(country)
    if perp is None or perp.kind == "unidentified":
        perp = blame.blamed(partial(_in_span, art.matches, art.starts), story, country, own) or perp
    if perp is None:
        name, atype = act.generic_name("unidentified", country_entry)
        perp = act.ActorMention(name, atype, country, -1, -1, "", "unidentified")
    if perp.kind == "unidentified":
        perp = blame.named_attacker(story, country) or perp
    if perp.kind == "unidentified" and blame.called_bandits(story):
        # "Gunmen attacked the school ... the bandits arrived on motorcycles": the story's word for them
        perp = replace(perp, name=f"Bandits ({country_entry.name})" if country_entry else "Bandits")
    return perp


def _type_evidence(
    art: _Article,
    etype: EventType,
    lead: Sentence,
    sents: list[Sentence],
    perp: act.ActorMention | None,
    target: act.ActorMention | None,
    ev: list[Evidence],
    conf: dict[str, float],
) -> None:
    """Evidence and confidence for the event type and the two actors."""
    cue_src = lead if first_cue(lead.text) else sents[0]
    if etype.in_lead:
        ev.append(
            _evidence(art, "event_type", cue_src.start + etype.cue_start, cue_src.start + etype.cue_end)
        )
    else:  # the weapon named in another of the incident's sentences
        s = next((s for s in sents if etype.cue_text in s.text), None)
        if s is not None:
            a = s.start + s.text.index(etype.cue_text)
            ev.append(_evidence(art, "event_type", a, a + len(etype.cue_text)))
    conf["event_type"] = 0.7
    for role, am in (("actor1", perp), ("actor2", target)):
        if am is None:
            continue
        if am.start >= 0:
            ev.append(_evidence(art, role, am.start, am.end))
            conf[role] = 0.7 if am.kind == "named" else 0.5
        else:
            conf[role] = 0.3


def _counts(
    art: _Article, sents: list[Sentence], ev: list[Evidence], conf: dict[str, float]
) -> tuple[Count, Count, CountMention | None]:
    """(fatalities, injured, the mention the fatalities come from)."""
    mentions = [c for s in sents for c in find_counts(s.text, s.start)]
    out = []
    for name in ("fatalities", "injured"):
        count, m = _best_count(mentions, name)
        if m is not None:
            ev.append(_evidence(art, name, m.start, m.end))
            conf[name] = 0.5 if m.count.vague else 0.9 if m.tally else 0.8
        out.append((count, m))
    return out[0][0], out[1][0], out[0][1]


def _sources(art: _Article, sents: list[Sentence], ev: list[Evidence]) -> list[str]:
    """Organisations the report cites ("according to SOHR", "police said")."""
    srcs: list[str] = []
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
                ev.append(_evidence(art, "source", s.start + m.start(), s.start + m.end()))
    return srcs


def _with(c: Count, n: int) -> Count:
    return Count(
        None if c.low is None else c.low + n, (c.best or 0) + n, None if c.high is None else c.high + n
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
        base = [m for m in counted if not m.additive] or counted
        m = max(base, key=lambda m: m.count.best or 0)
        # "170 Afghans were killed; 13 American service members also died": 183
        more = sum(x.count.best or 0 for x in counted if x.additive and x.start > m.start and x is not m)
        return (_with(m.count, more) if more else m.count), m
    if precise:
        return precise[0].count, precise[0]
    return Count(vague=True), ms[0]
