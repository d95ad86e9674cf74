"""Celery's Django fix-up, changed so that a worker's pooled database connections are kept.

Celery's own fix-up (5.5 to 5.7 at least; celery/celery#10554) closes a prefork pool process's
whole connection pool (settings.DB_POOL) before and after every task, so each task opens new
connections and the pool pools nothing. Here a task's end gives its connection back to the pool,
as the end of a web request does; the pool is closed when the pool process exits. The rest is
Celery's: a pool process drops whatever it inherited at start. Without DB_POOL a task's ends treat
its connection as a web request's do: kept for CONN_MAX_AGE unless it is broken (Celery closes it
at every task, and a new PostgreSQL connection costs about as much as a parse's own queries).
"""

from __future__ import annotations

import os
from typing import Any

from celery import signals
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup


class PoolKeepingWorkerFixup(DjangoWorkerFixup):
    """DjangoWorkerFixup whose task boundaries return pooled connections instead of closing pools."""

    def install(self) -> PoolKeepingWorkerFixup:
        super().install()
        signals.worker_process_shutdown.connect(self.on_worker_process_shutdown)
        # the main process forks the pool processes: it must hold no connection pool then either
        self._close_database()
        return self

    def close_database(self, **kwargs: Any) -> None:
        pooled = self._pooled()
        for conn in self._db.connections.all(initialized_only=True):
            try:
                if pooled:
                    conn.close()  # back to the pool, which checks it before handing it out again
                else:
                    # as at a web request's ends: kept for CONN_MAX_AGE unless broken or in error
                    # (Celery closes it at every task, a new PostgreSQL connection per parse)
                    conn.close_if_unusable_or_obsolete()
            except self.interface_errors:
                pass
            except self.DatabaseError as exc:
                if "closed" not in str(exc) and "not connected" not in str(exc):
                    raise
        return None

    def on_worker_process_shutdown(self, **kwargs: Any) -> None:
        """A pool process that exits (replaced, or the worker stopping) closes its pool's connections."""
        if self._pooled():
            self._close_database()

    def _pooled(self) -> bool:
        return bool(self._settings.DATABASES.get("default", {}).get("OPTIONS", {}).get("pool"))


class PoolKeepingDjangoFixup(DjangoFixup):
    """DjangoFixup that installs PoolKeepingWorkerFixup in a worker."""

    @property
    def worker_fixup(self) -> DjangoWorkerFixup:
        if self._worker_fixup is None:
            self._worker_fixup = PoolKeepingWorkerFixup(self.app)
        return self._worker_fixup

    @worker_fixup.setter
    def worker_fixup(self, value: DjangoWorkerFixup) -> None:
        self._worker_fixup = value


def fixup(app: Any, env: str = "DJANGO_SETTINGS_MODULE") -> DjangoFixup | None:
    """Celery's `fixups=` entry point, as celery.fixups.django.fixup with PoolKeepingDjangoFixup."""
    if os.environ.get(env) and "django" not in app.loader_cls.lower():
        return PoolKeepingDjangoFixup(app).install()
    return None
