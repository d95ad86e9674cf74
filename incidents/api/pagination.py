"""Keyset ("cursor") pagination: every page costs the same, however deep; no COUNT(*) unless asked."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.db import connections
from django.db.models import BooleanField, F, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from incidents.models import CONFIDENCE_SORT_SQL, confidence_sort

# ordering name -> (sort key expression name, descending)
ORDERINGS = {
    "-date": ("start_date", True),
    "date": ("start_date", False),
    "-updated": ("updated_at", True),
    "updated": ("updated_at", False),
    "-fatalities": ("_fatalities", True),
    "fatalities": ("_fatalities", False),
    # least sure first; incidents without a confidence (entered by hand) last, as the surest
    "confidence": ("_confidence", False),
    "-confidence": ("_confidence", True),
}

SORT_SQL = {
    "start_date": '"{table}"."start_date"',
    "updated_at": '"{table}"."updated_at"',
    "_fatalities": 'COALESCE("{table}"."fatalities_best", -1)',
    "_confidence": CONFIDENCE_SORT_SQL,  # the expression incident_confidence_keyset indexes
}
ANNOTATIONS = {
    "_fatalities": lambda: Coalesce(F("fatalities_best"), Value(-1)),
    "_confidence": confidence_sort,
}


def _encode(value, pk: int) -> str:
    if isinstance(value, dt.datetime):
        raw = ["t", value.isoformat()]
    elif isinstance(value, dt.date):
        raw = ["d", value.isoformat()]
    else:
        raw = ["n", value]
    return base64.urlsafe_b64encode(json.dumps([*raw, pk]).encode()).decode().rstrip("=")


def _decode(cursor: str):
    try:
        kind, value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if kind == "t":
            value = dt.datetime.fromisoformat(value)
        elif kind == "d":
            value = dt.date.fromisoformat(value)
        elif not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError
        if not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise ValidationError(
            {"cursor": ["Invalid cursor: use the `next` link of the previous page."]}
        ) from None
    return value, pk


class KeysetPagination(BasePagination):
    page_size = 50
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        params = request.query_params
        ordering = params.get("ordering", "-date")
        if ordering not in ORDERINGS:
            raise ValidationError({"ordering": [f"Use one of: {', '.join(ORDERINGS)}."]})
        try:
            size = int(params.get("page_size", self.page_size))
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"page_size": [f"A whole number from 1 to {self.max_page_size}."]})
        key, desc = ORDERINGS[ordering]
        if key in ANNOTATIONS:
            queryset = queryset.annotate(**{key: ANNOTATIONS[key]()})
        queryset = queryset.order_by(f"-{key}" if desc else key, "-pk" if desc else "pk")
        self.count = queryset.count() if params.get("count") in ("1", "true") else None
        cursor = params.get("cursor")
        if cursor:
            value, pk = _decode(cursor)
            # A row comparison, which PostgreSQL answers from the (key, id) index; the equivalent
            # "key < v OR (key = v AND id < pk)" is only a filter, and deep pages would scan.
            table = queryset.model._meta.db_table
            column = SORT_SQL[key].format(table=table)
            if key not in ANNOTATIONS:  # dates and times as the database stores them
                value = queryset.model._meta.get_field(key).get_db_prep_value(value, connections[queryset.db])
            after = RawSQL(
                f'({column}, "{table}"."id") {"<" if desc else ">"} (%s, %s)',
                (value, pk),
                output_field=BooleanField(),
            )
            queryset = queryset.filter(after)
        self.next_cursor = None
        if getattr(view, "page_as_documents", False):
            # rows already rendered by the database (incidents.api.rows): (sort key, id, JSON text)
            found = list(queryset.values_list(key, "pk", "_doc")[: size + 1])
            if len(found) > size:
                found = found[:size]
                self.next_cursor = _encode(found[-1][0], found[-1][1])
            return [doc for _key, _pk, doc in found]
        rows = list(queryset[: size + 1])
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            self.next_cursor = _encode(getattr(last, key), last.pk)
        return rows

    def get_next_link(self) -> str | None:
        if not self.next_cursor:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, "count"), "cursor", self.next_cursor)

    def get_paginated_response(self, data):
        body = {"next": self.get_next_link()}
        if self.count is not None:
            body["count"] = self.count
        body["results"] = data
        return Response(body)

    def get_documents_response(self, documents: list[str]) -> HttpResponse:
        """The page from JSON documents the database rendered: the same body, joined as text."""
        head = {"next": self.get_next_link()}
        if self.count is not None:
            head["count"] = self.count
        body = json.dumps(head)[:-1] + ', "results": [' + ",".join(documents) + "]}"
        return HttpResponse(body, content_type="application/json")

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "count": {"type": "integer", "description": "Only with ?count=true."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "The `next` link's cursor.",
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
            },
            {
                "name": "ordering",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": list(ORDERINGS)},
                "description": (
                    "Sort order (default -date). `confidence`: the extractor's least sure drafts first, "
                    "incidents without a confidence (entered by hand) last; `-confidence` the reverse."
                ),
            },
            {
                "name": "count",
                "in": "query",
                "required": False,
                "schema": {"type": "boolean"},
                "description": "Also return the total count (an extra COUNT query).",
            },
        ]
