"""Information extraction: news text in, draft ACLED-style incidents out.

Pure standard-library Python (no Django), deterministic and offline, so it can be
tested and benchmarked alone. Bad input (junk, empty or non-English text) simply yields
no incidents; a bug raises, so the worker marks the article failed with the reason
instead of passing it off as an article with nothing in it.
"""

from __future__ import annotations

import datetime

from .engine import extract_incidents
from .knowledge import load_reference_knowledge
from .text import unwrap
from .types import DraftIncident, Knowledge

EXTRACTOR_VERSION = "0.3.1"

__all__ = ["EXTRACTOR_VERSION", "extract", "forget_sentences", "load_reference_knowledge"]


def forget_sentences() -> None:
    """Empty the per-sentence caches (a sentence's cues and counts are read several times in one
    parse); benchmarks call it so that a text read twice costs what it did the first time."""
    from .counts import _find_counts
    from .events import first_cue
    from .factual import figurative

    for cached in (_find_counts, first_cue, figurative):
        cached.cache_clear()


def extract(
    text: str, published: datetime.date, knowledge: Knowledge, title: str = ""
) -> list[DraftIncident]:
    """Draft incidents reported in `text`, dates resolved against `published`."""
    return extract_incidents(unwrap(text), published, knowledge, title)
