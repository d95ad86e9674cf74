"""Benchmark the ACLED read API and the GeoJSON export on incidents with long article texts.

    .venv/bin/python bench/acled.py [--incidents N] [--text-kb K] [--baseline COMMIT] [--keep]

Creates (or, with --keep, reuses) the PostgreSQL database `acled_bench` on 127.0.0.1:5432 (user
postgres, trust auth) holding N synthetic incidents (default 5,000, bench/api_data.py), each
drafted from its own article of K KB of text (default 20). Then, for this tree and for a baseline
checked out with `git worktree add --detach` (default 104e8fe, the code before the export fixes;
removed at the end), it serves the same database with gunicorn (one sync worker, gunicorn's default
30 s timeout, a fresh server per request) and measures `GET /api/acled/read?limit=500`,
`limit=5000` and `GET /api/v1/incidents/?format=geojson` (every row): wall time to the last byte,
the worker's peak RSS (VmHWM) and the SQL queries it ran (bench/acled_wsgi.py counts them).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
DB_NAME = "acled_bench"
PG = "postgresql://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
CLIENT_TIMEOUT = 60.0  # gunicorn kills the worker at 30 s; a little longer to see that happen
REQUESTS = (
    ("ACLED limit=500", "/api/acled/read?limit=500"),
    ("ACLED limit=5000", "/api/acled/read?limit=5000"),
    ("GeoJSON, all rows", "/api/v1/incidents/?format=geojson"),
)


class BenchError(Exception):
    """A step failed; the message says which and why."""


def log(message: str) -> None:
    print(message, flush=True)


def server_env(query_log: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        DJANGO_SECRET_KEY="bench",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DB_CONN_MAX_AGE="0",
        API_THROTTLE_RATE="1000000/min",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BENCH_DIR),
    )
    if query_log:
        env["BENCH_QUERY_LOG"] = str(query_log)
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=server_env(), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stderr.strip()[-3000:]}")
    return done.stdout


# --- database -------------------------------------------------------------------------------


def _attach_articles(conninfo: str, text_kb: int) -> None:
    """One article of `text_kb` KB per incident, published by a source, as the worker would leave it."""
    with psycopg.connect(conninfo) as conn:
        paragraph = "The fighting resumed at dawn near the market, witnesses said. " * 16
        text = (paragraph * (text_kb * 1024 // len(paragraph) + 1))[: text_kb * 1024]
        conn.execute(
            """
            INSERT INTO incidents_article (title, text, original_file, url, publisher_id, published,
                content_hash, status, error, extractor_version, created_at, updated_at)
            SELECT 'Article ' || i.id, i.id || ' ' || %s, '', '',
                   (SELECT min(id) FROM incidents_source), i.start_date,
                   md5(i.id::text) || md5('x' || i.id), 'parsed', '', 'bench', now(), now()
            FROM incidents_incident i ORDER BY i.id
            """,
            (text,),
        )
        conn.execute(
            "UPDATE incidents_incident i SET article_id = a.id FROM incidents_article a "
            "WHERE a.title = 'Article ' || i.id"
        )
        conn.execute("ANALYZE")


def prepare_database(n: int, text_kb: int, keep: bool) -> str:
    """Create, migrate and load the database; returns a write token for the bench analyst."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if exists and not keep:
            admin.execute(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
            exists = None
        if not exists:
            admin.execute(f"CREATE DATABASE {DB_NAME}")
    manage("migrate", "--noinput")
    manage("load_reference")
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        have = conn.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]
    if not have:
        api_data.load(f"{PG}/{DB_NAME}", n, log=log)
        _attach_articles(f"{PG}/{DB_NAME}", text_kb)
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        count, mb = conn.execute(
            "SELECT count(*), round(avg(length(a.text)) / 1024) FROM incidents_incident i "
            "JOIN incidents_article a ON a.id = i.article_id"
        ).fetchone()
    log(f"{DB_NAME}: {count:,} incidents, each with its own article of {mb} KB of text")
    manage("create_demo_user", "--username=bench", f"--password={secrets.token_urlsafe(16)}")
    out = manage("create_api_token", "bench", "--scope", "write", "--name", "bench/acled.py")
    return out.strip().splitlines()[-1].strip()


# --- server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn (one sync worker) serving `tree` through bench/acled_wsgi.py, in its own session."""

    def __init__(self, tree: Path, query_log: Path) -> None:
        self.port = _free_port()
        self.log = open(query_log.with_suffix(".gunicorn.log"), "a")  # noqa: SIM115 - closed in stop()
        cmd = [str(VENV_BIN / "gunicorn"), "acled_wsgi:application", "--bind", f"{HOST}:{self.port}"]
        self.proc = subprocess.Popen(
            [*cmd, "--workers", "1", "--timeout", "30"],
            cwd=tree,
            env=server_env(query_log),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.proc.returncode}); see {self.log.name}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    pass
                if self.worker():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not start within {limit:.0f} s; see {self.log.name}")

    def worker(self) -> int | None:
        pid = self.proc.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return None
        return int(children[0]) if children else None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only gunicorn's processes
                self.proc.wait(timeout=5)
        self.log.close()


def _peak_mb(pid: int | None) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        pass
    return None


def measure(tree: Path, path: str, token: str, work: Path) -> dict:
    """One request to a fresh server: status, seconds to the last byte, rows, peak RSS, queries."""
    query_log = work / f"queries-{secrets.token_hex(4)}.log"
    query_log.touch()
    server = Server(tree, query_log)
    try:
        server.wait_ready()
        worker = server.worker()
        before = len(query_log.read_text().splitlines())
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, server.port, timeout=CLIENT_TIMEOUT)
        try:
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            body, status = response.read(), response.status
        except (OSError, http.client.HTTPException) as exc:
            body, status = b"", f"no answer ({type(exc).__name__})"
        seconds = time.perf_counter() - started
        peak = _peak_mb(worker)  # read before the worker is gone
        queries = len(query_log.read_text().splitlines()) - before
    finally:
        server.stop()
    return {"status": status, "s": seconds, "rows": _rows(body), "peak_mb": peak, "queries": queries}


def _rows(body: bytes) -> int | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return len(document.get("data", document.get("features", [])))


def _cell(result: dict) -> str:
    if result["status"] != 200:
        return f"{result['status']} after {result['s']:.1f} s"
    peak = f"{result['peak_mb']:.0f} MB" if result["peak_mb"] else "?"
    return f"{result['s']:6.2f} s  {peak:>7}  {result['queries']:5d} q  {result['rows']} rows"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--text-kb", type=int, default=20)
    parser.add_argument("--baseline", default="104e8fe")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it is loaded")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="acled-bench-"))
    base = Path("/tmp/acled-base")
    try:
        token = prepare_database(args.incidents, args.text_kb, args.keep)
        if base.exists():
            raise BenchError(f"{base} exists: remove it (git worktree remove --force {base})")
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT, check=True,
            capture_output=True,
        )  # fmt: skip
        trees = {f"baseline {args.baseline}": base, "this tree": ROOT}
        log(f"load average {os.getloadavg()[0]:.2f}; one sync gunicorn worker, 30 s timeout\n")
        log(f"{'':20}" + "".join(f"{name:>44}" for name in trees))
        for label, path in REQUESTS:
            cells = [_cell(measure(tree, path, token, work)) for tree in trees.values()]
            log(f"{label:20}" + "".join(f"{cell:>44}" for cell in cells))
    except BenchError as exc:
        log(f"bench failed: {exc}")
        return 1
    finally:
        if base.exists():
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
