"""ACLED rows are events: one per incident (merged ones left out), every report's publisher in
`source` in publication order, and ACLED's combined `source_scale`."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection

from incidents.api import export
from incidents.api.acled_columns import combined_scale
from incidents.models import IncidentSource, Source
from incidents.services import incidents_merge
from tests.api.reports_support import add_report
from tests.conftest import body_json

pytestmark = pytest.mark.django_db

FEED = {"updated_since": "2000-01-01T00:00:00Z"}


@pytest.mark.parametrize(
    "scales, combined",
    [
        ([], "Other"),
        (["other", "", None], "Other"),
        (["national"], "National"),
        (["national", "national", "other"], "National"),
        (["international", "national"], "National-International"),
        (["regional", "local", "international"], "Local-International"),  # more than two: the ends
        (["local", "regional"], "Local-Regional"),
    ],
)
def test_combined_scale(scales, combined):
    assert combined_scale(scales) == combined


@pytest.fixture
def events(make_incident):
    """Three reports of one event (a local, an international and a national publisher, the national
    one published first), a second event told nationally and internationally, and a third incident
    merged into the first."""
    first = make_incident(status="published")
    add_report(first, "World Wire", "international", dt.date(2022, 1, 24))
    add_report(first, "The National Daily", "national", dt.date(2022, 1, 20))
    add_report(first, "Town Herald", "local", dt.date(2022, 1, 22))
    IncidentSource.objects.create(
        incident=first, source=Source.objects.create(name="Provincial Health Office")
    )
    IncidentSource.objects.create(incident=first, source=Source.objects.get(name="World Wire"))
    second = make_incident(start_date=dt.date(2022, 1, 3), status="published", admin1="Basra")
    add_report(second, "World Wire", "international", dt.date(2022, 1, 4))
    add_report(second, "The National Daily", "national", dt.date(2022, 1, 5))
    folded = make_incident(start_date=dt.date(2022, 1, 19), status="published")
    add_report(folded, "Town Herald", "local", dt.date(2022, 1, 19))
    incidents_merge(folded, first)
    for incident in (first, second, folded):
        incident.refresh_from_db()
    return {"first": first, "second": second, "folded": folded}


def _expected(events) -> dict[str, tuple[str, str]]:
    first, second = events["first"], events["second"]
    return {
        # publication order: the folded one's local report (01-19, merged in), 01-20 national,
        # 01-24 international; then the other sources cited
        f"IQ{first.pk}": (
            "Town Herald; The National Daily; World Wire; Provincial Health Office",
            "Local-International",
        ),
        f"IQ{second.pk}": ("World Wire; The National Daily", "National-International"),
    }


def test_the_acled_read_api_gives_one_row_per_event(api_client, events):
    response = api_client.get("/api/acled/read", {"fields": "event_id_cnty|source|source_scale"})
    rows = {row["event_id_cnty"]: (row["source"], row["source_scale"]) for row in body_json(response)["data"]}
    assert rows == _expected(events)  # the folded one is no row of its own


def _csv(api_client, monkeypatch, params: dict, in_database: bool) -> dict[str, tuple[str, str]]:
    with monkeypatch.context() as patch:
        patch.setattr(export, "renders_in_database", lambda queryset: in_database)
        response = api_client.get("/api/v1/incidents/", {"format": "csv", **params})
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode()
    return {
        row["event_id_cnty"]: (row["source"], row["source_scale"])
        for row in csv.DictReader(io.StringIO(text))
    }


@pytest.mark.parametrize("params", [{}, FEED, {"status": "merged"}])
def test_the_csv_export_gives_one_row_per_event(api_client, events, monkeypatch, params):
    expected = _expected(events) if "status" not in params else {}
    assert _csv(api_client, monkeypatch, params, in_database=False) == expected
    if connection.vendor == "postgresql":
        assert _csv(api_client, monkeypatch, params, in_database=True) == expected


def test_the_folded_reports_count_with_the_event(api_client, events):
    """The merged incident's report is now the first event's, publisher and all."""
    first = api_client.get(f"/api/v1/incidents/{events['first'].pk}/").json()
    assert first["reports_count"] == 6
    assert [r["published"] for r in first["reports"]] == sorted(r["published"] for r in first["reports"])
