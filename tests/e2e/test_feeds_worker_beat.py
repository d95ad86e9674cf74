"""End to end with real processes: a feed is added, Celery beat finds it due, a real worker polls
it, fetches each new item's page from a local news site and drafts its incidents; the next poll
sends conditional headers and finds nothing new."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.utils import timezone

from incidents.models import Article, Feed, Report
from incidents.services.feeds import feed_save
from tests.conftest import _beat, _worker
from tests.support.news_site import NewsSite, items

pytestmark = pytest.mark.e2e

ENV = {"FETCH_ALLOWED_HOSTS": "127.0.0.1", "FEEDS_INTERVAL": "1", "OUTBOX_INTERVAL": "1"}


def _wait(predicate, seconds: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    tails = "\n".join(log.read_text()[-4000:] for log in logs if log.exists())
    raise AssertionError(f"{what} after {seconds} s\n{tails}")


def test_beat_and_a_worker_poll_a_feed_fetch_its_articles_and_draft_them(
    transactional_db, reference_data, tmp_path, settings
):
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    logs = [worker_log, beat_log]
    with NewsSite() as site:
        feed = feed_save(url=site.add_feed("/rss", items(0, 3)), publisher="The Test Herald", interval=60)
        with _worker(worker_log, env=ENV), _beat(beat_log, env=ENV):
            parsed = lambda: Article.objects.filter(feed=feed, status="parsed").count() == 3  # noqa: E731
            _wait(parsed, 120, "the feed's three articles were not fetched and parsed", logs)
            assert Report.objects.filter(article__feed=feed).exists()  # incidents drafted
            feed.refresh_from_db()
            assert feed.last_status == "ok" and feed.last_new == 3
            assert "dispatch_feeds" in beat_log.read_text()
            for story in ("/news/story-0", "/news/story-1", "/news/story-2"):
                assert len(site.requests_to(story)) == 1  # each page fetched once

            # the next poll (made due now): a conditional request, nothing new
            Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
            repolled = lambda: Feed.objects.get(pk=feed.pk).last_status == "not_modified"  # noqa: E731
            _wait(repolled, 60, "the feed was not polled again", logs)
            last = site.requests_to("/rss")[-1]
            assert last.status == 304 and last.headers.get("If-None-Match")
            assert Article.objects.filter(feed=feed).count() == 3
            assert "User-Agent" in last.headers and "IncidentDesk" in last.headers["User-Agent"]
