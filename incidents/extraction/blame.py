"""Who the story holds responsible beyond the incident's own sentences.

An attack's sentences often name no one ("Gunmen stormed the school"); the story says who later:
"Residents blamed Boko Haram", "the strikes were carried out by the coalition", "the governor
accused Russia of targeting civilians", "the attacker was identified as ...", "the bandits
arrived on motorcycles". What a group is in general ("a stronghold of", "groups linked to al
Qaeda have expanded their operations") and a claim for another town's attack blame no one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import actors as act
from .knowledge import Match
from .text import Sentence

# "The attacker was identified as Omar Ali Hassan", "the gunman ... was named as Karim Abu Salem"
_PERSON_NAME = r"[A-Z][\w'\u2019-]{1,30}(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-Z][\w'\u2019-]{1,30}){1,3}"
_ATTACKER_NAMED = re.compile(
    r"\b(?:attacker|gunman|assailant|shooter|bomber|stabber|perpetrator|killer|terrorist)\b[^.;]{0,80}?\b"
    r"(?:was|has\s+been|had\s+been)\s+(?:identified|named)\s+(?:by\s+(?:the\s+)?\w+\s+)?as\s+"
    rf"(?P<name>{_PERSON_NAME})"
    r"|\b(?:identified|named)\s+the\s+(?:attacker|gunman|assailant|shooter|bomber|stabber|perpetrator|killer)\s+"
    rf"as\s+(?P<name2>{_PERSON_NAME})",
)


def named_attacker(sents: list[Sentence], country: str) -> act.ActorMention | None:
    """The lone attacker the story names ("The attacker was identified as ..."): who did it."""
    for s in sents:
        m = _ATTACKER_NAMED.search(s.text)
        if m is not None:
            g = "name" if m.group("name") else "name2"
            a, b = s.start + m.start(g), s.start + m.end(g)
            return act.ActorMention(m.group(g), "political_militia", country, a, b, m.group(g), "named")
    return None


_BANDITS = re.compile(r"\bbandits?\b", re.I)
_GENERIC_STATEMENT = re.compile(
    r"\b(?:often|frequently|routinely|regularly|usually|typically|commonly)\b", re.I
)


def called_bandits(sents: list[Sentence]) -> bool:
    """Whether the story calls the incident's attackers bandits (not "armed groups, often called
    bandits, frequently kidnap": what such groups do in general)."""
    return any(_BANDITS.search(s.text) and not _GENERIC_STATEMENT.search(s.text) for s in sents)


def blamed(
    matches_in: Callable[[int, int], list[Match]],
    asides: list[Sentence],
    country: str = "",
    own: str = "",
) -> act.ActorMention | None:
    """The armed group that the story's other sentences blame for the incident, or that says its
    men did it ("Residents blamed Boko Haram"): those sentences tell no event, so no group took them.
    `own` is the incident's own text, up to where each sentence turns to another event."""
    asides = [s for s in asides if not _SITUATION.search(s.text)]
    for s in asides:
        named = [(m.start, m.end, m.entry) for m in matches_in(s.start, s.end) if m.kind == "actor"]
        found = act.attributed(s.text, s.start, named) if named else None
        if found is not None and not claimed_elsewhere(s.text, own):
            return found
    for s in asides:
        states = [
            m.entry
            for m in matches_in(s.start, s.end)
            if m.kind == "country"
            and m.entry.code != country
            and _STATE_ACCUSED.match(s.text, m.end - s.start)
            and _STATE_ACCUSED_BEFORE.search(s.text, max(0, m.start - s.start - 30), m.start - s.start)
        ]
        if states:
            # "Zelenskiy accused Russia of deliberately targeting civilians": a foreign state's forces
            name, atype = act.generic_name("military", states[0])
            return act.ActorMention(name, atype, states[0].code, -1, -1, "", "military")
    return None


_CLAIMED_NAMED = re.compile(
    r"\bclaimed\s+(?:responsibility\s+for\s+)?the\s+(?P<name>[A-Z][\w'\u2019-]{1,30})\s+"
    r"(?:attack|bombing|shooting|blast|raid|assault|ambush|killing)s?\b"
)


def claimed_place(text: str) -> str | None:
    """The place of the attack a sentence says was claimed ("claimed the Hadera attack"), if named."""
    m = _CLAIMED_NAMED.search(text)
    return m.group("name") if m is not None else None


def claimed_elsewhere(text: str, own: str) -> bool:
    """ "Islamic State claimed the Hadera attack": a claim for the attack at a place this incident's
    own sentences never name is for another one."""
    place = claimed_place(text)
    return place is not None and place not in own


# how a region fares, not who did this: "as groups linked to al Qaeda have expanded their operations"
_SITUATION = re.compile(
    r"\b(?:ha(?:ve|s)|had)\s+(?:\w+\s+)?(?:expanded|waged|spread|grown|intensified|deteriorated|worsened|"
    r"operated|been\s+active|stepped\s+up)\b|\boperations\s+(?:across|in\s+the\s+region)\b",
    re.I,
)
_STATE_ACCUSED_BEFORE = re.compile(r"\b(?:accused|blamed)\s+(?:the\s+)?$", re.I)
# Read right after a country's name (`match`); it cannot start inside a run of spaces, so a search
# over a long run of them stays linear.
_STATE_ACCUSED = re.compile(
    r"(?<!\s)(?:['\u2019]s\s+(?:forces|military|army|troops))?\s+(?:of\s+(?:\w+ly\s+)?(?:targeting|attacking|"
    r"shelling|bombing|striking|killing)|for\s+(?:the|this|that)\s+(?:\w+\s+)?(?:attack|strike|shelling|bombing|"
    r"massacre))\b",
    re.I,
)
