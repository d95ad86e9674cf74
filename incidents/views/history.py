"""The history page of one incident: who changed what, from what to what, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from incidents.models import Incident
from incidents.review.history import incident_history


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Analysts see any incident's history; other users that of published incidents only."""
    visible = Incident.objects.visible_to(request.user).select_related("article", "country")
    incident = get_object_or_404(visible, pk=pk)
    entries, truncated = incident_history(incident)
    context = {"incident": incident, "entries": entries, "truncated": truncated}
    return render(request, "incidents/incident_history.html", context)
