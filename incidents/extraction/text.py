"""Text plumbing: folding names for matching, tokens with spans, sentences.

Everything that compares a name in the text with a name in the knowledge goes
through `fold_token`, so "Al-Hasakah", "Hasakah" and "Hasaka" meet in the middle.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_CHARS = 2_000_000  # longer inputs are not news articles; only their head is read

ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "an", "at", "az", "ash", "adh", "ath", "ech", "es", "et"})
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_SENT_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c(]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z])")
_ABBREV = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Capt|Sgt|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|N\.Y|approx|vs|Maj|Rev|Prof|Sen|Gov|Rep)\.$"
)


# Letters of other scripts drawn like Latin ones, and full-width forms: "Kаbul" typed with a
# Cyrillic "а", "Ｍｏｓｕｌ" from a CJK keyboard. Each maps to one character, so offsets stay.
_LOOKALIKE = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04bb"
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0406\u0408\u0405"
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7"
    "\u03bf\u03b1\u03b9\u03ba\u03c1\u03c5\u03bd",
    "aeopcyxijsdhABEKMHOPCTXIJSABEZHIKMNOPTYXoaikpuv",
)
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_MIXED_WORD = re.compile(r"[^\W_]{2,}")
_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " "})


def fold_lookalikes(text: str) -> str:
    """`text` with look-alike letters in otherwise Latin words and full-width forms made Latin, and
    no-break spaces made spaces; the same length, so every offset into it is one into `text`."""
    if text.isascii():
        return text
    text = text.translate(_SPACES).translate(_FULL_WIDTH)
    parts: list[str] = []
    pos = 0
    for m in _MIXED_WORD.finditer(text):
        word = m.group()
        if word.isascii() or not any("a" <= c.lower() <= "z" for c in word):
            continue  # a word wholly of another script is that script's, not a disguise
        folded = word.translate(_LOOKALIKE)
        if folded != word:
            parts.append(text[pos : m.start()])
            parts.append(folded)
            pos = m.end()
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def strip_accents(text: str) -> str:
    """Remove diacritics so "León" and "Leon" compare equal."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("ı", "i")


@lru_cache(maxsize=65536)
def fold_token(word: str) -> str:
    """Matching key for one word: casefolded, unaccented, common transliteration variants merged."""
    w = strip_accents(word).casefold().replace("'", "").replace("\u2019", "")
    w = re.sub(r"(.)\1+", r"\1", w)  # Raqqa/Raqa, Hassakeh/Hasakeh
    if len(w) > 4 and w.endswith(("ah", "eh")):
        w = w[:-2] + "a"  # Hasakah/Hasakeh/Hasaka
    return w


@dataclass(frozen=True)
class Token:
    key: str  # fold_token of the word
    start: int
    end: int
    raw: str


def tokens(text: str) -> list[Token]:
    """Word tokens with spans; Arabic article prefixes (al-, el-, Ad ...) dropped so variants align."""
    out: list[Token] = []
    words = list(_WORD.finditer(text))
    capital_article = False
    for i, m in enumerate(words):
        raw = m.group()
        if raw[-2:] in ("'s", "\u2019s"):
            raw = raw[:-2]  # "Pakistan's" names Pakistan
        low = raw.casefold()
        if low in ARTICLES and i + 1 < len(words):
            nxt = words[i + 1]
            hyphen = text[m.end() : nxt.start()] in ("-", "\u2010", "\u2011")
            if (
                low in ("al", "el")
                and (hyphen or raw[0].isupper() or nxt.group()[0].isupper())
                or hyphen
                or (
                    raw[0].isupper()
                    and nxt.group()[0].isupper()
                    and m.start() > 0
                    and text[m.start() - 1] not in ".\n"
                )
            ):
                capital_article = raw[0].isupper()
                continue
        if capital_article and raw[:1].islower():
            raw = raw[0].upper() + raw[1:]  # "Al shabaab": the article carried the capital
        capital_article = False
        out.append(Token(fold_token(raw), m.start(), m.start() + len(raw), raw))
    return out


def name_keys(name: str) -> tuple[str, ...]:
    """Token keys of a knowledge name, folded exactly like text tokens."""
    return tuple(t.key for t in tokens(name))


_LINE_BREAK = re.compile(r"(?<=[^\n])\n(?=[^\n])")
_ENDS_CLAUSE = re.compile(r"[.!?:;\"\u201d\u2019)\]]\s*$")


def unwrap(text: str) -> str:
    """Join lines a hard-wrapped text (e-mail, .txt, PDF) broke mid-sentence, keeping every offset.

    A line break read as a sentence or paragraph end cuts an incident in two. A break is joined
    (turned into a space, so spans into the text stay valid) when the line before does not end a
    clause and either the next line starts in lower case, or the whole text is wrapped: most
    lines are 40 to 100 characters long. Blank lines always separate.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    wrapped = len(lines) >= 3 and sum(40 <= len(line) <= 100 for line in lines) >= 0.7 * len(lines)

    def join(m: re.Match) -> str:
        before = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        after = text[m.end() : m.end() + 1]
        if not before.strip() or _ENDS_CLAUSE.search(before):
            return "\n"
        return " " if after.islower() or after.isdigit() or wrapped else "\n"

    return _LINE_BREAK.sub(join, text) if "\n" in text else text


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split into sentences keeping spans into the original text; newlines separate too."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        tail = text[max(pos, m.start() - 12) : m.start()].rstrip()  # "Mr.", "Gen.": the last word only
        if _ABBREV.search(tail) and "\n" not in m.group():
            continue
        _append(out, text, pos, m.start(), offset)
        pos = m.end()
    _append(out, text, pos, len(text), offset)
    return out


MAX_SENTENCE = 1_500  # no sentence of news is longer; a longer run is read in pieces this long


def _append(out: list[Sentence], text: str, a: int, b: int, offset: int) -> None:
    while b - a > MAX_SENTENCE:  # a run with no sentence end: cut it at a space, so each piece's
        cut = text.rfind(" ", a + MAX_SENTENCE // 2, a + MAX_SENTENCE)  # own reading stays small
        cut = cut if cut > a else a + MAX_SENTENCE
        _append(out, text, a, cut, offset)
        a = cut
    chunk = text[a:b]
    lead = len(chunk) - len(chunk.lstrip())
    chunk = chunk.strip()
    if chunk:
        out.append(Sentence(offset + a + lead, offset + a + lead + len(chunk), chunk))
