"""The incident map: the list's filters, drawn as clustered circle markers over country outlines.

The page is a shell; its script loads the markers from `incident_map_points`, compact rows built
straight from the database (no model instances), newest first and capped, so the map stays quick
on a large table. Incidents known only to their province are drawn at the province's centre
(incidents.extraction.admin1_centres), with a marker of their own.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from incidents.access import is_analyst
from incidents.extraction.admin1_centres import admin1_centre
from incidents.extraction.taxonomy import SUB_EVENT_TYPES
from incidents.models import Country
from incidents.views.filtering import (
    PAGE_PARAMS,
    filter_query,
    has_empty_params,
    incident_filter,
    incident_url_template,
    query_params,
)

MAX_POINTS = 20_000
EVENT_COLOURS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#d35400",
    "Violence against civilians": "#8e44ad",
    "Riots": "#b7950b",
    "Protests": "#2874a6",
    "Strategic developments": "#566573",
}


@login_required
@require_GET
def incident_map(request: HttpRequest) -> HttpResponse:
    """The map's page: the filter form, and the settings its script needs to draw the markers."""
    if has_empty_params(request):
        return redirect(f"{request.path}?{query_params(request).urlencode()}")
    params = query_params(request)
    filterset = incident_filter(request, params)
    if filterset.is_bound:
        filterset.is_valid()  # errors show next to the fields; the points endpoint answers 400
    filters = filter_query(params)
    suffix = f"?{filters}" if filters else ""
    config = {
        "pointsUrl": reverse("incidents:incident_map_points") + suffix,
        "listUrl": reverse("incidents:incident_list"),
        "filters": filter_query(params, drop=(*PAGE_PARAMS, "bbox")),  # the map's own view sets bbox
        "incidentUrl": incident_url_template(),
        "outlinesUrl": static("vendor/world-atlas/countries-110m.json"),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "eventTypes": SUB_EVENT_TYPES,
        "colours": EVENT_COLOURS,
        "maxPoints": MAX_POINTS,
    }
    context = {
        "filter": filterset,
        "map_config": config,
        "list_url": reverse("incidents:incident_list") + suffix,
        "countries": Country.objects.values_list("code", "name"),
        "colours": EVENT_COLOURS,
        "analyst": is_analyst(request.user),
    }
    return render(request, "incidents/incident_map.html", context)


def _place(name: str, admin1: str, country: str | None) -> str:
    return ", ".join(part for part in (name, admin1, country) if part)


def _at_centre(pk, code, dead, day, kind, place, background, admin1) -> list | None:
    """A row drawn at its province's centre, its ninth item true (rows at their place stay 8 long);
    None when the province's centre is unknown too."""
    centre = admin1_centre(code or "", admin1)
    if centre is None:
        return None
    return [pk, centre[0], centre[1], dead, day.isoformat(), kind, place, background, True]


@login_required
@require_GET
def incident_map_points(request: HttpRequest) -> HttpResponse:
    """The filtered incidents as [id, lat, lon, fatalities, date, type, place, background] rows,
    newest first; those known only to their province (admin1) are placed at its centre, their row
    ending with a ninth item, true; `unplaced` counts the matching incidents with no position."""
    filterset = incident_filter(request, query_params(request))
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse({"errors": filterset.form.errors.get_json_data()}, status=400)
    rows = list(
        filterset.qs.order_by("-start_date", "-id").values_list(
            "id",
            "latitude",
            "longitude",
            "country_id",
            "fatalities_best",
            "start_date",
            "sub_event_type",
            "location_name",
            "admin1",
            "country__name",
            "is_background",
        )[: MAX_POINTS + 1]
    )
    capped = len(rows) > MAX_POINTS
    placed = [
        [
            pk,
            round(lat, 5),
            round(lon, 5),
            dead,
            day.isoformat(),
            kind,
            _place(name, admin1, country),
            background,
        ]
        if lat is not None and lon is not None
        else _at_centre(pk, code, dead, day, kind, _place(name, admin1, country), background, admin1)
        for pk, lat, lon, code, dead, day, kind, name, admin1, country, background in rows[:MAX_POINTS]
    ]
    points = [row for row in placed if row is not None]
    unplaced = len(placed) - len(points)
    body = {"points": points, "unplaced": unplaced, "capped": capped, "cap": MAX_POINTS}
    response = HttpResponse(json.dumps(body, separators=(",", ":")), content_type="application/json")
    response["Cache-Control"] = "private, no-store"
    return response
