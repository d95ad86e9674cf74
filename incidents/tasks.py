"""Celery tasks: thin wrappers that take an id and call a service."""

from celery import shared_task
from celery.signals import worker_process_init

from incidents.extraction.gazetteer import shared_gazetteer
from incidents.services import TransientParseError, article_parse


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
)
def parse_article(article_id: int) -> str:
    """Draft incidents from one article; a no-op if another worker has it or it is done."""
    return article_parse(article_id)
