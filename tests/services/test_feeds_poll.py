"""Feeds polled from a real local server: new items become articles, an item seen before is
skipped, conditional requests, the word filter, failures with backoff, and a feed turned off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import Article, Feed, FeedItem
from incidents.services import article_parse
from incidents.services.feeds import FeedRefused, feed_poll, feed_save, feeds_dispatch, feeds_with_counts
from tests.support.news_site import drip, items

pytestmark = pytest.mark.django_db


def _feed(url: str, **fields) -> Feed:
    return feed_save(url=url, publisher="The Test Herald", scale="national", **fields)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_new_items_become_articles_and_a_second_poll_finds_nothing_new(site, kind, reference_data):
    url = site.add_feed("/feed", items(0, 4), kind=kind)
    feed = _feed(url)
    report = feed_poll(feed.pk, enqueue=False)
    assert (report.status, report.items, report.new, len(report.articles)) == ("ok", 4, 4, 4)
    articles = Article.objects.filter(pk__in=report.articles)
    assert {a.origin for a in articles} == {"feed"} and {a.feed_id for a in articles} == {feed.pk}
    assert {a.publisher.name for a in articles} == {"The Test Herald"}
    assert all(a.published_basis == "feed" for a in articles)
    assert articles.first().publisher.scale == "national"

    for pk in report.articles:
        assert article_parse(pk) == "parsed"
    again = feed_poll(feed.pk, enqueue=False)
    assert (again.status, again.new) == ("not_modified", 0)
    second = site.requests_to("/feed")[-1]
    assert second.status == 304 and second.headers.get("If-None-Match")
    assert second.headers.get("If-Modified-Since")
    assert Article.objects.count() == 4 and FeedItem.objects.count() == 4

    row = feeds_with_counts().get(pk=feed.pk)
    assert (row.items_found, row.articles_made) == (4, 4)
    assert row.incidents_drafted >= 1


def test_only_new_items_are_taken_when_the_feed_changes(site, reference_data):
    url = site.add_feed("/feed", items(0, 3))
    feed = _feed(url)
    feed_poll(feed.pk, enqueue=False)
    site.add_items("/feed", items(10, 2))
    report = feed_poll(feed.pk, enqueue=False)
    assert (report.status, report.items, report.new) == ("ok", 5, 2)
    assert Article.objects.count() == 5


def test_items_repeated_in_a_feed_and_across_feeds_are_one_article(site):
    stories = items(0, 2)
    url = site.add_feed("/feed", [*stories, *stories])  # a feed whose items repeat
    feed = _feed(url)
    report = feed_poll(feed.pk, enqueue=False)
    assert (report.items, report.new, len(report.articles)) == (2, 2, 2)
    other = feed_save(url=site.add_feed("/other", stories), name="Mirror")
    mirrored = feed_poll(other.pk, enqueue=False)
    assert mirrored.new == 2 and mirrored.articles == []  # the same pages: known already
    assert set(FeedItem.objects.filter(feed=other).values_list("outcome", flat=True)) == {"known"}
    assert Article.objects.count() == 2


def test_a_bad_date_keeps_the_item_and_the_page_gives_the_date(site, reference_data):
    story = items(0, 1, published=dt.datetime(2026, 11, 18, 7, 30, tzinfo=dt.UTC))
    story[0].raw_date = "Tuesday, the 31st of Novembruary"
    feed = _feed(site.add_feed("/feed", story))
    report = feed_poll(feed.pk, enqueue=False)
    assert report.status == "ok" and len(report.articles) == 1
    article = Article.objects.get(pk=report.articles[0])
    assert article.published_basis == "fetched"
    article_parse(article.pk)
    article.refresh_from_db()
    assert (article.published, article.published_basis) == (dt.date(2026, 11, 18), "page")


def test_the_word_filter_leaves_other_items_out(site):
    stories = items(0, 3)
    stories[1].title = "Central bank holds interest rates steady"
    stories[1].paragraphs = ["The central bank held its main rate at 4 percent on Tuesday."]
    feed = _feed(site.add_feed("/feed", stories), words="gunmen, attack")
    report = feed_poll(feed.pk, enqueue=False)
    assert (report.new, len(report.articles)) == (3, 2)
    assert FeedItem.objects.get(title__startswith="Central bank").outcome == "filtered"


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            "<html><body><h1>News</h1><p>Read our stories.</p></body></html>",
            "text/html",
            "web page, not a feed",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<rss><channel><title>&lol2;</title></channel></rss>",
            "application/rss+xml",
            "entities",
        ),
        ("\x00\x01 not xml at all \xff", "application/rss+xml", ""),
    ],
)
def test_what_is_not_a_feed_fails_the_poll_with_a_clear_reason(site, body, content_type, reason):
    feed = _feed(site.route("/feed", 200, body, content_type))
    report = feed_poll(feed.pk, enqueue=False)
    feed.refresh_from_db()
    assert report.status == "failed" and feed.last_status == "failed" and feed.failures == 1
    assert reason in feed.last_error and feed.last_error
    assert not FeedItem.objects.exists() and not Article.objects.exists()  # nothing half-stored


def test_a_feed_that_drips_or_is_too_big_fails_within_the_limits(site, settings):
    settings.FETCH_TIMEOUT = 1
    site.routes["/drip"] = lambda handler: drip(handler, seconds=10)
    dripping = _feed(site.url("/drip"))
    started = timezone.now()
    assert feed_poll(dripping.pk, enqueue=False).status == "failed"
    assert (timezone.now() - started).total_seconds() < 5
    dripping.refresh_from_db()
    assert "longer than 1" in dripping.last_error
    settings.FETCH_MAX_BYTES = 50_000
    huge = feed_save(url=site.url("/huge"), name="Huge")
    site.route("/huge", 200, "<rss>" + "x" * 60_000 + "</rss>", "application/rss+xml")
    assert feed_poll(huge.pk, enqueue=False).status == "failed"
    huge.refresh_from_db()
    assert "50,000" in huge.last_error and not FeedItem.objects.exists()


def test_failures_back_off_and_turn_the_feed_off_with_the_reason(site, settings):
    settings.FEEDS_MAX_FAILURES = 3
    feed = _feed(site.url("/missing"), interval=10)
    waits = []
    for _ in range(3):
        before = timezone.now()
        feed_poll(feed.pk, enqueue=False)
        feed.refresh_from_db()
        waits.append(round((feed.next_poll_at - before).total_seconds() / 60))
    assert waits == [10, 20, 40]  # the interval doubled per failure in a row
    assert not feed.enabled and "3 failed polls in a row" in feed.disabled_reason
    assert "404" in feed.disabled_reason
    assert feed.error_count == 3
    # turned on again: due now, failures forgotten
    site.add_feed("/missing", items(0, 1))
    feed = feed_save(url=feed.url, enabled=True, feed=feed, interval=10)
    assert feed.failures == 0 and feed.disabled_reason == "" and feed.next_poll_at <= timezone.now()
    assert feed_poll(feed.pk, enqueue=False).status == "ok"


def test_dispatch_sends_due_feeds_once_and_leases_them(site, broker_queue):
    due = _feed(site.add_feed("/a", items(0, 1)))
    later = feed_save(url=site.add_feed("/b", items(1, 1)), name="B")
    Feed.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + dt.timedelta(minutes=5))
    off = feed_save(url=site.add_feed("/c", items(2, 1)), name="C", enabled=False)
    assert feeds_dispatch() == 1
    assert broker_queue() == {due.pk: 1}  # the poll message, on the real broker (first arg: the feed)
    assert feeds_dispatch() == 0  # leased: not sent again while its poll is on its way
    off.refresh_from_db()
    assert off.next_poll_at is None


def test_feed_addresses_are_checked(site):
    with pytest.raises(FeedRefused):
        feed_save(url="ftp://example.org/feed")
    feed_save(url=site.url("/x"))
    with pytest.raises(FeedRefused, match="already watched"):
        feed_save(url=site.url("/x"))
    with pytest.raises(FeedRefused, match="scale"):
        feed_save(url=site.url("/y"), publisher="P", scale="galactic")
