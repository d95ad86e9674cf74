"""PDF and Word uploads: checked cheaply in the web request, read by the worker within budgets.

The request only checks the name, the size and the first bytes (`document_check`) and stores the
file. The worker's parse starts with `article_text_ensure`, which reads the text in a child
process (`python -m incidents.docread`) with a memory cap and a time limit, so that no file can
hold or bloat a worker: a file over any budget fails its article with the reason, and the file
is kept.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from django.conf import settings
from django.db import IntegrityError

from incidents.docread import MB, DocumentRejected, Limits
from incidents.docread.word import OLE_MAGIC
from incidents.models import Article
from incidents.services.uploads import ArticleRejected, clean_text, content_hash

logger = logging.getLogger(__name__)

__all__ = ["DocumentRejected", "article_text_ensure", "document_check", "document_read"]


def document_check(name: str, data: bytes) -> None:
    """Refuse, in the request, a .pdf or .docx that is plainly not one: by its first bytes only."""
    head = data[:1024]
    if name.lower().endswith(".pdf"):
        if b"%PDF-" not in head:
            raise ArticleRejected(f"“{name}” is not a PDF file (it has no PDF header).")
    elif head.startswith(OLE_MAGIC):
        raise ArticleRejected(
            f"“{name}” is password-protected (or an old .doc renamed); save it as an unprotected .docx."
        )
    elif not head.startswith(b"PK\x03\x04"):
        raise ArticleRejected(f"“{name}” is damaged or not a Word .docx file (it is not a zip).")


def document_limits() -> Limits:
    """The reading budgets, from settings."""
    return Limits(
        text_bytes=settings.ARTICLE_MAX_BYTES,
        expanded_bytes=settings.DOCUMENT_MAX_EXPANDED_BYTES,
        xml_bytes=settings.DOCUMENT_MAX_XML_BYTES,
        zip_members=settings.DOCUMENT_MAX_ZIP_MEMBERS,
        pdf_pages=settings.DOCUMENT_MAX_PDF_PAGES,
        pdf_content_bytes=settings.DOCUMENT_MAX_PDF_CONTENT_BYTES,
        memory_bytes=settings.DOCUMENT_MEMORY_LIMIT,
    )


def document_read(name: str, data: bytes, limits: Limits | None = None) -> tuple[str, str]:
    """(title, text) of a .pdf or .docx, read in a child process; raise DocumentRejected.

    The child is killed at DOCUMENT_TIME_LIMIT seconds (below the parse's own time limit, so this
    reason is the one recorded) and cannot grow past DOCUMENT_MEMORY_LIMIT bytes.
    """
    limits = limits or document_limits()
    seconds = settings.DOCUMENT_TIME_LIMIT
    command = [sys.executable, "-m", "incidents.docread", name, json.dumps(limits.as_dict())]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=seconds, cwd=settings.BASE_DIR, check=False
        )
    except subprocess.TimeoutExpired:
        raise DocumentRejected(f"Reading the text of “{name}” took longer than {seconds} s.") from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        logger.warning(
            "the document reader for %r ended with %s: %s", name, done.returncode, done.stderr[-2000:]
        )
        raise DocumentRejected(
            f"“{name}” could not be read: the reader stopped (over its {limits.memory_bytes / MB:.0f} MB "
            "memory limit, or crashed on a damaged file)."
        ) from None
    if "error" in answer:
        raise DocumentRejected(answer["error"])
    return answer["title"], answer["text"]


def article_text_ensure(article: Article) -> None:
    """Give `article` its text, read from its uploaded file if it has none yet.

    Called first in the worker's parse. The text is stored with its hash; a text that another
    article already has fails this one ("same text as article #N"): the file is kept, and the
    other article keeps the drafts.
    """
    if article.content_hash:
        return
    name = article.file_name or article.original_file.name or f"article {article.pk}"
    if not article.original_file:
        raise DocumentRejected(f"“{name}”: the uploaded file is missing; upload it again.")
    with article.original_file.open("rb") as handle:
        data = handle.read(settings.ARTICLE_MAX_BYTES + 1)
    title, raw = document_read(name, data)
    body = clean_text(raw.replace("\x00", "").encode("utf-8", "replace").decode("utf-8"))
    if not body:
        raise DocumentRejected(f"“{name}” contains no text to read.")
    digest = content_hash(body)
    _refuse_same_text(name, digest, article.pk)
    if not article.title:
        from incidents.services.articles import _first_line

        article.title = (title or _first_line(body))[:500]
    article.text, article.content_hash = body, digest
    try:
        Article.objects.filter(pk=article.pk).update(title=article.title, text=body, content_hash=digest)
    except IntegrityError:  # another article took the same text in the meantime
        article.text, article.content_hash = "", None
        _refuse_same_text(name, digest, article.pk)
        raise


def _refuse_same_text(name: str, digest: str, pk: int) -> None:
    other = Article.objects.filter(content_hash=digest).exclude(pk=pk).values_list("pk", flat=True).first()
    if other:
        raise DocumentRejected(f"“{name}” has the same text as article #{other}; it is not parsed twice.")
