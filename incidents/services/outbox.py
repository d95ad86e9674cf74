"""The outbox: an accepted article is parsed even if the broker or a worker goes away.

A queued article is itself the "to parse" message. It is written in the upload's transaction,
so the intent can never be lost; sending it to the broker is a separate, repeatable step:
right after the commit (the fast path), and again by `outbox_dispatch`, a periodic task run by
Celery beat, for every queued article that is due. A send pushes the next due time back, further
each time (`resend_delay`), so a backlog is not flooded with copies; a copy that arrives after
the article is claimed is skipped by the claim.

That is the fresh lane (uploads, an analyst's "parse again"). Articles queued by a bulk
re-extraction are in a lane of their own (Article.reextract_run): the same dispatcher run sends
them to their own queue, a bounded window at a time (incidents.services.reextract).

The dispatcher also takes back claims whose worker died (`kill -9`, an out-of-memory kill, a
lost machine): a claim older than the hard time limit, or held by a process on this host that
no longer exists. An article whose parse has killed its worker `MAX_LOST_PARSES` times is failed
with that reason rather than sent round again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from incidents.models import Article, BulkAction
from incidents.services.knowledge import knowledge_log_prune

logger = logging.getLogger(__name__)

# Between the soft time limit (the parse records its failure) and the hard one (the pool kills it).
PARSE_GRACE_SECONDS = 5
# An article that took its worker down this many times is failed, not sent round again.
MAX_LOST_PARSES = 3
# Articles sent per dispatcher run: the rest wait for the next run (a few seconds later).
DISPATCH_BATCH = 500


@dataclass
class DispatchReport:
    sent: int = 0
    reclaimed: int = 0
    failed: int = 0
    broker_down: bool = False
    bulk_sent: int = 0
    reextract_sent: int = 0
    reextract_settled: int = 0


def claim_owner() -> str:
    """Who holds a claim ("host:pid:thread"), so that a dead process's claims can be told apart,
    and a parse retried in the same process can take back the claim its failed try left."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim_timeout() -> timedelta:
    """A claim older than this belongs to a parse that no longer runs: the hard time limit has
    passed (the pool kills a parse there), with a margin for the clocks of different machines."""
    return timedelta(seconds=settings.PARSE_TIME_LIMIT + PARSE_GRACE_SECONDS + settings.OUTBOX_CLAIM_MARGIN)


def resend_delay(sends: int) -> timedelta:
    """How long after its `sends`-th send a still-queued article is sent again: doubling, capped."""
    base = settings.OUTBOX_RESEND_AFTER
    return timedelta(seconds=min(base * 2 ** max(sends - 1, 0), settings.OUTBOX_RESEND_MAX))


def due_articles(now: datetime | None = None):
    """Queued articles of the fresh lane whose parse message is due: never sent, or sent long
    enough ago (a re-extraction's articles are sent by incidents.services.reextract)."""
    now = now or timezone.now()
    return Article.objects.filter(
        Q(dispatch_due_at__isnull=True) | Q(dispatch_due_at__lte=now),
        status=Article.Status.QUEUED,
        reextract_run__isnull=True,
    )


def parse_send(article_ids: Iterable[int], *, reextract: bool = False) -> int:
    """Send a parse message for each article, in order; stop at the first broker error.

    Returns how many were sent. Never raises for the broker: what was not sent stays due and the
    dispatcher sends it when the broker is back. Each send is one quick attempt (no retry loop), so
    a web request that queues an upload is never held by a broker that is down. `reextract` sends
    to the re-extraction's queue.
    """
    sent = 0
    for article_id in article_ids:
        if not send_one(article_id, reextract=reextract):
            break
        _mark_sent(article_id)
        sent += 1
    return sent


def send_one(article_id: int, *, reextract: bool = False) -> bool:
    """One quick try at sending the article's parse message; False if the broker is down."""
    from incidents.tasks import parse_article, parse_article_reextract

    task, queue = (parse_article_reextract, settings.REEXTRACT_QUEUE) if reextract else (parse_article, None)
    try:
        task.apply_async((article_id,), retry=False, **({"queue": queue} if queue else {}))
    except Exception as exc:  # noqa: BLE001 - any broker failure: the outbox keeps the article
        logger.warning("broker unavailable, article %s stays in the outbox: %s", article_id, exc)
        return False
    return True


def _mark_sent(article_id: int) -> None:
    article = Article.objects.filter(pk=article_id, status=Article.Status.QUEUED)
    sends = (article.values_list("dispatch_count", flat=True).first() or 0) + 1
    article.update(dispatch_count=sends, dispatch_due_at=timezone.now() + resend_delay(sends))


def parse_send_on_commit(article_id: int) -> None:
    """The fast path: send the message as soon as the transaction that queued the article commits."""
    transaction.on_commit(lambda: parse_send([article_id]))


def outbox_dispatch(limit: int = DISPATCH_BATCH) -> DispatchReport:
    """Take back dead claims, then send every due article (up to `limit`)."""
    report = DispatchReport()
    report.reclaimed, report.failed = reclaim_dead_claims()
    due = list(due_articles().order_by("dispatch_due_at", "pk").values_list("pk", flat=True)[:limit])
    report.sent = parse_send(due)
    report.broker_down = report.sent < len(due)
    if not report.broker_down:
        report.bulk_sent = bulk_resend()
    report.reextract_settled, report.reextract_sent, reextract_down = _reextract_dispatch(
        send=not report.broker_down
    )
    report.broker_down = report.broker_down or reextract_down
    knowledge_log_prune()
    if report.sent or report.reclaimed or report.failed:
        logger.info(
            "outbox: %s sent, %s dead claims taken back, %s failed after lost parses",
            report.sent,
            report.reclaimed,
            report.failed,
        )
    return report


def _reextract_dispatch(*, send: bool) -> tuple[int, int, bool]:
    from incidents.services.reextract import reextract_dispatch

    return reextract_dispatch(send=send)


def bulk_jobs_due(now: datetime | None = None):
    """Bulk actions no worker has: queued and not started for a while (the send was lost), or
    running with no progress for longer than a chunk could take (the worker died)."""
    now = now or timezone.now()
    queued = Q(
        state=BulkAction.State.QUEUED, updated_at__lt=now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER)
    )
    stalled = Q(state=BulkAction.State.RUNNING, updated_at__lt=now - claim_timeout())
    return BulkAction.objects.filter(queued | stalled)


def bulk_resend() -> int:
    """Send the due bulk actions again, pushing each one's clock so the next run waits again."""
    from incidents.services.bulk import bulk_send

    sent = 0
    for job_id in bulk_jobs_due().values_list("pk", flat=True)[:DISPATCH_BATCH]:
        if not bulk_send(job_id):
            break
        BulkAction.objects.filter(pk=job_id).update(updated_at=timezone.now())
        sent += 1
    return sent


def dead_claims(now: datetime | None = None, articles=None):
    """Articles in `processing` (of `articles`, default all) whose parse no longer runs."""
    now = now or timezone.now()
    processing = (Article.objects.all() if articles is None else articles).filter(
        status=Article.Status.PROCESSING
    )
    expired = Q(parse_started_at__isnull=True) | Q(parse_started_at__lt=now - claim_timeout())
    dead_here = [
        owner
        for owner in processing.filter(claimed_by__startswith=f"{socket.gethostname()}:")
        .values_list("claimed_by", flat=True)
        .distinct()
        if not process_alive(owner)
    ]
    return processing.filter(expired | Q(claimed_by__in=dead_here))


def reclaim_dead_claims(articles=None) -> tuple[int, int]:
    """Queue dead claims again (due now); fail those that have killed their worker too often.

    Returns (taken back, failed). `articles` narrows it (default: every article).
    """
    now = timezone.now()
    dead = dead_claims(now, articles)
    failed = dead.filter(lost_parses__gte=MAX_LOST_PARSES - 1).update(
        status=Article.Status.FAILED,
        error=f"the worker stopped {MAX_LOST_PARSES} times while parsing this article "
        "(it may need more memory or time than a worker has); re-extract it to try again",
        lost_parses=F("lost_parses") + 1,
        claimed_by="",
        updated_at=now,
    )
    reclaimed = dead.update(  # the same claims, less those just failed (no longer processing)
        status=Article.Status.QUEUED,
        lost_parses=F("lost_parses") + 1,
        claimed_by="",
        parse_started_at=None,
        dispatch_due_at=now,
        dispatch_count=0,
        updated_at=now,
    )
    return reclaimed, failed


def process_alive(owner: str) -> bool:
    """Whether the claim's owner still runs; an owner on another host is assumed to."""
    host, _, rest = owner.partition(":")
    pid = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def outbox_send_now() -> DispatchReport:
    """What the operator's "send again" does: take back dead claims and send every queued article
    now, whenever it was last sent (the dispatcher goes on with the rest, a batch a run). Of a
    re-extraction, only the window already sent is sent again; the rest waits its turn."""
    now = timezone.now()
    queued = Article.objects.filter(status=Article.Status.QUEUED)
    queued.filter(reextract_run__isnull=True).update(dispatch_due_at=now)
    queued.filter(reextract_run__isnull=False, dispatch_due_at__isnull=False).update(dispatch_due_at=now)
    return outbox_dispatch()


@dataclass
class OutboxState:
    """What the dashboard shows the operator: work waiting for the broker or for a worker."""

    waiting: int  # queued, not yet sent or due to be sent again
    stuck_processing: int  # claims whose worker died; the dispatcher takes them back
    oldest_waiting: datetime | None


def outbox_state() -> OutboxState:
    """Two queries whatever the backlog: the waiting articles' count and age in one aggregate, and
    the claims in progress (one per busy worker process) checked here."""
    now = timezone.now()
    # an article queued moments ago is on its way: only those due for a while count as waiting
    waiting = due_articles(now - timedelta(seconds=30)).aggregate(n=Count("pk"), oldest=Min("created_at"))
    expired_before = now - claim_timeout()
    claims = Article.objects.filter(status=Article.Status.PROCESSING).values_list(
        "claimed_by", "parse_started_at"
    )
    stuck = sum(
        1
        for owner, started in claims
        if started is None or started < expired_before or not process_alive(owner)
    )
    return OutboxState(waiting=waiting["n"], stuck_processing=stuck, oldest_waiting=waiting["oldest"])
