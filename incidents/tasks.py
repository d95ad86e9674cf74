"""Celery tasks: thin wrappers that take an id and call a service."""

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from incidents.extraction.gazetteer import shared_gazetteer
from incidents.services import TransientParseError, article_parse
from incidents.services.bulk import bulk_action_run

# Between the soft limit (the service records the failure and returns) and the hard one (the pool
# kills the process, should the parse not let go): time enough for that one write.
PARSE_GRACE_SECONDS = 5


@worker_process_init.connect
def _load_gazetteer(**kwargs) -> None:
    """Load the GeoNames index when a worker process starts, not during its first parse."""
    shared_gazetteer()


@shared_task(
    acks_late=True,
    autoretry_for=(TransientParseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
    # one article never stalls a worker: the soft limit raises SoftTimeLimitExceeded in the parse,
    # which article_parse turns into a failed article (never retried: it would stall again)
    soft_time_limit=settings.PARSE_TIME_LIMIT,
    time_limit=settings.PARSE_TIME_LIMIT + PARSE_GRACE_SECONDS,
)
def parse_article(article_id: int) -> str:
    """Draft incidents from one article; a no-op if another worker has it or it is done."""
    return article_parse(article_id)


@shared_task(acks_late=True)
def run_bulk_action(job_id: int) -> str:
    """Publish, reject or assign what a bulk action's filter matches; a rerun goes on where it stopped."""
    return bulk_action_run(job_id).state
