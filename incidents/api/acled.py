"""ACLED's read API (`/api/acled/read`) over this database, so tools written for ACLED work unchanged.

ACLED clients authenticate with `key` and `email` query parameters, filter on column names with
`<column>_where` operators, page with `limit`/`page`, and expect ACLED's JSON envelope with row
values as strings. This module translates that dialect into one ORM query; the row rendering is
`acled_columns.acled_row`, shared with the CSV export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import product

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.api.acled_columns import (
    COLUMNS,
    DISORDER_TYPE,
    acled_row,
    alpha2_by_isonumeric,
    interaction_code,
    linked_rows,
    with_acled_relations,
)
from incidents.api.auth import ApiTokenAuthentication, authenticate_token
from incidents.extraction.taxonomy import ACTOR_TYPES, EVENT_TYPES
from incidents.filters import without_merged
from incidents.models import Incident, IncidentActor

STREAM_CHUNK = 500  # rows read (and written) at a time: memory stays flat at any limit
DEFAULT_LIMIT = 5000  # ACLED's own default page size
MAX_LIMIT = 5000

# Parameters that are not column filters (`_format` and `export_type` are checked in the view;
# ACLED's old `terms=accept` and DRF's `format` are accepted and ignored).
_CONTROL_PARAMS = {"key", "email", "limit", "page", "fields", "_format", "export_type", "terms", "format"}
# Columns whose empty value ACLED would never send as "": clients parse them as numbers or dates.
_NULL_WHEN_EMPTY = {"event_date", "year", "latitude", "longitude", "iso"}

_OPERATORS = ("=", "LIKE", ">", "<", ">=", "<=", "BETWEEN")
_TEXT_OPERATORS = ("=", "LIKE")


class AcledParamError(exceptions.APIException):
    """A query parameter this API cannot honour; the message names it."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"


# --- Authentication ------------------------------------------------------------------------------


class AcledKeyAuthentication(authentication.BaseAuthentication):
    """ACLED's `key` + `email` query parameters, where `key` is one of our API tokens.

    Falls back to `Authorization: Bearer <token>` so clients of the v1 API can use the same token.
    """

    def authenticate(self, request: Request):
        key = request.query_params.get("key", "").strip()
        email = request.query_params.get("email", "").strip()
        if not key:
            if email:
                raise exceptions.AuthenticationFailed("The key parameter is required with email.")
            return ApiTokenAuthentication().authenticate(request)
        if not email:
            raise exceptions.AuthenticationFailed("The email parameter is required with key.")
        token = authenticate_token(key)
        if not token.user.email or token.user.email.casefold() != email.casefold():
            raise exceptions.PermissionDenied("This key does not belong to that email address.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="acled"'


# --- Filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One `<column>=<value>&<column>_where=<operator>` pair, values already split on `|`."""

    param: str
    operator: str
    values: tuple[str, ...]

    def fail(self, message: str) -> AcledParamError:
        return AcledParamError(f"{self.param}: {message}")


def _parse_condition(params, column: str, default_operator: str, operators: tuple[str, ...]) -> Condition:
    raw = params.get(column, "")
    operator = params.get(f"{column}_where", default_operator).strip().upper() or default_operator
    if operator not in _OPERATORS:
        raise AcledParamError(
            f"{column}_where: unknown operator {operator!r}; use one of {', '.join(_OPERATORS)}."
        )
    if operator not in operators:
        raise AcledParamError(
            f"{column}_where: {operator} does not apply to {column}; use one of {', '.join(operators)}."
        )
    values = tuple(v.strip() for v in raw.split("|"))
    if not raw.strip() or any(not v for v in values):
        raise AcledParamError(f"{column}: empty value.")
    condition = Condition(column, operator, values)
    if operator == "BETWEEN" and len(values) != 2:
        raise condition.fail("BETWEEN needs two values separated by |, e.g. 2022-01-01|2022-01-31.")
    if operator in (">", "<", ">=", "<=") and len(values) != 1:
        raise condition.fail(f"{operator} takes a single value.")
    return condition


def _text_q(condition: Condition, fields: Iterable[str]) -> Q:
    """Case-insensitive `=`/LIKE on any of `fields`; `|` separates alternatives (OR)."""
    lookup = "icontains" if condition.operator == "LIKE" else "iexact"
    q = Q()
    for value in condition.values:
        needle = value.strip("%") if condition.operator == "LIKE" else value  # ACLED clients send %x%
        for field in fields:
            q |= Q(**{f"{field}__{lookup}": needle})
    return q


def _ordered_q(condition: Condition, field: str, parse: Callable[[str], object]) -> Q:
    """`=` (OR of values), comparisons and BETWEEN (inclusive) on an orderable field."""
    try:
        values = [parse(v) for v in condition.values]
    except ValueError as exc:
        raise condition.fail(str(exc)) from None
    if condition.operator == "=":
        return Q(**{f"{field}__in": values})
    if condition.operator == "BETWEEN":
        low, high = sorted(values)
        return Q(**{f"{field}__range": (low, high)})
    lookup = {">": "gt", "<": "lt", ">=": "gte", "<=": "lte"}[condition.operator]
    return Q(**{f"{field}__{lookup}": values[0]})


def _parse_int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number.") from None


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD.") from None


def _parse_timestamp(value: str) -> int:
    """A Unix time, or a date (the acled client sends dates as YYYY-MM-DD) meaning its UTC midnight."""
    if value.lstrip("-").isdigit():
        return int(value)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is neither a Unix timestamp nor a date (YYYY-MM-DD).") from None
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


def _timestamp_q(condition: Condition) -> Q:
    """The `timestamp` column is updated_at truncated to whole seconds; compare accordingly."""
    try:
        values = [_parse_timestamp(v) for v in condition.values]
    except ValueError as exc:
        raise condition.fail(str(exc)) from None

    def at(seconds: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)

    op = condition.operator
    if op == "=":
        q = Q()
        for v in values:
            q |= Q(updated_at__gte=at(v), updated_at__lt=at(v + 1))
        return q
    if op == "BETWEEN":
        low, high = sorted(values)
        return Q(updated_at__gte=at(low), updated_at__lt=at(high + 1))
    v = values[0]
    return {
        ">=": Q(updated_at__gte=at(v)),
        ">": Q(updated_at__gte=at(v + 1)),
        "<": Q(updated_at__lt=at(v)),
        "<=": Q(updated_at__lt=at(v + 1)),
    }[op]


def _matches(condition: Condition, value: object, parse: Callable[[str], object]) -> bool:
    """The condition evaluated in Python, for columns derived from a small set of stored values."""
    if condition.operator == "LIKE":
        return any(v.strip("%").casefold() in str(value).casefold() for v in condition.values)
    try:
        wanted = [parse(v) for v in condition.values]
    except ValueError as exc:
        raise condition.fail(str(exc)) from None
    if condition.operator == "=":
        return any(str(value).casefold() == str(w).casefold() for w in wanted)
    if condition.operator == "BETWEEN":
        low, high = sorted(wanted)
        return low <= value <= high
    return {
        ">": value > wanted[0],
        "<": value < wanted[0],
        ">=": value >= wanted[0],
        "<=": value <= wanted[0],
    }[condition.operator]


def _interaction_q(condition: Condition) -> Q:
    """Every (actor1 type, actor2 type) pair whose interaction code satisfies the condition."""
    types: list[str | None] = [None, *ACTOR_TYPES]
    q = Q(pk__in=[])
    for type1, type2 in product(types, types):
        if _matches(condition, interaction_code(type1, type2), _parse_int):
            q |= Q(
                **({"acled_actor1_type": type1} if type1 else {"acled_actor1_type__isnull": True}),
                **({"acled_actor2_type": type2} if type2 else {"acled_actor2_type__isnull": True}),
            )
    return q


def _disorder_type_q(condition: Condition) -> Q:
    """disorder_type is derived from event_type: filter on the event types that map to a match."""
    events = [event for event in EVENT_TYPES if _matches(condition, DISORDER_TYPE.get(event, ""), str)]
    return Q(event_type__in=events)


def _iso_q(condition: Condition) -> Q:
    if condition.operator != "=":
        raise condition.fail("only = is supported for iso.")
    try:
        numbers = [_parse_int(v) for v in condition.values]
    except ValueError as exc:
        raise condition.fail(str(exc)) from None
    table = alpha2_by_isonumeric()
    return Q(country_id__in=[table[n] for n in numbers if n in table])


def _country_q(condition: Condition) -> Q:
    """By name (case-insensitive, as ACLED), or by ISO alpha-2 code with `=`."""
    q = _text_q(condition, ["country__name"])
    if condition.operator == "=":
        codes = [v.upper() for v in condition.values if len(v) == 2]
        if codes:
            q |= Q(country_id__in=codes)
    return q


_ORDERED = ("=", ">", "<", ">=", "<=", "BETWEEN")

# column -> (default operator, allowed operators, Condition -> Q)
FILTERS: dict[str, tuple[str, tuple[str, ...], Callable[[Condition], Q]]] = {
    "country": ("=", _TEXT_OPERATORS, _country_q),
    "iso": ("=", ("=",), _iso_q),
    "event_date": ("=", _ORDERED, lambda c: _ordered_q(c, "start_date", _parse_date)),
    "year": ("=", _ORDERED, lambda c: _ordered_q(c, "start_date__year", _parse_int)),
    "event_type": ("=", _TEXT_OPERATORS, lambda c: _text_q(c, ["event_type"])),
    "sub_event_type": ("=", _TEXT_OPERATORS, lambda c: _text_q(c, ["sub_event_type"])),
    "actor1": ("=", _TEXT_OPERATORS, lambda c: _text_q(c, ["acled_actor1"])),
    "actor2": ("=", _TEXT_OPERATORS, lambda c: _text_q(c, ["acled_actor2"])),
    "admin1": ("=", _TEXT_OPERATORS, lambda c: _text_q(c, ["admin1"])),
    "location": ("=", _TEXT_OPERATORS, lambda c: _text_q(c, ["acled_location"])),
    "fatalities": ("=", _ORDERED, lambda c: _ordered_q(c, "acled_fatalities", _parse_int)),
    "disorder_type": ("=", _TEXT_OPERATORS, _disorder_type_q),
    "interaction": ("=", _ORDERED, _interaction_q),
    # ACLED reads `timestamp` as "changed at or after" unless told otherwise
    "timestamp": (">=", _ORDERED, _timestamp_q),
}


def _first_actor(role: str, field: str) -> Subquery:
    """The actor1/actor2 column is the role's first actor by link order, as `acled_row` shows it."""
    links = IncidentActor.objects.filter(incident=OuterRef("pk"), role=role).order_by("pk")
    return Subquery(links.values(f"actor__{field}")[:1])


def _annotate(queryset: QuerySet[Incident], columns: set[str]) -> QuerySet[Incident]:
    """The derived columns that filters compare against, computed in the same SQL query."""
    if "actor1" in columns:
        queryset = queryset.annotate(acled_actor1=_first_actor("actor1", "name"))
    if "actor2" in columns:
        queryset = queryset.annotate(acled_actor2=_first_actor("actor2", "name"))
    if "interaction" in columns:
        queryset = queryset.annotate(
            acled_actor1_type=_first_actor("actor1", "actor_type"),
            acled_actor2_type=_first_actor("actor2", "actor_type"),
        )
    if "location" in columns:
        queryset = queryset.annotate(
            acled_location=Coalesce(NullIf("location_name", Value("")), "location__name", Value(""))
        )
    if "fatalities" in columns:
        queryset = queryset.annotate(acled_fatalities=Coalesce("fatalities_best", Value(0)))
    return queryset


def filter_incidents(queryset: QuerySet[Incident], params) -> QuerySet[Incident]:
    """Apply ACLED column filters from the query string; AcledParamError names any bad parameter."""
    conditions: list[tuple[str, Condition]] = []
    for name in params:
        if name in _CONTROL_PARAMS:
            continue
        column = name.removesuffix("_where")
        if column not in FILTERS:
            if column in COLUMNS:
                raise AcledParamError(
                    f"{name}: filtering on {column} is not supported here; supported: {', '.join(FILTERS)}."
                )
            raise AcledParamError(f"{name}: unknown parameter.")
        if name != column:
            if column not in params:
                raise AcledParamError(f"{name} given without {column}.")
            continue  # read along with its column
        default, operators, _ = FILTERS[column]
        conditions.append((column, _parse_condition(params, column, default, operators)))
    queryset = _annotate(queryset, {column for column, _ in conditions})
    for column, condition in conditions:
        queryset = queryset.filter(FILTERS[column][2](condition))
    return queryset


# --- Rendering -----------------------------------------------------------------------------------


def _parse_fields(raw: str | None) -> list[str]:
    if raw is None:
        return list(COLUMNS)
    fields = list(dict.fromkeys(f.strip() for f in raw.split("|") if f.strip()))
    if not fields:
        raise AcledParamError("fields: empty; give column names separated by |.")
    unknown = [f for f in fields if f not in COLUMNS]
    if unknown:
        raise AcledParamError(f"fields: unknown column(s) {', '.join(unknown)}.")
    return fields


def _page_bounds(params) -> tuple[int, int]:
    """(limit, offset); a limit above MAX_LIMIT is refused rather than silently cut short."""
    try:
        limit = int(params.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise AcledParamError("limit: not a whole number.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise AcledParamError(f"limit: must be between 1 and {MAX_LIMIT}; use page to read further.")
    try:
        page = int(params.get("page", 1))
    except ValueError:
        raise AcledParamError("page: not a whole number.") from None
    if page < 1:
        raise AcledParamError("page: pages are numbered from 1.")
    return limit, (page - 1) * limit


def _acled_value(column: str, value: object) -> str | None:
    """ACLED sends every value as a string; a missing number or date is null, never ""."""
    if value == "" and column in _NULL_WHEN_EMPTY:
        return None
    return value if isinstance(value, str) else str(value)


def _row(incident: Incident, fields: list[str]) -> dict[str, str | None]:
    """The ACLED row with the chosen fields, in ACLED's value types."""
    row = acled_row(incident)
    return {field: _acled_value(field, row[field]) for field in fields}


def _envelope(head: dict[str, object], incidents: Iterable[Incident], fields: list[str]) -> Iterator[str]:
    """ACLED's JSON envelope written as the rows are read; `count` (this page's rows) comes last."""
    yield json.dumps(head)[:-1] + ', "data": ['
    count, batch = 0, []
    for incident in incidents:
        batch.append(json.dumps(_row(incident, fields)))
        count += 1
        if len(batch) == STREAM_CHUNK:
            yield ("," if count > len(batch) else "") + ",".join(batch)
            batch = []
    if batch:
        yield ("," if count > len(batch) else "") + ",".join(batch)
    yield f'], "count": {count}}}'


def _failure(code: int, message: str) -> dict[str, object]:
    """ACLED's error shape: the acled client reads `success` and then `error[0]["message"]`."""
    return {
        "status": code,
        "success": False,
        "last_update": None,
        "count": 0,
        "messages": [message],
        "error": [{"status": code, "message": message}],
        "data": [],
    }


def _acled_parameter(name: str, description: str, **schema) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, description=description, **schema)


_WHERE = {"type": "string", "enum": [*_OPERATORS, *(o.lower() for o in ("LIKE", "BETWEEN"))]}
_ENVELOPE = {
    "type": "object",
    "description": "ACLED's envelope: `data` holds the rows (every value a string, a missing number or "
    "date null); `count` is this page's rows. A failure has `success` false and the reason in `error`.",
    "required": ["success", "data"],
    "properties": {
        "status": {"type": "integer"},
        "success": {"type": "boolean"},
        "last_update": {
            "type": "integer",
            "nullable": True,
            "description": "hours since the data last changed",
        },
        "messages": {"type": "array", "items": {"type": "string"}},
        "error": {"type": "array", "items": {"type": "object"}},
        "filename": {"type": "string"},
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {column: {"type": "string", "nullable": True} for column in COLUMNS},
                "additionalProperties": False,
            },
        },
        "count": {"type": "integer"},
    },
}
_ACLED_PARAMETERS = [
    _acled_parameter("email", "The e-mail of the token's owner, sent with `key` (ACLED's way to sign in)."),
    OpenApiParameter(
        "limit",
        int,
        OpenApiParameter.QUERY,
        description=f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    ),
    OpenApiParameter("page", int, OpenApiParameter.QUERY, description="Page number, from 1."),
    _acled_parameter("fields", "The columns to return, separated by `|` (default: all of ACLED's columns)."),
    _acled_parameter("country", "Country name; alternatives separated by `|`."),
    _acled_parameter("iso", "ISO 3166 numeric country code."),
    _acled_parameter(
        "event_date", "A day (YYYY-MM-DD), or two separated by `|` with `event_date_where=BETWEEN`."
    ),
    OpenApiParameter(
        "event_date_where", _WHERE, OpenApiParameter.QUERY, description="How `event_date` compares."
    ),
    _acled_parameter("year", "The event's year."),
    _acled_parameter("event_type", "ACLED event type, e.g. Battles; alternatives separated by `|`."),
    _acled_parameter("sub_event_type", "ACLED sub-event type."),
    _acled_parameter("actor1", "Actor 1's name (`actor1_where=LIKE` for part of it)."),
    _acled_parameter("actor2", "Actor 2's name."),
    _acled_parameter("admin1", "First-level division."),
    _acled_parameter("location", "Place name."),
    _acled_parameter("fatalities", "Fatalities (with `fatalities_where` `>`, `<`, `>=`, `<=` or `BETWEEN`)."),
    _acled_parameter("timestamp", "Last change, Unix seconds (with `timestamp_where=>`: a change feed)."),
]


@extend_schema(
    summary="ACLED's read API",
    description="ACLED's `/acled/read` over this database, so ACLED's tools work unchanged: sign in with "
    "`key` (an API token) and `email` (its owner's e-mail), or with `Authorization: Bearer <token>`. "
    "Any ACLED column filters as `<column>=value` with `<column>_where` one of =, LIKE, >, <, >=, <=, "
    "BETWEEN (the common ones are listed below). Rows are published incidents (drafts too for analysts), "
    "newest first. Errors answer in the same envelope.",
    parameters=_ACLED_PARAMETERS,
    responses={
        200: OpenApiResponse(_ENVELOPE, description="The rows, streamed."),
        **{
            code: OpenApiResponse(_ENVELOPE, description=reason)
            for code, reason in (
                (400, "A parameter this API cannot honour; the message names it."),
                (401, "No token, or one that is invalid, revoked or expired; or `key` without `email`."),
                (403, "The key does not belong to that e-mail address."),
                (404, "A `format` this endpoint does not serve."),
                (429, "Too many requests for this token."),
            )
        },
    },
    tags=["acled"],
)
class AcledReadView(APIView):
    """GET /api/acled/read: ACLED's read endpoint, answering from published incidents.

    Analysts also see drafts, as everywhere else in the API. Parameters are checked first (a bad
    one is a 400 in ACLED's envelope); the page is then streamed, read through a server-side
    cursor STREAM_CHUNK rows at a time with two queries per chunk for the actors and sources, so
    `limit=5000` starts answering at once with flat memory. Nothing is counted: ACLED's `count`
    is this page's rows, written after them.
    """

    authentication_classes = [AcledKeyAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get(self, request: Request) -> StreamingHttpResponse:
        params = request.query_params
        if params.get("_format", "json").lower() != "json":
            raise AcledParamError("_format: only json is served here.")
        if params.get("export_type", "dyadic").lower() != "dyadic":
            raise AcledParamError("export_type: only the dyadic export is served here.")
        fields = _parse_fields(params.get("fields"))
        limit, offset = _page_bounds(params)

        # one row per event: merged incidents are pointers to where their reports went
        visible = without_merged(Incident.objects.visible_to(request.user))
        queryset = with_acled_relations(filter_incidents(visible, params)).order_by(
            F("start_date").desc(nulls_last=True), "-id"
        )
        newest = visible.order_by("-updated_at").values_list("updated_at", flat=True).first()
        now = timezone.now()
        head = {
            "status": 200,
            "success": True,
            # ACLED reports the hours since its data last changed
            "last_update": int((now - newest).total_seconds() // 3600) if newest else None,
            "messages": [],
            "filename": f"acled-{now.date().isoformat()}",
        }
        rows = linked_rows(queryset[offset : offset + limit], STREAM_CHUNK)
        return StreamingHttpResponse(_envelope(head, rows, fields), content_type="application/json")

    def handle_exception(self, exc: Exception) -> Response:
        """Every failure in ACLED's envelope, keeping DRF's status and headers (WWW-Authenticate...)."""
        response = super().handle_exception(exc)
        detail = (
            response.data.get("detail", response.data) if isinstance(response.data, dict) else response.data
        )
        if isinstance(detail, list):
            detail = " ".join(str(d) for d in detail)
        response.data = _failure(response.status_code, str(detail))
        return response


# Included from config/urls.py at "api/acled/read": the `acled` client calls {ACLED_API_HOST}/acled/read.
urlpatterns = [path("", AcledReadView.as_view(), name="acled-read")]
