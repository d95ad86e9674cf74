"""Celery tasks: thin wrappers that take an id (or nothing) and call a service."""

import logging
import os

from celery import shared_task
from celery.signals import worker_init, worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from incidents.extraction.gazetteer import shared_gazetteer
from incidents.services import TransientParseError, article_parse
from incidents.services.bulk import bulk_action_run
from incidents.services.outbox import PARSE_GRACE_SECONDS, outbox_dispatch
from incidents.services.reextract import article_parse_reextract

logger = logging.getLogger(__name__)

# Pools whose tasks run in processes forked from the worker's main process (prefork) or in that
# process itself (solo, threads): the main process is the place to load the gazetteer.
_MAIN_PROCESS_POOLS = ("prefork", "solo", "thread")
_gazetteer_loaded_in: int | None = None  # the process that loaded it; a forked child inherits it


def _load(where: str) -> None:
    global _gazetteer_loaded_in
    if shared_gazetteer() is not None and _gazetteer_loaded_in is None:
        _gazetteer_loaded_in = os.getpid()
        logger.info("gazetteer loaded in the %s process (pid %s)", where, _gazetteer_loaded_in)


@worker_init.connect
def _load_gazetteer_before_fork(sender=None, **kwargs) -> None:
    """Load the GeoNames index (~240 MB) in the worker's main process, before the prefork pool forks:
    pool processes, and those that replace them later, share its pages instead of each loading a
    copy (gc.freeze() in shared_gazetteer keeps the collector from writing to, and so copying, them)."""
    pool = getattr(sender, "pool_cls", "") or ""
    name = pool if isinstance(pool, str) else f"{pool.__module__}.{pool.__name__}"
    if any(kind in name.lower() for kind in _MAIN_PROCESS_POOLS):
        _load("main")


@worker_process_init.connect
def _load_gazetteer(**kwargs) -> None:
    """A pool process has the main process's gazetteer; any other loads it when it starts, not
    during its first parse."""
    if _gazetteer_loaded_in is not None and _gazetteer_loaded_in != os.getpid():
        logger.info("gazetteer inherited from the main process (pid %s)", _gazetteer_loaded_in)
    _load("pool")


PARSE_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (TransientParseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 12,
    # one article never stalls a worker: the soft limit raises SoftTimeLimitExceeded in the parse,
    # which article_parse turns into a failed article (never retried: it would stall again)
    "soft_time_limit": settings.PARSE_TIME_LIMIT,
    "time_limit": settings.PARSE_TIME_LIMIT + PARSE_GRACE_SECONDS,
}


@shared_task(**PARSE_OPTIONS)
def parse_article(article_id: int) -> str:
    """Draft incidents from one article; a no-op if another worker has it or it is done.

    A database outage is retried with backoff (2 s, 4 s, ... 60 s, about 8 minutes in all); past
    that, the article is still queued and the outbox dispatcher sends it again.
    """
    return article_parse(article_id)


@shared_task(**PARSE_OPTIONS)
def parse_article_reextract(article_id: int) -> str:
    """`parse_article` for the bulk re-extraction's queue: the parse, then the next article sent."""
    return article_parse_reextract(article_id)


@shared_task(ignore_result=True)
def dispatch_outbox() -> dict:
    """Send the parse messages the broker has not taken and take back dead workers' claims.

    Run every OUTBOX_INTERVAL seconds by Celery beat; a run that finds the database away simply
    fails, and the next one does the work.
    """
    report = outbox_dispatch()
    return {
        "sent": report.sent,
        "reclaimed": report.reclaimed,
        "failed": report.failed,
        "reextract_sent": report.reextract_sent,
    }


@shared_task(acks_late=True)
def run_bulk_action(job_id: int) -> str:
    """Publish, reject or assign what a bulk action's filter matches; a rerun goes on where it stopped."""
    return bulk_action_run(job_id).state


@shared_task(ignore_result=True)
def dispatch_feeds() -> int:
    """Send every due feed's poll to the workers; run every FEEDS_INTERVAL seconds by Celery beat."""
    from incidents.services.feeds import feeds_dispatch

    return feeds_dispatch()


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
    soft_time_limit=settings.FETCH_TIMEOUT * 2 + 30,
    time_limit=settings.FETCH_TIMEOUT * 2 + 40,
)
def poll_feed(feed_id: int) -> str:
    """Poll one feed: its new items become articles queued to be fetched and parsed. A database
    outage is retried; a lost poll is sent again by beat once its lease has passed."""
    from incidents.services.feeds import feed_poll

    return feed_poll(feed_id).status
