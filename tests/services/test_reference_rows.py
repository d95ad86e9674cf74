"""Actors and sources that parses create are made once, even when two parses meet the same new
name at the same moment (incidents.services.reference.named_get_or_create)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from incidents.models import Actor, Source
from incidents.services.reference import named_get_or_create


def test_an_existing_name_is_found_in_any_case_and_spacing(db):
    made = named_get_or_create(Source, "  Radio   Dalsan ")
    assert made.name == "Radio Dalsan"
    assert named_get_or_create(Source, "radio dalsan") == made
    assert Source.objects.count() == 1


def test_long_names_are_cut_to_the_column(db):
    actor = named_get_or_create(Actor, "x" * 300, actor_type="rebel_group")
    assert len(actor.name) == 200
    assert named_get_or_create(Actor, "x" * 250, actor_type="rebel_group") == actor


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite runs one writer at a time, so the two inserts cannot overlap",
)
@pytest.mark.parametrize("model, defaults", [(Actor, {"actor_type": "rebel_group"}), (Source, {})])
def test_two_transactions_creating_the_same_new_name_both_get_the_one_row(transactional_db, model, defaults):
    """The first transaction inserts the name and holds its commit; the second's insert waits on
    the unique index, fails when the first commits, and takes the first one's row: no error, one
    row, and the second transaction carries on (its savepoint, not its transaction, rolled back)."""
    first_inserted, first_may_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = named_get_or_create(model, "Katiba Serma", **defaults)
                first_inserted.set()
                first_may_commit.wait(10)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_inserted.wait(10)
            with transaction.atomic():
                timer = threading.Timer(1.0, first_may_commit.set)  # commit while we wait on the index
                timer.start()
                results["second"] = named_get_or_create(model, "Katiba Serma", **defaults)
                results["after"] = model.objects.filter(name__iexact="katiba serma").count()
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
    assert results["first"].pk == results["second"].pk
    assert results["after"] == 1
    assert model.objects.filter(name__iexact="katiba serma").count() == 1
