"""A meeting point inside the worker's filing of reports, for the two-worker race test: a worker
started with `--include tests.e2e.link_barrier` and INCIDENTS_TEST_LINK_BARRIER=<directory> waits,
right after its candidate search, until a second parse has searched too (at most
INCIDENTS_TEST_LINK_BARRIER_SECONDS). So two parses of one event meet with both searches done and
neither incident written, unless something (the advisory lock per blocking key) keeps the second
search behind the first's commit: then the first waits in vain and goes on alone.

A worker is another process, so a test cannot monkeypatch it: this module does it there, at
import, around `incidents.services.linking._candidates` (the linker and the writes are untouched).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from incidents.services import linking

DIRECTORY = os.environ.get("INCIDENTS_TEST_LINK_BARRIER", "")
SECONDS = float(os.environ.get("INCIDENTS_TEST_LINK_BARRIER_SECONDS", "5"))
PARTIES = 2

_real_candidates = linking._candidates


def candidates_then_meet(blocks):
    """The real candidate search, then the wait for the other parse's."""
    found = _real_candidates(blocks)
    if DIRECTORY and blocks:
        here = Path(DIRECTORY)
        (here / f"searched-{os.getpid()}-{uuid.uuid4().hex[:8]}").write_text(str(len(found)))
        until = time.monotonic() + SECONDS
        while len(list(here.glob("searched-*"))) < PARTIES and time.monotonic() < until:
            time.sleep(0.05)
    return found


linking._candidates = candidates_then_meet
