"""The whole path on the real stack: API upload, broker, a real worker process, drafts in the database."""

import json
import time
import urllib.request

import pytest

from incidents.models import Article, Incident
from incidents.services.tokens import api_token_create
from tests.conftest import SEED_PUBLISHED

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _call(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def _wait_parsed(url: str, token: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        _, body = _call(url, token)
        if not seen or seen[-1] != body["status"]:
            seen.append(body["status"])
        if body["status"] in ("parsed", "failed"):
            return body
        time.sleep(0.3)
    raise AssertionError(f"the article never left {seen[-1]!r} (statuses seen: {seen})")


def test_seed_article_through_api_and_worker(
    live_server, celery_worker_process, reference_data, analyst, seed_text
):
    _, token = api_token_create(analyst, scope="write")
    status, body = _call(
        f"{live_server.url}/api/v1/articles/",
        token,
        {"text": seed_text, "published": SEED_PUBLISHED.isoformat(), "publisher": "Mehr News Agency"},
    )
    assert status == 202
    final = _wait_parsed(body["url"], token)
    assert final["status"] == "parsed", final["error"]

    article = Article.objects.get(pk=body["id"])
    primary = {i.country_id: i for i in article.incidents.filter(is_background=False)}
    assert primary["IQ"].fatalities_best == 11
    assert str(primary["IQ"].start_date) == "2022-01-21"
    assert primary["SY"].fatalities_best == 120
    assert str(primary["SY"].start_date) == "2022-01-20"

    # The same text again: one article, no new incidents, nothing queued.
    count = Incident.objects.count()
    status, again = _call(
        f"{live_server.url}/api/v1/articles/",
        token,
        {"text": seed_text, "published": SEED_PUBLISHED.isoformat()},
    )
    assert status == 200 and again["duplicate"] and again["id"] == body["id"]
    time.sleep(1)
    assert Article.objects.count() == 1
    assert Incident.objects.count() == count

    # The incidents are served by the API.
    _, listing = _call(f"{live_server.url}/api/v1/incidents/?country=SY", token)
    assert [row["id"] for row in listing["results"]] == [primary["SY"].pk]
