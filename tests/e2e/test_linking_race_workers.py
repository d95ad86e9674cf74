"""Two real worker processes parse two articles of one event at the same moment: one incident with
two reports (incidents.services.linking serialises the candidate search per country with an
advisory lock on PostgreSQL). PostgreSQL and the Redis broker, as the workers run in production.

The two parses are made to meet (tests/e2e/link_barrier.py): each worker, right after its
candidate search, waits for the other's. Without the lock both searches find nothing and both
start an incident; with it the second search waits for the first's commit and finds its incident.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.db import connection

from incidents.models import Actor, Article, Incident, Report, Source
from incidents.services import article_ingest
from incidents.services.articles import extract_drafts
from incidents.services.outbox import parse_send
from tests.conftest import _worker

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: SQLite runs one writer at a time"
    ),
]

PUBLISHED = dt.date(2024, 6, 14)
# one made-up attack, told twice: same day, same town, same toll, in other words
FLASH = (
    "Suspected militants attacked the cattle market in Gwoza, Borno State, Nigeria, on Thursday, "
    "killing nine traders and wounding 14 others, a local official said."
)
FULLER = (
    "Nine traders were killed and 14 wounded when gunmen stormed the Gwoza cattle market in "
    "northeastern Nigeria on Thursday, police said."
)


def _wait(predicate, seconds: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tails = "\n".join(log.read_text()[-3000:] for log in logs if log.exists())
    raise AssertionError(f"{what} after {seconds} s\n{tails}")


def _all_parsed(ids: list[int]) -> bool:
    return set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"parsed"}


def _names_known(articles: list[Article]) -> None:
    """What the two parses will draft: one event each, the same one; and its names made now, so
    that the second parse never waits on the first's new actors: only the lock keeps them apart."""
    drafts = [extract_drafts(article) for article in articles]
    assert [len(found) for found in drafts] == [1, 1]
    (flash,), (fuller,) = drafts
    same = ("start_date", "country", "admin1", "event_type", "sub_event_type")
    assert [getattr(flash, name) for name in same] == [getattr(fuller, name) for name in same]
    for draft in (flash, fuller):
        for actor in draft.actors:
            Actor.objects.get_or_create(name=actor.name, defaults={"actor_type": actor.actor_type})
        for name in draft.sources:
            Source.objects.get_or_create(name=name.strip())


def test_two_workers_parsing_two_reports_of_one_event_at_once_make_one_incident(
    transactional_db, reference_data, tmp_path
):
    articles = [
        article_ingest(published=PUBLISHED, text=text, publisher=outlet, enqueue=False).article
        for text, outlet in ((FLASH, "Lake Chad Radio"), (FULLER, "Sahel Wire"))
    ]
    _names_known(articles)
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    env = {"INCIDENTS_TEST_LINK_BARRIER": str(meeting), "INCIDENTS_TEST_LINK_BARRIER_SECONDS": "5"}
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    hook = ("--include", "tests.e2e.link_barrier")
    from config.celery import app

    with _worker(logs[0], env=env, args=hook):
        queue = app.conf.task_default_queue
        # the second worker reads the first's queue (the last -Q given wins)
        with _worker(logs[1], env=env, args=(*hook, "-Q", queue)):
            app.conf.task_default_queue = queue
            assert parse_send([a.pk for a in articles]) == 2  # both at once: prefetch 1 each
            ids = [a.pk for a in articles]
            _wait(lambda: _all_parsed(ids), 120, "not both parsed", logs)

    # both workers took one each, and both searched for candidates
    assert all("parse_article" in log.read_text() and "succeeded" in log.read_text() for log in logs)
    assert len(list(meeting.glob("searched-*"))) == 2
    incident = Incident.objects.get()
    reports = Report.objects.filter(incident=incident).order_by("pk")
    assert sorted(r.article_id for r in reports) == sorted(a.pk for a in articles)
    assert sorted(r.linked_by for r in reports) == [Report.LinkedBy.DRAFTED, Report.LinkedBy.LINKER]
    assert (incident.country_id, incident.admin1, incident.fatalities_best) == ("NG", "Borno", 9)
