"""A re-parse and an analyst's save of one of its drafts at the same moment: the analyst's work is
kept (incidents.services.drafts.drafts_save locks the drafts it replaces)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from incidents.models import Incident
from incidents.services import incident_update

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite runs one writer at a time, so the two cannot overlap",
)


def test_a_draft_saved_while_its_article_is_re_parsed_is_kept(transactional_db, make_incident, analyst):
    from incidents.services.drafts import drafts_save

    draft = make_incident(status="draft", summary="as drafted")
    saved_not_committed, may_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def analyst_saves() -> None:
        try:
            with transaction.atomic():
                incident_update(Incident.objects.get(pk=draft.pk), summary="as corrected", user=analyst)
                saved_not_committed.set()
                may_commit.wait(10)
        finally:
            connections.close_all()

    def worker_reparses() -> None:
        try:
            saved_not_committed.wait(10)
            threading.Timer(1.0, may_commit.set).start()  # commit while the re-parse waits
            with transaction.atomic():
                drafts_save(draft.article, [])  # the new parse drafts nothing
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=analyst_saves), threading.Thread(target=worker_reparses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "error" not in outcome, outcome["error"]
    kept = Incident.objects.get(pk=draft.pk)
    assert (kept.status, kept.summary) == ("reviewed", "as corrected")
