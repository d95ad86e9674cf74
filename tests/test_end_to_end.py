"""The whole path on the real stack: API upload, broker, a real worker process, drafts in the database."""

import datetime as dt
import json
import re
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


def _wait_done(articles: list[Article], timeout: float = 120) -> None:
    """Until every article is parsed or failed (a bound on the wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    ids = [a.pk for a in articles]
    while time.monotonic() < deadline:
        statuses = dict(Article.objects.filter(pk__in=ids).values_list("pk", "status"))
        if all(statuses[pk] in ("parsed", "failed") for pk in ids):
            return
        time.sleep(0.3)
    raise AssertionError(f"still waiting: {statuses}")


def test_an_article_over_the_time_limit_fails_and_the_same_worker_parses_the_next(
    slow_parse_worker, reference_data
):
    """PARSE_TIME_LIMIT=1 in a real prefork worker: the slow article fails with the reason, is not
    retried, and the next one queued behind it is parsed by the same pool process."""
    from incidents.services import article_ingest
    from tests.support.slow_parse import MARKER

    published = dt.date(2023, 3, 8)
    slow = article_ingest(published=published, text=f"{MARKER} A bomb exploded in the town.").article
    normal = article_ingest(
        published=published, text="Gunmen killed two police officers in Kirkuk, Iraq, on Monday."
    ).article
    _wait_done([slow, normal])

    slow.refresh_from_db()
    normal.refresh_from_db()
    assert (slow.status, slow.error) == ("failed", "took longer than 1 s")
    assert not slow.incidents.exists()
    assert normal.status == "parsed", normal.error
    assert normal.incidents.exists()
    log = slow_parse_worker.read_text()
    assert "Hard time limit" not in log, log  # stopped by the soft limit, not killed
    finished = re.findall(
        r"INFO/(ForkPoolWorker-\d+)\] Task incidents\.tasks\.parse_article\[.*?: '(\w+)'", log
    )
    assert finished == [("ForkPoolWorker-1", "failed"), ("ForkPoolWorker-1", "parsed")], log
    assert "Retry" not in log, log


def test_a_hostile_docx_is_failed_by_a_real_worker_with_its_reason(celery_worker_process):
    """The reader child runs under the real prefork worker; the reason reaches the article."""
    from incidents.services import article_ingest
    from tests.fixtures import hostile

    data = hostile.docx_understated()
    bomb = article_ingest(published=dt.date(2024, 5, 1), file_name="bomb.docx", file_data=data).article
    assert bomb.extracting_text
    _wait_done([bomb])
    bomb.refresh_from_db()
    assert bomb.status == "failed"
    assert bomb.error.startswith("“bomb.docx” holds more than 20 MB of XML (word/document.xml)"), bomb.error
    assert bomb.original_file.read() == data
