"""Bulk re-extraction of 100,000 articles: time to enqueue, parse rate, and how long fresh uploads
made meanwhile wait; this tree beside a baseline tree (a git ref) in the same run, on the same data.

    .venv/bin/python bench/reextract.py [--baseline REF] [--articles 100000] [--window 150]

Each tree in turn gets the PostgreSQL database rx_db (dropped and migrated afresh) and Redis db 7
(emptied), a Celery worker with 2 pool processes (this tree's reads `-Q celery,bulk`, as `serve`
and docker-compose run it; the baseline's its default queue) and Celery beat (the outbox, every
OUTBOX_INTERVAL = 10 s). The articles are short synthetic news reports written here, COPYed in
"parsed" by an older extractor. Then `manage.py reextract --all` runs, and:

- enqueue: the command's time. The baseline's is stopped when the measured window ends; what it
  queued by then (articles it touched) gives its rate, and the time for all is extrapolated.
- parse rate: articles parsed a second over --window seconds, from 15 s after the command started
  (a window of the run: the whole of it would take too long at these rates; the rate gives the
  time for all).
- fresh uploads: 20 texts through `article_ingest` (the upload's service path, in a process of the
  tree), spread over the window; from each one's creation to its parse: median and max. One not
  parsed 60 s after the window counts with the time it had waited ("> N s").
- the broker: messages waiting in Redis (both queues), the most seen in samples every 5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
DB = "rx_db"
REDIS_DB = "7"
UPLOADS = 20
FRESH = "[fresh upload]"
PLACES = [
    ("Gao", "Mali"), ("Mopti", "Mali"), ("Kidal", "Mali"), ("Maiduguri", "Nigeria"), ("Kano", "Nigeria"),
    ("Zamfara", "Nigeria"), ("Kirkuk", "Iraq"), ("Mosul", "Iraq"), ("Baidoa", "Somalia"),
    ("Kismayo", "Somalia"), ("Idlib", "Syria"), ("Deir ez-Zor", "Syria"), ("Goma", "DR Congo"),
    ("Beni", "DR Congo"), ("Djibo", "Burkina Faso"), ("Tillaberi", "Niger"),
]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
REPORTS = [
    "Gunmen killed {n} villagers in {place}, {country}, on {day}, police said. They fled on motorbikes.",
    "A roadside bomb killed {n} soldiers near {place}, {country}, on {day}, the army said in a statement.",
    "Militants attacked a checkpoint in {place}, {country}, on {day}, killing {n} police officers.",
    "At least {n} people were killed when a car bomb exploded at a market in {place}, {country}, on {day}.",
    "Security forces clashed with armed men near {place}, {country}, on {day}; {n} fighters were killed.",
    "Protesters gathered in {place}, {country}, on {day} to demand security; {n} were injured by police.",
    "An air strike hit a village near {place}, {country}, on {day}, killing {n} civilians, residents said.",
    "Unidentified gunmen abducted {n} aid workers on the road to {place}, {country}, on {day}.",
]


def report_text(i: int) -> str:
    place, country = PLACES[i % len(PLACES)]
    body = REPORTS[i % len(REPORTS)].format(n=2 + i % 11, place=place, country=country, day=DAYS[i % 7])
    return f"{body} (wire {i})"


@dataclass
class Result:
    enqueue_s: float = 0.0
    enqueue_done: bool = True
    queued: int = 0
    parse_rate: float = 0.0
    latencies: list[float] = field(default_factory=list)
    unparsed: list[float] = field(default_factory=list)
    broker_max: int = 0
    notes: list[str] = field(default_factory=list)


class Tree:
    """One tree's processes on rx_db and Redis db 7."""

    def __init__(self, path: Path, name: str, logs: Path, two_queues: bool) -> None:
        self.path, self.name, self.logs, self.two_queues = path, name, logs, two_queues
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_"))},
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DATABASE_URL": f"{PG.replace('postgresql', 'postgres')}/{DB}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "INCIDENTS_VAR_DIR": str(logs / f"var-{name}"),
            "LOG_LEVEL": "WARNING",
        }
        self.procs: dict[str, subprocess.Popen] = {}

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.path, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{self.name}: manage.py {' '.join(args)}:\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self, role: str, *args: str, stdin=None) -> subprocess.Popen:
        log = open(self.logs / f"{self.name}-{role}.log", "a")  # noqa: SIM115 - the process's life
        self.procs[role] = subprocess.Popen(
            [sys.executable, *args],
            cwd=self.path,
            env=self.env,
            stdin=stdin,
            stdout=subprocess.PIPE if stdin else log,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        return self.procs[role]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
            proc.wait()


def setup(tree: Tree, count: int) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    subprocess.run(["redis-cli", "-n", REDIS_DB, "FLUSHDB"], check=True, capture_output=True)
    tree.manage("migrate", "--noinput")
    tree.manage("load_reference")
    started = time.monotonic()
    now = datetime.now(UTC)
    columns = (
        "title, text, original_file, file_name, url, published, content_hash, status, error, "
        "extractor_version, created_at, updated_at, parsed_at, claimed_by, dispatch_count, lost_parses"
    )
    with (
        psycopg.connect(f"{PG}/{DB}") as conn,
        conn.cursor().copy(f"COPY incidents_article ({columns}) FROM STDIN") as copy,
    ):
        for i in range(count):
            text = report_text(i)
            made = now - timedelta(seconds=count - i)
            digest = hashlib.sha256(text.encode()).hexdigest()
            copy.write_row(
                (text[:80], text, "", "", "", date(2024, 6, 1), digest, "parsed", "", "0.0.1",
                 made, made, made, "", 0, 0)
            )  # fmt: skip
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE incidents_article")
    print(f"  {tree.name}: {count} articles stored in {time.monotonic() - started:.1f} s", flush=True)


def start_workers(tree: Tree) -> None:
    queues = ("-Q", "celery,bulk") if tree.two_queues else ()
    tree.start(
        "worker", "-m", "celery", "-A", "config", "worker", *queues, "--concurrency=2", "--loglevel=INFO"
    )
    schedule = tree.logs / f"{tree.name}-beat.schedule"
    tree.start("beat", "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING", f"--schedule={schedule}")
    log = tree.logs / f"{tree.name}-worker.log"
    deadline = time.monotonic() + 90
    while " ready." not in (log.read_text() if log.exists() else ""):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{tree.name}: the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


UPLOADER = """
import datetime as dt, sys
from incidents.services import article_ingest
for line in sys.stdin:
    print(article_ingest(published=dt.date(2024, 6, 3), text=line.strip()).article.pk, flush=True)
"""


def sql(query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(f"{PG}/{DB}") as conn:
        return conn.execute(query, params).fetchall()


def broker_depth() -> int:
    total = 0
    for queue in ("celery", "bulk"):
        out = subprocess.run(["redis-cli", "-n", REDIS_DB, "LLEN", queue], capture_output=True, text=True)
        total += int(out.stdout.strip() or 0)
    return total


def run(tree: Tree, count: int, window: float) -> Result:
    result = Result()
    setup(tree, count)
    start_workers(tree)
    uploader = tree.start("uploader", "manage.py", "shell", "-v", "0", "-c", UPLOADER, stdin=subprocess.PIPE)
    t0 = datetime.now(UTC)
    start = time.monotonic()
    enqueue = tree.start("enqueue", "manage.py", "reextract", "--all")
    window_end = start + 15 + window
    upload_at = [start + 20 + i * (window - 10) / UPLOADS for i in range(UPLOADS)]
    fresh_ids: list[int] = []
    next_sample = start
    while time.monotonic() < window_end:
        now = time.monotonic()
        if result.enqueue_s == 0 and enqueue.poll() is not None:
            result.enqueue_s = now - start
        if upload_at and now >= upload_at[0]:
            upload_at.pop(0)
            uploader.stdin.write(f"{FRESH} {report_text(count + len(fresh_ids) * 7 + 3)}\n")
            uploader.stdin.flush()
            fresh_ids.append(int(uploader.stdout.readline()))
        if now >= next_sample:
            result.broker_max = max(result.broker_max, broker_depth())
            next_sample = now + 5
        time.sleep(0.05)
    if result.enqueue_s == 0:
        result.enqueue_s, result.enqueue_done = time.monotonic() - start, False
        os.killpg(enqueue.pid, 9)
    measured = sql(
        "SELECT count(*) FROM incidents_article "
        "WHERE parsed_at >= %s AND parsed_at < %s AND text NOT LIKE %s",
        (t0 + timedelta(seconds=15), t0 + timedelta(seconds=15 + window), f"{FRESH}%"),
    )[0][0]
    result.parse_rate = measured / window
    result.queued = sql(
        "SELECT count(*) FROM incidents_article WHERE updated_at >= %s AND text NOT LIKE %s",
        (t0, f"{FRESH}%"),
    )[0][0]
    _fresh_latencies(fresh_ids, result)
    if tree.two_queues:
        result.notes.append(tree.manage("reextract", "--status").strip())
    return result


def _fresh_latencies(ids: list[int], result: Result) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not sql("SELECT 1 FROM incidents_article WHERE id = ANY(%s) AND parsed_at IS NULL", (ids,)):
            break
        time.sleep(1)
    rows = sql(
        "SELECT EXTRACT(EPOCH FROM parsed_at - created_at), EXTRACT(EPOCH FROM now() - created_at) "
        "FROM incidents_article WHERE id = ANY(%s)",
        (ids,),
    )
    for parsed, waited in rows:
        if parsed is None:
            result.unparsed.append(float(waited))
        else:
            result.latencies.append(float(parsed))


def baseline_tree(ref: str, into: Path) -> Path:
    tree = into / "baseline"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), ref], cwd=ROOT, check=True, capture_output=True
    )
    return tree


def describe(result: Result, count: int) -> dict[str, str]:
    enqueue = f"{result.enqueue_s:.1f} s"
    if not result.enqueue_done:
        rate = result.queued / result.enqueue_s
        enqueue = (
            f"stopped at {result.enqueue_s:.0f} s with {result.queued} queued ({rate:.0f}/s): "
            f"all {count} in ~{count / rate / 60:.0f} min"
        )
    lat = result.latencies
    latency = f"{statistics.median(lat):.2f} s / {max(lat):.2f} s" if lat else "-"
    if result.unparsed:
        latency += f"; {len(result.unparsed)} not parsed (waited > {min(result.unparsed):.0f} s)"
    time_all = f"~{count / result.parse_rate / 60:.0f} min" if result.parse_rate else "-"
    return {
        "enqueue (reextract --all)": enqueue,
        "parse rate (articles/s)": f"{result.parse_rate:.1f} (all {count}: {time_all})",
        "fresh uploads parsed": f"{len(lat)} of {len(lat) + len(result.unparsed)}",
        "upload to parsed, median / max": latency,
        "broker messages, most seen": str(result.broker_max),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="e1cde5e", help="git ref to compare with, or 'none'")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--window", type=float, default=150.0, help="seconds of the run measured")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.articles} articles; window {args.window:.0f} s")
    columns: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="bench-reextract-") as tmp:
        logs = Path(tmp)
        trees = [("this tree", ROOT, True)]
        if args.baseline != "none":  # first: rx_db is left with this tree's run, to look into
            trees.insert(0, (f"baseline {args.baseline}", baseline_tree(args.baseline, logs), False))
        try:
            for label, path, two_queues in trees:
                tree = Tree(path, label.split()[0], logs, two_queues)
                try:
                    columns[label] = run(tree, args.articles, args.window)
                finally:
                    tree.stop()
                print(f"  {label}: {columns[label]}", flush=True)
        finally:
            if args.baseline != "none":
                subprocess.run(["git", "worktree", "remove", "--force", str(logs / "baseline")], cwd=ROOT)
    table = {label: describe(result, args.articles) for label, result in reversed(columns.items())}
    for label in next(iter(table.values())):
        print(f"{label:32}" + " | ".join(f"{cells[label]:50}" for cells in table.values()))
    for label, result in columns.items():
        for note in result.notes:
            print(f"\n{label}, reextract --status at the end of the window:\n{note}")


if __name__ == "__main__":
    main()
