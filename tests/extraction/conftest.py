"""Shared helpers for the extractor's tests: one knowledge for the session, drafts by text."""

from __future__ import annotations

from datetime import date

import pytest

from incidents.extraction import extract, load_reference_knowledge
from incidents.extraction.types import DraftIncident


@pytest.fixture(scope="session")
def knowledge():
    return load_reference_knowledge()


@pytest.fixture
def drafts(knowledge):
    """drafts(text, published, title="", primary=True): the drafts of one article."""

    def read(text: str, published: date, title: str = "", primary: bool | None = True) -> list[DraftIncident]:
        found = extract(text, published, knowledge, title)
        return [d for d in found if primary is None or d.primary == primary]

    return read


@pytest.fixture
def one(drafts):
    """one(text, published, title=""): the article's only reported incident."""

    def read(text: str, published: date, title: str = "") -> DraftIncident:
        found = drafts(text, published, title)
        assert len(found) == 1, [(d.country, d.location_name, d.event_type, d.start_date) for d in found]
        return found[0]

    return read


def actor(draft: DraftIncident, role: str) -> str:
    return next((a.name for a in draft.actors if a.role == role), "")
