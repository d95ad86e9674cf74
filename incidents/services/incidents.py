"""Analysts' changes to incidents and to the reference tables they draw on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from incidents.access import is_analyst
from incidents.models import Incident
from incidents.services.versions import Expected, lock_incident, lock_incidents


def record_save(instance: models.Model) -> models.Model:
    """Validate fully (model rules and constraints), then save: one path for every writer."""
    instance.full_clean()
    instance.save()
    return instance


def incident_set_status(
    incidents: Iterable[Incident],
    status: str,
    *,
    user=None,
    expected_versions: Mapping[int, int] | None = None,
) -> int:
    """Move incidents to `status` (publish, reject, ...) in one transaction; returns how many.

    With `expected_versions` ({id: version the client saw}), the whole change is refused
    (VersionConflict, nothing written) when any of those incidents changed since: all or nothing,
    so the client re-reads the ones named and decides again. The history names `user`, else the
    request's user (HistoryRequestMiddleware)."""
    if status not in Incident.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    ids = [i.pk for i in incidents]
    with transaction.atomic():
        # rows are locked and saved with history, so the change shows who published what and when
        changed = lock_incidents(ids, expected_versions)
        _bump(changed, user, ["status"], status=status)
        return len(changed)


def _bump(rows: list[Incident], user, fields: list[str], **values) -> None:
    """Set `values` on locked rows, add one to each version, save them with history."""
    now = timezone.now()
    for row in rows:
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at, row.version = now, row.version + 1
    bulk_update_with_history(
        rows, Incident, [*fields, "updated_at", "version"], batch_size=500, default_user=user
    )


def incident_assign(
    incidents: Iterable[Incident],
    user: AbstractBaseUser | None,
    *,
    by=None,
    expected_versions: Mapping[int, int] | None = None,
) -> int:
    """Give incidents to `user` to review (None: to nobody); returns how many changed hands.

    Only analysts review, so anyone else is refused. Incidents already with `user` are left
    alone, so the history shows real hand-overs only. `expected_versions` refuses a stale
    selection as `incident_set_status` does.
    """
    if user is not None and not (user.is_active and is_analyst(user)):
        raise ValueError(f"{user} is not an active analyst")
    ids = [i.pk for i in incidents]
    with transaction.atomic():
        rows = lock_incidents(ids, expected_versions)
        changed = [row for row in rows if row.assigned_to_id != (user.pk if user else None)]
        _bump(changed, by, ["assigned_to"], assigned_to=user)
        return len(changed)


def incident_delete(incident: Incident, *, user=None, expected_version: Expected = None) -> None:
    """Delete an incident (history keeps it); refused when it changed since `expected_version`."""
    with transaction.atomic():
        lock_incident(incident, expected_version)
        if user is not None:
            incident._history_user = user
        incident.delete()
