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
from incidents.services.incidents import incident_assign, incident_delete, incident_set_status
from incidents.services.knowledge import knowledge_load
from incidents.services.merging import (
    incidents_merge,
    link_action_undo,
    possible_duplicate_decide,
    proposal_decide,
    report_split,
)
from incidents.services.review import ReviewRefused, incident_reject_undo, incident_review, incident_update
from incidents.services.uploads import ArticleRejected
from incidents.services.versions import VersionConflict

__all__ = [
    "ArticleRejected",
    "IngestResult",
    "ReviewRefused",
    "TransientParseError",
    "VersionConflict",
    "article_ingest",
    "article_ingest_upload",
    "article_parse",
    "article_requeue",
    "incident_assign",
    "incident_delete",
    "incident_reject_undo",
    "incident_review",
    "incident_set_status",
    "incident_update",
    "incidents_merge",
    "link_action_undo",
    "possible_duplicate_decide",
    "proposal_decide",
    "report_split",
    "knowledge_load",
]
