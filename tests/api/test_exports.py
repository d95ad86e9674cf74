"""CSV cells cannot run as spreadsheet formulas; ACLED and GeoJSON read only the columns they print."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Actor, IncidentActor
from tests.conftest import body_json

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tlead", "\rlead"]


def _csv(api_client, monkeypatch, in_database: bool) -> list[dict]:
    from incidents.api import export

    if not in_database:
        monkeypatch.setattr(export, "renders_in_database", lambda queryset: False)
    response = api_client.get("/api/v1/incidents/", {"format": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))


@pytest.fixture
def booby_trapped(api_world, add_incidents):
    """One incident per dangerous start, in every text column an analyst or the extractor fills."""
    made = []
    for n, start in enumerate(DANGEROUS):
        (incident,) = add_incidents(
            1, summary=f"{start} notes", admin1=f"{start} admin1", location_name=f"{start} place",
            latitude=-33.5, longitude=-44.5,
        )  # fmt: skip
        actor = Actor.objects.create(name=f"{start} actor {n}", actor_type="rebel_group")
        IncidentActor.objects.create(incident=incident, actor=actor, role="actor2")
        made.append(incident)
    return made


def _assert_defused(rows: list[dict]) -> None:
    trapped = [row for row in rows if (row["notes"] or "").endswith(" notes")]
    assert len(trapped) == len(DANGEROUS)
    for row in trapped:
        for column in ("notes", "admin1", "location", "actor2"):
            assert row[column].startswith("'"), (column, row[column])
            assert row[column][1:2] in "=+-@\t\r", (column, row[column])
        assert row["latitude"] == "-33.5" and row["longitude"] == "-44.5"  # numbers stay numbers
    raid = next(row for row in rows if "raid" in row["notes"])
    assert raid["notes"].startswith("'=HYPERLINK")
    assert raid["actor1"] == "Islamic State"  # harmless text is untouched


def test_the_python_csv_quotes_formula_cells(api_client, booby_trapped, monkeypatch):
    _assert_defused(_csv(api_client, monkeypatch, in_database=False))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY export runs on PostgreSQL only")
def test_the_copy_csv_quotes_formula_cells_as_the_python_csv_does(api_client, booby_trapped, monkeypatch):
    fast = _csv(api_client, monkeypatch, in_database=True)
    _assert_defused(fast)
    assert fast == _csv(api_client, monkeypatch, in_database=False)


ARTICLE_TEXT_COLUMN = '"incidents_article"."text"'


def _cost(api_client, path: str, params: dict) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(path, params)
        assert response.status_code == 200, response.content
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/acled/read", {}),
        ("/api/acled/read", {"limit": "5000", "fields": "event_id_cnty|source_scale|notes"}),
        ("/api/v1/incidents/", {"format": "geojson"}),
        ("/api/v1/incidents/", {"format": "csv"}),
    ],
)
def test_exports_cost_the_same_queries_for_many_rows_and_never_read_article_text(
    api_client, add_incidents, path, params
):
    add_incidents(2)
    api_client.get(path, params)  # the token's last use is written once a minute: not in the count
    few, sql = _cost(api_client, path, params)
    assert not [q for q in sql if ARTICLE_TEXT_COLUMN in q or "incidents_article.text" in q]
    add_incidents(30)
    many, sql = _cost(api_client, path, params)
    assert many == few
    assert not [q for q in sql if ARTICLE_TEXT_COLUMN in q or "incidents_article.text" in q]


def test_acled_rows_still_show_the_publishers_scale(api_client, api_world):
    response = api_client.get("/api/acled/read", {"fields": "event_id_cnty|source_scale"})
    rows = {row["event_id_cnty"]: row["source_scale"] for row in body_json(response)["data"]}
    assert rows[f"IQ{api_world['raid'].pk}"] == "International"
    assert rows[f"SY{api_world['market'].pk}"] == "Other"  # no publisher known: ACLED's "Other"


@pytest.mark.parametrize(
    "path, params, chunk",
    [
        ("/api/acled/read", {"limit": "5000"}, "incidents.api.acled.STREAM_CHUNK"),
        ("/api/v1/incidents/", {"format": "geojson"}, "incidents.api.export.CHUNK"),
    ],
)
def test_big_acled_pages_and_geojson_stream_chunk_by_chunk(
    api_client, add_incidents, monkeypatch, path, params, chunk
):
    """Rows are read a chunk at a time and written as they come: nothing holds the whole answer."""
    add_incidents(10)  # and api_world's two: 12 rows for an analyst
    monkeypatch.setattr(chunk, 3)
    response = api_client.get(path, params)
    assert response.status_code == 200 and response.streaming
    with CaptureQueriesContext(connection) as queries:
        pieces = [piece for piece in response.streaming_content if piece]
    # 12 rows in chunks of 3: the links are read per chunk, while the answer is being sent
    link_reads = [q for q in queries.captured_queries if "incidents_incidentactor" in q["sql"]]
    assert len(link_reads) == 4
    assert len(pieces) > 2  # the head, rows, the tail: written piece by piece
    body = json.loads(b"".join(pieces))
    rows = body["data"] if "data" in body else body["features"]
    assert len(rows) == 12
    if "count" in body:
        assert body["count"] == 12 and body["success"] is True
