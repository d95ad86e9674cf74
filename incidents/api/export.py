"""Streaming CSV (ACLED columns) and GeoJSON exports: rows go out as they are read, in chunks,
so a million-row export keeps the server's memory flat."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from incidents.api.acled_columns import COLUMNS, acled_row, csv_safe, linked_chunks
from incidents.api.csv_copy import copy_csv
from incidents.api.rows import renders_in_database
from incidents.models import Incident

CHUNK = 2000


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` and `Accept: text/csv` select the CSV export (streamed by the view)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Errors (400, 401, ...) still come out readable.
        return json.dumps(data).encode() if data is not None else b""


class GeoJSONRenderer(CSVRenderer):
    media_type = "application/geo+json"
    format = "geojson"


def _rows(queryset) -> Iterator[Incident]:
    return linked_chunks(queryset, CHUNK)


def csv_lines(incidents: Iterable[Incident]) -> Iterator[str]:
    buffer = io.StringIO()
    # "\r\n" as the writer's terminator makes it quote a field holding a lone CR (as COPY does);
    # each row then ends in "\n" alone, as COPY's rows do.
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")

    def end_row() -> None:
        buffer.seek(buffer.tell() - 2)
        buffer.write("\n")
        buffer.truncate()

    writer.writeheader()
    end_row()
    for n, incident in enumerate(incidents, 1):
        writer.writerow({column: csv_safe(value) for column, value in acled_row(incident).items()})
        end_row()
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _feature(incident: Incident) -> str:
    has_point = incident.latitude is not None and incident.longitude is not None
    feature = {
        "type": "Feature",
        "id": incident.pk,
        "geometry": {"type": "Point", "coordinates": [incident.longitude, incident.latitude]}
        if has_point
        else None,
        "properties": {**acled_row(incident), "id": incident.pk, "status": incident.status},
    }
    return json.dumps(feature, default=str)


def geojson_chunks(incidents: Iterable[Incident]) -> Iterator[str]:
    """A FeatureCollection, written 200 features at a time (one write per feature is slow to send)."""
    yield '{"type": "FeatureCollection", "features": ['
    batch: list[str] = []
    sent = False
    for incident in incidents:
        batch.append(_feature(incident))
        if len(batch) == 200:
            yield ("," if sent else "") + ",".join(batch)
            batch, sent = [], True
    if batch:
        yield ("," if sent else "") + ",".join(batch)
    yield "]}"


def stream(queryset, fmt: str, filename: str = "incidents") -> StreamingHttpResponse:
    """The whole filtered queryset as a streamed CSV or GeoJSON download."""
    if fmt == "csv":
        # PostgreSQL writes the CSV itself (COPY); elsewhere rows are formatted here.
        lines = copy_csv(queryset) if renders_in_database(queryset) else csv_lines(_rows(queryset))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        response = StreamingHttpResponse(geojson_chunks(_rows(queryset)), content_type="application/geo+json")
        response["Content-Disposition"] = f'attachment; filename="{filename}.geojson"'
    return response
