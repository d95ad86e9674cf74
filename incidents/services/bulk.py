"""Bulk actions over every incident a filter matches: publish, reject or assign, in chunks.

The desk posts the list's filter (its query string), not ids, so a selection of any size is a few
form fields. Up to INLINE_LIMIT incidents are done during the request; more go to a Celery task
(incidents.tasks.run_bulk_action) whose progress the desk polls.
"""

from __future__ import annotations

import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict

from incidents.filters import IncidentFilter
from incidents.models import BulkAction, Incident
from incidents.services.incidents import incident_assign, incident_set_status

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
INLINE_LIMIT = 1000


class BulkRefused(ValueError):
    """The bulk action cannot start: a filter that is not valid, or no one to assign to."""


def bulk_queryset(query: str) -> QuerySet[Incident]:
    """The incidents the list's query string matches (the same FilterSet as the list and the API)."""
    params = QueryDict(query)
    filterset = IncidentFilter(params or None, queryset=Incident.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        raise BulkRefused(f"These filters are not valid: {problems}")
    return filterset.qs


def bulk_action_start(
    *, query: str, action: str, user: AbstractBaseUser, assignee: AbstractBaseUser | None = None
) -> BulkAction:
    """Record the action and do it now (small) or queue it for the worker (over INLINE_LIMIT)."""
    if action not in BulkAction.Action.values:
        raise BulkRefused(f"Unknown action {action!r}.")
    total = bulk_queryset(query).order_by().count()
    job = BulkAction.objects.create(
        action=action, query=query, assignee=assignee, created_by=user, total=total
    )
    if total <= INLINE_LIMIT:
        return bulk_action_run(job.pk)
    # the job row is its own outbox entry: sent after the commit, and again by the dispatcher
    # should the broker be down (incidents.services.outbox.bulk_jobs_due)
    transaction.on_commit(lambda: bulk_send(job.pk))
    return job


def bulk_send(job_id: int) -> bool:
    """Send the job to the workers; False (and nothing raised) when the broker is down."""
    from incidents.tasks import run_bulk_action

    try:
        run_bulk_action.apply_async((job_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the dispatcher sends it later
        logger.warning("broker unavailable, bulk action %s waits for the dispatcher: %s", job_id, exc)
        return False
    return True


def _apply(job: BulkAction, ids: list[int]) -> int:
    """One chunk through the incident services: history rows name the analyst who asked."""
    chunk = Incident.objects.filter(pk__in=ids)
    if job.action == BulkAction.Action.ASSIGN:
        return incident_assign(chunk, job.assignee, by=job.created_by)
    status = (
        Incident.Status.PUBLISHED if job.action == BulkAction.Action.PUBLISH else Incident.Status.REJECTED
    )
    return incident_set_status(chunk.exclude(status=status), status, user=job.created_by)


def _claim(job_id: int) -> BulkAction | None:
    """Mark the job running, unless it is done already (a task delivered twice)."""
    with transaction.atomic():
        job = BulkAction.objects.select_for_update().get(pk=job_id)
        if job.state == BulkAction.State.DONE:
            return None
        job.state, job.error = BulkAction.State.RUNNING, ""
        job.save(update_fields=["state", "error", "updated_at"])
        return job


def bulk_action_run(job_id: int) -> BulkAction:
    """Apply the job chunk by chunk from where it stopped; each chunk commits with its progress.

    A failure rolls back the chunk it hit, marks the job failed with the reason and re-raises;
    what the progress counts was done, and nothing else.
    """
    job = _claim(job_id)
    if job is None:
        return BulkAction.objects.get(pk=job_id)
    try:
        matching = bulk_queryset(job.query).order_by("pk")
        while True:
            with transaction.atomic():
                ids = list(matching.filter(pk__gt=job.last_pk).values_list("pk", flat=True)[:CHUNK_SIZE])
                if not ids:
                    break
                job.changed += _apply(job, ids)
                job.processed += len(ids)
                job.last_pk = ids[-1]
                job.save(update_fields=["changed", "processed", "last_pk", "updated_at"])
    except Exception as exc:
        job.refresh_from_db()  # the progress as committed, not the failed chunk's
        job.state, job.error = BulkAction.State.FAILED, str(exc) or exc.__class__.__name__
        job.save(update_fields=["state", "error", "updated_at"])
        raise
    job.state = BulkAction.State.DONE
    job.save(update_fields=["state", "updated_at"])
    return job
