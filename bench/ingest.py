"""The pipeline's speed end to end beside the extractor's own, with 1, 2 and 4 worker processes.

    .venv/bin/python bench/ingest.py [--articles 400] [--workers 1,2,4] [--baseline REF]

For each tree (this one, and a baseline git ref in a worktree, in the same run) and each worker
count: a fresh PostgreSQL database (ingest_<tree>_<n>, migrated, reference data loaded) and Redis
db; the articles are uploaded through the API (runserver, a write token) while no worker runs, so
their parse messages wait in Redis; then one Celery worker with that many pool processes starts,
and the articles/s is the count over the time from the first parse's start to the last one's end
(read from the articles' own timestamps, so worker start-up is not counted). Also printed per
trial: the worker's memory once done (RSS and PSS, summed over its main and pool processes, from
/proc/<pid>/smaps_rollup), how many times the pool processes read the whole dictionary, and,
afterwards, the queries and milliseconds of a steady-state parse measured in-process on the same
database (article_parse under CaptureQueriesContext, the dictionary already loaded).

The extractor alone is the reference: the same texts through `incidents.extraction.extract` on
one core in this process (reference knowledge, the GeoNames gazetteer), best of 3 rounds.

The texts are the evaluation sets' articles (news, real and coder notes: ../shared/eval), read at
run time, never copied into the project; past their number they repeat with a marker line, so each
upload is a distinct article. The targets (issue 11): one worker process at least 70 % of the
extractor's speed; two processes at least 1.7 times one.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faults import _baseline_tree, _free_port, _wait_http  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432"
EVAL = ROOT.parent / "shared" / "eval"
SETS = ("news/dev.jsonl", "real/dev.jsonl", "dev.jsonl")
WORKER_ENV: dict[str, str] = {}  # worker settings given on the command line (--prefetch)

# Run in the tree's Django (manage.py shell): queries and time of steady-state parses.
PROBE = r"""
import json, time, datetime
from django.db import connection
from django.test.utils import CaptureQueriesContext
from incidents.models import Article
from incidents.services import article_ingest, article_parse, knowledge_load
texts = json.load(open(PATH))
knowledge_load()
ids = [article_ingest(published=datetime.date(2024, 5, 6), text=t, enqueue=False).article.pk for t in texts]
article_parse(ids[0])
counts, took = [], []
for pk in ids[1:]:
    with CaptureQueriesContext(connection) as q:
        started = time.perf_counter()
        article_parse(pk)
        took.append(time.perf_counter() - started)
    counts.append(len(q))
print(json.dumps({"queries": sum(counts) / len(counts), "ms": 1000 * sum(took) / len(took)}))
"""


def load_texts(count: int) -> list[dict]:
    rows = []
    for name in SETS:
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows.append(
                    {"text": r["text"], "title": r.get("title") or "", "published": r["published"][:10]}
                )
    out = []
    for i in range(count):
        row = dict(rows[i % len(rows)])
        if i >= len(rows):
            row["text"] += f"\n\n(bench copy {i // len(rows) + 1})"
        out.append(row)
    return out


def extractor_alone(texts: list[dict]) -> float:
    """Articles per second of the extractor by itself on one core, best of 3 rounds."""
    from incidents.extraction import extract, forget_sentences, load_reference_knowledge

    knowledge = load_reference_knowledge()
    extract("Gunmen killed two people in Kano on Monday.", datetime.date(2024, 5, 6), knowledge)
    best = 0.0
    for _ in range(3):
        forget_sentences()
        started = time.perf_counter()
        for row in texts:
            extract(row["text"], datetime.date.fromisoformat(row["published"]), knowledge, title=row["title"])
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


class Trial:
    """One tree, one worker count: its own database, Redis db, web server and worker."""

    def __init__(self, tree: Path, name: str, redis_db: int, logs: Path) -> None:
        self.tree, self.name, self.logs = tree, name, logs
        self.db, self.port, self.redis_db = f"ingest_{name}", _free_port(), redis_db
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_"))},
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DATABASE_URL": f"{PG}/{self.db}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "INCIDENTS_VAR_DIR": str(logs / f"var-{name}"),
            "API_THROTTLE_RATE": "1000000/min",
            "LOG_LEVEL": "INFO",
            **WORKER_ENV,
        }
        self.procs: dict[str, subprocess.Popen] = {}

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.tree, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{self.name}: manage.py {args[0]}:\n{done.stderr[-3000:]}")
        return done.stdout

    def setup(self) -> None:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db}"')
        subprocess.run(["redis-cli", "-n", str(self.redis_db), "FLUSHDB"], check=True, capture_output=True)
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("load_reference")
        self.manage("create_demo_user", "--username", "bench")
        self.token = self.manage("create_api_token", "bench", "--scope", "write").strip()
        self.start("web", "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload")
        _wait_http(f"http://127.0.0.1:{self.port}/accounts/login/", 60)

    def start(self, role: str, *args: str) -> None:
        log = open(self.logs / f"{self.name}-{role}.log", "a")  # noqa: SIM115 - the process's life
        self.procs[role] = subprocess.Popen(
            [sys.executable, *args], cwd=self.tree, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def upload(self, row: dict) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/articles/",
            data=json.dumps(row).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()

    def sql(self, query: str) -> list[tuple]:
        with psycopg.connect(f"{PG}/{self.db}") as conn:
            return conn.execute(query).fetchall()

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_trial(tree: Path, name: str, workers: int, texts: list[dict], logs: Path, probe: Path) -> dict:
    trial = Trial(tree, f"{name}_{workers}", 12, logs)
    try:
        trial.setup()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(trial.upload, texts))
        trial.start(
            "worker", "-m", "celery", "-A", "config", "worker", f"--concurrency={workers}", "--loglevel=INFO"
        )
        left = len(texts)
        deadline = time.monotonic() + 60 + 4 * len(texts)
        while left and time.monotonic() < deadline:
            time.sleep(1)
            left = trial.sql(
                "SELECT count(*) FROM incidents_article WHERE status IN ('queued','processing')"
            )[0][0]
        ((first, last, parsed, failed),) = trial.sql(
            "SELECT min(parse_started_at), max(parsed_at), count(*) FILTER (WHERE status='parsed'), "
            "count(*) FILTER (WHERE status='failed') FROM incidents_article"
        )
        memory = worker_memory(trial.procs["worker"].pid)
        reloads = count_reloads(logs / f"{trial.name}-worker.log")
        trial.stop()
        steady = json.loads(
            trial.manage("shell", "-c", f"PATH = {str(probe)!r}\n" + PROBE).strip().splitlines()[-1]
        )
        seconds = (last - first).total_seconds() if parsed else float("nan")
        return {
            "articles/s": parsed / seconds if parsed else 0.0,
            "parsed": parsed,
            "failed": failed,
            "left": left,
            "seconds": seconds,
            "rss_mb": memory[0],
            "pss_mb": memory[1],
            "reloads": reloads,
            "queries/parse": steady["queries"],
            "ms/parse": steady["ms"],
        }
    finally:
        trial.stop()


def worker_memory(pid: int) -> tuple[float, float]:
    """RSS and PSS in MB of a process and its children (the pool)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    rss = pss = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def count_reloads(log: Path) -> str:
    """Dictionary reloads, where the tree logs them ("-" if it does not)."""
    if not log.exists():
        return "-"
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if "knowledge: read all" in ln]
    return str(len(lines)) if lines else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--baseline", default="b1e779f", help="git ref to compare with, or 'none'")
    parser.add_argument("--prefetch", type=int, help="CELERY_WORKER_PREFETCH_MULTIPLIER for the workers")
    parser.add_argument(
        "--env", action="append", default=[], help="NAME=VALUE for the tree's processes (e.g. DB_POOL_MAX=1)"
    )
    parser.add_argument("--logs", help="keep the processes' logs in this folder (default: a temporary one)")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    WORKER_ENV.update(item.split("=", 1) for item in args.env)
    if args.prefetch:
        WORKER_ENV["CELERY_WORKER_PREFETCH_MULTIPLIER"] = str(args.prefetch)
    texts = load_texts(args.articles)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(texts)} articles; workers {counts}", flush=True)
    alone = extractor_alone(texts)
    print(f"extractor alone, one core: {alone:.1f} articles/s", flush=True)
    results: dict[str, dict[int, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="ingest-") as tmp:
        logs = Path(args.logs or tmp)
        logs.mkdir(parents=True, exist_ok=True)
        probe = logs / "probe.json"
        probe.write_text(json.dumps([r["text"] + "\n\n(probe)" for r in texts[:40]]))
        trees = {"this tree": ROOT}
        if args.baseline != "none":
            trees[f"baseline {args.baseline}"] = _baseline_tree(args.baseline, logs)
        try:
            for label, tree in trees.items():
                results[label] = {}
                for n in counts:
                    results[label][n] = run_trial(
                        tree, "new" if tree == ROOT else "base", n, texts, logs, probe
                    )
                    print(f"  {label}, {n} worker process(es): {results[label][n]}", flush=True)
        finally:
            for tree in trees.values():
                if tree != ROOT:
                    subprocess.run(
                        ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True
                    )
    report(results, alone)


def report(results: dict[str, dict[int, dict]], alone: float) -> None:
    print(f"\nextractor alone: {alone:.1f} articles/s (one core)")
    columns = ("articles/s", 11), ("x alone", 9), ("x one", 7), ("q/parse", 9), ("ms/parse", 10)
    columns += ("RSS MB", 8), ("PSS MB", 8), ("reloads", 8)
    header = f"{'':34}" + "".join(f"{name:>{width}}" for name, width in columns)
    print(header)
    for label, by_count in results.items():
        one = by_count.get(1, {}).get("articles/s")
        for n, r in by_count.items():
            rate = r["articles/s"]
            scale = f"{rate / one:.2f}" if one else "-"
            print(
                f"{label + f', {n} process(es)':34}{rate:>11.1f}{rate / alone:>9.2f}{scale:>7}"
                f"{r['queries/parse']:>9.1f}{r['ms/parse']:>10.1f}{r['rss_mb']:>8.0f}{r['pss_mb']:>8.0f}{r['reloads']:>8}"
            )


if __name__ == "__main__":
    main()
