"""Keyset pages for the analyst list: every page costs what the first one costs, however deep.

An OFFSET page makes the database sort and skip every row before it (a page 1,000 deep on a
100,000-incident table is a full sort); a keyset page starts after the previous page's last row.
Links carry that row's sort values as an opaque cursor (`after` for the next page, `before` for
the previous one) and the page number only for display.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY term: a field or annotation name (never NULL: coalesce first) and its direction.

    `sql` spells an annotation in SQL over the model's table, exactly as an index is built on it, so
    a cursor on it is a row comparison that index answers (else the comparison is only a filter).
    """

    name: str
    desc: bool
    sql: str = ""


def encode(values: list) -> str:
    tagged = []
    for value in values:
        if isinstance(value, dt.datetime):
            tagged.append(["t", value.isoformat()])
        elif isinstance(value, dt.date):
            tagged.append(["d", value.isoformat()])
        else:
            tagged.append(["v", value])
    return base64.urlsafe_b64encode(json.dumps(tagged).encode()).decode().rstrip("=")


def decode(cursor: str, size: int) -> list | None:
    """The cursor's values, or None when it is not one of ours (a hand-edited link: start over)."""
    try:
        tagged = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = []
        for tag, value in tagged:
            if tag == "t":
                values.append(dt.datetime.fromisoformat(value))
            elif tag == "d":
                values.append(dt.date.fromisoformat(value))
            elif isinstance(value, str | int | float):
                values.append(value)
            else:
                return None
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        return None
    return values if len(values) == size else None


def _beyond(queryset: QuerySet, keys: list[SortKey], values: list, backwards: bool) -> QuerySet:
    """Rows after (or, backwards, before) the row with `values`, in the order `keys` give."""
    plain = all(k.sql or ("__" not in k.name and not k.name.startswith("_")) for k in keys)
    if plain and len({key.desc for key in keys}) == 1:
        # One direction on plain columns (or indexed expressions): a row comparison, which a
        # (key, id) index answers directly.
        model, db = queryset.model, queryset.db
        columns, params = [], []
        for key, value in zip(keys, values, strict=True):
            if key.sql:
                if not isinstance(value, int | float) or isinstance(value, bool):
                    raise ValueError(f"not a value of {key.name}")
                columns.append(key.sql)
                params.append(value)
                continue
            column = model._meta.get_field("id" if key.name == "pk" else key.name)
            columns.append(f'"{model._meta.db_table}"."{column.column}"')
            params.append(column.get_db_prep_value(value, connections[db]))
        op = "<" if keys[0].desc != backwards else ">"
        placeholders = ", ".join(["%s"] * len(params))
        condition = f"({', '.join(columns)}) {op} ({placeholders})"
        return queryset.filter(RawSQL(condition, params, output_field=BooleanField()))
    # Mixed directions: the same comparison spelled out; the sort is a top-N scan either way.
    after, equal = Q(pk__in=[]), Q()
    for key, value in zip(keys, values, strict=True):
        op = "lt" if key.desc != backwards else "gt"
        after |= equal & Q(**{f"{key.name}__{op}": value})
        equal &= Q(**{key.name: value})
    return queryset.filter(after)


@dataclass
class KeysetPage:
    rows: list
    number: int
    next_cursor: str = ""
    previous_cursor: str = ""  # empty with a previous page: that page is the first
    has_next: bool = False
    has_previous: bool = False


def keyset_page(
    queryset: QuerySet, keys: list[SortKey], size: int, *, after: str = "", before: str = "", number: int = 1
) -> KeysetPage:
    """One page of `queryset` (annotated with every key) in `keys` order, the last key unique."""
    backwards = bool(before) and not after
    values = decode(after or before, len(keys)) if (after or before) else None
    if values is None:
        backwards, number = False, 1
    if values is not None:
        try:
            beyond = _beyond(queryset, keys, values, backwards)
        except (ValidationError, ValueError, TypeError):  # well-formed, but not values of these keys
            values, backwards, number = None, False, 1
        else:
            queryset = beyond
    queryset = queryset.order_by(*[f"-{k.name}" if k.desc != backwards else k.name for k in keys])
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        # nothing before these rows: this is the first page, whatever the link said
        page = KeysetPage(rows, max(number, 2) if more else 1, has_next=True, has_previous=more)
    else:
        first = values is None
        page = KeysetPage(rows, 1 if first else max(number, 2), has_next=more, has_previous=not first)
    if not rows:
        return page

    def cursor(row) -> str:
        return encode([getattr(row, "pk" if k.name == "pk" else k.name) for k in keys])

    if page.has_next:
        page.next_cursor = cursor(rows[-1])
    if page.has_previous and page.number > 2:
        page.previous_cursor = cursor(rows[0])
    return page
