"""Splitting an article into stories and stories into incident-sized groups of sentences.

News briefs put several stories under short headlines; each story is segmented on
its own. Inside a story, a sentence with an event cue joins the incident of the same
country and date, or starts a new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .dates import DateMention
from .text import Sentence

_PARA = re.compile(r"\n\s*\n|\n(?=\S)")


@dataclass
class Block:
    start: int
    end: int
    headline: Sentence | None = None


def split_blocks(text: str) -> list[Block]:
    """Stories of a news brief (short unpunctuated headline lines), or the whole text as one block."""
    paras: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        if text[pos : m.start()].strip():
            paras.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        paras.append((pos, len(text)))
    heads = [i for i, (a, b) in enumerate(paras) if _is_headline(text[a:b]) and i + 1 < len(paras)]
    if len(heads) < 2:
        return [Block(0, len(text))]
    blocks: list[Block] = []
    if heads[0] > 0:
        blocks.append(Block(paras[0][0], paras[heads[0]][0]))
    for n, h in enumerate(heads):
        a, b = paras[h]
        end = paras[heads[n + 1]][0] if n + 1 < len(heads) else len(text)
        raw = text[a:b]
        lead = len(raw) - len(raw.lstrip())
        blocks.append(Block(a, end, Sentence(a + lead, a + lead + len(raw.strip()), raw.strip())))
    return blocks


def _is_headline(p: str) -> bool:
    p = p.strip()
    words = p.split()
    first = p.lstrip("'\"\u2018\u201c")
    return (
        1 <= len(words) <= 18
        and not p.endswith((".", "!", "?", ":", '"', "\u201d", ","))
        and first[:1].isupper()
    )


@dataclass(frozen=True)
class Spot:
    """Where one sentence says its event happened: country, admin1 and town keys ("" when unsaid)."""

    country: str
    admin1: str
    town: str = ""

    def holds(self, other: Spot) -> bool:
        """Whether the two may be one place: the same admin1, and the same town or a town within it."""
        if self.country != other.country:
            return False
        same_region = self.admin1 == other.admin1
        if self.admin1 and other.admin1 and not same_region:
            return False
        if not self.town or not other.town:
            return True
        # a village no gazetteer lists (no admin1 known) fits a region, not another town
        return same_region and self.town == other.town


@dataclass
class EventSentence:
    """A sentence that reports an event, with what it says of the event's country, date and place."""

    sentence: Sentence
    country: str = ""
    date: DateMention | None = None
    spot: Spot | None = None
    separate: bool = False  # "Separately, ...", "Elsewhere, ...": another event
    current: bool = False  # told in the present ("is fighting", "have been killed"): not an old event
    reported: DateMention | None = None  # "activists said today": when it was told, with no date of its own
    refers_back: bool = False  # "The blast ...", "The attack ...": the event told before


@dataclass
class Group:
    """Sentences believed to describe one incident."""

    country: str = ""
    date: DateMention | None = None
    sentences: list[Sentence] = field(default_factory=list)
    spot: Spot | None = None
    reported: DateMention | None = None
    separate: bool = False  # begun by "Separately, ...": never merged into another
    asides: list[Sentence] = field(default_factory=list)  # the story's event-less sentences after its own


def close(a: DateMention, b: DateMention) -> bool:
    """Two date mentions that may name the same incident: days within 3 days of each other (a night
    attack "on Friday" is "Saturday's" too); a week, month or year only when it holds the other."""
    slack = timedelta(days=3) if a.precision == b.precision == "day" else timedelta(0)
    return a.start_date - slack <= b.end_date and b.start_date - slack <= a.end_date


def _fits(g: Group, e: EventSentence, published: date | None = None) -> bool:
    """Whether an event sentence may tell the incident of group `g`: no other country, date or place,
    and nothing told in the present joins an event of weeks ago."""
    if e.refers_back:
        if e.spot is not None and not e.spot.admin1 and g.spot is not None and not g.spot.holds(e.spot):
            return False  # "The gunmen then opened fire in Zabalmari village": the same men, another place
        return (
            e.date is None or g.date is None or close(g.date, e.date)
        )  # its other places and countries are asides
    if e.country and g.country and e.country != g.country:
        return False
    if e.current and e.date is None and published is not None and is_background(g.date, published):
        return False
    if e.date is not None and g.date is not None and not close(g.date, e.date):
        return False
    old = (
        g.reported is not None
        and e.date is not None
        and e.date.end_date < g.reported.start_date - timedelta(days=7)
    )
    if g.date is None and old:
        return False  # "killing 11, activists said today" is not the story's 2011 arrests
    # ACLED: another place is another event
    return e.spot is None or g.spot is None or g.spot.holds(e.spot) or e.refers_back


_LOOK_BACK = 12


def group_sentences(items: list[EventSentence], published: date | None = None) -> list[Group]:
    """Cluster event sentences into incidents: a sentence joins the incident told just before it when
    nothing it says (country, date, place) sets it apart, else the latest one it fits, else starts
    its own. "Separately" and "elsewhere" start a new one."""
    groups: list[Group] = []
    cur: Group | None = None
    for e in items:
        target: Group | None = None
        recent = ([cur] if cur is not None else []) + groups[: -_LOOK_BACK - 1 : -1]
        if e.refers_back and e.spot is not None:
            # "The blast in Mogadishu also wounded 12": the incident told at that place, if one was
            target = next((g for g in recent if g.spot is not None and g.spot.holds(e.spot)), None)
        if target is None and not (e.separate and groups):
            # the incident told just before, then the few before it: a story comes back to an event
            # within a few paragraphs, and looking further back would cost the square of its length
            for g in recent:
                # the story's first incident is its subject, however old: the present tells its sequel
                when = published if g is not groups[0] else None
                if _fits(g, e, when) and (e.date is not None or e.country or e.spot or g is cur):
                    target = g
                    break
        if target is None:
            target = Group(separate=e.separate)
            groups.append(target)
        target.country = target.country or e.country
        if e.date is not None and target.date is None:
            target.date = e.date
        if e.spot is not None and target.spot is None:
            target.spot = e.spot
        if e.reported is not None and target.reported is None:
            target.reported = e.reported
        target.sentences.append(e.sentence)
        cur = target
    return groups


def is_background(dm: DateMention | None, published: date) -> bool:
    """An incident that ended more than a week before publication is recalled, not reported; so is
    one dated only by a past year ("last year", "in 2017")."""
    if dm is None:
        return False
    if dm.precision == "year" and dm.start_date < published - timedelta(days=30):
        return True
    return dm.end_date < published - timedelta(days=7)
