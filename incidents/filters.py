"""One FilterSet per resource, shared by the REST API and the analyst pages."""

from __future__ import annotations

import copy
import re

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.forms import ValidationError

from incidents.models import Actor, Incident, IncidentActor, Location, PossibleDuplicate, Report, Source

# The PostgreSQL expressions the GIN indexes of migration 0003 are built on: a query must use
# exactly these for the indexes to serve it.
SUMMARY_TSV = "to_tsvector('english', incidents_incident.summary)"
ARTICLE_TSV = "to_tsvector('english', incidents_article.text)"


def full_text(queryset, value: str):
    """Incidents whose summary or article text matches `value` (web-search syntax).

    PostgreSQL full-text search with GIN indexes; SQLite, the embedded default, falls back to a
    substring match so `make run` needs no server.
    """
    if connection.vendor == "postgresql":
        # The matching ids, found once through each GIN index, then read by primary key: an OR
        # across the two tables in one WHERE uses neither index and computes every tsvector.
        match = RawSQL(
            "incidents_incident.id = ANY(ARRAY("
            f"SELECT s.id FROM incidents_incident s WHERE {SUMMARY_TSV.replace('incidents_incident', 's')} "
            "@@ websearch_to_tsquery('english', %s) "
            "UNION SELECT a.id FROM incidents_incident a WHERE a.article_id IN "
            f"(SELECT incidents_article.id FROM incidents_article "
            f"WHERE {ARTICLE_TSV} @@ websearch_to_tsquery('english', %s))))",
            (value, value),
            output_field=BooleanField(),
        )
        return queryset.filter(match)
    return queryset.filter(Q(summary__icontains=value) | Q(article__text__icontains=value))


# The largest values the database columns hold: a bigger number in a filter is a 400, not an
# integer overflow inside the query (PostgreSQL) or the driver (SQLite).
COUNT_MAX = 2**31 - 1  # PositiveIntegerField
ID_MAX = 2**63 - 1  # BigAutoField


class CountryCodesForm(forms.Form):
    """`country`: ISO 3166-1 alpha-2 codes, comma-separated; anything else is reported by name."""

    def clean_country(self):
        value = self.cleaned_data.get("country") or ""
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        bad = [c for c in codes if len(c) != 2 or not c.isascii() or not c.isalpha()]
        if bad:
            # the codes go in as a parameter: a `%` in them must not be read as a format
            raise ValidationError("Not ISO 3166-1 alpha-2 codes: %(codes)s", params={"codes": ", ".join(bad)})
        return ",".join(codes)


def filter_country(queryset, name, value):
    """Rows in any of the (already checked) comma-separated country codes."""
    return queryset.filter(country_id__in=value.split(",")) if value else queryset


class IncidentFilterForm(CountryCodesForm):
    """Checks the values that need more than a type check, so a bad one is reported by name."""

    def clean_actor(self):
        value = (self.cleaned_data.get("actor") or "").strip()
        if value.isdigit() and int(value) > ID_MAX:
            raise ValidationError(f"No actor has an id that large (at most {ID_MAX}).")
        return value

    def clean_bbox(self):
        value = self.cleaned_data.get("bbox") or ""
        if not value:
            return None
        try:
            min_lon, min_lat, max_lon, max_lat = (float(v) for v in value.split(","))
        except ValueError:
            raise ValidationError("bbox is four numbers: min_lon,min_lat,max_lon,max_lat") from None
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise ValidationError("bbox corners are out of range or in the wrong order")
        return (min_lon, min_lat, max_lon, max_lat)


BACKGROUND_CHOICES = [
    ("include", "with background incidents"),
    ("exclude", "without background incidents"),
    ("only", "background incidents only"),
]


def with_background(queryset, mode: str):
    """Keep or drop background incidents (older events an article only recalls in passing).

    "include" (or nothing) keeps them, "exclude" drops them, "only" keeps nothing else. The one
    place the rule is spelled, for the `background` filter and for the review queue.
    """
    if mode == "exclude":
        return queryset.filter(is_background=False)
    if mode == "only":
        return queryset.filter(is_background=True)
    return queryset


def report_count() -> Coalesce:
    """An incident's number of reports, as a correlated count (one index range per incident)."""
    counts = (
        Report.objects.filter(incident=OuterRef("pk")).order_by().values("incident").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), Value(0))


def with_open_pairs(queryset: QuerySet[Incident], has: bool = True) -> QuerySet[Incident]:
    """Incidents that are (or, with `has` false, are not) in an open "possible same event" pair,
    on either side of it."""
    open_pairs = PossibleDuplicate.objects.filter(state=PossibleDuplicate.State.OPEN)
    either = Exists(open_pairs.filter(incident=OuterRef("pk"))) | Exists(
        open_pairs.filter(candidate=OuterRef("pk"))
    )
    return queryset.filter(either if has else ~either)


def without_merged(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Merged incidents are pointers to the incident their reports went to, not events: lists,
    exports and counts leave them out."""
    return queryset.exclude(status=Incident.Status.MERGED)


POSSIBLE_DUPLICATE_CHOICES = [
    ("open", "in an unresolved possible-duplicate pair"),
    ("none", "in no unresolved possible-duplicate pair"),
]


class _SharedFilters(dict):
    """`base_filters` whose per-request copy is shallow.

    django-filter deep-copies every filter (choices, widgets, fields) for every request, a fifth
    of an API list request's time. Filters are configured once and never changed per request;
    each request only sets `model` and `parent` on its own copy.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copies[name] = twin = copy.copy(filter_)
            if twin.method:  # re-bind `method=` filters to the copy (and so to its parent)
                twin.method = twin.method
        return copies


def lean(filterset_class):
    """Class decorator: shallow per-request filter copies and one form class per FilterSet."""
    filterset_class.base_filters = _SharedFilters(filterset_class.base_filters)
    build_form_class = filterset_class.get_form_class

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:  # a Form deep-copies its fields per instance anyway
            cls._form_class = build_form_class(self)
        return cls._form_class

    filterset_class.get_form_class = get_form_class
    return filterset_class


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within what the column holds (NumberFilter takes any decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, max_value: int = COUNT_MAX, **kwargs):
        super().__init__(*args, min_value=0, max_value=max_value, **kwargs)


# An ISO time whose `+hh:mm` offset was sent unencoded: the `+` arrives as a space.
_OFFSET_AS_SPACE = re.compile(r"(\d) (\d\d(?::?\d\d)?)$")


class OffsetDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        if isinstance(value, str):
            value = _OFFSET_AS_SPACE.sub(r"\1+\2", value.strip())
        return super().to_python(value)


class OffsetDateTimeFilter(django_filters.IsoDateTimeFilter):
    """ISO 8601 time; `2022-01-01T00:00:00 05:00` reads as `+05:00` (an unencoded `+`)."""

    field_class = OffsetDateTimeField


@lean
class IncidentFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label="Incidents on or after this date (YYYY-MM-DD)"
    )
    date_to = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label="Incidents on or before this date (YYYY-MM-DD)"
    )
    country = django_filters.CharFilter(
        method="filter_country", label="ISO 3166-1 alpha-2 code(s), comma-separated"
    )
    admin1 = django_filters.CharFilter(
        field_name="admin1", lookup_expr="iexact", label="First-level division"
    )
    location = IntegerFilter(field_name="location_id", max_value=ID_MAX, label="Location id")
    location_name = django_filters.CharFilter(
        field_name="location_name", lookup_expr="icontains", label="Place name (substring)"
    )
    event_type = django_filters.MultipleChoiceFilter(
        choices=Incident.EventType.choices, label="ACLED event type"
    )
    sub_event_type = django_filters.MultipleChoiceFilter(
        choices=Incident.SubEventType.choices, label="ACLED sub-event type"
    )
    actor = django_filters.CharFilter(method="filter_actor", label="Actor id or exact name, in any role")
    actor_role = django_filters.ChoiceFilter(
        choices=IncidentActor.Role.choices, method="filter_noop", label="Limit `actor` to this role"
    )
    fatalities_min = IntegerFilter(field_name="fatalities_best", lookup_expr="gte", label="At least")
    fatalities_max = IntegerFilter(field_name="fatalities_best", lookup_expr="lte", label="At most")
    status = django_filters.MultipleChoiceFilter(
        choices=Incident.Status.choices,
        label=(
            "Review status. Merged incidents (pointers to the incident their reports went to, see "
            "`merged_into`) are left out of the list unless `status=merged` asks for them or "
            "`updated_since` reads the change feed"
        ),
    )
    bbox = django_filters.CharFilter(
        method="filter_bbox", label="Bounding box: min_lon,min_lat,max_lon,max_lat"
    )
    updated_since = OffsetDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=(
            "Changed at or after this time (ISO 8601): a change feed. It includes incidents merged "
            "away since (status `merged`, `merged_into` set): drop them and follow `merged_into`"
        ),
    )
    q = django_filters.CharFilter(method="filter_q", label="Full-text search over summaries and article text")
    article = IntegerFilter(field_name="article_id", max_value=ID_MAX, label="Drafted from this article")
    reports_min = IntegerFilter(
        method="filter_reports_min", label="At least this many reports (articles' drafts of the incident)"
    )
    reports_max = IntegerFilter(method="filter_reports_max", label="At most this many reports")
    possible_duplicates = django_filters.ChoiceFilter(
        choices=POSSIBLE_DUPLICATE_CHOICES,
        method="filter_possible_duplicates",
        label=(
            '`open`: incidents with unresolved possible duplicates (in an open pair of the "possible '
            'same event" queue, on either side); `none`: incidents without'
        ),
    )
    background = django_filters.ChoiceFilter(
        choices=BACKGROUND_CHOICES,
        method="filter_background",
        label=(
            "Background incidents (older events an article recalls in passing): `include` (the default: "
            "every incident, as before the filter existed), `exclude`, or `only`"
        ),
    )

    class Meta:
        model = Incident
        form = IncidentFilterForm
        fields: list[str] = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("status") and not data.get("updated_since"):
            queryset = without_merged(queryset)
        return queryset

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_actor

    def filter_reports_min(self, queryset, name, value):
        return queryset.alias(_reports=report_count()).filter(_reports__gte=value)

    def filter_reports_max(self, queryset, name, value):
        return queryset.alias(_reports=report_count()).filter(_reports__lte=value)

    def filter_possible_duplicates(self, queryset, name, value):
        return with_open_pairs(queryset, has=value == "open") if value else queryset

    def filter_country(self, queryset, name, value):
        return filter_country(queryset, name, value)

    def filter_actor(self, queryset, name, value):
        links = IncidentActor.objects.all()
        links = (
            links.filter(actor_id=int(value)) if value.isdigit() else links.filter(actor__name__iexact=value)
        )
        role = self.form.cleaned_data.get("actor_role")
        if role:
            links = links.filter(role=role)
        return queryset.filter(pk__in=links.values("incident_id"))

    def filter_bbox(self, queryset, name, value):
        min_lon, min_lat, max_lon, max_lat = value
        return queryset.filter(
            longitude__gte=min_lon, longitude__lte=max_lon, latitude__gte=min_lat, latitude__lte=max_lat
        )

    def filter_background(self, queryset, name, value):
        return with_background(queryset, value)

    def filter_q(self, queryset, name, value):
        return full_text(queryset, value) if value.strip() else queryset


class ActorFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    actor_type = django_filters.ChoiceFilter(choices=Actor.ACTOR_TYPE_CHOICES)
    country = django_filters.CharFilter(
        method=filter_country, label="ISO 3166-1 alpha-2 code(s), comma-separated"
    )

    class Meta:
        model = Actor
        form = CountryCodesForm
        fields: list[str] = []


class LocationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    country = django_filters.CharFilter(
        method=filter_country, label="ISO 3166-1 alpha-2 code(s), comma-separated"
    )
    admin1 = django_filters.CharFilter(lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices)

    class Meta:
        model = Location
        form = CountryCodesForm
        fields: list[str] = []


class SourceFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    scale = django_filters.ChoiceFilter(choices=Source.Scale.choices)

    class Meta:
        model = Source
        fields: list[str] = []
