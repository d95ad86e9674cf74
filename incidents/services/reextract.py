"""Bulk re-extraction: a million articles parsed again without delaying one fresh upload.

The lane. An article queued by a re-extraction carries its run (Article.reextract_run) and is
sent to a queue of its own (settings.REEXTRACT_QUEUE, "bulk"), which workers read after the
default queue. It stays the outbox's "to parse" intent (a queued row), but it is not sent at
once: at most REEXTRACT_WINDOW articles of the lane are sent and not yet parsed at any time, so
the broker never holds more than that of it, and resends (a lost message) stay within it too.

- `reextract_request` marks the chosen articles in batches of ids: a few queries per batch,
  whatever its size. A live claim is left alone, a dead one is taken back (as `article_requeue`
  does), an article already queued keeps its place; reviewed incidents are never touched (a
  parse keeps them: drafts_save).
- `reextract_fill` tops the window up, in id order. Each parse in the lane calls it when done
  (`article_parse_reextract`), so the window refills as fast as workers parse; the outbox
  dispatcher calls it too (`reextract_dispatch`), after a broker outage or a lost worker.
- `reextract_dispatch` also counts the finished articles into their run and clears them from
  the lane ("settles" them), which keeps every query here bounded by the window, and closes the
  run when its lane is empty. `reextract_progress` reads the run's counters: the same few
  queries for ten articles or a million.

The run row is the lane's lock: a fill, a settle and a request batch take it in turn (a worker's
fill gives way rather than wait), so the window is never overfilled by fills running at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from incidents import extraction
from incidents.models import Article, ReextractRun
from incidents.services import outbox
from incidents.services.articles import article_parse

logger = logging.getLogger(__name__)

# Articles marked per transaction by a request: short transactions, a few queries each.
REQUEST_BATCH = 5000
# The rate is measured over at least this long (between two dispatcher runs).
RATE_SECONDS = 60
# A request that queues this many articles refreshes the planner's statistics (PostgreSQL).
ANALYZE_AFTER = 1000


def _lane() -> QuerySet[Article]:
    """The articles of the re-extraction lane (they all belong to the open run)."""
    return Article.objects.filter(reextract_run__isnull=False)


@dataclass
class RequestReport:
    run: ReextractRun | None
    queued: int


def reextract_request(
    articles: QuerySet[Article], *, user=None, batch_size: int = REQUEST_BATCH
) -> RequestReport:
    """Queue `articles` in the re-extraction lane, `batch_size` ids at a time, and start sending.

    Parsed and failed articles are queued, and so are those whose claim died with its worker; an
    article a live worker holds, or one already queued (in either lane), is skipped. Returns the
    run (the open one, joined, or a new one) and how many were queued.
    """
    now = timezone.now()
    dead = list(outbox.dead_claims(now, articles).values_list("pk", flat=True))
    markable = articles.filter(reextract_run__isnull=True).filter(
        Q(status__in=[Article.Status.PARSED, Article.Status.FAILED])
        | Q(pk__in=dead, status=Article.Status.PROCESSING)
    )
    ids = articles.order_by("pk").values_list("pk", flat=True)
    queued, last, run = 0, 0, None
    while True:
        upper = ids.filter(pk__gt=last)[batch_size - 1 : batch_size].first()
        batch = markable.filter(pk__gt=last, **({"pk__lte": upper} if upper else {}))
        run, marked = _mark(batch, user, run)
        queued += marked
        if upper is None:
            break
        last = upper
    if queued >= ANALYZE_AFTER:
        _analyze()
    transaction.on_commit(lambda: reextract_fill(wait=False))
    if run is not None:
        run.refresh_from_db()
    return RequestReport(run=run, queued=queued)


def _analyze() -> None:
    """Refresh PostgreSQL's statistics of the columns a request has just changed on many rows.

    Until then the planner believes (say) that no article is queued, and reads the lane's window
    through the status index, past every waiting article: 25 ms a count at 100,000 instead of
    under 1 ms through the lane's partial indexes. Autovacuum would come to it later, if it runs.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Article._meta.db_table} (status, reextract_run_id, dispatch_due_at)")


def _mark(batch: QuerySet[Article], user, run: ReextractRun | None) -> tuple[ReextractRun | None, int]:
    """Queue one batch in the lane, in a transaction of its own: (the run, how many marked).
    A run is opened only for a batch with something to mark."""
    with transaction.atomic():
        opened = _open_run()
        if opened is None:
            if not batch.exists():
                return run, 0
            opened = _open_run(create=True, user=user)
        run = opened
        marked = batch.update(
            status=Article.Status.QUEUED,
            reextract_run=run,
            error="",
            lost_parses=0,
            claimed_by="",
            parse_started_at=None,
            dispatch_due_at=None,
            dispatch_count=0,
            updated_at=timezone.now(),
        )
        if marked:
            ReextractRun.objects.filter(pk=run.pk).update(
                total=F("total") + marked, extractor_version=extraction.EXTRACTOR_VERSION
            )
    return run, marked


def _open_run(*, create: bool = False, user=None, wait: bool = True) -> ReextractRun | None:
    """The open run, locked for this transaction (None if there is none, or, with `wait=False`,
    if another transaction holds it); `create` opens one if there is none."""
    runs = ReextractRun.objects.select_for_update(skip_locked=not wait).filter(is_open=True)
    run = runs.order_by().first()
    if run is not None or not create:
        return run
    try:
        with transaction.atomic():
            return ReextractRun.objects.create(
                requested_by=user, extractor_version=extraction.EXTRACTOR_VERSION
            )
    except IntegrityError:  # another request opened one meanwhile: join it
        return runs.order_by().get()


def in_flight() -> int:
    """Articles of the lane sent and not yet finished: queued with a message out, or being parsed."""
    sent = _lane().filter(status=Article.Status.QUEUED, dispatch_due_at__isnull=False).count()
    return sent + _lane().filter(status=Article.Status.PROCESSING).count()


def _waiting() -> QuerySet[Article]:
    """Articles of the lane not sent yet."""
    return _lane().filter(status=Article.Status.QUEUED, dispatch_due_at__isnull=True)


def reextract_fill(*, wait: bool = True) -> tuple[int, bool]:
    """Send the next waiting articles until REEXTRACT_WINDOW are out; (sent, broker down).

    `wait=False` (a worker after its parse) gives way when another fill holds the lane: that fill
    tops the window up anyway. The sent articles are marked sent in one update.
    """
    with transaction.atomic():
        if _open_run(wait=wait) is None:
            return 0, False
        room = settings.REEXTRACT_WINDOW - in_flight()
        if room <= 0:
            return 0, False
        ids = list(_waiting().order_by("pk").values_list("pk", flat=True)[:room])
        sent = []
        for article_id in ids:
            if not outbox.send_one(article_id, reextract=True):
                break
            sent.append(article_id)
        _waiting().filter(pk__in=sent).update(
            dispatch_count=1, dispatch_due_at=timezone.now() + outbox.resend_delay(1)
        )
    return len(sent), len(sent) < len(ids)


def reextract_dispatch(*, send: bool = True) -> tuple[int, int, bool]:
    """The dispatcher's part (every OUTBOX_INTERVAL): count the finished articles into the run,
    send again what was sent long ago and never claimed (a lost message), top the window up, and
    close the run once its lane is empty. Returns (settled, sent, broker down)."""
    with transaction.atomic():
        run = _open_run()
        if run is None:
            return 0, 0, False
        now = timezone.now()
        settled = _settle(run, now)
        sent, down = 0, False
        if send:
            lost = _lane().filter(status=Article.Status.QUEUED, dispatch_due_at__lte=now)
            due = list(lost.order_by("dispatch_due_at", "pk").values_list("pk", flat=True))
            sent = outbox.parse_send(due, reextract=True)
            down = sent < len(due)
        if not down and send:
            filled, down = reextract_fill()
            sent += filled
        if not down and in_flight() == 0 and not _waiting().exists():
            settled += _settle(run, now)  # what finished since the first count; nothing is left
            _close(run, now)
    return settled, sent, down


def _settle(run: ReextractRun, now: datetime) -> int:
    """Count the lane's parsed and failed articles into the run and take them out of the lane.

    Each update counts exactly the rows it clears, so an article finishing meanwhile is counted
    next time, never twice. The rate is measured over at least RATE_SECONDS."""
    finished = _lane().filter(reextract_run=run)
    done = finished.filter(status=Article.Status.PARSED).update(reextract_run=None)
    failed = finished.filter(status=Article.Status.FAILED).update(reextract_run=None)
    run.done += done
    run.failed += failed
    since = run.sample_at or run.created_at
    if (now - since).total_seconds() >= RATE_SECONDS:
        run.rate = (run.done + run.failed - run.sample_finished) / (now - since).total_seconds()
        run.sample_at, run.sample_finished = now, run.done + run.failed
    ReextractRun.objects.filter(pk=run.pk).update(
        done=F("done") + done,
        failed=F("failed") + failed,
        rate=run.rate,
        sample_at=run.sample_at,
        sample_finished=run.sample_finished,
        updated_at=now,
    )
    return done + failed


def _close(run: ReextractRun, now: datetime) -> None:
    """The lane is empty: the run is over. Its total is what was counted (an article deleted while
    it waited, or taken to the fresh lane, is no longer in it)."""
    run.refresh_from_db()
    ReextractRun.objects.filter(pk=run.pk).update(
        is_open=None, finished_at=now, total=run.done + run.failed, updated_at=now
    )
    logger.info("re-extraction %s finished: %s parsed, %s failed", run.pk, run.done, run.failed)


def article_parse_reextract(article_id: int) -> str:
    """Parse an article of the lane, then send the next one: the window refills as workers parse.

    A database error in the refill is only logged: the dispatcher tops the window up later.
    """
    outcome = article_parse(article_id)
    try:
        reextract_fill(wait=False)
    except DatabaseError as exc:
        logger.warning("could not send the next articles of the re-extraction: %s", exc)
    return outcome


@dataclass
class Progress:
    """A run's figures: each article is done, failed, in flight (sent or being parsed) or waiting."""

    run: ReextractRun
    done: int
    failed: int
    in_flight: int
    waiting: int
    rate: float | None  # articles a second

    @property
    def total(self) -> int:
        return self.done + self.failed + self.in_flight + self.waiting

    @property
    def finished(self) -> bool:
        return self.run.finished_at is not None

    @property
    def percent(self) -> int:
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100

    @property
    def time_left(self) -> timedelta | None:
        if self.finished or not self.rate:
            return None
        return timedelta(seconds=round((self.waiting + self.in_flight) / self.rate))

    @property
    def time_left_until(self) -> datetime | None:
        """When it should be done at the current rate."""
        left = self.time_left
        return None if left is None else timezone.now() + left


def reextract_progress(run: ReextractRun | None = None) -> Progress | None:
    """The open run's figures (else the latest run's, or those of `run`); None if there was none.

    Four small queries: the run's counters, plus what finished since the dispatcher last counted
    and what is in flight (both bounded by the window); waiting is the rest of the total.
    """
    run = run or ReextractRun.objects.order_by("-is_open", "-created_at").first()
    if run is None:
        return None
    done, failed = run.done, run.failed
    flying = 0
    if run.finished_at is None:
        finished = dict(
            _lane()
            .filter(reextract_run=run, status__in=[Article.Status.PARSED, Article.Status.FAILED])
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        done += finished.get(Article.Status.PARSED, 0)
        failed += finished.get(Article.Status.FAILED, 0)
        flying = in_flight()
    waiting = max(run.total - done - failed - flying, 0)
    rate = run.rate
    if rate is None and run.finished_at is None:
        elapsed = (timezone.now() - run.created_at).total_seconds()
        rate = (done + failed) / elapsed if elapsed > 0 else None  # the average, until measured
    return Progress(run=run, done=done, failed=failed, in_flight=flying, waiting=waiting, rate=rate)
