"""Incident pages: the filtered list analysts and viewers browse."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from incidents.api.permissions import is_analyst
from incidents.filters import IncidentFilter
from incidents.models import Incident


@login_required
def incident_list(request):
    incidents = Incident.objects.select_related("country")
    if not is_analyst(request.user):
        incidents = incidents.filter(status=Incident.Status.PUBLISHED)  # as in the API
    filterset = IncidentFilter(request.GET or None, queryset=incidents)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "incidents/incident_list.html", {"filter": filterset, "page": page})
