"""The ACLED-column CSV export written by PostgreSQL's COPY.

Formatting a million rows in Python takes minutes; `COPY (SELECT ...) TO STDOUT (FORMAT csv)` hands
back finished CSV lines at the speed of the scan. The SELECT computes every ACLED column the way
`acled_row` does (a test compares the two exports row for row), from the filtered queryset's own
SQL, so filters and visibility rules are the ones the rest of the API applies.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connections, transaction
from django.db.models import QuerySet
from psycopg import ClientCursor

from incidents.api.acled_columns import (
    COLUMNS,
    DISORDER_TYPE,
    GEO_PRECISION,
    INTER_CODES,
    SCALE_ORDER,
    TIME_PRECISION,
    isonumeric_by_alpha2,
)
from incidents.models import Incident, Source

BUFFER_BYTES = 256 * 1024  # COPY hands over a row at a time; send the client fewer, larger writes

_INCIDENT_FIELDS = (
    "id", "country_id", "start_date", "date_precision", "event_type", "sub_event_type", "admin1",
    "location_id", "location_name", "latitude", "longitude", "geo_precision", "summary",
    "fatalities_best", "updated_at", "article_id",
)  # fmt: skip


def _literal(value) -> str:
    """Our own constants (ACLED codes, labels) as SQL literals; filter values stay parameters."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def _case(column: str, mapping: dict, default) -> str:
    whens = " ".join(f"WHEN {_literal(key)} THEN {_literal(value)}" for key, value in mapping.items())
    return f"CASE {column} {whens} ELSE {_literal(default)} END"


def _safe(text_sql: str) -> str:
    """The text cell defused as `csv_safe` does: a leading = + - @ tab or CR gets a quote first."""
    return (
        "(SELECT CASE WHEN left(v, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || v ELSE v END"
        f" FROM (SELECT {text_sql} AS v) safe)"
    )


def _inter(types: str) -> str:
    """ACLED's inter code of the first actor in a role: 0 without one, 8 for an unknown type."""
    return f"COALESCE(({_case(f'{types}[1]', INTER_CODES, 8)}) * SIGN(cardinality({types})), 0)"


_RANKS = {scale: rank for rank, scale in enumerate(SCALE_ORDER, 1)}
_LABELS = {rank: dict(Source.Scale.choices)[scale] for scale, rank in _RANKS.items()}


def _scale_sql(low: str, high: str) -> str:
    """`combined_scale` from the narrowest and widest known scale ranks (NULL: none known)."""
    label = _literal(dict(Source.Scale.choices)[Source.Scale.OTHER])
    return (
        f"COALESCE({_case(low, _LABELS, None)}, {label}) || "
        f"CASE WHEN {high} > {low} THEN '-' || {_case(high, _LABELS, None)} ELSE '' END"
    )


# Every report's publisher once, in publication order (its first report), with its scale's rank;
# an incident without reports has its article's publisher (`pub`).
_PUBLISHERS_SQL = f"""LEFT JOIN LATERAL (
  SELECT array_agg(p.name ORDER BY p.published, p.rid) AS names, min(p.rank) AS low, max(p.rank) AS high
  FROM (
    SELECT DISTINCT ON (s.id) s.name, a.published, r.id AS rid, {_case("s.scale", _RANKS, None)} AS rank
    FROM incidents_report r
    JOIN incidents_article a ON a.id = r.article_id
    JOIN incidents_source s ON s.id = a.publisher_id
    WHERE r.incident_id = i.id
    ORDER BY s.id, a.published, r.id
  ) p
) rp ON true
LEFT JOIN LATERAL (
  SELECT CASE WHEN rp.names IS NOT NULL THEN rp.names WHEN pub.name IS NOT NULL THEN ARRAY[pub.name]
              ELSE '{{}}'::varchar[] END AS names,
         CASE WHEN rp.names IS NOT NULL THEN rp.low ELSE {_case("pub.scale", _RANKS, None)} END AS low,
         CASE WHEN rp.names IS NOT NULL THEN rp.high ELSE {_case("pub.scale", _RANKS, None)} END AS high
) pn ON true"""


def copy_sql(queryset: QuerySet[Incident]) -> tuple[str, tuple]:
    """The COPY statement for `queryset` and the filter parameters it needs (COPY takes no bound
    parameters: the caller inlines them with psycopg's client-side quoting)."""
    inner, params = queryset.order_by().values(*_INCIDENT_FIELDS).query.sql_with_params()
    iso_rows = ", ".join(f"({_literal(code)}, {int(n)})" for code, n in isonumeric_by_alpha2().items())
    # Empty text goes out as NULL, which COPY writes unquoted: the csv module's way, not "".
    columns = {
        "event_id_cnty": "COALESCE(i.country_id, 'XX') || i.id",
        "event_date": "i.start_date",
        "year": "EXTRACT(YEAR FROM i.start_date)::int",
        "time_precision": _case("i.date_precision", TIME_PRECISION, 1),
        "disorder_type": f"NULLIF({_case('i.event_type', DISORDER_TYPE, '')}, '')",
        "event_type": "i.event_type",
        "sub_event_type": "i.sub_event_type",
        "actor1": _safe("act.a1[1]"),
        "assoc_actor_1": _safe("NULLIF(array_to_string(act.a1[2:], '; '), '')"),
        "inter1": "inter.i1",
        "actor2": _safe("act.a2[1]"),
        "assoc_actor_2": _safe("NULLIF(array_to_string(act.a2[2:] || act.assoc, '; '), '')"),
        "inter2": "inter.i2",
        "interaction": "CASE WHEN LEAST(inter.i1, inter.i2) = 0 THEN GREATEST(inter.i1, inter.i2) "
        "ELSE LEAST(inter.i1, inter.i2) * 10 + GREATEST(inter.i1, inter.i2) END",
        "civilian_targeting": "CASE WHEN act.t2[1] = 'civilians' THEN 'Civilian targeting' END",
        "iso": "iso.number",
        "region": "NULL",
        "country": _safe("c.name"),
        "admin1": _safe("NULLIF(i.admin1, '')"),
        "admin2": _safe("NULLIF(l.admin2, '')"),
        "admin3": _safe("NULLIF(l.admin3, '')"),
        "location": _safe("COALESCE(NULLIF(i.location_name, ''), NULLIF(l.name, ''))"),
        "latitude": "i.latitude",
        "longitude": "i.longitude",
        "geo_precision": _case("i.geo_precision", GEO_PRECISION, 3),
        "source": _safe("NULLIF(array_to_string(pn.names || src.names, '; '), '')"),
        "source_scale": _scale_sql("pn.low", "pn.high"),
        "notes": _safe("NULLIF(i.summary, '')"),
        "fatalities": "COALESCE(i.fatalities_best, 0)",
        "tags": "NULL",
        "timestamp": "FLOOR(EXTRACT(EPOCH FROM i.updated_at))::bigint",
    }
    assert tuple(columns) == COLUMNS
    select = ",\n  ".join(f'{sql} AS "{name}"' for name, sql in columns.items())
    sql = f"""COPY (
SELECT
  {select}
FROM ({inner}) i
LEFT JOIN incidents_country c ON c.code = i.country_id
LEFT JOIN incidents_location l ON l.id = i.location_id
LEFT JOIN incidents_article ar ON ar.id = i.article_id
LEFT JOIN incidents_source pub ON pub.id = ar.publisher_id
LEFT JOIN (VALUES {iso_rows}) AS iso(code, number) ON iso.code = i.country_id
LEFT JOIN LATERAL (
  SELECT array_agg(a.name ORDER BY ia.id) FILTER (WHERE ia.role = 'actor1') AS a1,
         array_agg(a.actor_type ORDER BY ia.id) FILTER (WHERE ia.role = 'actor1') AS t1,
         array_agg(a.name ORDER BY ia.id) FILTER (WHERE ia.role = 'actor2') AS a2,
         array_agg(a.actor_type ORDER BY ia.id) FILTER (WHERE ia.role = 'actor2') AS t2,
         COALESCE(array_agg(a.name ORDER BY ia.id) FILTER (WHERE ia.role = 'associated'), '{{}}') AS assoc
  FROM incidents_incidentactor ia JOIN incidents_actor a ON a.id = ia.actor_id
  WHERE ia.incident_id = i.id
) act ON true
LEFT JOIN LATERAL (SELECT {_inter("act.t1")} AS i1, {_inter("act.t2")} AS i2) inter ON true
{_PUBLISHERS_SQL}
LEFT JOIN LATERAL (
  SELECT COALESCE(array_agg(s.name ORDER BY x.id), '{{}}') AS names
  FROM incidents_incidentsource x JOIN incidents_source s ON s.id = x.source_id
  WHERE x.incident_id = i.id AND s.name <> ALL(pn.names)
) src ON true
ORDER BY i.start_date DESC, i.id DESC
) TO STDOUT (FORMAT csv, HEADER)"""
    return sql, params


def copy_csv(queryset: QuerySet[Incident]) -> Iterator[bytes]:
    """Stream the export: COPY's rows gathered into ~256 KB writes, memory flat however many rows."""
    connection = connections[queryset.db]
    sql, params = copy_sql(queryset)
    # One transaction: the setting holds for this COPY only, and behind a transaction pooler
    # (PgBouncer) both statements run on the same server connection, which keeps nothing after.
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        statement = ClientCursor(cursor.connection).mogrify(sql, params)
        # JIT-compiling this statement takes ~0.6 s, more than it saves on most exports
        cursor.execute("SET LOCAL jit = off")
        buffer, size = [], 0
        with cursor.cursor.copy(statement) as copy:
            for data in copy:
                buffer.append(bytes(data))
                size += len(data)
                if size >= BUFFER_BYTES:
                    yield b"".join(buffer)
                    buffer, size = [], 0
        yield b"".join(buffer)
