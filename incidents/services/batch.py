"""Several files uploaded at once: one article each, a bad file never stops the good ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile

from incidents.models import Article
from incidents.services.articles import article_ingest_upload
from incidents.services.uploads import ArticleRejected


@dataclass
class UploadOutcome:
    """What became of one uploaded file: a new article, one uploaded before, or a refusal."""

    name: str
    article: Article | None = None
    created: bool = False
    error: str = ""

    @property
    def duplicate(self) -> bool:
        return self.article is not None and not self.created


def articles_ingest_files(
    files: Iterable[UploadedFile],
    *,
    published: date,
    publisher: str = "",
    title: str = "",
    url: str = "",
    user=None,
) -> list[UploadOutcome]:
    """Ingest each file as its own article, in its own transaction, with the shared metadata.

    A refused file is reported by name and leaves nothing behind; the files before and after it
    are stored and queued as usual. A file whose text is already stored is reported as a duplicate.
    """
    outcomes = []
    for file in files:
        data = {"file": file, "published": published, "publisher": publisher, "title": title, "url": url}
        try:
            result = article_ingest_upload(data, user=user)
        except ArticleRejected as exc:
            message = str(exc)
            if file.name not in message:
                message = f"“{file.name}”: {message}"
            outcomes.append(UploadOutcome(name=file.name, error=message))
        else:
            outcomes.append(UploadOutcome(name=file.name, article=result.article, created=result.created))
    return outcomes
