"""Comparing names and sentences: the normalisations the scorer relies on (no regular
expressions with nested quantifiers: every pattern here is a single character class run)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from math import sqrt

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which event a sentence is about.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "said",
        "says",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "who",
        "with",
        "after",
        "also",
        "over",
        "more",
        "than",
        "least",
        "about",
        "some",
        "other",
        "would",
        "could",
        "there",
        "when",
        "where",
        "while",
        "since",
        "before",
        "during",
        "out",
        "up",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "people",
        "we",
        "our",
        "not",
        "but",
        "no",
        "new",
        "told",
        "according",
    ]
)
# Parts of a group's name that do not tell one group from another.
NAME_NOISE = frozenset(
    [
        "al",
        "el",
        "the",
        "of",
        "and",
        "for",
        "group",
        "movement",
        "harakat",
        "jamaat",
        "jama",
        "front",
        "army",
        "forces",
        "force",
        "brigade",
        "brigades",
        "organisation",
        "organization",
        "unidentified",
        "armed",
        "militia",
        "militants",
        "fighters",
        # crowds and unnamed attackers: a category, not a group ("Protesters (Kenya)")
        "protesters",
        "rioters",
        "civilians",
        "bandits",
        "gunmen",
        "attackers",
        "assailants",
    ]
)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case, accents off ("Bogotá" and "Bogota" are one word). Cached: a worker compares the
    same few names and sentences against a hundred candidates."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The words of a sentence that may tell one event from another (a crude stem: plural -s off)."""
    out = set()
    for word in words(text):
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        out.add(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(out)


def cosine(first: frozenset[str], second: frozenset[str]) -> float:
    """The overlap of two word sets as a cosine (0..1): kinder than Jaccard to a short sentence
    set against a long one."""
    if not first or not second:
        return 0.0
    return len(first & second) / sqrt(len(first) * len(second))


@lru_cache(maxsize=4096)
def name_key(name: str) -> frozenset[str]:
    """A group's name as its telling words, with the Arabic article joined ("al-Shabaab",
    "Al Shabab", "Harakat al-Shabaab al-Mujahideen" share "shabab"). A bracketed part is left out:
    it is a country or a period ("Unidentified Armed Group (Niger)"), or an alias (`name_keys`)."""
    return _key(_outside_brackets(name))


@lru_cache(maxsize=4096)
def name_keys(name: str) -> tuple[frozenset[str], ...]:
    """The name's key and, when the name is a real one, its bracketed alias's ("Jama'at Ahl
    al-Sunna (Boko Haram)"); () for a category ("Protesters (Kenya)", "Unidentified ...")."""
    main = name_key(name)
    if not main:
        return ()
    keys = [main]
    start, end = name.find("("), name.find(")")
    inside = name[start + 1 : end] if 0 <= start < end else ""
    if inside and not any(ch.isdigit() for ch in inside) and len(_key(inside)) > 1:
        keys.append(_key(inside))
    return tuple(keys)


def _outside_brackets(name: str) -> str:
    out, depth = [], 0
    for ch in name:
        depth += ch == "("
        if not depth:
            out.append(ch)
        depth -= ch == ")" and depth > 0
    return "".join(out)


def _key(name: str) -> frozenset[str]:
    out = set()
    for word in words(name.replace("-", " ")):
        if word in NAME_NOISE or len(word) < 3:
            continue
        out.add(_squeeze(word))
    return frozenset(out)


def keys_agree(x: frozenset[str], y: frozenset[str]) -> bool:
    """Two keys name one group when they share more than half of the shorter one's words: "Islamic
    State" and "Islamic State of Iraq" agree; "Military Forces of Russia" and "... of Ukraine",
    whose one shared word is a category, do not."""
    return 2 * len(x & y) > min(len(x), len(y))


def _squeeze(word: str) -> str:
    """Doubled letters and a vowel run count once: spellings of one transliterated name meet."""
    out: list[str] = []
    for ch in word:
        if out and (ch == out[-1] or (ch in "aeiou" and out[-1] in "aeiou")):
            continue
        out.append(ch)
    return "".join(out)


def names_agree(first: tuple[str, ...], second: tuple[str, ...]) -> bool | None:
    """Whether two reports name the same group (None when either names none, or only a category
    such as "Unidentified Armed Group (X)" or "Protesters (X)": they neither agree nor differ)."""
    a = [k for n in first if not _unnamed(n) for k in name_keys(n)]
    b = [k for n in second if not _unnamed(n) for k in name_keys(n)]
    if not a or not b:
        return None
    return any(keys_agree(x, y) for x in a for y in b)


def _unnamed(name: str) -> bool:
    folded = fold(name)
    return folded.startswith("unidentified") or folded.startswith("unknown") or folded == ""


def shared_name(first: tuple[str, ...], second: tuple[str, ...]) -> str:
    """The shorter of the first two names that agree ("al-Shabaab" of "al-Shabaab" and "Harakat
    al-Shabaab al-Mujahideen"): what an analyst reads as the group both reports name."""
    for x in first:
        for y in second:
            pairs = [(p, q) for p in name_keys(x) for q in name_keys(y)]
            if not _unnamed(x) and not _unnamed(y) and any(keys_agree(p, q) for p, q in pairs):
                return min(x, y, key=len)
    return ""
