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


def test_two_parses_meeting_the_same_new_names_make_one_actor_and_one_source(transactional_db):
    """The first parse inserts the new names and holds its commit; the second's bulk insert waits on
    the unique name, fails when the first commits, and its names are then taken one by one: one
    actor (with one creation record), one source, both incidents linked to them, no error."""
    import datetime as dt

    from incidents.extraction.types import DraftActor, DraftIncident
    from incidents.models import Actor, IncidentActor, IncidentSource, Source
    from incidents.services import article_ingest
    from incidents.services.drafts import drafts_save

    def article(text: str):
        return article_ingest(published=dt.date(2024, 5, 8), text=text, enqueue=False).article

    drafts = [
        DraftIncident(
            start_date=dt.date(2024, 5, 6),
            end_date=None,
            date_precision="day",
            event_type="Battles",
            sub_event_type="Armed clash",
            country="",
            actors=[
                DraftActor(name="Katiba Serma", role="actor1", actor_type="rebel_group"),
                DraftActor(name="Sons of the Valley", role="actor2", actor_type="civilians"),
            ],
            sources=["Radio Serma"],
        )
    ]
    articles = article("Fighting near Serma."), article("Fighting near Serma, again.")
    first_wrote, first_may_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = drafts_save(articles[0], drafts)
                first_wrote.set()
                first_may_commit.wait(10)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_wrote.wait(10)
            with transaction.atomic():
                threading.Timer(1.0, first_may_commit.set).start()  # commit while we wait on the index
                results["second"] = drafts_save(articles[1], drafts)
        except Exception as exc:  # noqa: BLE001 - reported below
            results["error"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "error" not in results, results["error"]
    for name in ("Katiba Serma", "Sons of the Valley"):
        actor = Actor.objects.get(name__iexact=name)
        assert actor.history.filter(history_type="+").count() == 1
        assert set(IncidentActor.objects.filter(actor=actor).values_list("incident__article", flat=True)) == {
            a.pk for a in articles
        }
    source = Source.objects.get(name__iexact="radio serma")
    assert IncidentSource.objects.filter(source=source).count() == 2
