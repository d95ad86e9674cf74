"""Incident pages: the filtered, sortable list analysts and viewers browse, and its bulk actions."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from incidents.access import analyst_users, is_analyst
from incidents.models import CONFIDENCE_SORT_SQL, Country, Incident, IncidentActor, confidence_sort
from incidents.views.filtering import (
    filter_query,
    has_empty_params,
    incident_filter,
    incident_url,
    query_params,
)
from incidents.views.keyset import SortKey, keyset_page

PAGE_SIZE = 50
# With a full-text search the count stops here: counting every match of a common word means
# running to_tsvector() over most of the table, while the page itself stops after 50 rows.
SEARCH_COUNT_CAP = 1000
DEFAULT_ORDERING = "-date"
# sortable column -> the keys it sorts by (never NULL: see _sortable); ties go newest first
SORT_KEYS = {
    "date": ["start_date"],
    "updated": ["updated_at"],
    "fatalities": ["_fatalities"],
    "country": ["_country"],
    "event_type": ["event_type", "sub_event_type"],
    "confidence": ["_confidence"],
}
# a first click on these sorts the largest / newest first
DESCENDING_FIRST = {"date", "updated", "fatalities"}


def _sortable(queryset: QuerySet) -> QuerySet:
    """Missing figures and countries sort as the lowest values (and compare in keyset cursors)."""
    return queryset.annotate(
        # signed: Django drops comparisons of a positive integer field with -1 as always false
        _fatalities=Coalesce("fatalities_best", Value(-1), output_field=IntegerField()),
        _country=Coalesce("country__name", Value("")),
        _confidence=confidence_sort(),  # none (entered by hand) sorts as surer than any draft
    )


def _sort_keys(ordering: str) -> list[SortKey]:
    key = ordering.removeprefix("-")
    desc = ordering.startswith("-")
    keys = [SortKey(name, desc) for name in SORT_KEYS[key]]
    if key in ("date", "updated"):  # (key, id) in one direction: the keyset indexes serve it
        return [*keys, SortKey("pk", desc)]
    if key == "confidence":  # least sure first, the oldest first among equals: the expression index
        return [SortKey("_confidence", desc, sql=CONFIDENCE_SORT_SQL), SortKey("pk", desc)]
    return [*keys, SortKey("start_date", True), SortKey("pk", True)]


def _sort_links(params, ordering: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the link that sorts by it (or flips it) and the current direction."""
    links = {}
    for key in SORT_KEYS:
        if ordering == f"-{key}":
            target, arrow, aria = key, "▼", "descending"
        elif ordering == key:
            target, arrow, aria = f"-{key}", "▲", "ascending"
        else:
            target, arrow, aria = (f"-{key}" if key in DESCENDING_FIRST else key), "", "none"
        query = params.copy()
        for name in ("page", "after", "before"):
            query.pop(name, None)
        query["ordering"] = target
        links[key] = {"url": f"?{query.urlencode()}", "arrow": arrow, "aria": aria}
    return links


def _page_url(params, number: int, **cursor: str) -> str:
    query = params.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    if number > 1 and any(cursor.values()):
        query["page"] = str(number)
        query.update({name: value for name, value in cursor.items() if value})
    return f"?{query.urlencode()}"


def _links(params, page) -> dict[str, str]:
    """This page's own URL, its neighbours', and the export and map with the same filters."""
    filters = filter_query(params)
    list_url = reverse("incidents:incident_list")
    return {
        "this_url": f"{list_url}?{params.urlencode()}" if params else list_url,
        "previous_url": _page_url(params, page.number - 1, before=page.previous_cursor)
        if page.has_previous
        else "",
        "next_url": _page_url(params, page.number + 1, after=page.next_cursor) if page.has_next else "",
        "export_url": f"{reverse('api:incident-list')}?{'&'.join(p for p in ('format=csv', filters) if p)}",
        "map_url": f"{reverse('incidents:incident_map')}{'?' + filters if filters else ''}",
    }


def _count(queryset: QuerySet, searching: bool) -> tuple[int, bool]:
    """How many incidents match, and whether that is exact (a search counts up to a cap)."""
    if not searching:
        return queryset.count(), True
    capped = queryset.order_by()[: SEARCH_COUNT_CAP + 1].count()
    return min(capped, SEARCH_COUNT_CAP), capped <= SEARCH_COUNT_CAP


ROW_FIELDS = (
    "version",
    "start_date",
    "end_date",
    "event_type",
    "sub_event_type",
    "country__name",
    "admin1",
    "location_name",
    "fatalities_best",
    "status",
    "is_background",
    "confidence",
    "assigned_to__username",
    "updated_at",
)


def _attach_actors(incidents: list[Incident]) -> None:
    """Each row's actors (the whole page in one query, not one per row) and its review link."""
    by_incident: dict[int, list[tuple[str, str]]] = defaultdict(list)
    links = (
        IncidentActor.objects.filter(incident_id__in=[i.pk for i in incidents])
        .order_by("incident_id", "role", "pk")
        .values_list("incident_id", "role", "actor__name")
    )
    for incident_id, role, name in links:
        by_incident[incident_id].append((role, name))
    for incident in incidents:
        incident.page_actors = by_incident.get(incident.pk, [])
        incident.review_url = incident_url(incident.pk)


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """The filtered list; an htmx request (filters, sorting, pages) gets only the results table."""
    if has_empty_params(request) and not request.htmx:
        return redirect(f"{request.path}?{query_params(request).urlencode()}")  # clean, shareable URLs
    params = query_params(request)
    filterset = incident_filter(request, params)
    ordering = params.get("ordering", DEFAULT_ORDERING)
    if ordering.removeprefix("-") not in SORT_KEYS:
        ordering = DEFAULT_ORDERING
    valid = not filterset.is_bound or filterset.is_valid()  # no filters at all is valid too
    incidents = filterset.qs if valid else filterset.queryset.none()
    count, exact = _count(incidents, searching=valid and bool(params.get("q")))
    incidents = _sortable(incidents).select_related("country", "assigned_to").only(*ROW_FIELDS)
    try:
        number = int(params.get("page", "1"))
    except ValueError:
        number = 1
    page = keyset_page(
        incidents,
        _sort_keys(ordering),
        PAGE_SIZE,
        after=params.get("after", ""),
        before=params.get("before", ""),
        number=number,
    )
    _attach_actors(page.rows)
    analyst = is_analyst(request.user)
    context = {
        "filter": filterset,
        "filter_errors": None if valid else filterset.form.errors,
        "page": page,
        "rows": page.rows,
        "count": count,
        "count_exact": exact,
        "num_pages": max(1, -(-count // PAGE_SIZE)) if exact else None,
        "analyst": analyst,
        "sort": _sort_links(params, ordering),
        "ordering_param": "" if ordering == DEFAULT_ORDERING else ordering,
        "assignees": analyst_users() if analyst else [],
        "filter_query": filter_query(params) if valid else None,
        **_links(params, page),
    }
    status = 200 if valid or request.htmx else 400
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "incidents/_incident_results.html", context, status=status)
        push_url(response, context["this_url"])
    else:
        context["countries"] = Country.objects.values_list("code", "name")
        response = render(request, "incidents/incident_list.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
