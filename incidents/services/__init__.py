"""Every write to the database goes through these functions.

The API, the analyst views, the admin and the Celery tasks all call them, so the rules
(validation, idempotency, what a re-parse may replace) live in one place.
"""

from incidents.services.articles import (
    IngestResult,
    TransientParseError,
    article_ingest,
    article_ingest_upload,
    article_parse,
    article_requeue,
)
from incidents.services.batch import UploadOutcome, articles_ingest_files
from incidents.services.incidents import incident_set_status
from incidents.services.knowledge import knowledge_load
from incidents.services.reference import actor_add_alias, location_add_alias
from incidents.services.uploads import ArticleRejected

__all__ = [
    "ArticleRejected",
    "IngestResult",
    "TransientParseError",
    "UploadOutcome",
    "actor_add_alias",
    "article_ingest",
    "article_ingest_upload",
    "article_parse",
    "article_requeue",
    "articles_ingest_files",
    "incident_set_status",
    "knowledge_load",
    "location_add_alias",
]
