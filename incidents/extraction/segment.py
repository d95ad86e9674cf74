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


@dataclass
class Group:
    """Sentences believed to describe one incident."""

    country: str = ""
    date: DateMention | None = None
    sentences: list[Sentence] = field(default_factory=list)


def close(a: DateMention, b: DateMention) -> bool:
    """Two date mentions that may name the same incident: days within 3 days of each other (a night
    attack "on Friday" is "Saturday's" too); a week, month or year only when it holds the other."""
    slack = timedelta(days=3) if a.precision == b.precision == "day" else timedelta(0)
    return a.start_date - slack <= b.end_date and b.start_date - slack <= a.end_date


def group_sentences(items: list[tuple[Sentence, str, DateMention | None]]) -> list[Group]:
    """Cluster event sentences by (country, date); undated sentences join the latest group of their country."""  # noqa: E501
    groups: list[Group] = []
    cur: Group | None = None
    for sent, country, dm in items:
        target: Group | None = None
        if dm is not None:
            for g in reversed(groups):
                if (not country or not g.country or g.country == country) and (
                    g.date is None or close(g.date, dm)
                ):
                    target = g
                    break
        elif country:
            if cur is not None and (not cur.country or cur.country == country):
                target = cur
            else:
                target = next((g for g in reversed(groups) if g.country == country), None)
        else:
            target = cur
        if target is None:
            target = Group()
            groups.append(target)
        if country and not target.country:
            target.country = country
        if dm is not None and target.date is None:
            target.date = dm
        target.sentences.append(sent)
        cur = target
    return groups


def is_background(dm: DateMention | None, published: date) -> bool:
    """An incident that ended more than a week before publication is recalled, not reported."""
    return dm is not None and dm.end_date < published - timedelta(days=7)
