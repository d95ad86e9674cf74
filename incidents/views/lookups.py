"""JSON suggestions for the review form's autocompletes (places, actors)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse

from incidents.review.lookups import actor_suggestions, place_suggestions


@login_required
def places(request: HttpRequest) -> JsonResponse:
    """`?q=` -> {"results": [{name, admin1, country, country_name, latitude, longitude, location, ...}]}"""
    return JsonResponse({"results": place_suggestions(request.GET.get("q", ""))})


@login_required
def actors(request: HttpRequest) -> JsonResponse:
    """`?q=` -> {"results": [{id, name, aliases, actor_type}]}, over actor names and aliases."""
    return JsonResponse({"results": actor_suggestions(request.GET.get("q", ""))})
