"""Rules every edit of an incident passes, whichever door it came through (desk, API, admin).

Casualty figures must read low ≤ best ≤ high once an analyst touches them; and a place name typed
without picking a suggestion is matched to a known place when the name is exact, so a retyped name
never silently leaves the incident linked to (or placed at) the place it named before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from incidents.models import Incident, Location

FIGURE_KINDS = ("fatalities", "injured")


def figures_problem(kind: str, low: int | None, best: int | None, high: int | None) -> tuple[str, str] | None:
    """(field, message) when the figures of `kind` do not read low ≤ best ≤ high; None when they do.

    The model lets best sit one under low (how the extractor stores "over 120"); an analyst's
    figures are held to the plain rule, with the numbers in the message."""
    if low is not None and high is not None and low > high:
        return (
            f"{kind}_low",
            f"Low ({low}) is above high ({high}): the {kind} figures must read low ≤ best ≤ high.",
        )
    if best is not None and low is not None and best < low:
        return (
            f"{kind}_best",
            f"The best {kind} figure ({best}) is outside low–high: it is below low ({low}). "
            f"Keep low ≤ best ≤ high (for “over {low - 1}”, give low {low} and a best of at least {low}).",
        )
    if best is not None and high is not None and best > high:
        return (
            f"{kind}_best",
            f"The best {kind} figure ({best}) is outside low–high: it is above high ({high}). "
            "Keep low ≤ best ≤ high.",
        )
    return None


def check_figures(incident: Incident, changes: dict) -> None:
    """Refuse (ValidationError on the field) figures an edit touches that break low ≤ best ≤ high.

    Only the kinds named in `changes`: a drafted "over 120" (low 121, best 120) is stored as the
    extractor wrote it until someone edits those figures, and then it must be put right."""
    errors = {}
    for kind in FIGURE_KINDS:
        names = [f"{kind}_{part}" for part in ("low", "best", "high")]
        if not any(name in changes for name in names):
            continue
        problem = figures_problem(kind, *(getattr(incident, name) for name in names))
        if problem:
            errors[problem[0]] = problem[1]
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class PlaceMatch:
    """A known place a typed name matched: a curated Location (`location` set) or a GeoNames town."""

    name: str
    admin1: str
    country: str
    latitude: float | None
    longitude: float | None
    location: int | None = None


def _curated(name: str, country: str) -> list[PlaceMatch]:
    folded = name.casefold()
    query = Location.objects.filter(Q(name__iexact=name) | Q(aliases__icontains=name))
    if country:
        query = query.filter(country_id=country)
    return [
        PlaceMatch(loc.name, loc.admin1, loc.country_id, loc.latitude, loc.longitude, loc.pk)
        for loc in query[:50]
        if loc.name.casefold() == folded or folded in (str(a).casefold() for a in loc.aliases)
    ]


def _gazetteer(name: str, country: str) -> list[PlaceMatch]:
    from incidents.review.lookups import place_suggestions  # the type-ahead file, not the whole gazetteer

    folded = name.casefold()
    return [
        PlaceMatch(p["name"], p["admin1"], p["country"], p["latitude"], p["longitude"])
        for p in place_suggestions(name)
        if p["source"] != "curated"
        and p["name"].casefold() == folded
        and (not country or p["country"] == country)
    ]


def place_resolve(name: str, country: str = "", admin1: str = "") -> PlaceMatch | None:
    """The one known place called exactly `name` (case aside) in `country`: a curated Location
    first, else a GeoNames town; `admin1` decides between namesakes. None when no place, or more
    than one, fits: the name is then free text."""
    name = " ".join(name.split())
    if not name:
        return None
    for find in (_curated, _gazetteer):
        found = find(name, country)
        if len(found) > 1 and admin1:
            found = [m for m in found if m.admin1.casefold() == admin1.casefold()] or found
        if len({(m.name, m.admin1, m.country, m.location) for m in found}) == 1:
            return found[0]
        if found:
            return None  # several places of that name: the analyst picks one
    return None


def _pk(value) -> int | None:
    return value.pk if isinstance(value, models.Model) else value


def resolve_typed_place(incident: Incident, changes: dict) -> PlaceMatch | None:
    """When `changes` renames the place without picking one (no location, or the old one still
    given), link the known place of that exact name, or unlink: the name is then free text, and
    coordinates left as they were (the old place's) are cleared. Updates `changes`; the match back."""
    if "location_name" not in changes:
        return None
    name = " ".join(str(changes["location_name"] or "").split())
    stored = incident.location_id
    given = _pk(changes.get("location", stored))
    if given not in (None, stored) or name.casefold() == (incident.location_name or "").casefold():
        return None  # a place picked from the suggestions, or the name as it was
    country = _pk(changes.get("country", incident.country_id)) or ""
    match = place_resolve(name, country, changes.get("admin1", incident.admin1) or "")
    if match is not None:
        changes.update(location=match.location, latitude=match.latitude, longitude=match.longitude)
        if match.admin1:
            changes["admin1"] = match.admin1
        return match
    changes["location"] = None
    for axis in ("latitude", "longitude"):
        if changes.get(axis, getattr(incident, axis)) == getattr(incident, axis):
            changes[axis] = None
    return None
