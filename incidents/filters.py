"""One FilterSet per resource, shared by the REST API and the analyst pages."""

import django_filters

from incidents.models import Incident


class IncidentFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label="Incidents on or after this date (YYYY-MM-DD)"
    )
    date_to = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label="Incidents on or before this date (YYYY-MM-DD)"
    )
    country = django_filters.CharFilter(
        field_name="country_id", method="filter_country", label="ISO 3166-1 alpha-2 code(s), comma-separated"
    )
    event_type = django_filters.ChoiceFilter(choices=Incident.EventType.choices)
    sub_event_type = django_filters.ChoiceFilter(choices=Incident.SubEventType.choices)
    status = django_filters.ChoiceFilter(choices=Incident.Status.choices)
    article = django_filters.NumberFilter(field_name="article_id")

    class Meta:
        model = Incident
        fields = ["date_from", "date_to", "country", "event_type", "sub_event_type", "status", "article"]

    def filter_country(self, queryset, name, value):
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        return queryset.filter(country_id__in=codes) if codes else queryset
