"""Optimistic concurrency in the services: stale writes are refused with what changed, the draft
rule holds for every caller, and real concurrent writers on PostgreSQL never lose an update."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from incidents.models import Incident
from incidents.services import (
    VersionConflict,
    incident_assign,
    incident_review,
    incident_set_status,
    incident_update,
)
from incidents.services.drafts import drafts_save


def test_every_change_adds_one_to_the_version_and_a_no_op_does_not(make_incident, analyst):
    incident = make_incident(status="reviewed")
    assert incident.version == 1
    incident_update(incident, summary="Changed.", user=analyst)
    assert Incident.objects.get(pk=incident.pk).version == 2
    incident_update(incident, summary="Changed.", user=analyst)  # nothing new
    assert Incident.objects.get(pk=incident.pk).version == 2
    incident_set_status([incident], "published", user=analyst)
    assert Incident.objects.get(pk=incident.pk).version == 3


def test_a_stale_update_is_refused_with_what_changed_and_by_whom(make_incident, analyst, second_analyst):
    incident = make_incident(status="reviewed")
    mine = Incident.objects.get(pk=incident.pk)  # both start from version 1
    incident_update(incident, fatalities_best=12, summary="Twelve.", user=second_analyst, expected_version=1)
    with pytest.raises(VersionConflict) as refused:
        incident_update(mine, fatalities_best=20, user=analyst, expected_version=1)
    stale = refused.value.stale[0]
    assert (stale.expected, stale.current) == (1, 2)
    changes = {c.label: (c.old, c.new, c.by) for c in stale.changes}
    assert changes["fatalities best"] == ("11", "12", "bea")
    assert changes["summary"] == ("Eleven soldiers killed.", "Twelve.", "bea")
    assert "fatalities best: “11” → “12” by bea" in str(refused.value)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.fatalities_best, stored.summary, stored.version) == (12, "Twelve.", 2)


def test_an_update_without_a_version_keeps_other_fields_someone_else_changed(make_incident, analyst):
    incident = make_incident(status="reviewed")
    stale_copy = Incident.objects.get(pk=incident.pk)
    incident_update(incident, summary="Someone else's summary.", user=analyst)
    incident_update(stale_copy, fatalities_best=30, user=analyst)  # a PATCH of another field
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.summary, stored.fatalities_best, stored.version) == ("Someone else's summary.", 30, 3)


def test_an_analysts_edit_makes_a_draft_reviewed_and_a_reparse_keeps_it(make_incident, analyst):
    draft = make_incident()
    other = make_incident(article=draft.article)
    incident_update(draft, fatalities_best=14, user=analyst)
    assert Incident.objects.get(pk=draft.pk).status == "reviewed"
    with transaction.atomic():
        drafts_save(draft.article, [])  # what a re-parse does first: drop the unreviewed drafts
    assert Incident.objects.get(pk=draft.pk).fatalities_best == 14
    assert not Incident.objects.filter(pk=other.pk).exists()


def test_a_system_write_or_an_explicit_status_does_not_review(make_incident, analyst):
    draft = make_incident()
    incident_update(draft, summary="Tidied by a script.")
    assert Incident.objects.get(pk=draft.pk).status == "draft"
    incident_update(draft, summary="Left a draft on purpose.", status="draft", user=analyst)
    assert Incident.objects.get(pk=draft.pk).status == "draft"


def test_a_stale_bulk_status_changes_nothing(make_incident, analyst, second_analyst):
    first, second = make_incident(), make_incident()
    incident_update(second, summary="Edited meanwhile.", user=second_analyst)
    with pytest.raises(VersionConflict) as refused:
        incident_set_status(
            [first, second], "published", user=analyst, expected_versions={first.pk: 1, second.pk: 1}
        )
    assert [s.incident_id for s in refused.value.stale] == [second.pk]
    assert set(Incident.objects.values_list("status", flat=True)) == {"draft", "reviewed"}
    assert (
        incident_set_status([first, second], "published", expected_versions={first.pk: 1, second.pk: 2}) == 2
    )


def test_a_stale_assignment_and_review_are_refused(make_incident, analyst, second_analyst):
    incident = make_incident()
    incident_update(incident, summary="Edited.", user=second_analyst)
    with pytest.raises(VersionConflict):
        incident_assign([incident], analyst, by=analyst, expected_versions={incident.pk: 1})
    with pytest.raises(VersionConflict):
        incident_review(incident, "approve", user=analyst, expected_version=1)
    stored = Incident.objects.get(pk=incident.pk)
    assert stored.assigned_to is None and stored.status == "reviewed"


def test_a_deleted_incident_is_a_conflict_not_a_resurrection(make_incident, analyst):
    incident = make_incident(status="reviewed")
    copy = Incident.objects.get(pk=incident.pk)
    incident.delete()
    with pytest.raises(VersionConflict) as refused:
        incident_update(copy, summary="Too late.", user=analyst, expected_version=1)
    assert refused.value.stale[0].current is None
    assert not Incident.objects.filter(pk=incident.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent writers need PostgreSQL (SQLite serialises every write transaction)",
)
@pytest.mark.django_db(transaction=True)
def test_paired_concurrent_saves_from_one_version_never_lose_an_update(make_incident, analyst):
    """100 pairs of threads, each pair saving one incident from the same base version at once:
    exactly one of each pair wins, and the stored value is the winner's."""
    incidents = [make_incident(status="reviewed", summary="base") for _ in range(100)]
    results: dict[tuple[int, str], str] = {}
    start = threading.Barrier(2)

    def save(pk: int, text: str) -> None:
        close_old_connections()
        try:
            start.wait(timeout=10)
            incident_update(Incident.objects.get(pk=pk), summary=text, user=analyst, expected_version=1)
            results[pk, text] = "won"
        except VersionConflict:
            results[pk, text] = "refused"
        finally:
            connection.close()

    for incident in incidents:
        threads = [threading.Thread(target=save, args=(incident.pk, t)) for t in ("left", "right")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    lost = 0
    for incident in incidents:
        outcome = {text: results[incident.pk, text] for text in ("left", "right")}
        assert sorted(outcome.values()) == ["refused", "won"], outcome
        stored = Incident.objects.get(pk=incident.pk)
        winner = next(text for text, result in outcome.items() if result == "won")
        lost += stored.summary != winner or stored.version != 2
    assert lost == 0
