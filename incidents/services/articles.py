"""Articles: ingest an upload, parse it into draft incidents, queue it again."""

from __future__ import annotations

import hashlib
import logging
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from incidents import extraction
from incidents.models import Article, ReextractRun, Source
from incidents.plaintext import unwrap
from incidents.services import outbox
from incidents.services.documents import DocumentRejected, article_text_ensure, document_check
from incidents.services.drafts import drafts_save
from incidents.services.fetching import (
    PageDeferred,
    PageDuplicate,
    PageFailed,
    article_defer,
    article_mark_duplicate,
    article_page_ensure,
)
from incidents.services.knowledge import knowledge_load
from incidents.services.reference import named_get_or_create
from incidents.services.uploads import (
    ArticleRejected,
    check_upload,
    clean_text,
    content_hash,
    decode_upload,
    is_document,
)
from incidents.weburl import url_key_or_none

logger = logging.getLogger(__name__)


class TransientParseError(RuntimeError):
    """The database went away mid-parse; the claim was released and a retry is safe."""


@dataclass
class IngestResult:
    article: Article
    created: bool


def article_ingest(
    *,
    published: date,
    text: str | None = None,
    file_name: str = "",
    file_data: bytes | None = None,
    title: str = "",
    url: str = "",
    publisher: str = "",
    user=None,
    enqueue: bool = True,
) -> IngestResult:
    """Store an article once (by the hash of its normalised text) and queue it for parsing.

    Exactly one of `text` and `file_data` is given. Everything is checked before anything
    is written, so a refused upload leaves no trace. `enqueue=False` leaves the parse to
    the caller (the `ingest --sync` command). A PDF or Word file is only checked (size, first
    bytes) and stored once by the hash of its bytes: the worker reads its text.
    """
    if (text is None) == (file_data is None):
        raise ArticleRejected("Give the article either as text or as a file, not both and not neither.")
    document = file_data is not None and is_document(file_name)
    file_title, body = _checked_body(text, file_name, file_data, document)
    title = title or file_title
    if not isinstance(published, date):
        raise ArticleRejected("The publication date is required.")
    lookup = (
        {"file_hash": hashlib.sha256(file_data).hexdigest()}
        if document
        else {"content_hash": content_hash(body)}
    )

    page_key = url_key_or_none(url) if url else None
    if page_key:  # a page stored already (fetched or uploaded with this URL) is this article
        known = _page_article(page_key)
        if known is not None:
            return IngestResult(article=known, created=False)
    with transaction.atomic():
        source = _publisher(publisher)
        article, created = Article.objects.get_or_create(
            **lookup,
            defaults={
                "title": (title or _first_line(body))[:500],
                "text": body,
                "file_name": (file_name or "")[:255],
                "url": url,
                "publisher": source,
                "published": published,
                "uploaded_by": user if getattr(user, "is_authenticated", False) else None,
            },
        )
        if created and page_key:
            # the page's key, unless another article holds it since (then this upload keeps none)
            Article.objects.filter(pk=article.pk).exclude(
                pk__in=Article.objects.filter(url_key=page_key).values("pk")
            ).update(url_key=page_key)
        if created:
            if file_data is not None:
                article.original_file.save(file_name, ContentFile(file_data), save=True)
            if enqueue:
                # the row is the outbox entry: due now, sent after the commit or by the dispatcher
                Article.objects.filter(pk=article.pk).update(dispatch_due_at=timezone.now())
                outbox.parse_send_on_commit(article.pk)
    return IngestResult(article=article, created=created)


def _page_article(key: str) -> Article | None:
    """The article of the page with this URL key, unless its fetch failed (then an upload of the
    text is welcome as an article of its own)."""
    return (
        Article.objects.filter(Q(url_key=key) | Q(canonical_key=key))
        .exclude(status=Article.Status.FAILED, content_hash__isnull=True)
        .order_by("pk")
        .first()
    )


def _checked_body(
    text: str | None, file_name: str, file_data: bytes | None, document: bool
) -> tuple[str, str]:
    """(title from the file, cleaned text) of an upload, or ArticleRejected; a PDF or Word file is
    only checked here (size, first bytes): its text is read by the worker."""
    max_bytes = settings.ARTICLE_MAX_BYTES
    file_title, raw = "", ""
    if document:
        check_upload(file_name, file_data, max_bytes)
        document_check(file_name, file_data)
    elif file_data is not None:
        file_title, raw = decode_upload(file_name, file_data, max_bytes)
    else:
        raw = _pasted_text(text or "", max_bytes)
    body = clean_text(raw)
    if not body and not document:
        raise ArticleRejected("The article is empty: there is no text to parse.")
    return file_title, body


def _pasted_text(raw: str, max_bytes: int) -> str:
    """Pasted text as given, or ArticleRejected for what no article may hold."""
    try:
        size = len(raw.encode("utf-8"))
    except UnicodeEncodeError:
        raise ArticleRejected(
            "The text contains characters that are not valid Unicode (unpaired surrogates); "
            "copy it again from the source."
        ) from None
    if size > max_bytes:
        raise ArticleRejected(f"The text is over the {max_bytes / 1_048_576:.0f} MB limit.", too_large=True)
    if "\x00" in raw:
        raise ArticleRejected("The text contains NUL characters; paste plain text.")
    return raw


def article_ingest_upload(data: dict, *, user=None) -> IngestResult:
    """`article_ingest` for a validated upload form or API payload: text or file, date, metadata;
    or, with neither text nor file, the page at `url` (fetched by the worker; the date optional)."""
    file = data.get("file")
    if not file and not (data.get("text") or "").strip() and data.get("url"):
        from incidents.services.fetching import article_ingest_url

        made = article_ingest_url(
            data["url"],
            published=data.get("published"),
            publisher=data.get("publisher", ""),
            title=data.get("title", ""),
            user=user,
        )
        return IngestResult(article=made.article, created=made.created)
    if not data.get("published"):
        raise ArticleRejected("The publication date is required (it is optional only for a URL import).")
    return article_ingest(
        published=data["published"],
        text=None if file else data.get("text", ""),
        file_name=file.name if file else "",
        # Read one byte past the limit: enough to refuse, never the whole of a huge file.
        file_data=file.read(settings.ARTICLE_MAX_BYTES + 1) if file else None,
        title=data.get("title", ""),
        url=data.get("url", ""),
        publisher=data.get("publisher", ""),
        user=user,
    )


def article_requeue(article: Article, *, enqueue: bool = True) -> bool:
    """Queue an article again, in the fresh lane; its unreviewed drafts are then replaced.

    Returns False for an article a live worker is parsing right now (a claim whose worker died is
    taken back). `enqueue=False` leaves the parse to the caller (`reextract --sync`). An article
    waiting in a bulk re-extraction is taken out of it (its run counts one fewer): asked for by
    hand, it is parsed now rather than in its turn.
    """
    one = Article.objects.filter(pk=article.pk)
    with transaction.atomic():
        outbox.reclaim_dead_claims(one)
        run_id = one.values_list("reextract_run_id", flat=True).first()
        updated = one.exclude(status=Article.Status.PROCESSING).update(
            status=Article.Status.QUEUED,
            error="",
            lost_parses=0,
            fetch_attempts=0,
            duplicate_of=None,
            dispatch_due_at=timezone.now(),
            dispatch_count=0,
            reextract_run=None,
            updated_at=timezone.now(),
        )
        if updated and run_id is not None:
            ReextractRun.objects.filter(pk=run_id, total__gt=0).update(total=F("total") - 1)
        if updated and enqueue:
            outbox.parse_send_on_commit(article.pk)
    article.refresh_from_db()
    return bool(updated)


def article_set_published(article: Article, published: date) -> bool:
    """The analyst's publication date, in place of a missing one: kept as given and the article
    parsed again (its relative dates are read from it). False while a worker is parsing it."""
    with transaction.atomic():
        changed = (
            Article.objects.filter(pk=article.pk)
            .exclude(status=Article.Status.PROCESSING)
            .update(published=published, published_basis=Article.DateBasis.GIVEN)
        )
        return bool(changed) and article_requeue(article)


def extract_drafts(article: Article) -> list[extraction.DraftIncident]:
    """The extractor's drafts of `article`, read with what analysts curate (actors, places).

    A function of its own so that a test's worker can stand a slow extractor in for it
    (tests/support/slow_parse.py); the extractor itself is never patched.
    """
    knowledge = knowledge_load()
    return extraction.extract(article.text, article.published, knowledge, title=article.title)


def article_parse(article_id: int, *, time_limit: int | None = None) -> str:
    """Claim the article, extract drafts outside any transaction, write them in one.

    Returns "parsed", "failed", "skipped" (another worker holds it, or it is done), and for a page
    imported from the web "deferred" (fetched again later) or "duplicate" (an article stored already).
    Safe to run twice: the claim is a conditional update, and the drafts of an article
    are replaced rather than added to.

    A database error anywhere (the claim, the drafts, the release) is transient: the claim is
    released where possible and TransientParseError asks the task to retry with backoff; a claim
    that could not be released is taken back by this process's next try, or by the outbox
    dispatcher once it expires (incidents.services.outbox).

    A parse that runs too long is stopped by SoftTimeLimitExceeded: raised by the Celery task's
    soft time limit in a worker, or after `time_limit` seconds here (the --sync commands pass
    PARSE_TIME_LIMIT). The article is then failed ("took longer than N s"), nothing of its parse
    is kept (the drafts are written in one transaction), and it is not retried: it would stall
    the next worker the same way.
    """
    try:
        article = _claim(article_id)
        if article is None:
            return "skipped"
        return _parse_claimed(article, time_limit)
    except (OperationalError, InterfaceError) as exc:
        _release_claim(article_id)
        raise TransientParseError(f"database unavailable: {exc}") from exc


def _claim(article_id: int) -> Article | None:
    """Take the article if it is queued (or its claim is this very process's, left by a failed
    try), and read it in the same statement. Only when that fails is a dead process's claim looked
    for and taken back (then the claim is tried once more): the usual parse pays one query for its
    claim and its article."""
    owner = outbox.claim_owner()
    article = _take(article_id, owner)
    if article is not None:
        return article
    reclaimed, _ = outbox.reclaim_dead_claims(Article.objects.filter(pk=article_id))
    return _take(article_id, owner) if reclaimed else None


def _take(article_id: int, owner: str) -> Article | None:
    """The claimed article, or None: UPDATE ... RETURNING its row (PostgreSQL, SQLite 3.35+)."""
    now = timezone.now()
    claim = {"status": Article.Status.PROCESSING, "parse_started_at": now, "claimed_by": owner}
    claim.update(error="", updated_at=now)
    one = Article.objects.filter(pk=article_id)
    claimable = Q(status=Article.Status.QUEUED) | Q(status=Article.Status.PROCESSING, claimed_by=owner)
    if not connection.features.can_return_columns_from_insert:  # an SQLite without RETURNING
        return one.get() if one.filter(claimable).update(**claim) else None
    qn = connection.ops.quote_name
    pk, status, by = qn(Article._meta.pk.column), qn("status"), qn("claimed_by")
    sql = (
        f"UPDATE {qn(Article._meta.db_table)} SET {', '.join(f'{qn(name)} = %s' for name in claim)} "
        f"WHERE {pk} = %s AND ({status} = %s OR ({status} = %s AND {by} = %s)) "
        f"RETURNING {', '.join(qn(field.column) for field in Article._meta.concrete_fields)}"
    )
    params = [*claim.values(), article_id, Article.Status.QUEUED, Article.Status.PROCESSING, owner]
    taken = list(Article.objects.raw(sql, params))
    return taken[0] if taken else None


def _parse_claimed(article: Article, time_limit: int | None) -> str:
    article_id = article.pk
    try:
        with _deadline(time_limit):
            article_page_ensure(article)  # a page imported by URL or from a feed: fetched and read
            article_text_ensure(article)  # a PDF or Word file's text, read within budgets
            drafts = extract_drafts(article)
            with transaction.atomic():
                drafts_save(article, drafts)
                Article.objects.filter(pk=article_id).update(
                    status=Article.Status.PARSED,
                    extractor_version=extraction.EXTRACTOR_VERSION,
                    claimed_by="",
                    parsed_at=timezone.now(),
                    updated_at=timezone.now(),
                )
        return "parsed"
    except SoftTimeLimitExceeded:
        limit = time_limit or settings.PARSE_TIME_LIMIT
        logger.warning("parsing article %s took longer than %s s; marked failed", article_id, limit)
        _fail(article_id, f"took longer than {limit} s", retry_on_broken_connection=True)
        return "failed"
    except PageDeferred as exc:  # a passing failure (timeout, 5xx): the outbox sends it again later
        logger.info("article %s: %s; again in %s", article_id, exc, exc.delay)
        article_defer(article_id, f"{exc}; trying again at {_clock(exc.delay)}", exc.delay)
        return "deferred"
    except PageFailed as exc:
        logger.info("article %s: %s", article_id, exc)
        _fail(article_id, str(exc)[:2000])
        return "failed"
    except PageDuplicate as exc:
        article_mark_duplicate(article_id, exc.other, str(exc))
        return "duplicate"
    except DocumentRejected as exc:  # a hostile or unreadable file: not retried, the file is kept
        logger.info("article %s: %s", article_id, exc)
        _fail(article_id, str(exc)[:2000])
        return "failed"
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - any other failure is recorded on the article
        logger.exception("parsing article %s failed", article_id)
        _fail(article_id, f"{type(exc).__name__}: {exc}"[:2000])
        return "failed"


@contextmanager
def _deadline(seconds: int | None) -> Iterator[None]:
    """Raise SoftTimeLimitExceeded here after `seconds`, as a worker's soft time limit does.

    For parses run in-process (the --sync commands). It uses SIGALRM, so it applies in the main
    thread only; elsewhere, and with no `seconds`, nothing is set (a worker has its own limit).
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise SoftTimeLimitExceeded(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _fail(article_id: int, reason: str, *, retry_on_broken_connection: bool = False) -> None:
    """Record the failure; the article leaves `processing`, which releases its claim.

    A time limit may interrupt a query halfway and leave the connection unusable: then the write
    is tried once more on a new connection.
    """
    update = {"status": Article.Status.FAILED, "error": reason, "claimed_by": ""}
    update["updated_at"] = timezone.now()
    try:
        Article.objects.filter(pk=article_id).update(**update)
    except DatabaseError:
        if not retry_on_broken_connection or connection.in_atomic_block:
            raise
        connection.close()
        Article.objects.filter(pk=article_id).update(**update)


def _release_claim(article_id: int) -> None:
    """Give the article back to the queue after a database error; if the database is still away,
    the claim stays for this process's retry (or the dispatcher) to take back."""
    try:
        if connection.in_atomic_block:
            return
        connection.close_if_unusable_or_obsolete()
        Article.objects.filter(pk=article_id, status=Article.Status.PROCESSING).update(
            status=Article.Status.QUEUED, parse_started_at=None, claimed_by=""
        )
    except DatabaseError:
        logger.warning("could not release the claim on article %s; it is taken back later", article_id)


def _clock(delay) -> str:
    return timezone.localtime(timezone.now() + delay).strftime("%H:%M:%S")


def _publisher(name: str) -> Source | None:
    name = " ".join((name or "").split())
    return named_get_or_create(Source, name) if name else None


def _first_line(text: str, limit: int = 120) -> str:
    """A stand-in title: the first sentence of the first line (of wrapped copy, the first
    paragraph), cut at a word near `limit`."""
    line = unwrap(text.lstrip()).split("\n", 1)[0].strip()
    sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ") + "…"
