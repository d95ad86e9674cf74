"""Articles from the web: import by URL, and the worker's fetch of the page before the parse.

`article_ingest_url` stores only the address (checked, keyed) and queues the article: the web
request never waits for a site. The worker's parse starts with `article_page_ensure`, which
fetches the page through the safe fetcher (incidents.fetching: SSRF refusals, limits, robots.txt),
keeps the original HTML, reads the main text and metadata (incidents.webread), and stores them in
one update. A page that is the same article as one already stored (the same canonical URL or the
same text) makes this article a `duplicate` of it, pointing at it. A passing failure (timeout,
5xx) sends the article back to the outbox to be tried later; a lasting one fails it, with the
reason, and nothing of the page is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from incidents.fetching import FetchError, FetchPolicy, RobotsCache, fetch
from incidents.models import Article, Feed
from incidents.services import outbox
from incidents.services.uploads import ArticleRejected, clean_text, content_hash
from incidents.webread import PageRejected, page_read
from incidents.weburl import BadUrl, url_check, url_key, url_key_or_none

logger = logging.getLogger(__name__)

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_robots = RobotsCache()  # per worker process: robots.txt read once an hour per site


class PageDuplicate(Exception):
    """The fetched page is an article already stored: `other` is its id."""

    def __init__(self, other: int, why: str):
        super().__init__(f"Same article as #{other} ({why}); it is not parsed twice.")
        self.other = other


class PageFailed(Exception):
    """The page could not be fetched or read; str() is the reason shown to the analyst."""


class PageDeferred(Exception):
    """A passing failure: try the fetch again after `delay`."""

    def __init__(self, reason: str, delay: timedelta):
        super().__init__(reason)
        self.delay = delay


def fetch_policy() -> FetchPolicy:
    """The fetcher's rules, from settings (read each time: tests and operators change them)."""
    return FetchPolicy(
        allowed_hosts=frozenset(settings.FETCH_ALLOWED_HOSTS),
        user_agent=settings.FETCH_USER_AGENT,
        max_redirects=settings.FETCH_MAX_REDIRECTS,
        timeout=float(settings.FETCH_TIMEOUT),
        max_bytes=settings.FETCH_MAX_BYTES,
        respect_robots=settings.FETCH_RESPECT_ROBOTS,
    )


def robots_cache() -> RobotsCache | None:
    return _robots if settings.FETCH_RESPECT_ROBOTS else None


@dataclass
class UrlIngest:
    article: Article
    created: bool


def article_ingest_url(
    url: str,
    *,
    published: date | None = None,
    publisher: str = "",
    title: str = "",
    user=None,
    feed: Feed | None = None,
    enqueue: bool = True,
) -> UrlIngest:
    """Queue the page at `url` to be fetched and parsed, once: an address whose page is stored
    already (by its URL, or as another page's canonical URL) returns that article.

    `published` None: the page's own date is used once fetched; if it has none, the day it was
    fetched, and the article says so (`published_basis`). ArticleRejected for a bad address.
    """
    from incidents.services.articles import _publisher

    try:
        url = url_check(url)
    except BadUrl as exc:
        raise ArticleRejected(str(exc)) from None
    key = url_key(url)
    known = _known_page(key)
    if known:
        return UrlIngest(known, False)
    basis = Article.DateBasis.FEED if feed and published else Article.DateBasis.GIVEN
    if published is None:
        basis = Article.DateBasis.FETCHED  # provisional until the page is read
    try:
        with transaction.atomic():
            article = Article.objects.create(
                url=url,
                url_key=key,
                origin=Article.Origin.FEED if feed else Article.Origin.URL,
                feed=feed,
                title=(title or "")[:500],
                publisher=_publisher(publisher),
                published=published or timezone.localdate(),
                published_basis=basis,
                uploaded_by=user if getattr(user, "is_authenticated", False) else None,
                dispatch_due_at=timezone.now() if enqueue else None,
            )
            if enqueue:
                outbox.parse_send_on_commit(article.pk)
    except IntegrityError:  # the same page queued at this moment by another request or feed
        known = _known_page(key)
        if known is None:
            raise
        return UrlIngest(known, False)
    return UrlIngest(article, True)


def _known_page(key: str) -> Article | None:
    return Article.objects.filter(Q(url_key=key) | Q(canonical_key=key)).order_by("pk").first()


def article_page_ensure(article: Article) -> None:
    """Fetch and read the article's page if it has no text yet (called first in the parse).

    Raises PageDeferred (try later), PageFailed (the reason) or PageDuplicate (the article it is).
    """
    if article.content_hash or article.origin == Article.Origin.UPLOAD:
        return
    try:
        result = fetch(article.url, fetch_policy(), accept=PAGE_TYPES, robots=robots_cache())
    except FetchError as exc:
        attempts = article.fetch_attempts + 1
        Article.objects.filter(pk=article.pk).update(fetch_attempts=attempts)
        if exc.transient and attempts <= settings.FETCH_RETRIES:
            delay = timedelta(seconds=settings.FETCH_RETRY_AFTER * 2 ** (attempts - 1))
            raise PageDeferred(f"Fetch attempt {attempts} failed: {exc}", delay) from None
        tried = f" (tried {attempts} times)" if attempts > 1 else ""
        raise PageFailed(f"{exc}{tried}") from None
    try:
        page = page_read(result.content, result.final_url, charset=result.charset)
    except PageRejected as exc:
        raise PageFailed(str(exc)) from None
    _page_store(article, result, page)


def _page_store(article: Article, result, page) -> None:
    """Text, metadata and the original HTML, in one update; a page stored already is a duplicate."""
    body = clean_text(page.text)
    if not body:
        raise PageFailed(f"No article text was found on {result.final_url}.")
    digest = content_hash(body)
    canonical = page.canonical_url or (result.final_url if result.final_url != article.url else "")
    canonical_key = url_key_or_none(canonical) if canonical else None
    if canonical_key == article.url_key:
        canonical_key = None  # the page names itself: its URL key says it already
    _refuse_known(article.pk, canonical_key, digest)
    fields = {
        "text": body,
        "content_hash": digest,
        "canonical_url": canonical[:1000] if canonical_key else "",
        "canonical_key": canonical_key,
        "fetched_at": timezone.now(),
        "title": (article.title or page.title or body.split("\n", 1)[0])[:500],
    }
    if article.publisher_id is None:
        from incidents.services.articles import _publisher

        fields["publisher"] = _publisher(page.site_name or site_of(result.final_url))
    if article.published_basis == Article.DateBasis.FETCHED and page.published:
        fields.update(published=page.published, published_basis=Article.DateBasis.PAGE)
    elif article.published_basis == Article.DateBasis.FETCHED:
        fields["published"] = timezone.localdate()  # the day it was fetched, and the page says so
    name = f"{article.pk}-{site_of(result.final_url) or 'page'}.html"
    article.original_file.save(name, ContentFile(result.content), save=False)
    fields["original_file"] = article.original_file.name
    fields["file_name"] = name
    try:
        Article.objects.filter(pk=article.pk).update(**fields)
    except IntegrityError:  # another worker stored the same page a moment ago
        article.original_file.delete(save=False)
        _refuse_known(article.pk, canonical_key, digest)
        raise
    for field, value in fields.items():
        setattr(article, field, value)


def _refuse_known(pk: int, canonical_key: str | None, digest: str) -> None:
    others = Article.objects.exclude(pk=pk)
    if canonical_key:
        other = others.filter(Q(url_key=canonical_key) | Q(canonical_key=canonical_key)).first()
        if other:
            raise PageDuplicate(other.pk, "the same canonical URL")
    other = others.filter(content_hash=digest).first()
    if other:
        raise PageDuplicate(other.pk, "the same text")


def site_of(url: str) -> str:
    """The site's host name, lower-case, without a leading \"www.\" (a stand-in publisher or name)."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def article_defer(article_id: int, reason: str, delay: timedelta) -> None:
    """Back to the outbox, due after `delay`, with the reason shown meanwhile."""
    now = timezone.now()
    Article.objects.filter(pk=article_id).update(
        status=Article.Status.QUEUED,
        error=reason[:2000],
        claimed_by="",
        parse_started_at=None,
        dispatch_due_at=now + delay,
        dispatch_count=0,
        updated_at=now,
    )


def article_mark_duplicate(article_id: int, other: int, reason: str) -> None:
    Article.objects.filter(pk=article_id).update(
        status=Article.Status.DUPLICATE,
        duplicate_of_id=other,
        error=reason[:2000],
        claimed_by="",
        updated_at=timezone.now(),
    )
