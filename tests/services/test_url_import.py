"""Import by URL: the worker's parse fetches the page from a real local server, keeps the HTML,
reads the main text and metadata, and makes the same page one article however it arrives."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from incidents.models import Article
from incidents.services import ArticleRejected, article_ingest, article_parse
from incidents.services.fetching import article_ingest_url
from tests.support.news_site import Item, NewsSite, drip, items, story

pytestmark = pytest.mark.django_db


def _page(site: NewsSite, n: int = 1, **item_fields) -> str:
    item = items(n, 1)[0]
    for name, value in item_fields.items():
        setattr(item, name, value)
    site.pages[f"/news/{item.slug}"] = item
    return site.url(f"/news/{item.slug}")


def test_a_url_becomes_an_article_with_the_pages_text_date_title_and_site(site, reference_data):
    url = _page(site, 3, published=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))
    made = article_ingest_url(url)
    assert made.created and made.article.status == "queued" and made.article.awaits_fetch
    assert made.article.published_basis == "fetched"  # provisional until the page is read

    assert article_parse(made.article.pk) == "parsed"
    article = Article.objects.get(pk=made.article.pk)
    headline, paragraphs = story(3)
    assert article.title.startswith(headline)
    assert article.published == dt.date(2026, 11, 20) and article.published_basis == "page"
    assert article.publisher.name == "The Test Herald"
    for paragraph in paragraphs:
        assert paragraph in article.text
    for boilerplate in (
        "cookies",
        "Share on Facebook",
        "Related stories",
        "Reader123",
        "All rights reserved",
    ):
        assert boilerplate not in article.text
    assert article.original_file.read().startswith(b"<!doctype html>")  # the page as fetched, kept
    assert article.fetched_at is not None and article.content_hash
    assert article.reports.count() >= 1  # and drafted


def test_the_date_given_wins_and_a_page_without_one_says_so(site, reference_data):
    given = article_ingest_url(_page(site, 4), published=dt.date(2026, 11, 1))
    article_parse(given.article.pk)
    given.article.refresh_from_db()
    assert (given.article.published, given.article.published_basis) == (dt.date(2026, 11, 1), "given")

    undated = article_ingest_url(_page(site, 5, published=None))
    article_parse(undated.article.pk)
    undated.article.refresh_from_db()
    assert undated.article.published_basis == "fetched" and undated.article.date_unknown


def test_the_same_page_is_one_article_by_url_by_canonical_url_and_by_text(site, reference_data):
    url = _page(site, 6)
    first = article_ingest_url(url + "?utm_source=newsletter#top")
    assert article_ingest_url(url).article.pk == first.article.pk  # same page, tracking dropped
    assert article_parse(first.article.pk) == "parsed"

    # another address whose page names the first as canonical: a duplicate, pointing at it
    site.pages["/amp/story-6"] = dataclasses.replace(site.pages["/news/story-6"], canonical="/news/story-6")
    other = article_ingest_url(site.url("/amp/story-6"))
    assert other.created
    assert article_parse(other.article.pk) == "duplicate"
    other.article.refresh_from_db()
    assert other.article.status == "duplicate" and other.article.duplicate_of_id == first.article.pk
    assert "same canonical URL" in other.article.error and not other.article.text

    # the same text pasted: the same article (text hash)
    pasted = article_ingest(
        published=dt.date(2026, 11, 2), text=Article.objects.get(pk=first.article.pk).text
    )
    assert not pasted.created and pasted.article.pk == first.article.pk

    # an upload of other text with the page's URL is that article too
    again = article_ingest(published=dt.date(2026, 11, 2), text="Another telling of it.", url=url + "/")
    assert not again.created and again.article.pk == first.article.pk


def test_a_404_fails_with_the_reason_and_keeps_nothing(site):
    made = article_ingest_url(site.url("/news/gone"))
    assert article_parse(made.article.pk) == "failed"
    article = Article.objects.get(pk=made.article.pk)
    assert "404" in article.error and not article.text and not article.original_file
    assert article.content_hash is None and article.reports.count() == 0


def test_a_passing_failure_is_tried_again_later_then_fails(site, settings):
    settings.FETCH_RETRIES, settings.FETCH_RETRY_AFTER = 2, 60
    url = site.route("/news/flaky", 503, "busy")
    made = article_ingest_url(url)
    for attempt in (1, 2):
        assert article_parse(made.article.pk) == "deferred"
        article = Article.objects.get(pk=made.article.pk)
        assert article.status == "queued" and f"attempt {attempt}" in article.error
        assert article.dispatch_due_at > article.updated_at  # due later, not now
    assert article_parse(made.article.pk) == "failed"
    assert "tried 3 times" in Article.objects.get(pk=made.article.pk).error


def test_a_slow_drip_ends_in_a_clear_failure(site, settings):
    settings.FETCH_TIMEOUT, settings.FETCH_RETRIES = 2, 0
    site.routes["/news/drip"] = lambda handler: drip(handler, seconds=10)
    made = article_ingest_url(site.url("/news/drip"))
    assert article_parse(made.article.pk) == "failed"
    assert "longer than 2" in Article.objects.get(pk=made.article.pk).error


def test_a_page_without_article_text_fails_and_a_feed_is_not_a_page(site):
    empty = article_ingest_url(site.route("/news/empty", 200, "<html><body><nav>Home</nav></body></html>"))
    assert article_parse(empty.article.pk) == "failed"
    xml = article_ingest_url(site.route("/feed.xml", 200, "<rss/>", "application/rss+xml"))
    assert article_parse(xml.article.pk) == "failed"
    assert "application/rss+xml" in Article.objects.get(pk=xml.article.pk).error


def test_private_addresses_are_refused_when_no_host_is_allowed(site, settings):
    settings.FETCH_ALLOWED_HOSTS = []
    for url in (_page(site, 7), "http://localhost:9/x", "http://169.254.169.254/latest/meta-data/"):
        made = article_ingest_url(url)
        assert article_parse(made.article.pk) == "failed", url
        article = Article.objects.get(pk=made.article.pk)
        assert "address, which is not fetched" in article.error, article.error
    assert not site.requests  # nothing reached the server


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "http://", "http://u:p@x.org/"],
)
def test_bad_addresses_are_refused_at_once(url):
    with pytest.raises(ArticleRejected):
        article_ingest_url(url)
    assert not Article.objects.exists()


def test_robots_txt_is_honoured(site):
    site.route("/robots.txt", 200, "User-agent: *\nDisallow: /private/\n", "text/plain")
    site.pages["/private/story"] = Item("x", *story(8))
    made = article_ingest_url(site.url("/private/story"))
    assert article_parse(made.article.pk) == "failed"
    assert "robots.txt" in Article.objects.get(pk=made.article.pk).error
    assert not site.requests_to("/private/story")


def test_setting_the_missing_date_parses_again_with_it(site, reference_data):
    from incidents.services.articles import article_set_published

    made = article_ingest_url(_page(site, 9, published=None))
    article_parse(made.article.pk)
    article = Article.objects.get(pk=made.article.pk)
    assert article.date_unknown
    assert article_set_published(article, dt.date(2026, 10, 6))
    assert article_parse(article.pk) == "parsed"
    article.refresh_from_db()
    assert (article.published, article.published_basis, article.date_unknown) == (
        dt.date(2026, 10, 6),
        "given",
        False,
    )
    assert len(site.requests_to("/news/story-9")) == 1  # parsed again from the kept text, not refetched
