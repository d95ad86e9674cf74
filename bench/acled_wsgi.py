"""The tree's WSGI application, counting its SQL queries for bench/acled.py.

gunicorn runs `acled_wsgi:application` with this directory on PYTHONPATH and the measured tree as
its working directory, so the same counter serves this tree and the baseline. Every query the
server runs appends one line to $BENCH_QUERY_LOG; the bench counts the lines a request added.
"""

from __future__ import annotations

import os

from django.db import connections
from django.db.backends.signals import connection_created

from config.wsgi import application as django_application

_LOG = os.environ["BENCH_QUERY_LOG"]


def _count(execute, sql, params, many, context):
    with open(_LOG, "a") as log:
        log.write("q\n")
    return execute(sql, params, many, context)


def _install(sender, connection, **kwargs) -> None:
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


connection_created.connect(_install)
for _connection in connections.all(initialized_only=True):
    _install(None, _connection)

application = django_application
