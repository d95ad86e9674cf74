"""Analysts' changes to incidents and to the reference tables they draw on."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from incidents.models import Incident, IncidentActor


def record_save(instance: models.Model) -> models.Model:
    """Validate fully (model rules and constraints), then save: one path for every writer."""
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def incident_save(incident: Incident, *, actors: list[dict] | None = None, **changes) -> Incident:
    """Create or change an incident; `actors` ([{"actor": Actor, "role": ...}]) replaces its actors."""
    for name, value in changes.items():
        setattr(incident, name, value)
    record_save(incident)
    if actors is not None:
        incident.incident_actors.all().delete()
        IncidentActor.objects.bulk_create(
            IncidentActor(incident=incident, actor=link["actor"], role=link["role"]) for link in actors
        )
    return incident


def incident_set_status(incidents: Iterable[Incident], status: str) -> int:
    """Move incidents to `status` (publish, reject, ...) in one transaction; returns how many."""
    if status not in Incident.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    ids = [i.pk for i in incidents]
    with transaction.atomic():
        return Incident.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())
