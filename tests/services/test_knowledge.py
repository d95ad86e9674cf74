"""What the extractor reads from the dictionaries analysts curate (incidents.services.knowledge)."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.extraction.types import Count, DraftActor, DraftIncident
from incidents.models import Actor, Article
from incidents.services import article_ingest, knowledge_load
from incidents.services.drafts import drafts_save
from incidents.services.reference import actor_add_alias

pytestmark = pytest.mark.django_db


def _article(
    text: str = "Gunmen from the Kettle Hill Front shot three herders near Jos on Monday.",
) -> Article:
    return article_ingest(published=dt.date(2024, 5, 6), text=text, enqueue=False).article


def _draft(*names: str) -> DraftIncident:
    return DraftIncident(
        start_date=dt.date(2024, 5, 6),
        end_date=None,
        date_precision="day",
        event_type="Violence against civilians",
        sub_event_type="Attack",
        country="",
        fatalities=Count(best=3),
        actors=[DraftActor(name=n, role="actor1", actor_type="rebel_group") for n in names],
    )


def _known_actor_names() -> set[str]:
    return {a.name for a in knowledge_load().actors}


def test_a_drafted_name_is_linked_but_not_learned():
    drafts_save(_article(), [_draft("Kettle Hill Front")])
    actor = Actor.objects.get(name="Kettle Hill Front")
    assert actor.in_dictionary is False
    assert actor.incident_roles.count() == 1
    assert "Kettle Hill Front" not in _known_actor_names()


def test_an_analysts_alias_puts_a_drafted_actor_in_the_dictionary():
    drafts_save(_article(), [_draft("Kettle Hill Front")])
    actor_add_alias(Actor.objects.get(name="Kettle Hill Front"), "KHF")
    assert Actor.objects.get(name="Kettle Hill Front").in_dictionary is True
    assert "Kettle Hill Front" in _known_actor_names()


def test_a_drafted_name_already_in_the_dictionary_stays_there():
    Actor.objects.create(name="Kettle Hill Front", actor_type="rebel_group")
    drafts_save(_article(), [_draft("kettle hill front")])
    assert Actor.objects.filter(name__iexact="kettle hill front").count() == 1
    assert "Kettle Hill Front" in _known_actor_names()
