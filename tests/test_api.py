"""REST API v1: tokens, article upload and polling, incident list filters and detail."""

import datetime as dt
import io

import pytest
from rest_framework.test import APIClient

from incidents.models import Article, Country, Evidence, Incident, Source

pytestmark = pytest.mark.django_db

TEXT = "Unidentified gunmen killed four civilians near a market in Kano on Friday, police said."


@pytest.fixture
def no_queue(django_capture_on_commit_callbacks):
    """Uploads commit, but nothing is sent to a broker here (the end-to-end test does that).

    Calling the fixture's value gives the number of parse tasks queued so far.
    """
    from django.db import connection

    with django_capture_on_commit_callbacks(execute=False):
        start = len(connection.run_on_commit)
        yield lambda: len(connection.run_on_commit) - start


@pytest.mark.parametrize("url", ["/api/v1/incidents/", "/api/v1/incidents/1/", "/api/v1/articles/"])
def test_no_token_is_401(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert "credentials" in response.json()["detail"].lower()


def test_a_bad_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/incidents/").status_code == 401


def test_upload_answers_202_with_a_url_to_poll(api_client, no_queue):
    response = api_client.post(
        "/api/v1/articles/",
        {"text": TEXT, "published": "2024-03-02", "publisher": "Daily Trust"},
        format="json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert response["Location"] == body["url"]
    assert no_queue() == 1
    poll = api_client.get(body["url"])
    assert poll.status_code == 200
    assert poll.json()["id"] == body["id"]
    assert poll.json()["publisher"] == "Daily Trust"


def test_uploading_the_same_text_twice_is_one_article(api_client, no_queue):
    first = api_client.post("/api/v1/articles/", {"text": TEXT, "published": "2024-03-02"}, format="json")
    second = api_client.post(
        "/api/v1/articles/", {"text": TEXT + "\n", "published": "2024-03-02"}, format="json"
    )
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1
    assert no_queue() == 1


def test_file_upload(api_client, no_queue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(TEXT.encode())
    upload.name = "story.txt"
    response = api_client.post(
        "/api/v1/articles/", {"file": upload, "published": "2024-03-02"}, format="multipart"
    )
    assert response.status_code == 202, response.content
    assert Article.objects.get().text == TEXT


def _file(name: str, data: bytes) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


@pytest.mark.parametrize(
    ("payload", "fmt", "status", "says"),
    [
        ({"text": "", "published": "2024-03-02"}, "json", 400, "empty"),
        ({"file": _file("empty.txt", b""), "published": "2024-03-02"}, "multipart", 400, "empty"),
        (
            {"file": _file("x.txt", bytes(range(256)) * 40), "published": "2024-03-02"},
            "multipart",
            400,
            "binary",
        ),
        (
            {"file": _file("big.txt", b"z" * (20 * 1024 * 1024)), "published": "2024-03-02"},
            "multipart",
            413,
            "limit",
        ),
        ({"text": "y" * (20 * 1024 * 1024), "published": "2024-03-02"}, "json", 413, "5 MB"),
        ({"text": TEXT}, "json", 400, "published"),
        ({"text": TEXT, "published": "yesterday"}, "json", 400, "published"),
        ({"published": "2024-03-02"}, "json", 400, "text"),
    ],
)
def test_bad_uploads_get_a_clear_4xx_and_store_nothing(api_client, no_queue, payload, fmt, status, says):
    response = api_client.post("/api/v1/articles/", payload, format=fmt)
    assert response.status_code == status, response.content[:500]
    assert says in response.content.decode()
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0
    assert no_queue() == 0


@pytest.fixture
def incidents(db):
    iq = Country.objects.create(code="IQ", name="Iraq")
    sy = Country.objects.create(code="SY", name="Syria")
    rows = [
        ("2022-01-21", iq, "Battles", "Armed clash", "draft", 11),
        ("2022-01-20", sy, "Battles", "Armed clash", "published", 120),
        ("2021-10-05", iq, "Explosions/Remote violence", "Remote explosive/landmine/IED", "published", 3),
        ("2020-05-09", sy, "Protests", "Peaceful protest", "rejected", 0),
    ]
    return [
        Incident.objects.create(
            start_date=dt.date.fromisoformat(day),
            country=country,
            event_type=event,
            sub_event_type=sub,
            status=status,
            fatalities_best=deaths,
        )
        for day, country, event, sub, status, deaths in rows
    ]


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_incident_list_is_paginated_json(api_client, incidents):
    body = api_client.get("/api/v1/incidents/").json()
    assert "count" not in body  # no COUNT(*) unless asked for
    assert body["next"] is None
    assert body["results"][0]["start_date"] == "2022-01-21"  # newest first
    assert api_client.get("/api/v1/incidents/?count=true").json()["count"] == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_from=2022-01-01&date_to=2022-01-31", [0, 1]),
        ("date_from=2021-01-01", [0, 1, 2]),
        ("country=IQ", [0, 2]),
        ("country=iq,sy", [0, 1, 2, 3]),
        ("event_type=Battles", [0, 1]),
        ("sub_event_type=Remote explosive/landmine/IED", [2]),
        ("status=published", [1, 2]),
        ("country=SY&status=published&date_from=2022-01-01", [1]),
    ],
)
def test_incident_list_filters(api_client, incidents, query, expected):
    assert _ids(api_client.get(f"/api/v1/incidents/?{query}")) == {incidents[i].pk for i in expected}


def test_bad_filter_value_is_a_400_that_names_the_parameter(api_client, incidents):
    response = api_client.get("/api/v1/incidents/?date_from=last-week")
    assert response.status_code == 400
    assert "date_from" in response.json()


def test_incident_detail_has_evidence(api_client, incidents):
    article = Article.objects.create(
        text="Eleven soldiers were killed.", published=dt.date(2022, 1, 23), content_hash="x" * 64
    )
    incident = incidents[0]
    incident.article = article
    incident.save()
    Evidence.objects.create(
        incident=incident, article=article, field="fatalities", start=0, end=6, text="Eleven"
    )
    body = api_client.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert body["fatalities"] == {"low": None, "best": 11, "high": None}
    assert body["country"] == "IQ"
    assert body["evidence"] == [
        {"field": "fatalities", "start": 0, "end": 6, "text": "Eleven", "confidence": None, "report": None}
    ]  # evidence of no report: written by hand, before reports existed
    assert api_client.get("/api/v1/incidents/999999/").status_code == 404


def test_unknown_api_paths_get_json_404(api_client):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert "not an API endpoint" in response.json()["detail"]
