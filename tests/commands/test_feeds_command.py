"""`manage.py feeds add|list|poll` and `manage.py ingest URL`, against a real local server."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Article, Feed
from tests.support.news_site import items

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_list_and_poll_sync_fetch_and_parse_here(site, reference_data):
    url = site.add_feed("/feed", items(0, 3))
    added = _run(
        "feeds", "add", url, "--name", "Herald", "--publisher", "The Test Herald", "--scale", "local"
    )
    feed = Feed.objects.get()
    assert f"Feed {feed.pk} “Herald” added" in added and feed.publisher.scale == "local"

    polled = _run("feeds", "poll", "--sync")
    assert "ok, 3 items, 3 new" in polled and polled.count(": parsed, ") == 3
    assert set(Article.objects.values_list("status", flat=True)) == {"parsed"}

    listed = _run("feeds", "list")
    assert "Herald  [on]" in listed and "items 3, articles 3" in listed
    assert "not_modified, 0 items, 0 new" in _run("feeds", "poll", "--sync", str(feed.pk))


def test_feeds_add_refuses_clearly(site):
    with pytest.raises(CommandError, match="Only http and https"):
        _run("feeds", "add", "gopher://example.org/feed")
    with pytest.raises(CommandError, match="No feed with id 99"):
        _run("feeds", "poll", "99")


def test_ingest_a_url_sync(site, reference_data):
    site.pages["/news/one"] = items(5, 1, undated=True)[0]
    out = _run("ingest", site.url("/news/one"), "--sync")
    article = Article.objects.get()
    assert article.status == "parsed" and "incident" in out
    assert "the day it was fetched" in out  # neither a date given nor one on the page
    with pytest.raises(CommandError, match="404"):
        _run("ingest", site.url("/news/missing"), "--sync")
    with pytest.raises(CommandError, match="--published is required"):
        _run("ingest", "some-file.txt")
