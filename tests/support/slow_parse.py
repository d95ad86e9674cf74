"""A slow extractor for a test's Celery worker, which imports this module with
`celery worker --include tests.support.slow_parse` (tests/conftest.py, `slow_parse_worker`).

A worker is another process, so a test cannot monkeypatch it; this module does it there, at
import, and only in a worker a test starts with it. Articles whose text holds MARKER take
INCIDENTS_TEST_SLOW_PARSE_SECONDS longer to extract, inside the service's own seam
(`incidents.services.articles.extract_drafts`); every other article is parsed as usual by the real
extractor, which is never touched. The wait sleeps in short steps, so the worker's soft time limit
(a signal) interrupts it as it would interrupt a slow extractor.
"""

from __future__ import annotations

import os
import time

from incidents.services import articles

MARKER = "[test: slow parse]"
SECONDS = float(os.environ.get("INCIDENTS_TEST_SLOW_PARSE_SECONDS", "0"))
# "1": slow on the first try only (an article whose earlier parse died with its worker is quick)
FIRST_TRY_ONLY = os.environ.get("INCIDENTS_TEST_SLOW_FIRST_TRY_ONLY") == "1"

_real_extract_drafts = articles.extract_drafts


def slow_extract_drafts(article):
    """The real extraction, after a long wait for a marked article."""
    if SECONDS and MARKER in article.text and not (FIRST_TRY_ONLY and article.lost_parses):
        until = time.monotonic() + SECONDS
        while time.monotonic() < until:
            time.sleep(0.05)
    return _real_extract_drafts(article)


articles.extract_drafts = slow_extract_drafts
