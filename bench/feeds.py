"""Feeds at scale: 200 local feeds of 20 items each, polled by beat and a real worker, every item's
page fetched, read and parsed; beside a baseline measured in the same run.

    .venv/bin/python bench/feeds.py [--feeds 200] [--items 20] [--workers 2]

A news site on 127.0.0.1 (tests/support/news_site.py: pages shaped like a real outlet's, made-up
stories) serves the feeds and pages. A fresh PostgreSQL database (bench_feeds) and Redis db 13;
the feeds are added, then one Celery worker (`--workers` pool processes) and Celery beat start
(FEEDS_INTERVAL 1 s), as `make run` starts them. Printed:

- wall time from the start to the last article parsed; polls done; articles fetched per second
  (from the articles' own fetch times) and parsed per second;
- peak memory (RSS and PSS, main process and pool) of the worker and of beat, sampled every 0.5 s;
- a second round: every feed polled again (conditional requests: nothing new), its wall time;
- the baseline, run first on a fresh database: the same stories uploaded as text (no feed, no
  fetch), parsed by the same worker: articles parsed per second, so the cost of polling, fetching
  and reading pages shows beside it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import worker_memory  # noqa: E402
from tests.support.news_site import NewsSite, items  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432"
DB = "bench_feeds"
REDIS_DB = 13

ADD_FEEDS = """
from incidents.services.feeds import feed_save
for i, url in enumerate(URLS):
    feed_save(url=url, name=f"Feed {i}", publisher=f"Outlet {i % 40}", scale="national", interval=600)
"""
UPLOAD_TEXTS = """
from incidents.services import article_ingest
from tests.support.news_site import items
for item in items(0, TOTAL):
    text = "\\n\\n".join(item.paragraphs)
    article_ingest(published=item.published.date(), text=text, title=item.title)
"""
REPOLL = """
from django.utils import timezone
from incidents.models import Feed
Feed.objects.update(next_poll_at=timezone.now())
"""


class Processes:
    def __init__(self, logs: Path, workers: int) -> None:
        self.logs, self.workers = logs, workers
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_"))},
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": f"{PG}/{DB}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "INCIDENTS_VAR_DIR": str(logs / "var"),
            "FETCH_ALLOWED_HOSTS": "127.0.0.1",
            "FEEDS_INTERVAL": "1",
            "OUTBOX_INTERVAL": "2",
            "LOG_LEVEL": "WARNING",
        }
        self.procs: dict[str, subprocess.Popen] = {}
        self.peak: dict[str, tuple[float, float]] = {}
        self._stop = threading.Event()

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]}:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def setup(self) -> None:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB}"')
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], check=True, capture_output=True)
        self.manage("migrate", "--noinput")
        self.manage("load_reference")

    def start(self) -> None:
        for role, args in (
            ("worker", ("worker", f"--concurrency={self.workers}", "--loglevel=WARNING")),
            ("beat", ("beat", "--loglevel=WARNING", f"--schedule={self.logs / 'beat-schedule'}")),
        ):
            log = open(self.logs / f"{role}.log", "a")  # noqa: SIM115 - the process's life
            self.procs[role] = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            for role, proc in self.procs.items():
                rss, pss = worker_memory(proc.pid)
                old = self.peak.get(role, (0.0, 0.0))
                self.peak[role] = (max(old[0], rss), max(old[1], pss))
            time.sleep(0.5)

    def sql(self, query: str) -> list[tuple]:
        with psycopg.connect(f"{PG}/{DB}") as conn:
            return conn.execute(query).fetchall()

    def wait(self, query: str, target: int, seconds: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if self.sql(query)[0][0] >= target:
                return time.monotonic() - started
            time.sleep(0.5)
        raise RuntimeError(f"timed out: {query} < {target}; see {self.logs}")

    def stop(self) -> None:
        self._stop.set()
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def baseline(logs: Path, workers: int, total: int) -> float:
    """Articles parsed per second when the same stories are uploaded as text (no fetch, no feed),
    on a fresh database, by the same worker: what fetching and reading pages add shows beside it."""
    run = Processes(logs / "baseline", workers)
    (logs / "baseline").mkdir()
    try:
        run.setup()
        run.start()
        run.shell(f"TOTAL = {total}\n" + UPLOAD_TEXTS)
        run.wait("SELECT count(*) FROM incidents_article WHERE status IN ('parsed','failed')", total, 3600)
        ((first, last, parsed),) = run.sql(
            "SELECT min(parse_started_at), max(parsed_at), count(*) FILTER (WHERE status='parsed') "
            "FROM incidents_article"
        )
        return parsed / (last - first).total_seconds()
    finally:
        run.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    total = args.feeds * args.items
    logs = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    baseline_rate = baseline(logs, args.workers, total)
    with NewsSite() as site:
        urls = [
            site.add_feed(
                f"/feeds/{f}.xml", items(f * args.items, args.items), kind="rss" if f % 2 else "atom"
            )
            for f in range(args.feeds)
        ]
        run = Processes(logs, args.workers)
        try:
            run.setup()
            run.shell(f"URLS = {urls!r}\n" + ADD_FEEDS)
            started = time.monotonic()
            run.start()
            finished = (
                "SELECT count(*) FROM incidents_article WHERE status IN ('parsed','failed','duplicate')"
            )
            polled = run.wait(
                "SELECT count(*) FROM incidents_feed WHERE last_polled_at IS NOT NULL", args.feeds, 600
            )
            run.wait(finished, total, 3600)
            wall = time.monotonic() - started
            ((first, last, fetched, parsed, failed),) = run.sql(
                "SELECT min(fetched_at), max(fetched_at), count(fetched_at), "
                "count(*) FILTER (WHERE status='parsed'), count(*) FILTER (WHERE status='failed') "
                "FROM incidents_article"
            )
            ((p_first, p_last),) = run.sql(
                "SELECT min(parse_started_at), max(parsed_at) FROM incidents_article"
            )
            fetch_rate = fetched / (last - first).total_seconds()
            parse_rate = parsed / (p_last - p_first).total_seconds()
            peak = dict(run.peak)
            run.shell(REPOLL)
            repoll_start = time.monotonic()
            run.wait(
                "SELECT count(*) FROM incidents_feed WHERE last_status = 'not_modified'", args.feeds, 600
            )
            repoll = time.monotonic() - repoll_start
        finally:
            run.stop()
    print(f"{args.feeds} feeds x {args.items} items = {total} articles; worker {args.workers} processes")
    print(f"  all feeds polled once after     {polled:7.1f} s (beat and the worker started at 0)")
    print(f"  last article parsed after       {wall:7.1f} s")
    print(f"  fetched {fetched}, parsed {parsed}, failed {failed}")
    print(f"  pages fetched per second        {fetch_rate:7.1f}")
    print(f"  fetched articles parsed per s   {parse_rate:7.1f}   (fetch, read and parse, one task each)")
    print(f"  baseline: same texts uploaded   {baseline_rate:7.1f} parsed per s (fresh database, no fetch)")
    print(f"  second round (all not modified) {repoll:7.1f} s for {args.feeds} feeds")
    for role in ("worker", "beat"):
        rss, pss = peak.get(role, (0, 0))
        print(f"  peak memory {role:6}  RSS {rss:6.0f} MB  PSS {pss:6.0f} MB")
    print(f"  logs: {logs}")


if __name__ == "__main__":
    main()
