"""Actor and location pages: browse the dictionaries the extractor uses, and teach it aliases.

Everyone signed in reads them (viewers count and list published incidents only); analysts add
aliases, which the next parse uses.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from incidents.access import analyst_required, is_analyst
from incidents.forms import AliasForm
from incidents.models import Actor, Incident, IncidentActor, Location
from incidents.services.reference import actor_add_alias, location_add_alias

LIST_PAGE_SIZE = 50
INCIDENT_PAGE_SIZE = 25
ALIAS_PREVIEW_CHARS = 120  # the actor list's aliases column: whole aliases up to about this length


def alias_preview(aliases: list[str], limit: int = ALIAS_PREVIEW_CHARS) -> tuple[list[str], int]:
    """The first whole aliases that fit in `limit` characters, and how many are left out.

    The list used to join, escape and then truncate, cutting through words and HTML entities
    ("Da&#…"); whole aliases are cut before escaping, and the template escapes each one.
    """
    shown: list[str] = []
    used = 0
    for alias in aliases:
        cost = len(alias) + (2 if shown else 0)
        if shown and used + cost > limit:
            break
        shown.append(alias)
        used += cost
    return shown, len(aliases) - len(shown)


def _visible(incidents: QuerySet, user, prefix: str = "") -> QuerySet:
    """Viewers see published incidents only, as in the API and the incident list."""
    if is_analyst(user):
        return incidents
    return incidents.filter(**{f"{prefix}status": Incident.Status.PUBLISHED})


def _search(queryset: QuerySet, q: str, fields: list[str]) -> QuerySet:
    """Every word of `q` must appear in one of `fields` (names, aliases, regions)."""
    for word in q.split():
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


def _counts(links: QuerySet, key: str, ids: list[int]) -> dict[int, int]:
    """Incident counts for one page of records: one grouped query, not a count per row."""
    rows = links.filter(**{f"{key}__in": ids}).values(key).annotate(n=Count("incident_id", distinct=True))
    return {row[key]: row["n"] for row in rows}


@login_required
def actor_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    actors = _search(Actor.objects.select_related("country"), q, ["name", "aliases", "country__name"])
    page = Paginator(actors, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    links = _visible(IncidentActor.objects.all(), request.user, "incident__")
    counts = _counts(links, "actor_id", [a.pk for a in page])
    for actor in page:
        actor.incident_count = counts.get(actor.pk, 0)
        actor.alias_shown, actor.alias_more = alias_preview(actor.aliases or [])
    return render(request, "incidents/actor_list.html", {"page": page, "q": q})


def _actor_page(request: HttpRequest, actor: Actor, form: AliasForm, status: int = 200) -> HttpResponse:
    links = _visible(actor.incident_roles.all(), request.user, "incident__")
    role_counts = {row["role"]: row["n"] for row in links.values("role").annotate(n=Count("id"))}
    roles = [(value, label, role_counts.get(value, 0)) for value, label in IncidentActor.Role.choices]
    role = request.GET.get("role", "")
    if role in IncidentActor.Role.values:
        links = links.filter(role=role)
    links = links.select_related("incident", "incident__country").order_by(
        "-incident__start_date", "-incident_id"
    )
    page = Paginator(links, INCIDENT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "actor": actor,
        "page": page,
        "roles": roles,
        "role": role,
        "total": sum(role_counts.values()),
        "form": form,
        "can_edit": is_analyst(request.user),
    }
    return render(request, "incidents/actor_detail.html", context, status=status)


@login_required
def actor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor.objects.select_related("country"), pk=pk)
    return _actor_page(request, actor, AliasForm())


@require_POST
@analyst_required
def actor_alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor.objects.select_related("country"), pk=pk)
    form = _add_alias(request, actor, actor_add_alias)
    if form is None:
        return redirect("incidents:actor_detail", pk=pk)
    return _actor_page(request, actor, form, status=400)


@login_required
def location_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    locations = _search(
        Location.objects.select_related("country"),
        q,
        ["name", "aliases", "admin1", "admin2", "country__name"],
    )
    if q:
        locations = _named_first(locations, q)
    page = Paginator(locations, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = (
        _visible(Incident.objects.all(), request.user)
        .filter(location_id__in=[loc.pk for loc in page])
        .values("location_id")
        .annotate(n=Count("id"))
    )
    counts = {row["location_id"]: row["n"] for row in rows}
    for location in page:
        location.incident_count = counts.get(location.pk, 0)
    return render(request, "incidents/location_list.html", {"page": page, "q": q})


def _named_first(locations: QuerySet, q: str) -> QuerySet:
    """Places called `q` first, the town before the division of the same name ("Kabul" the city,
    then the province), then names starting with it, then the rest (matched by region or alias)."""
    rank = Case(
        When(name__iexact=q, kind=Location.Kind.PLACE, then=Value(0)),
        When(name__iexact=q, then=Value(1)),
        When(name__istartswith=q, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return locations.annotate(rank=rank).order_by("rank", "country__name", "admin1", "name", "kind")


def _location_page(
    request: HttpRequest, location: Location, form: AliasForm, status: int = 200
) -> HttpResponse:
    incidents = _visible(location.incidents.all(), request.user).select_related("country")
    page = Paginator(incidents.order_by("-start_date", "-id"), INCIDENT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"location": location, "page": page, "form": form, "can_edit": is_analyst(request.user)}
    return render(request, "incidents/location_detail.html", context, status=status)


@login_required
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(Location.objects.select_related("country"), pk=pk)
    return _location_page(request, location, AliasForm())


@require_POST
@analyst_required
def location_alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(Location.objects.select_related("country"), pk=pk)
    form = _add_alias(request, location, location_add_alias)
    if form is None:
        return redirect("incidents:location_detail", pk=pk)
    return _location_page(request, location, form, status=400)


def _add_alias(request: HttpRequest, record, add) -> AliasForm | None:
    """Run the add-alias service for an analyst; None on success, else the form with its error."""
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            add(record, form.cleaned_data["alias"])
        except ValidationError as exc:
            form.add_error("alias", exc)
        else:
            messages.success(request, f"“{record.aliases[-1]}” added; the next parse uses it.")
            return None
    return form
