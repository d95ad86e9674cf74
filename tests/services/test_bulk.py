"""Bulk actions by filter (incidents.services.bulk): every match changed, in chunks, with history."""

from __future__ import annotations

import pytest

from incidents.models import BulkAction, Incident
from incidents.services import bulk as bulk_service
from incidents.services.bulk import BulkRefused, bulk_action_run, bulk_action_start

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit: the task is queued, not run


def test_publishing_1500_incidents_by_filter_goes_to_the_worker_and_publishes_every_match(
    analyst, make_incidents, broker_queue
):
    nigeria = make_incidents(1500, country="NG")
    others = make_incidents(20, country="IQ")
    Incident.objects.filter(pk__in=nigeria[:100]).update(status=Incident.Status.PUBLISHED)

    job = bulk_action_start(query="country=NG", action="publish", user=analyst)
    assert (job.state, job.total, broker_queue()) == (BulkAction.State.QUEUED, 1500, {job.pk: 1})
    assert Incident.objects.filter(status=Incident.Status.PUBLISHED).count() == 100  # nothing yet

    job = bulk_action_run(job.pk)  # what the worker's task does
    assert (job.state, job.processed, job.changed, job.last_pk) == ("done", 1500, 1400, max(nigeria))
    assert Incident.objects.filter(pk__in=nigeria, status=Incident.Status.PUBLISHED).count() == 1500
    assert not Incident.objects.filter(pk__in=others, status=Incident.Status.PUBLISHED).exists()
    history = Incident.history.filter(status=Incident.Status.PUBLISHED, history_type="~")
    assert history.count() == 1400  # one record per changed incident, none for those already published
    assert set(history.values_list("history_user", flat=True)) == {analyst.pk}


def test_a_small_selection_is_done_at_once(analyst, make_incidents):
    ids = make_incidents(30, country="NG")
    job = bulk_action_start(query="country=NG", action="reject", user=analyst)
    assert (job.state, job.processed, job.changed) == ("done", 30, 30)
    assert Incident.objects.filter(pk__in=ids, status=Incident.Status.REJECTED).count() == 30


def test_assigning_by_filter_names_the_analyst_in_the_history(analyst, make_incidents):
    ids = make_incidents(12, country="NG")
    job = bulk_action_start(query="country=NG", action="assign", assignee=analyst, user=analyst)
    assert job.changed == 12
    assert Incident.objects.filter(pk__in=ids, assigned_to=analyst).count() == 12
    assert set(Incident.history.filter(assigned_to=analyst).values_list("history_user", flat=True)) == {
        analyst.pk
    }


def test_a_failure_keeps_whole_chunks_only_and_a_rerun_finishes(analyst, make_incidents, monkeypatch):
    """The database fails (here: made to, after the third chunk's rows were written): that chunk is
    rolled back whole, the progress says two chunks, and a rerun goes on from there."""
    from django.db import DatabaseError

    monkeypatch.setattr(bulk_service, "CHUNK_SIZE", 10)
    ids = make_incidents(35, country="NG")
    job = BulkAction.objects.create(action="publish", query="country=NG", created_by=analyst, total=35)
    real_apply, calls = bulk_service._apply, []

    def failing_third_chunk(job, chunk_ids):
        changed = real_apply(job, chunk_ids)
        calls.append(chunk_ids)
        if len(calls) == 3:
            raise DatabaseError("connection lost")
        return changed

    monkeypatch.setattr(bulk_service, "_apply", failing_third_chunk)
    with pytest.raises(DatabaseError):
        bulk_action_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.processed, job.changed, job.last_pk) == ("failed", 20, 20, ids[19])
    assert job.error == "connection lost"
    published = Incident.objects.filter(status=Incident.Status.PUBLISHED)
    assert sorted(published.values_list("pk", flat=True)) == ids[:20]  # chunks 1-2, none of chunk 3

    monkeypatch.setattr(bulk_service, "_apply", real_apply)
    job = bulk_action_run(job.pk)
    assert (job.state, job.processed, job.changed) == ("done", 35, 35)
    assert published.count() == 35
    assert Incident.history.filter(status=Incident.Status.PUBLISHED, history_type="~").count() == 35


def test_a_filter_that_is_not_valid_is_refused_and_records_nothing(analyst, make_incidents):
    make_incidents(3)
    with pytest.raises(BulkRefused, match="fatalities_min"):
        bulk_action_start(query="fatalities_min=many", action="publish", user=analyst)
    assert not BulkAction.objects.exists()
    assert not Incident.objects.filter(status=Incident.Status.PUBLISHED).exists()


def test_a_large_job_queued_while_the_broker_is_down_is_sent_by_the_dispatcher(
    analyst, make_incidents, broker_down
):
    from django.utils import timezone

    from incidents.services import outbox

    make_incidents(1200, country="NG")
    job = bulk_action_start(query="country=NG", action="reject", user=analyst)  # no error: kept
    assert job.state == BulkAction.State.QUEUED
    assert outbox.outbox_dispatch().bulk_sent == 0  # not due yet, and the broker is still down
    BulkAction.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timezone.timedelta(minutes=5))
    assert list(outbox.bulk_jobs_due()) == [job]


def test_the_dispatcher_sends_a_lost_or_stalled_job_again(analyst, make_incidents, broker_queue):
    from django.utils import timezone

    from incidents.services import outbox

    make_incidents(1200, country="NG")
    job = bulk_action_start(query="country=NG", action="reject", user=analyst)
    assert broker_queue() == {job.pk: 1}
    assert outbox.outbox_dispatch().bulk_sent == 0  # sent a moment ago
    long_ago = timezone.now() - timezone.timedelta(minutes=10)
    BulkAction.objects.filter(pk=job.pk).update(state=BulkAction.State.RUNNING, updated_at=long_ago)
    assert outbox.outbox_dispatch().bulk_sent == 1  # a worker died mid-job: sent again
    assert broker_queue() == {job.pk: 1}
    assert outbox.outbox_dispatch().bulk_sent == 0
