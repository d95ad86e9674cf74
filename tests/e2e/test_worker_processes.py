"""A real prefork worker with several pool processes: the gazetteer is loaded once, in the main
process, before the pool forks, and every pool process (a replacement too) parses with that copy;
pooled database connections are kept from task to task; workers run behind a real PgBouncer in
transaction pooling mode, as docker-compose.yml runs them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from incidents.models import Article, Incident, Report
from incidents.services import article_ingest, article_parse
from tests.conftest import ROOT, _database_url_for_worker, _worker
from tests.support.pgbouncer import pgbouncer
from tests.support.worker_probe import probe

pytestmark = pytest.mark.e2e

PROBE = ("--include", "tests.support.worker_probe")
PROBE_LINE = re.compile(
    r"probe pid=(\d+) gazetteer_loaded_in=(\w+) gazetteer_id=(\d+) pooled=(\w+) backend=(\d+)"
)
LOADED_IN_MAIN = re.compile(r"gazetteer loaded in the main process \(pid (\d+)\)")
PUBLISHED = dt.date(2023, 9, 4)
# places the GeoNames gazetteer knows and the shipped reference places do not
TEXTS = [
    "Gunmen killed four farmers in Konduga, Nigeria, on Friday, residents said.",
    "Two civilians were killed by shelling in Kupiansk, Ukraine, on Tuesday, officials said.",
    "A roadside bomb killed three soldiers near Baiji, Iraq, on Sunday.",
]
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: connection pools and PgBouncer"
)
ROW_FIELDS = ("sequence", "incident__country_id", "incident__admin1", "incident__location_name",
              "incident__latitude", "incident__longitude", "incident__fatalities_best",
              "incident__event_type", "incident__sub_event_type", "facts")  # fmt: skip


def _wait(predicate, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} after {seconds} s\n{log.read_text()[-4000:]}")


def _probes(log: Path) -> list[dict]:
    keys = ("pid", "loaded_in", "gazetteer", "pooled", "backend")
    return [dict(zip(keys, match, strict=True)) for match in PROBE_LINE.findall(log.read_text())]


def _received(log: Path) -> int:
    return len(re.findall(r"worker_probe\.probe\[[-0-9a-f]+\] received", log.read_text()))


def _run_probes(log: Path, n: int, hold: float) -> list[dict]:
    """Send n probes (each keeps its process busy `hold` s, so they spread over the pool) and
    return the reports of these n."""
    before = len(_probes(log))
    for _ in range(n):
        probe.delay(hold)
    _wait(lambda: len(_probes(log)) >= before + n, 60, f"{n} probes not all answered", log)
    return _probes(log)[before:]


def _parse(texts: list[str], log: Path) -> list[int]:
    ids = [article_ingest(published=PUBLISHED, text=text).article.pk for text in texts]
    done = lambda: set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"parsed"}  # noqa: E731
    _wait(done, 90, "not all parsed", log)
    return ids


def _rows(ids: list[int]) -> list[tuple]:
    """Each article's reports, with the incident each is in (articles of one event share it)."""
    return list(
        Report.objects.filter(article__in=ids).order_by("article", "sequence").values_list(*ROW_FIELDS)
    )


def test_pool_processes_share_the_gazetteer_loaded_before_fork_even_a_replaced_one(
    transactional_db, reference_data, tmp_path
):
    log = tmp_path / "worker.log"
    with _worker(log, args=("--concurrency=2", *PROBE)) as proc:
        text = log.read_text()
        assert [int(pid) for pid in LOADED_IN_MAIN.findall(text)] == [proc.pid]
        assert "gazetteer loaded in the pool process" not in text
        assert text.count(f"gazetteer inherited from the main process (pid {proc.pid})") == 2

        reports = _run_probes(log, 4, hold=1.0)
        children = {r["pid"] for r in reports}
        assert len(children) == 2 and str(proc.pid) not in children
        # every pool process holds the main process's gazetteer: loaded there, the same object
        assert {r["loaded_in"] for r in reports} == {str(proc.pid)}
        assert len({r["gazetteer"] for r in reports}) == 1
        ids = _parse(TEXTS[:2], log)

        # a pool process dies mid-task (the out-of-memory killer, say): both are busy, one is killed
        taken = _received(log)
        for _ in range(2):
            probe.delay(4.0)
        _wait(lambda: _received(log) >= taken + 2, 30, "the probes were not taken", log)
        time.sleep(0.5)
        os.kill(int(sorted(children)[0]), signal.SIGKILL)
        inherited = f"gazetteer inherited from the main process (pid {proc.pid})"
        _wait(lambda: log.read_text().count(inherited) == 3, 30, "the killed process was not replaced", log)
        after = _run_probes(log, 4, hold=1.0)
        replacement = {r["pid"] for r in after} - children
        assert len(replacement) == 1, after
        assert {r["loaded_in"] for r in after} == {str(proc.pid)}
        assert {r["gazetteer"] for r in after} == {reports[0]["gazetteer"]}
        ids += _parse(TEXTS[2:], log)
        assert len(LOADED_IN_MAIN.findall(log.read_text())) == 1
        assert "gazetteer loaded in the pool process" not in log.read_text()

    # the same drafts as a parse in this process, with a gazetteer of its own
    by_worker = _rows(ids)
    assert {row[2] for row in by_worker} >= {"Borno", "Kharkiv"} and all(row[4] for row in by_worker)
    Article.objects.filter(pk__in=ids).update(status=Article.Status.QUEUED)
    assert [article_parse(pk) for pk in ids] == ["parsed"] * len(ids)
    assert _rows(ids) == by_worker


def _backends_alive(backends: set[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [[int(b) for b in backends]]
        )
        return cursor.fetchone()[0]


@POSTGRES_ONLY
def test_a_pooled_worker_keeps_each_pool_process_connection_from_task_to_task(
    transactional_db, reference_data, tmp_path
):
    log = tmp_path / "worker.log"
    # one task at a time per pool process: one connection (a second would be opened only while
    # the first is still connecting, and then the two taken in turn)
    env = {"DB_POOL_MIN": "1", "DB_POOL_MAX": "1"}
    with _worker(log, env=env, args=("--concurrency=2", *PROBE)):
        reports = _run_probes(log, 6, hold=0.5) + _run_probes(log, 6, hold=0.5)
        _parse(TEXTS[:1], log)
        reports += _run_probes(log, 6, hold=0.5)
        assert {r["pooled"] for r in reports} == {"True"}
        by_process: dict[str, set[str]] = {}
        for report in reports:
            by_process.setdefault(report["pid"], set()).add(report["backend"])
        assert len(by_process) == 2
        # Celery alone would close the pool after every task: a new server connection each time
        assert all(len(backends) == 1 for backends in by_process.values()), by_process
        backends = set().union(*by_process.values())
        assert _backends_alive(backends) == 2
    # a pool process that exits closes its pool: no server connection is left behind
    _wait(lambda: _backends_alive(backends) == 0, 15, "the pooled connections outlived the worker", log)


@POSTGRES_ONLY
@pytest.mark.parametrize(("max_age", "kept"), [("60", True), ("0", False)])
def test_an_unpooled_worker_keeps_its_connection_for_conn_max_age(
    transactional_db, reference_data, tmp_path, max_age, kept
):
    log = tmp_path / "worker.log"
    with _worker(log, env={"DB_CONN_MAX_AGE": max_age}, args=("--concurrency=1", *PROBE)):
        reports = _run_probes(log, 4, hold=0.2)
        _parse(TEXTS[:1], log)
        reports += _run_probes(log, 4, hold=0.2)
    backends = {r["backend"] for r in reports}
    assert {r["pooled"] for r in reports} == {"False"}
    # Celery alone closes the connection after every task: a new server connection each time
    assert (len(backends) == 1) is kept, backends


def _export_digest(env: dict[str, str] | None = None) -> dict:
    """The CSV export (PostgreSQL's COPY) and the chunked read the GeoJSON export uses, in a process
    of their own: digests to compare, and whether JIT was left off on the connection after."""
    code = (
        "import hashlib, json; from django.db import connection; from incidents.models import Incident; "
        "from incidents.api.csv_copy import copy_csv; from incidents.api.acled_columns import linked_chunks; "
        "csv = b''.join(copy_csv(Incident.objects.all())); "
        "ids = [i.pk for i in linked_chunks(Incident.objects.order_by('pk'), 2)]; "
        "c = connection.cursor(); c.execute('SHOW jit'); "
        "print(json.dumps({'csv': hashlib.sha256(csv).hexdigest(), 'ids': ids, 'jit': c.fetchone()[0]}))"
    )
    base = {**os.environ, "DATABASE_URL": _database_url_for_worker(), "DB_CONN_MAX_AGE": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env={**base, **(env or {})},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@POSTGRES_ONLY
def test_workers_and_exports_work_behind_pgbouncer_in_transaction_pooling(
    transactional_db, reference_data, tmp_path
):
    server = connection.settings_dict
    with pgbouncer(server, tmp_path / "pgbouncer.log") as port:
        url = _database_url_for_worker().replace(f"{server['HOST']}:{server['PORT']}", f"127.0.0.1:{port}")
        assert f":{port}/" in url
        behind = {"DATABASE_URL": url, "DB_DISABLE_SERVER_SIDE_CURSORS": "1"}
        log = tmp_path / "worker.log"
        with _worker(
            log, env={**behind, "DB_POOL_MIN": "1", "DB_POOL_MAX": "1"}, args=("--concurrency=2", *PROBE)
        ):
            ids = _parse(TEXTS, log)
            reports = _run_probes(log, 4, hold=0.5)
        assert {r["pooled"] for r in reports} == {"True"}
        assert all(row[4] for row in _rows(ids))
        through_pgbouncer = _export_digest(behind)
    direct = _export_digest()
    assert through_pgbouncer["ids"] == direct["ids"] == sorted(Incident.objects.values_list("pk", flat=True))
    assert len(direct["ids"]) >= 3
    assert through_pgbouncer["csv"] == direct["csv"]
    # the export turned JIT off for its COPY only: nothing stays set on a connection others share
    assert through_pgbouncer["jit"] == direct["jit"]
