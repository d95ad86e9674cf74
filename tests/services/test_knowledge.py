"""What the extractor reads from the dictionaries analysts curate (incidents.services.knowledge)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.extraction.types import Count, DraftActor, DraftIncident
from incidents.models import Actor, Article, Country, KnowledgeChange, Location
from incidents.services import article_ingest, knowledge_load
from incidents.services.drafts import drafts_save
from incidents.services.knowledge import knowledge_log_prune, knowledge_stats
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


# --- kept current by the change log, not reloaded -------------------------------------------------


def _loaded():
    with CaptureQueriesContext(connection) as queries:
        knowledge = knowledge_load()
    return knowledge, len(queries)


def test_an_unchanged_dictionary_costs_one_query_and_no_reload(reference_data):
    first, _ = _loaded()
    again, queries = _loaded()
    assert again is first and queries == 1
    assert knowledge_stats() == {"reloads": 1, "updates": 0}


def test_a_new_alias_reaches_the_next_parse_without_a_reload(reference_data):
    knowledge, _ = _loaded()
    actor = Actor.objects.create(name="Kettle Hill Front", actor_type="rebel_group")
    actor_add_alias(actor, "KHF")
    again, queries = _loaded()
    assert again is knowledge and queries <= 3
    entry = next(a for a in again.actors if a.name == "Kettle Hill Front")
    assert entry.aliases == ("KHF",)
    assert knowledge_stats() == {"reloads": 1, "updates": 1}


def test_locations_added_edited_and_deleted_are_applied(reference_data):
    _loaded()
    village = Location.objects.create(name="Dunmore", country_id="NG", admin1="Plateau")
    assert any(p.name == "Dunmore" for p in _loaded()[0].places)
    village.aliases = ["Dunmore Village"]
    village.save()
    assert next(p for p in _loaded()[0].places if p.name == "Dunmore").aliases == ("Dunmore Village",)
    village.delete()
    assert not any(p.name == "Dunmore" for p in _loaded()[0].places)
    assert knowledge_stats()["reloads"] == 1


def test_a_country_change_or_a_bulk_load_reads_everything_again(reference_data):
    knowledge, _ = _loaded()
    nigeria = Country.objects.get(code="NG")
    nigeria.aliases = [*nigeria.aliases, "Naija"]
    nigeria.save()
    reread, _ = _loaded()
    assert reread is not knowledge and knowledge_stats()["reloads"] == 2
    assert "Naija" in next(c for c in reread.countries if c.code == "NG").aliases


def test_a_drafted_actor_logs_no_change():
    before = KnowledgeChange.objects.count()
    drafts_save(_article(), [_draft("Kettle Hill Front")])
    assert KnowledgeChange.objects.count() == before


def test_a_change_that_commits_after_a_later_one_is_still_applied(reference_data):
    _loaded()
    late = Actor.objects.create(name="Kettle Hill Front", actor_type="rebel_group")
    # the later change commits first: the worker applies it ...
    top = KnowledgeChange.objects.order_by("-pk").first().pk
    KnowledgeChange.objects.filter(table="actor", row=str(late.pk)).update(table="x")
    KnowledgeChange.objects.create(pk=top + 10, table="location", row="0")
    assert not any(a.name == "Kettle Hill Front" for a in _loaded()[0].actors)
    # ... then the earlier one (a lower id) appears, and is applied too
    KnowledgeChange.objects.create(pk=top + 5, table="actor", row=str(late.pk))
    assert any(a.name == "Kettle Hill Front" for a in _loaded()[0].actors)


def test_the_log_is_pruned_after_a_day(reference_data):
    KnowledgeChange.objects.create(table="actor", row="1")
    KnowledgeChange.objects.update(at=timezone.now() - dt.timedelta(days=2))
    KnowledgeChange.objects.create(table="actor", row="2")
    assert knowledge_log_prune() >= 1
    assert list(KnowledgeChange.objects.values_list("row", flat=True)) == ["2"]


def test_the_migration_takes_untouched_worker_made_actors_out_of_the_dictionary(analyst):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("incidents.migrations.0014_actor_in_dictionary")
    drafted = Actor.objects.create(name="Kettle Hill Front", actor_type="rebel_group")  # no user: the worker
    edited = Actor.objects.create(name="Marsh Road Group", actor_type="rebel_group")
    edited.actor_type = "identity_militia"
    edited._history_user = analyst
    edited.save()
    aliased = Actor.objects.create(name="River Guard", actor_type="rebel_group", aliases=["RG"])
    Actor.objects.bulk_create([Actor(name="Reference Army", actor_type="state_forces")])  # no history
    migration.drafted_actors_out(apps, None)
    kept = dict(Actor.objects.values_list("name", "in_dictionary"))
    assert kept == {
        drafted.name: False,
        edited.name: True,
        aliased.name: True,
        "Reference Army": True,
    }
