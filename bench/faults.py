"""Faults on the real pipeline: what is lost, stuck or parsed twice when workers die, the broker goes
away or the database goes away; this tree beside a baseline tree (a git ref) in the same run.

    .venv/bin/python bench/faults.py [--baseline REF] [--trials kills,broker,database] [--quick]

Each tree gets its own PostgreSQL database (faults_<tree>, dropped and migrated afresh) and Redis db,
reached through fault proxies (tests/support/faultproxy.py) that the bench cuts to make an outage;
the web server (runserver), a Celery worker (one pool process) and Celery beat run as real processes
of that tree. Uploads go through the API with a write token. The trials, after the issue's reports:

- kills: 100 uploads while the worker is killed with SIGKILL (main process and pool child) 30 times,
  a second apart, and started again, as a supervisor would; counted 2 minutes after the last kill.
- broker: the broker cut for 60 s while 20 uploads arrive; counted 60 s after it is back.
- database: 30 uploads queued, then the database cut for 45 s; counted 2 minutes after it is back.

Counted: uploads answered 5xx, articles lost (answered but never parsed and not queued for a
parse: no message and, where there is one, no outbox entry), stuck (queued or processing at the end),
parsed, failed, parsed more than once (an article whose drafts were written twice: more creation
records in the incident history than incidents), and the slowest upload answer. The baseline
defaults to the commit before the outbox (104e8fe); `--baseline none` runs this tree alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.faultproxy import FaultProxy  # noqa: E402

PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
PLACES = ["Kano", "Maiduguri", "Gao", "Mopti", "Kirkuk", "Mosul", "Baidoa", "Kismayo", "Zamfara", "Katsina"]
VERBS = [
    "Gunmen killed {n} villagers in {place} on {day}, police said.",
    "A roadside bomb killed {n} soldiers near {place} on {day}, the army said.",
    "Militants attacked a checkpoint in {place} on {day}, killing {n} police officers.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def article_texts(count: int, salt: str) -> list[str]:
    """Distinct short reports (distinct texts: the API stores one article per text)."""
    return [
        VERBS[i % 3].format(n=2 + i % 9, place=PLACES[i % 10], day=DAYS[i % 7]) + f" (report {salt}-{i})"
        for i in range(count)
    ]


@dataclass
class Outcome:
    uploads: int = 0
    answered_5xx: int = 0
    slowest_answer: float = 0.0
    parsed: int = 0
    failed: int = 0
    stuck: int = 0
    lost: int = 0
    parsed_twice: int = 0
    seconds_to_done: float | None = None
    notes: list[str] = field(default_factory=list)


class Stack:
    """One tree's web server, worker and beat, on its own database and Redis db, behind proxies."""

    def __init__(self, tree: Path, name: str, redis_db: int, logs: Path) -> None:
        self.tree, self.name, self.logs = tree, name, logs
        self.db = f"faults_{name}"
        self.pg_proxy, self.redis_proxy = FaultProxy(*PG), FaultProxy(*REDIS)
        self.port = _free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_"))},
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DB_CONN_MAX_AGE": "0",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_proxy.port}/{self.db}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_proxy.port}/{redis_db}",
            "INCIDENTS_VAR_DIR": str(logs / f"var-{name}"),
            "API_THROTTLE_RATE": "100000/min",
            "LOG_LEVEL": "WARNING",
        }
        self.redis_db = redis_db
        self.procs: dict[str, subprocess.Popen] = {}

    def manage(self, *args: str, direct_db: bool = False) -> str:
        env = dict(self.env)
        if direct_db:
            env["DATABASE_URL"] = f"postgres://postgres@{PG[0]}:{PG[1]}/{self.db}"
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.tree, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{self.name}: manage.py {' '.join(args)}:\n{done.stderr[-3000:]}")
        return done.stdout

    def setup(self) -> None:
        with psycopg.connect(f"postgresql://postgres@{PG[0]}:{PG[1]}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db}"')
        subprocess.run(["redis-cli", "-n", str(self.redis_db), "FLUSHDB"], check=True, capture_output=True)
        self.manage("migrate", "--noinput", direct_db=True)
        self.manage("collectstatic", "--noinput", "-v0", direct_db=True)
        self.manage("load_reference", direct_db=True)
        self.manage("create_demo_user", "--username", "bench", direct_db=True)
        self.token = self.manage("create_api_token", "bench", "--scope", "write", direct_db=True).strip()
        self.start("web", "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload")
        self.start_worker()
        self.start(
            "beat",
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=WARNING",
            f"--schedule={self.logs / f'beat-{self.name}.schedule'}",
        )
        _wait_http(f"http://127.0.0.1:{self.port}/accounts/login/", 60)

    def start(self, role: str, *args: str) -> None:
        log = open(self.logs / f"{self.name}-{role}.log", "a")  # noqa: SIM115 - the process's life
        self.procs[role] = subprocess.Popen(
            [sys.executable, *args],
            cwd=self.tree,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_worker(self) -> None:
        self.start("worker", "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=INFO")

    def kill_worker(self) -> None:
        """SIGKILL to the worker's whole process group: its main process and its pool child."""
        proc = self.procs["worker"]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        self.pg_proxy.close()
        self.redis_proxy.close()

    def upload(self, text: str, outcome: Outcome) -> int | None:
        body = json.dumps({"text": text, "published": "2024-06-03"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/articles/",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        started = time.monotonic()
        outcome.uploads += 1
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                article_id = json.loads(response.read())["id"]
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                outcome.answered_5xx += 1
            article_id = None
        except (urllib.error.URLError, TimeoutError):
            outcome.answered_5xx += 1
            article_id = None
        outcome.slowest_answer = max(outcome.slowest_answer, time.monotonic() - started)
        return article_id

    def count(self, texts: list[str], outcome: Outcome, wait: float) -> None:
        """Wait up to `wait` seconds for every uploaded text to be parsed or failed, then count."""
        started = time.monotonic()
        while True:
            rows = self._rows(texts)
            pending = [r for r in rows if r[1] in ("queued", "processing")]
            if not pending and len(rows) == len(texts):
                outcome.seconds_to_done = time.monotonic() - started
                break
            if time.monotonic() - started > wait:
                break
            time.sleep(1)
        rows = self._rows(texts)
        has_outbox = self._has_outbox()
        outcome.parsed = sum(r[1] == "parsed" for r in rows)
        outcome.failed = sum(r[1] == "failed" for r in rows)
        outcome.stuck = sum(r[1] in ("queued", "processing") for r in rows)
        queued_ids = [r[0] for r in rows if r[1] == "queued"]
        # lost: an upload the API accepted that no article holds, or a queued article that nothing
        # will ever send (no message waiting in Redis, and no outbox to send one)
        accepted = outcome.uploads - outcome.answered_5xx
        unsent = 0 if has_outbox else self._without_message(queued_ids)
        outcome.lost = max(accepted - len(rows), 0) + unsent
        outcome.parsed_twice = self._parsed_twice([r[0] for r in rows])

    def processing(self) -> bool:
        return bool(self._sql("SELECT 1 FROM incidents_article WHERE status = 'processing' LIMIT 1"))

    def _sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(f"postgresql://postgres@{PG[0]}:{PG[1]}/{self.db}") as conn:
            return conn.execute(query, params).fetchall()

    def _rows(self, texts: list[str]) -> list[tuple]:
        return self._sql("SELECT id, status FROM incidents_article WHERE text = ANY(%s)", (texts,))

    def _has_outbox(self) -> bool:
        return bool(
            self._sql(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'incidents_article' "
                "AND column_name = 'dispatch_due_at'"
            )
        )

    def _without_message(self, article_ids: list[int]) -> int:
        """Queued articles with no parse message waiting in Redis (without an outbox: never parsed)."""
        raw = subprocess.run(
            ["redis-cli", "-n", str(self.redis_db), "LRANGE", "celery", "0", "-1"],
            capture_output=True,
            text=True,
        ).stdout
        unacked = subprocess.run(
            ["redis-cli", "-n", str(self.redis_db), "HVALS", "unacked"], capture_output=True, text=True
        ).stdout
        return sum(f"[[{pk}]" not in raw + unacked for pk in article_ids)

    def _parsed_twice(self, article_ids: list[int]) -> int:
        rows = self._sql(
            "SELECT h.article_id FROM incidents_historicalincident h WHERE h.article_id = ANY(%s) "
            "AND h.history_type = '+' GROUP BY h.article_id "
            "HAVING count(*) > (SELECT count(*) FROM incidents_incident i WHERE i.article_id = h.article_id)",
            (article_ids,),
        )
        return len(rows)


def trial_kills(stack: Stack, quick: bool) -> Outcome:
    """All uploads first, then each kill lands mid-parse: when an article is being parsed."""
    outcome, texts = Outcome(), article_texts(30 if quick else 100, f"{stack.name}-kills")
    for text in texts:
        stack.upload(text, outcome)
    kills = 0
    for _ in range(10 if quick else 30):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not stack.processing():
            time.sleep(0.02)
        stack.kill_worker()
        kills += 1
        stack.start_worker()
    outcome.notes.append(f"{kills} kills")
    stack.count(texts, outcome, 120)
    return outcome


def trial_broker(stack: Stack, quick: bool) -> Outcome:
    outcome, texts = Outcome(), article_texts(20, f"{stack.name}-broker")
    outage = 20 if quick else 60
    stack.redis_proxy.cut()
    started = time.monotonic()
    for text in texts:
        stack.upload(text, outcome)
        time.sleep(max(outage / len(texts) - 0.05, 0))
    time.sleep(max(outage - (time.monotonic() - started), 0))
    stack.redis_proxy.restore()
    stack.count(texts, outcome, 60)
    return outcome


def trial_database(stack: Stack, quick: bool) -> Outcome:
    outcome, texts = Outcome(), article_texts(30, f"{stack.name}-db")
    for text in texts:
        stack.upload(text, outcome)
    stack.pg_proxy.cut()
    time.sleep(15 if quick else 45)
    stack.pg_proxy.restore()
    stack.count(texts, outcome, 120)
    return outcome


TRIALS = {"kills": trial_kills, "broker": trial_broker, "database": trial_database}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} never answered")


def _baseline_tree(ref: str, into: Path) -> Path:
    tree = into / "baseline"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), ref], cwd=ROOT, check=True, capture_output=True
    )
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    return tree


def run_tree(tree: Path, name: str, redis_db: int, trials: list[str], logs: Path, quick: bool) -> dict:
    results = {}
    for trial in trials:
        stack = Stack(tree, f"{name}_{trial}", redis_db, logs)
        try:
            stack.setup()
            results[trial] = TRIALS[trial](stack, quick)
        finally:
            stack.stop()
        print(f"  {name} {trial}: {results[trial]}", flush=True)
    return results


FIGURES = [
    ("uploads", "uploads"),
    ("answered 5xx", "answered_5xx"),
    ("slowest answer (s)", "slowest_answer"),
    ("parsed", "parsed"),
    ("failed", "failed"),
    ("stuck", "stuck"),
    ("lost", "lost"),
    ("parsed twice", "parsed_twice"),
    ("all done after (s)", "seconds_to_done"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="104e8fe", help="git ref to compare with, or 'none'")
    parser.add_argument("--trials", default="kills,broker,database")
    parser.add_argument("--quick", action="store_true", help="shorter outages and fewer kills")
    parser.add_argument("--logs", help="keep the processes' logs in this folder (default: a temporary one)")
    args = parser.parse_args()
    trials = [t for t in args.trials.split(",") if t]
    print(f"load average {os.getloadavg()[0]:.2f}; trials {', '.join(trials)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        logs = Path(args.logs or tmp)
        logs.mkdir(parents=True, exist_ok=True)
        columns = {"this tree": run_tree(ROOT, "new", 13, trials, logs, args.quick)}
        if args.baseline != "none":
            base = _baseline_tree(args.baseline, logs)
            try:
                columns[f"baseline {args.baseline}"] = run_tree(base, "base", 14, trials, logs, args.quick)
            finally:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True
                )
    for trial in trials:
        print(f"\n{trial}")
        print(f"{'':22}" + "".join(f"{name:>22}" for name in columns))
        for label, attr in FIGURES:
            cells = []
            for results in columns.values():
                value = getattr(results[trial], attr)
                cells.append(
                    "-" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)
                )
            print(f"{label:22}" + "".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
