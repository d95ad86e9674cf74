"""The desk: import by URL on the upload page, the feeds page, the article page's fetch details,
the dashboard's feeds card."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.models import Article, Feed
from incidents.services import article_parse
from incidents.services.feeds import feed_poll, feed_save
from tests.support.news_site import items

pytestmark = pytest.mark.django_db


def test_upload_page_imports_a_url_alone(analyst_client, site, reference_data):
    site.pages["/news/a"] = items(0, 1, undated=True)[0]
    answer = analyst_client.post("/articles/new/", {"url": site.url("/news/a")})
    article = Article.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/articles/{article.pk}/"
    page = analyst_client.get(answer["Location"]).content.decode()
    assert "fetching the page" in page and "from the page, once fetched" in page

    article_parse(article.pk)
    page = analyst_client.get(answer["Location"]).content.decode()
    assert 'id="article-date-warning"' in page and "the day it was fetched" in page
    assert "original page" in page
    original = analyst_client.get(f"/articles/{article.pk}/original/")
    assert original["Content-Type"].startswith("text/plain") and b"cookie-banner" in original.content

    fixed = analyst_client.post(f"/articles/{article.pk}/date/", {"published": "2026-10-05"})
    assert fixed.status_code == 302
    article.refresh_from_db()
    assert (article.published, article.published_basis, article.status) == (
        dt.date(2026, 10, 5),
        "given",
        "queued",
    )


def test_upload_page_still_needs_a_date_for_text(analyst_client):
    answer = analyst_client.post("/articles/new/", {"text": "Gunmen attacked a village on Monday."})
    assert answer.status_code == 400 and "publication date" in answer.content.decode()
    assert not Article.objects.exists()


def test_feeds_page_adds_lists_and_polls(analyst_client, site, broker_queue, reference_data):
    url = site.add_feed("/feed", items(0, 2))
    added = analyst_client.post(
        "/feeds/",
        {
            "url": url,
            "name": "Herald",
            "publisher": "Herald Ltd",
            "scale": "local",
            "interval": 15,
            "enabled": "on",
        },
    )
    assert added.status_code == 302
    feed = Feed.objects.get()
    assert broker_queue() == {feed.pk: 1}  # its first poll sent at once
    feed_poll(feed.pk)
    for article in Article.objects.all():
        article_parse(article.pk)

    table = analyst_client.get("/feeds/table/").content.decode()
    assert f'id="feed-{feed.pk}"' in table and 'data-status="ok"' in table
    assert '<span class="feed-items">2</span>' in table and '<span class="feed-articles">2</span>' in table
    assert 'hx-trigger="every 5s"' in table and "Poll now" in table

    detail = analyst_client.get(f"/feeds/{feed.pk}/").content.decode()
    assert detail.count('class="feed-item"') == 2 and "New article" in detail
    assert analyst_client.post(f"/feeds/{feed.pk}/poll/").status_code == 302
    assert broker_queue() == {feed.pk: 1}
    assert analyst_client.post(f"/feeds/{feed.pk}/toggle/").status_code == 302
    assert not Feed.objects.get().enabled


def test_feeds_page_shows_a_clear_error_for_a_bad_address(analyst_client):
    answer = analyst_client.post("/feeds/", {"url": "ftp://example.org/rss", "interval": 15})
    assert answer.status_code == 400 and not Feed.objects.exists()


def test_dashboard_shows_pages_waiting_and_feeds_failing(analyst_client, site, settings):
    settings.FEEDS_MAX_FAILURES = 1
    broken = feed_save(url=site.url("/gone"), name="Broken")
    feed_poll(broken.pk, enqueue=False)
    failing = feed_save(url=site.route("/html", 200, "<html><p>hi</p></html>"), name="Failing")
    Feed.objects.filter(pk=failing.pk).update(
        failures=1, last_error="the address gives a web page, not a feed"
    )
    from incidents.services.fetching import article_ingest_url

    article_ingest_url(site.url("/news/waiting"))
    page = analyst_client.get("/").content.decode()
    assert 'id="feeds-card"' in page
    assert '<strong id="waiting-fetch">1</strong>' in page
    assert "Turned off after 1 failed polls" in page and "web page, not a feed" in page
    card = analyst_client.get("/feeds/card/").content.decode()
    assert 'id="feeds-failing" class="status-failed">1<' in card


def test_feeds_pages_are_for_analysts(client, viewer):
    client.force_login(viewer)
    assert client.get("/feeds/").status_code == 403
