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
    ]
)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case, accents off ("Bogotá" and "Bogota" are one word)."""
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
    "Al Shabab", "Harakat al-Shabaab al-Mujahideen" share "shabab")."""
    out = set()
    for word in words(name.replace("-", " ")):
        if word in NAME_NOISE or len(word) < 3:
            continue
        out.add(_squeeze(word))
    return frozenset(out)


def _squeeze(word: str) -> str:
    """Doubled letters and a vowel run count once: spellings of one transliterated name meet."""
    out: list[str] = []
    for ch in word:
        if out and (ch == out[-1] or (ch in "aeiou" and out[-1] in "aeiou")):
            continue
        out.append(ch)
    return "".join(out)


def names_agree(first: tuple[str, ...], second: tuple[str, ...]) -> bool | None:
    """Whether two reports name the same group (None when either names none or only an
    "unidentified" one: they neither agree nor differ)."""
    a = [name_key(n) for n in first if not _unnamed(n)]
    b = [name_key(n) for n in second if not _unnamed(n)]
    a, b = [k for k in a if k], [k for k in b if k]
    if not a or not b:
        return None
    return any(x & y for x in a for y in b)


def _unnamed(name: str) -> bool:
    folded = fold(name)
    return folded.startswith("unidentified") or folded.startswith("unknown") or folded == ""
