"""Word-level precision and recall of extracted text against expected text, and the test pages
of tests/fixtures/web with their expected readings (shared by tests/webread and bench/main_text.py)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "web"


@dataclass(frozen=True)
class Overlap:
    """Counts of word tokens: in both texts (as multisets), extracted, expected."""

    common: int
    extracted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.common / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.common / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Overlap) -> Overlap:
        return Overlap(
            self.common + other.common, self.extracted + other.extracted, self.expected + other.expected
        )


def tokens(text: str) -> list[str]:
    """Lower-cased runs of letters and digits."""
    found, current = [], []
    for ch in text.lower():
        if ch.isalnum():
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def overlap(extracted: str, expected: str) -> Overlap:
    got, want = Counter(tokens(extracted)), Counter(tokens(expected))
    return Overlap(sum((got & want).values()), sum(got.values()), sum(want.values()))


@dataclass(frozen=True)
class FixturePage:
    name: str
    content: bytes
    expected: dict

    @property
    def url(self) -> str:
        return self.expected["url"]


def fixture_pages() -> list[FixturePage]:
    """Every NAME.html beside its NAME.expected.json, by name."""
    return [
        FixturePage(
            path.stem,
            path.read_bytes(),
            json.loads(path.with_suffix("").with_suffix(".expected.json").read_text("utf-8")),
        )
        for path in sorted(PAGES_DIR.glob("*.html"))
    ]
