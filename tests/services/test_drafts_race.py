"""A re-parse and an analyst's save of one of its drafts at the same moment: the analyst's work is
kept (incidents.services.drafts.drafts_save locks the drafts it replaces)."""

from __future__ import annotations

import pytest
from django.db import connection

from incidents.models import Incident
from incidents.services import incident_update
from tests.support.overlap import overlapping_writes

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite runs one writer at a time, so the two cannot overlap",
)


def test_a_draft_saved_while_its_article_is_re_parsed_is_kept(transactional_db, make_incident, analyst):
    from incidents.services.drafts import drafts_save

    draft = make_incident(status="draft", summary="as drafted")
    overlapping_writes(
        lambda: incident_update(Incident.objects.get(pk=draft.pk), summary="as corrected", user=analyst),
        lambda: drafts_save(draft.article, []),  # the new parse drafts nothing
    )
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
    overlapping_writes(lambda: drafts_save(articles[0], drafts), lambda: drafts_save(articles[1], drafts))
    for name in ("Katiba Serma", "Sons of the Valley"):
        actor = Actor.objects.get(name__iexact=name)
        assert actor.history.filter(history_type="+").count() == 1
        assert set(IncidentActor.objects.filter(actor=actor).values_list("incident__article", flat=True)) == {
            a.pk for a in articles
        }
    source = Source.objects.get(name__iexact="radio serma")
    assert IncidentSource.objects.filter(source=source).count() == 2
