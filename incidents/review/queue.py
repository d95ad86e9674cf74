"""The review queue: which incidents wait for an analyst, and where the desk's links to them lead.

One definition for the dashboard (its count, its oldest drafts, its links into the incident list)
and the review page (next/previous draft, where approving moves on to), so they never disagree.
Background incidents, older events an article only recalls in passing, stay out of the queue
unless an analyst asks for them with the list's `background` filter.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse

from incidents.filters import IncidentFilter, with_background
from incidents.models import Incident

# Waiting for a decision: drafts, and drafts an analyst saved (which a re-parse no longer replaces).
QUEUE_STATUSES = [Incident.Status.DRAFT, Incident.Status.REVIEWED]
# The dashboard's "drafts to review": drafts nobody has touched yet, as incident-list filters, so
# the count it shows is the count of the list its links open.
WAITING_FILTERS = {"status": [Incident.Status.DRAFT.value], "background": "exclude"}


def review_queue() -> QuerySet[Incident]:
    """Incidents waiting for a decision, background ones left out; taken oldest first (by id)."""
    return with_background(Incident.objects.filter(status__in=QUEUE_STATUSES), "exclude")


def _waiting_query() -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in WAITING_FILTERS.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


def drafts_waiting() -> QuerySet[Incident]:
    """The drafts the dashboard counts, filtered by the incident list's own FilterSet."""
    filterset = IncidentFilter(_waiting_query(), queryset=Incident.objects.all())
    if not filterset.is_valid():  # a constant: only a broken edit of WAITING_FILTERS gets here
        raise ValueError(f"WAITING_FILTERS are not valid filters: {filterset.form.errors.as_text()}")
    return filterset.qs


def drafts_waiting_url(ordering: str = "") -> str:
    """The incident list showing exactly the drafts the dashboard counts, in `ordering` if given."""
    query = _waiting_query()
    if ordering:
        query["ordering"] = ordering
    return f"{reverse('incidents:incident_list')}?{query.urlencode()}"
