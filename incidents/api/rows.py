"""Incident list rows rendered to JSON by PostgreSQL itself.

A 50-incident page built in Python costs ~300 model instances and a dict per row: twenty times the
SQL behind it. On PostgreSQL the list asks for each row as a finished JSON document instead (actors
and sources folded in with correlated subqueries), and the view only joins the documents. The
document has exactly the keys and values of `IncidentSerializer` (a test compares the two), so
clients cannot tell which path served them; other databases use the serializer.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL

from incidents.models import Incident

_T = '"incidents_incident"'

# DRF writes datetimes as ISO 8601 in UTC with "Z", with microseconds only when there are some.
_DATETIME = (
    "CASE WHEN date_trunc('second', {col}) = {col} "
    "THEN to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "ELSE to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END"
)


def _counts(kind: str) -> str:
    return f"json_build_object('low', {_T}.{kind}_low, 'best', {_T}.{kind}_best, 'high', {_T}.{kind}_high)"


DOCUMENT_SQL = f"""json_build_object(
    'id', {_T}.id,
    'url', %s || {_T}.id || '/',
    'status', {_T}.status,
    'start_date', {_T}.start_date,
    'end_date', {_T}.end_date,
    'date_precision', {_T}.date_precision,
    'event_type', {_T}.event_type,
    'sub_event_type', {_T}.sub_event_type,
    'country', {_T}.country_id,
    'admin1', {_T}.admin1,
    'location', json_build_object(
        'id', {_T}.location_id,
        'name', COALESCE(NULLIF({_T}.location_name, ''),
                         (SELECT l.name FROM incidents_location l WHERE l.id = {_T}.location_id), ''),
        'latitude', {_T}.latitude,
        'longitude', {_T}.longitude),
    'geo_precision', {_T}.geo_precision,
    'fatalities', {_counts("fatalities")},
    'injured', {_counts("injured")},
    'actors', COALESCE((
        SELECT json_agg(json_build_object('name', a.name, 'actor_type', a.actor_type, 'role', ia.role)
                        ORDER BY ia.id)
        FROM incidents_incidentactor ia JOIN incidents_actor a ON a.id = ia.actor_id
        WHERE ia.incident_id = {_T}.id), '[]'::json),
    'sources', COALESCE((
        SELECT json_agg(s.name ORDER BY x.id)
        FROM incidents_incidentsource x JOIN incidents_source s ON s.id = x.source_id
        WHERE x.incident_id = {_T}.id), '[]'::json),
    'summary', {_T}.summary,
    'is_background', {_T}.is_background,
    'confidence', {_T}.confidence,
    'article', {_T}.article_id,
    'reports_count', (SELECT count(*) FROM incidents_report r WHERE r.incident_id = {_T}.id),
    'merged_into', {_T}.merged_into_id,
    'created_at', {_DATETIME.format(col=f"{_T}.created_at")},
    'updated_at', {_DATETIME.format(col=f"{_T}.updated_at")},
    'version', {_T}.version
)::text"""


def renders_in_database(queryset: QuerySet[Incident]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def with_documents(queryset: QuerySet[Incident], base_url: str) -> QuerySet[Incident]:
    """Annotate each incident with `_doc`, its list representation as JSON text."""
    return queryset.annotate(_doc=RawSQL(DOCUMENT_SQL, (base_url,), output_field=TextField()))
