"""Analysts' changes to incidents."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident


def incident_set_status(incidents: Iterable[Incident], status: str) -> int:
    """Move incidents to `status` (publish, reject, ...) in one transaction; returns how many."""
    if status not in Incident.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    ids = [i.pk for i in incidents]
    with transaction.atomic():
        return Incident.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())
