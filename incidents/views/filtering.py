"""What the list and the map pages share: who sees what, the filters, links between the pages.

Both pages filter with the API's IncidentFilter, so a URL's query string means the same thing on
the list, on the map and in the CSV export.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from incidents.extraction.taxonomy import SUB_EVENT_TYPES
from incidents.filters import IncidentFilter
from incidents.models import Incident
from incidents.widgets import IsoDateInput

# Parameters the pages use for themselves; the FilterSet ignores them, exports drop them.
PAGE_PARAMS = ("page", "ordering", "after", "before")


def visible_incidents(user) -> QuerySet[Incident]:
    """The incidents `user` may see: drafts are for analysts, as in the API."""
    return Incident.objects.visible_to(user)


def query_params(request: HttpRequest) -> QueryDict:
    """The query string without empty values: a plain GET form sends every field, filled or not."""
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            params.setlist(key, kept)
    return params


def has_empty_params(request: HttpRequest) -> bool:
    return any(not v.strip() for _, values in request.GET.lists() for v in values)


def filter_query(params: QueryDict, *, drop: tuple[str, ...] = PAGE_PARAMS) -> str:
    """`params` as a query string, less the page's own parameters: what the other pages take."""
    kept = params.copy()
    for key in drop:
        kept.pop(key, None)
    return kept.urlencode()


def incident_filter(request: HttpRequest, params: QueryDict) -> IncidentFilter:
    """The API's FilterSet over what the user may see, its form dressed for a compact page form."""
    filterset = IncidentFilter(params or None, queryset=visible_incidents(request.user))
    _compact(filterset.form)
    return filterset


def incident_url(pk: int | str) -> str:
    """The incident's review page."""
    return reverse("incidents:incident_review", args=[pk])


def incident_url_template() -> str:
    """The review page's URL with `{id}` for the incident, for pages that build links in JS."""
    return incident_url(987654321).replace("987654321", "{id}")


class _OneChoice(forms.SelectMultiple):
    """A single <select> for a repeatable filter: compact, and read as a list like the API reads it."""

    allow_multiple_selected = False


def _sub_event_groups() -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for sub, event in SUB_EVENT_TYPES.items():
        groups.setdefault(event, []).append((sub, sub))
    return [("", "any sub-event type"), *groups.items()]


def _compact(form: forms.Form) -> None:
    """Small widgets with placeholders; the fields, their names and their validation stay the API's."""
    fields = form.fields
    for name in ("date_from", "date_to"):
        fields[name].widget = IsoDateInput()
    fields["country"].widget = forms.TextInput(
        attrs={"list": "country-codes", "placeholder": "IQ,SY", "size": 8, "autocomplete": "off"}
    )
    fields["event_type"].widget = _OneChoice(choices=[("", "any event type"), *Incident.EventType.choices])
    fields["sub_event_type"].widget = _OneChoice(choices=_sub_event_groups())
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=Incident.Status.choices)
    fields["actor_role"].empty_label = "any role"
    # shown choices only: the field still accepts the API's explicit `include`
    fields["background"].widget = forms.Select(
        choices=[("", "included"), ("exclude", "left out"), ("only", "only background")]
    )
    for name in ("fatalities_min", "fatalities_max"):
        fields[name].widget = forms.NumberInput(attrs={"min": 0, "class": "narrow"})
    placeholders = {
        "q": "words in summaries or article text",
        "admin1": "province, state…",
        "location_name": "part of a place name",
        "actor": "name or id",
        "bbox": "min_lon,min_lat,max_lon,max_lat",
    }
    for name, text in placeholders.items():
        fields[name].widget.attrs["placeholder"] = text
    fields["q"].widget.input_type = "search"
    labels = {
        "q": "Search",
        "date_from": "From",
        "date_to": "To",
        "country": "Country",
        "event_type": "Event type",
        "sub_event_type": "Sub-event type",
        "fatalities_min": "Fatalities from",
        "fatalities_max": "to",
        "status": "Status",
        "admin1": "Admin 1",
        "location_name": "Place",
        "actor": "Actor",
        "actor_role": "as",
        "bbox": "Bounding box",
        "background": "Background incidents",
    }
    for name, label in labels.items():
        fields[name].label = label
    for name in ("location", "updated_since", "article"):  # kept when a link sets them, not offered
        fields[name].widget = forms.HiddenInput()
