"""Actors and sources that parses create are made once, even when two parses meet the same new
name at the same moment (incidents.services.reference.named_get_or_create)."""

from __future__ import annotations

import pytest
from django.db import connection

from incidents.models import Actor, Source
from incidents.services.reference import named_get_or_create, named_ids
from tests.support.overlap import overlapping_writes


def test_an_existing_name_is_found_in_any_case_and_spacing(db):
    made = named_get_or_create(Source, "  Radio   Dalsan ")
    assert made.name == "Radio Dalsan"
    assert named_get_or_create(Source, "radio dalsan") == made
    assert Source.objects.count() == 1


def test_long_names_are_cut_to_the_column(db):
    actor = named_get_or_create(Actor, "x" * 300, actor_type="rebel_group")
    assert len(actor.name) == 200
    assert named_get_or_create(Actor, "x" * 250, actor_type="rebel_group") == actor


def test_many_names_are_found_in_any_case_and_made_once_in_a_fixed_number_of_queries(
    db, django_assert_num_queries
):
    """named_ids finds and makes what named_get_or_create would, name by name: one lookup, and one
    insert with the history records (in a savepoint) for the names no row has."""
    known = Actor.objects.create(name="Islamic State", actor_type="rebel_group")
    wanted = {
        "islamic  STATE": {"actor_type": "state_forces"},  # known: its defaults are not used
        "Kettle Hill Front": {"actor_type": "rebel_group", "in_dictionary": False},
        " kettle hill front": {"actor_type": "civilians"},  # the same new name: made once, as the first
        "x" * 300: {"actor_type": "rebel_group"},
    }
    with django_assert_num_queries(5):
        ids = named_ids(Actor, wanted)
    made = Actor.objects.get(name="Kettle Hill Front")
    assert ids == {
        "islamic  STATE": known.pk,
        "Kettle Hill Front": made.pk,
        " kettle hill front": made.pk,
        "x" * 300: Actor.objects.get(name="x" * 200).pk,
    }
    assert (made.actor_type, made.in_dictionary) == ("rebel_group", False)
    assert Actor.objects.count() == 3 and Actor.history.filter(history_type="+").count() == 3
    with django_assert_num_queries(1):
        assert named_ids(Actor, wanted) == ids
    assert named_ids(Source, {}) == {}


def test_the_first_of_several_rows_by_name_is_taken_as_named_get_or_create_takes_it(db):
    """Names are unique as typed, not in any case: rows that differ only in case may exist (made
    by the admin or the API); both ways take the first by name."""
    Source.objects.create(name="radio dalsan")
    Source.objects.create(name="Radio Dalsan")
    ids = named_ids(Source, {"RADIO DALSAN": {}})
    assert ids == {"RADIO DALSAN": named_get_or_create(Source, "RADIO DALSAN").pk}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite runs one writer at a time, so the two inserts cannot overlap",
)
@pytest.mark.parametrize("model, defaults", [(Actor, {"actor_type": "rebel_group"}), (Source, {})])
def test_two_transactions_creating_the_same_new_name_both_get_the_one_row(transactional_db, model, defaults):
    """The first transaction inserts the name and holds its commit; the second's insert waits on
    the unique index, fails when the first commits, and takes the first one's row: no error, one
    row, and the second transaction carries on (its savepoint, not its transaction, rolled back)."""

    def second():
        row = named_get_or_create(model, "Katiba Serma", **defaults)
        return row, model.objects.filter(name__iexact="katiba serma").count()  # still in its transaction

    first, (second_row, after) = overlapping_writes(
        lambda: named_get_or_create(model, "Katiba Serma", **defaults), second
    )
    assert first.pk == second_row.pk
    assert after == 1
    assert model.objects.filter(name__iexact="katiba serma").count() == 1
