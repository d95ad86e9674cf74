"""Feeds: subscribe, poll, and turn each new item into an article fetched from its link.

Celery beat runs `feeds_dispatch` every FEEDS_INTERVAL seconds: every feed that is on and due is
sent to a worker (`poll_feed`), and its next poll is pushed back by a lease so that a lost message
is sent again later, never twice at once. `feed_poll` fetches the feed with a conditional request
(ETag, Last-Modified), reads it, and in one transaction records each item not seen before and
queues an article for it (`article_ingest_url`: the outbox sends it to be fetched and parsed).
A failed poll keeps the reason, waits its interval doubled per failure in a row, and after
FEEDS_MAX_FAILURES turns the feed off with the reason shown; nothing of a failed poll is stored.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from incidents.fetching import FetchError, fetch
from incidents.models import Article, Feed, FeedItem, Report, Source
from incidents.services.fetching import article_ingest_url, fetch_policy, robots_cache, site_of
from incidents.services.reference import named_get_or_create
from incidents.services.uploads import ArticleRejected
from incidents.webread import FeedRejected, feed_read, words_match
from incidents.weburl import BadUrl, url_check

logger = logging.getLogger(__name__)

# A poll sent to a worker holds the feed this long; if the message is lost, beat sends it again.
POLL_LEASE = timedelta(minutes=5)


class FeedRefused(ValueError):
    """A feed that cannot be added or changed as asked; the message says why."""


@dataclass
class PollReport:
    status: str  # Feed.LastStatus value
    items: int = 0
    new: int = 0
    articles: list[int] = field(default_factory=list)
    error: str = ""


def feed_save(
    *,
    url: str,
    name: str = "",
    publisher: str = "",
    scale: str = "",
    words: str = "",
    interval: int = 15,
    enabled: bool = True,
    user=None,
    feed: Feed | None = None,
) -> Feed:
    """Add a feed (or change `feed`); due at once when added or turned back on."""
    try:
        url = url_check(url)
    except BadUrl as exc:
        raise FeedRefused(str(exc)) from None
    if not 1 <= interval <= 10080:
        raise FeedRefused("The interval is in minutes, from 1 to 10080 (a week).")
    if scale and scale not in Source.Scale.values:
        raise FeedRefused(f"The source scale is one of {', '.join(Source.Scale.values)}, not “{scale}”.")
    if Feed.objects.filter(url=url).exclude(pk=getattr(feed, "pk", None)).exists():
        raise FeedRefused(f"The feed {url} is already watched.")
    source = _publisher(publisher, scale)
    turned_on = enabled and (feed is None or not feed.enabled)
    feed = feed or Feed(created_by=user if getattr(user, "is_authenticated", False) else None)
    feed.url, feed.words, feed.interval, feed.enabled = url, words.strip(), interval, enabled
    feed.name = (name or "").strip()[:200] or (source.name if source else "") or site_of(url)
    feed.publisher = source
    if turned_on:
        feed.failures, feed.disabled_reason, feed.next_poll_at = 0, "", timezone.now()
    try:
        feed.save()
    except IntegrityError:
        raise FeedRefused(f"The feed {url} is already watched.") from None
    return feed


def feed_set_enabled(feed: Feed, enabled: bool) -> None:
    """Turn a feed on (due at once, its failure count cleared) or off."""
    update = {"enabled": enabled}
    if enabled and not feed.enabled:
        update.update(failures=0, disabled_reason="", next_poll_at=timezone.now())
    Feed.objects.filter(pk=feed.pk).update(**update)


def _publisher(name: str, scale: str) -> Source | None:
    name = " ".join((name or "").split())
    if not name:
        return None
    source = named_get_or_create(Source, name)
    if scale and source.scale != scale:
        Source.objects.filter(pk=source.pk).update(scale=scale)
        source.scale = scale
    return source


def feeds_due(now=None):
    now = now or timezone.now()
    return Feed.objects.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now), enabled=True)


def feeds_dispatch(now=None) -> int:
    """Send every due feed's poll to the workers (beat, every FEEDS_INTERVAL s); stop at a broker
    error (the feeds stay due). Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for feed_id in feeds_due(now).order_by("next_poll_at", "pk").values_list("pk", flat=True)[:500]:
        if not feed_send(feed_id):
            break
        Feed.objects.filter(pk=feed_id).update(next_poll_at=now + POLL_LEASE)
        sent += 1
    return sent


def feed_send(feed_id: int) -> bool:
    from incidents.tasks import poll_feed

    try:
        poll_feed.apply_async((feed_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the feed stays due
        logger.warning("broker unavailable, feed %s is polled later: %s", feed_id, exc)
        return False
    return True


def feed_poll_now(feed: Feed) -> bool:
    """The analyst's "poll now": due now and sent at once (beat sends it if the broker is away)."""
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    return feed_send(feed.pk)


def feed_poll(feed_id: int, *, enqueue: bool = True) -> PollReport:
    """Fetch and read one feed; queue an article for each new item. `enqueue=False` leaves the
    articles' fetch and parse to the caller (`feeds poll --sync`)."""
    feed = Feed.objects.select_related("publisher").get(pk=feed_id)
    try:
        result = fetch(
            feed.url,
            fetch_policy(),
            etag=feed.etag or None,
            last_modified=feed.last_modified or None,
            robots=robots_cache(),
        )
        if result.not_modified:
            return _poll_done(feed, PollReport(Feed.LastStatus.NOT_MODIFIED), result)
        document = feed_read(result.content, result.final_url, media_type=result.media_type)
    except (FetchError, FeedRejected) as exc:
        return _poll_failed(feed, str(exc))
    report = PollReport(Feed.LastStatus.OK, items=len(document.entries))
    try:
        with transaction.atomic():
            Feed.objects.select_for_update().filter(pk=feed.pk).first()  # one poll of a feed at a time
            _items_store(feed, document.entries, report, enqueue)
            _poll_done(feed, report, result)
    except IntegrityError:  # another poll of this feed stored the same items a moment ago
        report = PollReport(Feed.LastStatus.OK, items=len(document.entries))
        _poll_done(feed, report, result)
    return report


def _items_store(feed: Feed, entries, report: PollReport, enqueue: bool) -> None:
    keys = {_guid_key(entry.guid): entry for entry in entries}
    seen = set(FeedItem.objects.filter(feed=feed, guid_key__in=list(keys)).values_list("guid_key", flat=True))
    new = [(key, entry) for key, entry in keys.items() if key not in seen]
    report.new = len(new)
    publisher = feed.publisher.name if feed.publisher else ""
    for key, entry in new[: settings.FEEDS_MAX_NEW_ITEMS]:
        item = FeedItem(feed=feed, guid_key=key, url=entry.url[:1000], title=entry.title[:500])
        item.published = entry.published
        if not words_match(feed.words, entry.title, entry.summary):
            item.outcome = FeedItem.Outcome.FILTERED
        else:
            try:
                made = article_ingest_url(
                    entry.url,
                    published=entry.published,
                    publisher=publisher,
                    title=entry.title,
                    feed=feed,
                    enqueue=enqueue,
                )
            except ArticleRejected as exc:  # an item whose link is not a web address
                logger.info("feed %s: item %r left out: %s", feed.pk, entry.url, exc)
                item.outcome = FeedItem.Outcome.FILTERED
            else:
                item.article = made.article
                item.outcome = FeedItem.Outcome.ARTICLE if made.created else FeedItem.Outcome.KNOWN
                if made.created:
                    report.articles.append(made.article.pk)
        item.save()


def _guid_key(guid: str) -> str:
    return hashlib.sha256(guid.encode("utf-8", "replace")).hexdigest()


def _poll_done(feed: Feed, report: PollReport, result) -> PollReport:
    now = timezone.now()
    update = {
        "last_polled_at": now,
        "last_status": report.status,
        "last_error": "",
        "failures": 0,
        "next_poll_at": now + timedelta(minutes=feed.interval),
    }
    if report.status == Feed.LastStatus.OK:
        update.update(last_items=report.items, last_new=report.new)
        update.update(etag=(result.etag or "")[:500], last_modified=(result.last_modified or "")[:100])
    else:
        update["last_new"] = 0
    Feed.objects.filter(pk=feed.pk).update(**update)
    return report


def _poll_failed(feed: Feed, reason: str) -> PollReport:
    """Keep the reason; wait the interval doubled per failure in a row; turn off after too many."""
    now = timezone.now()
    failures = feed.failures + 1
    wait = min(feed.interval * 60 * 2 ** (failures - 1), settings.FEEDS_BACKOFF_MAX)
    update = {
        "last_polled_at": now,
        "last_status": Feed.LastStatus.FAILED,
        "last_error": reason[:2000],
        "last_new": 0,
        "failures": failures,
        "error_count": feed.error_count + 1,
        "next_poll_at": now + timedelta(seconds=wait),
    }
    if failures >= settings.FEEDS_MAX_FAILURES:
        update["enabled"] = False
        update["disabled_reason"] = f"Turned off after {failures} failed polls in a row. The last: {reason}"[
            :2000
        ]
    logger.info("feed %s failed (%s in a row): %s", feed.pk, failures, reason)
    Feed.objects.filter(pk=feed.pk).update(**update)
    return PollReport(Feed.LastStatus.FAILED, error=reason)


def feeds_with_counts():
    """Feeds with what they brought: items seen, articles made, incidents drafted from them."""
    drafted = (
        Report.objects.filter(article__feed=OuterRef("pk"))
        .order_by()
        .values("article__feed")
        .annotate(n=Count("incident", distinct=True))
        .values("n")
    )
    items = (
        FeedItem.objects.filter(feed=OuterRef("pk"))
        .order_by()
        .values("feed")
        .annotate(n=Count("pk"))
        .values("n")
    )
    articles = (
        Article.objects.filter(feed=OuterRef("pk"))
        .order_by()
        .values("feed")
        .annotate(n=Count("pk"))
        .values("n")
    )

    def count(query):
        return Coalesce(Subquery(query, output_field=IntegerField()), Value(0))

    return Feed.objects.select_related("publisher").annotate(
        items_found=count(items), articles_made=count(articles), incidents_drafted=count(drafted)
    )


@dataclass
class FeedsState:
    """What the dashboard shows: pages waiting to be fetched, feeds failing or turned off."""

    feeds: int
    waiting_fetch: int
    failing: int
    turned_off: int


def feeds_state() -> FeedsState:
    """Two queries: the pages waiting (through the status index) and the feeds' counts."""
    waiting = Article.objects.filter(
        status__in=[Article.Status.QUEUED, Article.Status.PROCESSING],
        fetched_at__isnull=True,
        content_hash__isnull=True,
    ).exclude(origin=Article.Origin.UPLOAD)
    feeds = Feed.objects.aggregate(
        total=Count("pk"),
        failing=Count("pk", filter=Q(enabled=True, failures__gt=0)),
        off=Count("pk", filter=~Q(disabled_reason="") & Q(enabled=False)),
    )
    return FeedsState(feeds["total"], waiting.count(), feeds["failing"], feeds["off"])
