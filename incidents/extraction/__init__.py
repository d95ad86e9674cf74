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

EXTRACTOR_VERSION = "0.2.1"

__all__ = ["EXTRACTOR_VERSION", "extract", "load_reference_knowledge"]


def extract(
    text: str, published: datetime.date, knowledge: Knowledge, title: str = ""
) -> list[DraftIncident]:
    """Draft incidents reported in `text`, dates resolved against `published`."""
    return extract_incidents(unwrap(text), published, knowledge, title)
