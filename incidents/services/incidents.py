"""Analysts' edits to incidents."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident

EDITABLE_FIELDS = frozenset(
    {
        "start_date",
        "end_date",
        "date_precision",
        "event_type",
        "sub_event_type",
        "country",
        "admin1",
        "location",
        "location_name",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities_low",
        "fatalities_best",
        "fatalities_high",
        "injured_low",
        "injured_best",
        "injured_high",
        "summary",
        "status",
    }
)


def incident_update(incident: Incident, **changes) -> Incident:
    """Apply field changes after full validation (event/sub-event pair, date order, counts)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(incident, name, value)
    incident.full_clean()
    incident.save()
    return incident


def incident_set_status(incidents: Iterable[Incident], status: str) -> int:
    """Move incidents to `status` (publish, reject, ...) in one transaction; returns how many."""
    if status not in Incident.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    ids = [i.pk for i in incidents]
    with transaction.atomic():
        return Incident.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())
