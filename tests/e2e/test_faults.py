"""Faults with real processes: a worker killed mid-parse, a database that goes away. Nothing is
lost, nothing stays stuck, nothing is parsed twice (incidents.services.outbox)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection

from incidents.models import Article
from incidents.services import article_ingest
from tests.conftest import _beat, _database_url_for_worker, _worker
from tests.support.slow_parse import MARKER

pytestmark = pytest.mark.e2e

PUBLISHED = dt.date(2023, 9, 4)
SLOW_FIRST_TRY = {
    "INCIDENTS_TEST_SLOW_PARSE_SECONDS": "600",
    "INCIDENTS_TEST_SLOW_FIRST_TRY_ONLY": "1",
    "PARSE_TIME_LIMIT": "600",
}


def _wait(predicate, seconds: float, what: str, log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} after {seconds} s" + (f"\n{log.read_text()[-4000:]}" if log else ""))


def _claimant_pid(article: Article) -> int:
    owner = Article.objects.values_list("claimed_by", flat=True).get(pk=article.pk)
    return int(owner.split(":")[1]) if owner else 0


def _drafts(article: Article) -> list[int]:
    return list(article.reports.order_by("sequence").values_list("sequence", flat=True))


def test_a_pool_process_killed_mid_parse_is_replaced_and_the_article_parsed_once(
    transactional_db, reference_data, tmp_path
):
    log = tmp_path / "worker.log"
    with _worker(log, env=SLOW_FIRST_TRY, args=("--include", "tests.support.slow_parse")):
        article = article_ingest(
            published=PUBLISHED,
            text=f"{MARKER} Gunmen killed two police officers in Kirkuk, Iraq, on Monday.",
        ).article
        pid = _wait(lambda: _claimant_pid(article), 30, "never claimed", log)
        os.kill(pid, signal.SIGKILL)
        # the lost message comes back at once (reject on worker lost); the claim's owner is dead
        _wait(lambda: Article.objects.get(pk=article.pk).status == "parsed", 60, "not parsed again", log)
    article.refresh_from_db()
    assert article.lost_parses == 1
    assert _drafts(article) == [0]


def test_a_whole_worker_killed_mid_parse_its_article_is_taken_back_by_the_dispatcher(
    transactional_db, reference_data, tmp_path
):
    first = tmp_path / "first.log"
    with _worker(first, env=SLOW_FIRST_TRY, args=("--include", "tests.support.slow_parse")) as proc:
        article = article_ingest(
            published=PUBLISHED, text=f"{MARKER} A car bomb exploded in Mogadishu, Somalia, on Friday."
        ).article
        _wait(lambda: _claimant_pid(article), 30, "never claimed", first)
        os.killpg(os.getpgid(proc.pid), signal.SIGKILL) if os.getpgid(proc.pid) != os.getpgrp() else None
        proc.kill()  # the main process and (below) its pool child: a machine lost, an OOM kill
        os.kill(_claimant_pid(article), signal.SIGKILL)
    assert Article.objects.get(pk=article.pk).status == "processing"
    second = tmp_path / "second.log"
    with _worker(second), _beat(tmp_path / "beat.log"):
        _wait(lambda: Article.objects.get(pk=article.pk).status == "parsed", 60, "still stuck", second)
    article.refresh_from_db()
    assert article.lost_parses == 1
    assert _drafts(article) == [0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: the outage is a cut TCP connection"
)
@pytest.mark.parametrize("pooled", [False, True], ids=["connections", "pooled-connections"])
def test_a_database_outage_delays_parses_but_loses_none(transactional_db, reference_data, tmp_path, pooled):
    """Also with the worker's connection pool (docker-compose.yml's workers): a query then waits
    DB_POOL_TIMEOUT seconds for the pool to reconnect before it fails."""
    from tests.support.faultproxy import FaultProxy

    url = _database_url_for_worker()
    target = urlsplit(url)
    proxy = FaultProxy(target.hostname, target.port or 5432)
    log = tmp_path / "worker.log"
    try:
        server = target.netloc.rpartition("@")[2]
        env = {"DATABASE_URL": url.replace(server, f"127.0.0.1:{proxy.port}", 1)}
        if pooled:
            env |= {"DB_POOL_MIN": "1", "DB_POOL_MAX": "1"}
        with _worker(log, env=env), _beat(tmp_path / "beat.log"):
            proxy.cut()
            texts = [
                f"Gunmen killed {n} villagers in Zamfara, Nigeria, on Sunday, police said."
                for n in range(2, 8)
            ]
            articles = [article_ingest(published=PUBLISHED, text=text).article for text in texts]
            # the worker meets the outage at its claims (at once; pooled, after two pool timeouts)
            _wait(lambda: "database unavailable" in log.read_text(), 30, "no outage met", log)
            time.sleep(3)
            proxy.restore()
            ids = [a.pk for a in articles]
            _wait(
                lambda: (
                    set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"parsed"}
                ),
                90,
                "not all parsed",
                log,
            )
    finally:
        proxy.close()
    for article in articles:
        assert _drafts(article) == [0], article.pk
