"""A task that reports, in its worker's log, what its pool process holds: for a test's worker
started with `celery worker --include tests.support.worker_probe` (tests/e2e/test_worker_processes.py).

Results are not stored (CELERY_TASK_IGNORE_RESULT), so the task writes one line the test reads:

    probe pid=<pool process> gazetteer_loaded_in=<pid> gazetteer_id=<id> pooled=<bool> backend=<pid>

`backend` is the database server process serving this task's connection: with a connection pool
kept across tasks, one pool process sees the same one task after task.
"""

from __future__ import annotations

import logging
import os
import time

from celery import shared_task
from django.db import connection

from incidents import tasks
from incidents.extraction.gazetteer import shared_gazetteer

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def probe(hold: float = 0.0) -> None:
    """Log what this pool process holds; `hold` seconds of waiting keep the process busy so that
    probes sent together reach the other pool processes too."""
    gazetteer = shared_gazetteer()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = cursor.fetchone()[0]
    time.sleep(hold)
    logger.warning(
        "probe pid=%s gazetteer_loaded_in=%s gazetteer_id=%s pooled=%s backend=%s",
        os.getpid(),
        getattr(tasks, "_gazetteer_loaded_in", None),
        id(gazetteer),
        getattr(connection, "pool", None) is not None,
        backend,
    )
