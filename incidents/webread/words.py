"""A feed's word filter: which entries are worth importing, by whole words, without regex.

Texts and wanted phrases are both cut into words (runs of letters and digits), lower-cased and
with accents folded, so "attaque" matches "Attaqué", "attack" matches "Attack!" but not
"attacker", and "car bomb" matches "car  bomb" or "car-bomb". A phrase is found by a substring
search of its words joined by single spaces in the text's words joined the same way: one pass
over the text per phrase, whatever the input (no pattern can backtrack).

Scripts written without spaces between words (Chinese, Japanese, Thai) come out as one long
"word" per run, so a phrase in them matches only a whole run.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, compatibility-normalised, accents removed: "Ŝtata Ａttack" -> "stata attack"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def word_list(text: str) -> list[str]:
    """The folded words of a text, in order."""
    words: list[str] = []
    current: list[str] = []
    for ch in fold(text):
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def phrases(words: str) -> list[str]:
    """The filter's phrases (comma- or newline-separated), each as its words joined by spaces."""
    found = []
    for line in words.replace("\r", "\n").split("\n"):
        for part in line.split(","):
            joined = " ".join(word_list(part))
            if joined:
                found.append(joined)
    return found


def words_match(words: str, *texts: str) -> bool:
    """True if the filter is empty or any of its phrases occurs as whole words in any text."""
    wanted = phrases(words)
    if not wanted:
        return True
    # spaces at both ends: a phrase must start and end on a word boundary
    haystacks = [f" {' '.join(word_list(text))} " for text in texts if text]
    return any(f" {phrase} " in haystack for haystack in haystacks for phrase in wanted)
