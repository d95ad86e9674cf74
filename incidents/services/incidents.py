"""Analysts' changes to incidents and to the reference tables they draw on."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from incidents.api.permissions import is_analyst
from incidents.models import Incident


def record_save(instance: models.Model) -> models.Model:
    """Validate fully (model rules and constraints), then save: one path for every writer."""
    instance.full_clean()
    instance.save()
    return instance


def incident_set_status(incidents: Iterable[Incident], status: str, *, user=None) -> int:
    """Move incidents to `status` (publish, reject, ...) in one transaction; returns how many.

    The history names `user`, else the request's user (HistoryRequestMiddleware)."""
    if status not in Incident.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    ids = [i.pk for i in incidents]
    with transaction.atomic():
        # rows are locked and saved with history, so the change shows who published what and when
        changed = list(Incident.objects.select_for_update().filter(pk__in=ids))
        now = timezone.now()
        for incident in changed:
            incident.status, incident.updated_at = status, now
        bulk_update_with_history(
            changed, Incident, ["status", "updated_at"], batch_size=500, default_user=user
        )
        return len(changed)


def incident_assign(
    incidents: Iterable[Incident], user: AbstractBaseUser | None, *, by: AbstractBaseUser | None = None
) -> int:
    """Give incidents to `user` to review (None: to nobody); returns how many changed hands.

    The history names `by`, else the request's user. Only analysts review, so anyone else is
    refused. Incidents already with `user` are left alone, so the history shows real hand-overs only.
    """
    if user is not None and not (user.is_active and is_analyst(user)):
        raise ValueError(f"{user} is not an active analyst")
    ids = [i.pk for i in incidents]
    with transaction.atomic():
        changed = list(
            Incident.objects.select_for_update().filter(pk__in=ids).exclude(assigned_to=user).order_by("pk")
        )
        now = timezone.now()
        for incident in changed:
            incident.assigned_to, incident.updated_at = user, now
        bulk_update_with_history(
            changed, Incident, ["assigned_to", "updated_at"], batch_size=500, default_user=by
        )
        return len(changed)
