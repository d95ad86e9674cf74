"""Benchmark the incidents API under gunicorn on a PostgreSQL database of synthetic incidents.

    .venv/bin/python bench/api.py [--incidents N] [--keep] [--drop]

Creates (or, with --keep, reuses) the database `incidents_bench` on 127.0.0.1:5432 (user postgres,
trust auth), loads N incidents (default 1,000,000) with COPY, starts gunicorn on a free local port
and measures: the filtered list endpoint (first page and a deep page: latency and requests/s), the
bare SQL each page needs, and the streamed CSV export with the workers' memory. Targets: p95 < 50 ms,
deep pages no slower than the first, >= 200 requests/s, server median <= 3x bare SQL, CSV export of
1,000,000 rows < 30 s with flat server memory. `--incidents 20000` is a quick run (a minute or two).

Requests/s come from wrk when it is installed (`apt-get install -y wrk`), else from Python threads
with keep-alive connections (`--load python`). Everything runs on 127.0.0.1; gunicorn's log is
var/bench-gunicorn.log. Figures are only as good as the machine is quiet: the load average is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DB_NAME = "incidents_bench"
PG = "postgresql://postgres@127.0.0.1:5432"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
USERNAME = "bench"
HOST = "127.0.0.1"
TIMEOUT = 30.0  # seconds, per request


class BenchError(Exception):
    """A step failed; the message says which and why."""


def log(message: str) -> None:
    print(message, flush=True)


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DATABASE_URL,
        DJANGO_SECRET_KEY="bench",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DB_CONN_MAX_AGE="600",
        API_THROTTLE_RATE="1000000/min",
        LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(*args: str, timeout: float = 600) -> str:
    """Run a manage.py command against the bench database; its stdout, or BenchError."""
    try:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=server_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"manage.py {' '.join(args)} took over {timeout:.0f} s") from None
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stderr.strip()[-3000:]}")
    return done.stdout


# --- database -------------------------------------------------------------------------------


def prepare_database(n: int, keep: bool) -> dict:
    """Create/migrate/load the database; returns facts for the summary."""
    try:
        admin = psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise BenchError(f"cannot reach PostgreSQL at 127.0.0.1:5432 as postgres: {exc}") from None
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if exists and not keep:
            log(f"dropping the old {DB_NAME} (use --keep to reuse it)")
            admin.execute(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
            exists = None
        if not exists:
            admin.execute(f"CREATE DATABASE {DB_NAME}")
    t = time.perf_counter()
    manage("migrate", "--noinput")
    manage("load_reference")
    log(f"migrate + load_reference: {time.perf_counter() - t:.1f} s")
    facts: dict = {"load_s": None}
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        have = conn.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]
    if have and keep:
        log(f"reusing {DB_NAME}: {have:,} incidents already loaded (no load)")
        if have != n:
            log(f"  note: --incidents {n:,} asked for, the database holds {have:,}; drop it to reload")
    else:
        log(f"loading {n:,} incidents with COPY ...")
        try:
            facts["load_s"] = api_data.load(f"{PG}/{DB_NAME}", n, log=log)
        except RuntimeError as exc:
            raise BenchError(str(exc)) from None
        log(f"load time: {facts['load_s']:.1f} s for {n:,} incidents (incl. index rebuild and ANALYZE)")
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        facts["incidents"] = conn.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]
        facts["size"] = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()[0]
    manage("create_demo_user", f"--username={USERNAME}", f"--password={secrets.token_urlsafe(16)}")
    out = manage("create_api_token", USERNAME, "--scope", "write", "--name", "bench/api.py")
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    if not lines:
        raise BenchError("create_api_token printed no token")
    facts["token"] = lines[-1]
    return facts


def drop_database() -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    log(f"dropped {DB_NAME}")


# --- server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn in its own session, stopped by its pid (SIGTERM, then SIGKILL)."""

    def __init__(self, workers: int, worker_class: str, threads: int) -> None:
        self.port = free_port()
        self.log_path = ROOT / "var" / "bench-gunicorn.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--timeout",
            "300",  # the CSV export of a million rows may outlast the default 30 s
        ]
        if worker_class == "gthread":
            cmd += ["--threads", str(threads)]
        self.describe = f"{workers} {worker_class} workers" + (
            f" x {threads} threads" if worker_class == "gthread" else ""
        )
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=server_env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, token: str, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/api/v1/incidents/?page_size=1", headers=headers(token))
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
                raise BenchError(f"GET /api/v1/incidents/ answered HTTP {status}:\n{self.tail()}")
            except (ConnectionError, OSError):
                time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {limit:.0f} s:\n{self.tail()}")

    def workers(self) -> list[int]:
        pid = self.proc.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def tail(self) -> str:
        self._log.flush()
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only gunicorn's processes
                self.proc.wait(timeout=5)
        self._log.close()


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- HTTP -----------------------------------------------------------------------------------


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json", "Connection": "keep-alive"}


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.headers, self.conn = port, headers(token), None

    def get(self, path: str) -> tuple[int, bytes, float]:
        t = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            self.conn.request("GET", path, headers=self.headers)
            resp = self.conn.getresponse()
            body = resp.read()
            if resp.will_close:
                self.close()
            return resp.status, body, time.perf_counter() - t
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, b"", time.perf_counter() - t

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def local_path(url: str) -> str:
    """A `next` link (absolute or relative) as path?query on our server."""
    parts = urlsplit(url)
    if parts.hostname not in (None, HOST):
        raise BenchError(f"`next` points off this server: {url}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency(client: Client, path: str, requests: int, warmup: int) -> dict:
    """Median and p95 (ms) of sequential requests on one keep-alive connection."""
    for _ in range(warmup):
        client.get(path)
    times, errors = [], 0
    for _ in range(requests):
        status, _body, elapsed = client.get(path)
        if status == 200:
            times.append(elapsed * 1000)
        else:
            errors += 1
    if not times:
        raise BenchError(f"every request to {path} failed")
    return {"median": statistics.median(times), "p95": pct(times, 0.95), "n": len(times), "errors": errors}


def throughput(port: int, token: str, path: str, connections: int, seconds: float, cap: int) -> dict:
    """Requests/s with `connections` keep-alive connections for `seconds` (or `cap` requests)."""
    lock = threading.Lock()
    done = {"ok": 0, "err": 0}
    times: list[float] = []
    stop = time.monotonic() + seconds

    def run() -> None:
        client = Client(port, token)
        ok = err = 0
        mine = []
        while time.monotonic() < stop and ok + err < cap // connections:
            status, _body, elapsed = client.get(path)
            if status == 200:
                ok += 1
                mine.append(elapsed * 1000)
            else:
                err += 1
        client.close()
        with lock:
            done["ok"] += ok
            done["err"] += err
            times.extend(mine)

    t = time.perf_counter()
    threads = [threading.Thread(target=run, daemon=True) for _ in range(connections)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(seconds + TIMEOUT + 5)
    elapsed = time.perf_counter() - t
    return {
        "rps": done["ok"] / elapsed,
        "ok": done["ok"],
        "errors": done["err"],
        "p50": statistics.median(times) if times else float("nan"),
        "p95": pct(times, 0.95) if times else float("nan"),
        "p_label": "p95",
    }


def throughput_wrk(port: int, token: str, path: str, connections: int, seconds: float) -> dict:
    """Requests/s measured by wrk (C, so the load generator takes less of the shared CPU)."""
    cmd = [
        "wrk",
        "-t",
        str(min(2, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds:.0f}s",
        "--timeout",
        f"{TIMEOUT:.0f}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {token}",
        "-H",
        "Accept: application/json",
        f"http://{HOST}:{port}{path}",
    ]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + TIMEOUT + 10).stdout
    except subprocess.TimeoutExpired:
        raise BenchError("wrk did not finish in time") from None
    result = {"rps": 0.0, "ok": 0, "errors": 0, "p50": float("nan"), "p95": float("nan"), "p_label": "p99"}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(words[1])
        elif "requests in" in line:
            result["ok"] = int(words[0])
        elif line.strip().startswith(("Non-2xx", "Socket errors")):
            result["errors"] += sum(int(w.strip(",")) for w in words if w.strip(",").isdigit())
        elif words[:1] in (["50%"], ["99%"]):
            value = words[1]
            unit = 1000.0 if value.endswith("s") and not value.endswith(("ms", "us")) else 1.0
            number = float(value.rstrip("mus"))
            ms = number / 1000 if value.endswith("us") else number * unit
            result["p50" if words[0] == "50%" else "p95"] = ms
    result["ok"] -= result["errors"]
    if not result["rps"]:
        raise BenchError(f"could not read wrk's output:\n{out[-1000:]}")
    return result


def parse_json(path: str, body: bytes):
    try:
        return json.loads(body)
    except ValueError:
        raise BenchError(f"GET {path} did not answer JSON: {body[:300]!r}") from None


def follow(client: Client, path: str, pages: int) -> tuple[str, int, str]:
    """Follow `next` up to `pages` times; the last path reached, the depth and the paging style."""
    depth, style = 0, "none (no next link)"
    for _ in range(pages):
        status, body, _t = client.get(path)
        if status != 200:
            raise BenchError(f"GET {path} answered HTTP {status}: {body[:300]!r}")
        data = parse_json(path, body)
        nxt = data.get("next") if isinstance(data, dict) else None
        if not nxt:
            break
        style = "cursor" if "cursor=" in nxt else ("page number" if "page=" in nxt else "other")
        path = local_path(nxt)
        depth += 1
    return path, depth, style


# --- bare SQL -------------------------------------------------------------------------------


def page_sql(paths: dict[str, str], token: str) -> dict[str, str]:
    """The SQL the server runs for each page, captured by serving it in-process through Django:
    the bare-SQL figure times exactly that statement, not a hand-written approximation."""
    os.environ.update(server_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {token}")
    out = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"in-process GET {path} answered HTTP {response.status_code}")
        pages = [q["sql"] for q in ctx.captured_queries if "json_build_object" in q["sql"]]
        if len(pages) != 1:
            raise BenchError(f"expected one page query for {path}, saw {len(ctx.captured_queries)} queries")
        out[name] = pages[0]
    connection.close()
    return out


def sql_times(statements: dict[str, str], date_from: dt.date, date_to: dt.date, runs: int) -> dict:
    """Median ms of each page's own SQL run directly, and of a COUNT(*) of the filter."""
    cases = {name: (sql, ()) for name, sql in statements.items()}
    cases["count"] = (
        "SELECT count(*) FROM incidents_incident WHERE start_date BETWEEN %s AND %s AND country_id = 'SY'",
        (date_from, date_to),
    )
    out = {}
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        for name, (query, params) in cases.items():
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                conn.execute(query, params or None).fetchall()  # no params: sent as is
                times.append((time.perf_counter() - t) * 1000)
            out[name] = statistics.median(times)
    return out


# --- CSV export -----------------------------------------------------------------------------


def csv_export(server: Server, token: str, limit: float) -> dict:
    """Stream ?format=csv of everything; rows, seconds and the workers' RSS while it ran."""
    samples: list[dict[int, int]] = []
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            samples.append({pid: rss_kb(pid) for pid in server.workers()})
            time.sleep(0.2)

    before = {pid: rss_kb(pid) for pid in server.workers()}
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result: dict = {"available": False}
    t = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        conn.request("GET", "/api/v1/incidents/?format=csv", headers={**headers(token), "Accept": "text/csv"})
        resp = conn.getresponse()
        result["status"] = resp.status
        ctype = resp.getheader("Content-Type", "")
        if resp.status != 200 or "csv" not in ctype:
            body = resp.read(1 << 20)
            result["why"] = f"HTTP {resp.status}, Content-Type {ctype or '-'}"
            result["missing"] = resp.status in (404, 406) or (resp.status == 200 and "csv" not in ctype)
            if not result["missing"]:
                result["why"] += f": {body[:200].decode(errors='replace')!r}"
            return result
        result["available"] = True
        newlines = size = 0
        first_byte = None
        while True:
            chunk = resp.read1(1 << 16)
            if not chunk:
                break
            if first_byte is None:
                first_byte = time.perf_counter() - t
            size += len(chunk)
            newlines += chunk.count(b"\n")
            if time.perf_counter() - t > limit:
                result["why"] = f"stopped after {limit:.0f} s (limit)"
                break
        result.update(
            rows=max(0, newlines - 1),  # minus the header; the bench's summaries have no newlines
            seconds=time.perf_counter() - t,
            first_byte=first_byte or 0.0,
            mb=size / 1e6,
            streamed=resp.getheader("Transfer-Encoding", "") == "chunked"
            or resp.getheader("Content-Length") is None,
        )
    except (OSError, http.client.HTTPException) as exc:
        result["why"] = f"failed: {exc!r}"
        result["seconds"] = time.perf_counter() - t
    finally:
        conn.close()
        running.clear()
        sampler.join(2)
    start_mb = max(before.values(), default=0) / 1024
    peak_mb = max((max(s.values(), default=0) for s in samples), default=0) / 1024
    # The worker that served the export: the one that grew most.
    growths = {pid: max((s.get(pid, 0) for s in samples), default=0) - kb for pid, kb in before.items()}
    busy = max(growths, key=growths.get, default=None)
    series = [s[busy] for s in samples if s.get(busy)] if busy else []
    # Flat: after a warm-up (the first quarter), RSS no longer climbs. A leak climbs to the end.
    late = series[len(series) // 4 :] if len(series) >= 8 else series
    late_growth = (max(late) - late[0]) / 1024 if late else 0.0
    result.update(
        rss_start_mb=start_mb,
        rss_peak_mb=peak_mb,
        rss_growth_mb=growths.get(busy, 0) / 1024 if busy else 0.0,
        rss_late_growth_mb=late_growth,
        rss_quarter_mb=late[0] / 1024 if late else 0.0,
    )
    result["flat"] = late_growth <= 16.0
    return result


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=1_000_000, help="incidents to load (default 1,000,000)")
    ap.add_argument("--keep", action="store_true", help="reuse the loaded database if it is there")
    ap.add_argument("--drop", action="store_true", help="drop the database at the end")
    ap.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    ap.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    ap.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    ap.add_argument(
        "--requests", type=int, default=0, help="sequential requests per latency figure (500; 200 quick)"
    )
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--deep-pages", type=int, default=200, help="next links to follow for the deep page")
    ap.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections")
    ap.add_argument(
        "--seconds", type=float, default=0, help="duration of each throughput run (15 s; 5 s quick)"
    )
    ap.add_argument("--sql-runs", type=int, default=200)
    ap.add_argument(
        "--load",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator for req/s: wrk if installed (auto), or Python threads",
    )
    ap.add_argument("--no-csv", action="store_true", help="skip the CSV export")
    ap.add_argument(
        "--csv-limit", type=float, default=180, help="stop reading the CSV export after this many s (180)"
    )
    args = ap.parse_args()
    if not 1 <= args.incidents <= 20_000_000:
        ap.error("--incidents must be between 1 and 20,000,000")
    quick = args.incidents < 100_000  # a development run: fewer requests, shorter load
    args.requests = args.requests or (200 if quick else 500)
    args.seconds = args.seconds or (5.0 if quick else 15.0)
    use_wrk = args.load == "wrk" or (args.load == "auto" and shutil.which("wrk") is not None)
    if args.load == "wrk" and not shutil.which("wrk"):
        ap.error("wrk is not installed: apt-get install -y wrk (or use --load python)")
    if not use_wrk:
        log("note: wrk not found (apt-get install -y wrk); measuring req/s with Python threads instead")
    args.load_name = "wrk" if use_wrk else "Python threads"

    # SIGTERM ends the run like Ctrl-C, so the finally below stops gunicorn.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored
    server = None
    results: dict = {}
    try:
        facts = prepare_database(args.incidents, args.keep)
        token = facts.pop("token")
        results["db"] = facts
        with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
            newest = conn.execute("SELECT max(start_date) FROM incidents_incident").fetchone()[0]
        newest = newest or dt.date.today()
        date_from, date_to = newest - dt.timedelta(days=3 * 365), newest - dt.timedelta(days=30)
        query = urlencode(
            {
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "country": "SY",
                "page_size": 50,
            }
        )
        first = f"/api/v1/incidents/?{query}"

        server = Server(args.workers, args.worker_class, args.threads)
        log(f"starting gunicorn ({server.describe}) on {HOST}:{server.port}")
        server.wait_ready(token)
        load_before = os.getloadavg()[0]
        if load_before > 1.0:
            log(f"note: load average {load_before:.1f} before measuring: other processes share the CPU")
        client = Client(server.port, token)
        status, body, _t = client.get(first)
        if status != 200:
            raise BenchError(f"GET {first} answered HTTP {status}: {body[:300]!r}")
        page = parse_json(first, body)
        log(f"first page: {len(page.get('results', []))} results; keys {sorted(page)}")

        t = time.perf_counter()
        deep, depth, style = follow(client, first, args.deep_pages)
        log(f"followed `next` {depth} pages deep ({style} pagination) in {time.perf_counter() - t:.1f} s")
        results.update(style=style, depth=depth)

        for name, path in (("first", first), ("deep", deep)):
            if name == "deep" and not depth:
                continue
            log(f"{name} page: {args.requests} sequential requests ...")
            results[f"{name}_lat"] = latency(client, path, args.requests, args.warmup)
            log(f"{name} page: {args.connections} connections for {args.seconds:.0f} s ...")
            if use_wrk:
                results[f"{name}_rps"] = throughput_wrk(
                    server.port, token, path, args.connections, args.seconds
                )
            else:
                results[f"{name}_rps"] = throughput(
                    server.port, token, path, args.connections, args.seconds, cap=200_000
                )
        client.close()

        log(f"bare SQL: {args.sql_runs} runs each ...")
        paths = {"first": first, **({"deep": deep} if depth else {})}
        results["sql"] = sql_times(page_sql(paths, token), date_from, date_to, args.sql_runs)

        if not args.no_csv:
            log("CSV export of all rows ...")
            results["csv"] = csv_export(server, token, limit=args.csv_limit)
        results["loadavg"] = (load_before, os.getloadavg()[0])
        report(args, server.describe, results, server.log_path)
        return 0
    except BenchError as exc:
        log(f"\nERROR: {exc}")
        return 1
    except psycopg.Error as exc:
        log(f"\nERROR from PostgreSQL: {type(exc).__name__}: {exc}")
        return 1
    except KeyboardInterrupt:
        log("\ninterrupted")
        return 130
    finally:
        if server is not None:
            server.stop()
            log("gunicorn stopped")
        if args.drop:
            try:
                drop_database()
            except psycopg.Error as exc:
                log(f"could not drop {DB_NAME}: {exc}")


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def report(args, describe: str, r: dict, server_log: Path) -> None:
    """The summary table."""
    db, sql = r["db"], r["sql"]
    rows: list[tuple[str, str, str, str]] = []
    load = f"{db['load_s']:.1f} s" if db["load_s"] is not None else "reused (--keep)"
    rows.append(("data load", load, "a few minutes for 1M", ""))
    for name, label in (("first", "first page"), ("deep", f"deep page ({r['depth']} pages in)")):
        lat = r.get(f"{name}_lat")
        if not lat:
            rows.append((label, "not measured (no next link)", "", "n/a"))
            continue
        rows.append((f"{label} median", f"{lat['median']:.1f} ms", "", ""))
        rows.append((f"{label} p95", f"{lat['p95']:.1f} ms", "< 50 ms", verdict(lat["p95"] < 50)))
        rps = r[f"{name}_rps"]
        rows.append(
            (
                f"{label} throughput",
                f"{rps['rps']:.0f} req/s (p50 {rps['p50']:.0f}, {rps['p_label']} {rps['p95']:.0f} ms, "
                f"{rps['errors']} errors)",
                ">= 200 req/s",
                verdict(rps["rps"] >= 200 and not rps["errors"]),
            )
        )
        key = name if name in sql else None
        if key:
            ratio = lat["median"] / sql[key] if sql[key] else float("inf")
            rows.append(
                (
                    f"{label} bare SQL median",
                    f"{sql[key]:.2f} ms (server/SQL {ratio:.1f}x)",
                    "server <= 3x SQL",
                    verdict(ratio <= 3),
                )
            )
    if r.get("deep_lat"):
        slower = r["deep_lat"]["median"] / r["first_lat"]["median"]
        rows.append(("deep / first median", f"{slower:.2f}x", "<= 1x (no slower)", verdict(slower <= 1.10)))
    rows.append(("COUNT(*) of the filter (SQL)", f"{sql['count']:.2f} ms", "info", ""))
    csv = r.get("csv")
    if csv is None:
        rows.append(("CSV export", "skipped (--no-csv)", "", "n/a"))
    elif not csv["available"] and csv.get("missing"):
        rows.append(("CSV export", f"not available ({csv['why']})", "< 30 s, flat memory", "n/a"))
    elif not csv["available"]:
        why = csv.get("why", "")
        rows.append(("CSV export", f"ERROR {why[:60]} (see {server_log})", "< 30 s, flat memory", "FAIL"))
    else:
        full = csv["rows"] >= db["incidents"]
        rate = (
            f"{csv['rows']:,} rows, {csv['mb']:.0f} MB in {csv['seconds']:.1f} s "
            f"({csv['rows'] / max(csv['seconds'], 1e-9):,.0f} rows/s)"
        )
        rows.append(
            (
                "CSV export",
                rate + ("" if full else f" (expected {db['incidents']:,}) {csv.get('why', '')}"),
                "1M rows < 30 s (33k rows/s)",
                verdict(full and csv["rows"] / max(csv["seconds"], 1e-9) >= 1e6 / 30),
            )
        )
        rows.append(("CSV first byte", f"{csv['first_byte'] * 1000:.0f} ms", "info", ""))
        rows.append(
            (
                "CSV worker RSS",
                f"start {csv['rss_start_mb']:.0f} MB, at 1/4 {csv['rss_quarter_mb']:.0f} MB, "
                f"peak {csv['rss_peak_mb']:.0f} MB; growth after 1/4: {csv['rss_late_growth_mb']:.0f} MB",
                "flat (<= 16 MB after 1/4)",
                verdict(csv["flat"]),
            )
        )
    w = [max(len(row[i]) for row in rows) for i in range(4)]
    line = "-" * (sum(w) + 9)
    log(f"\n{line}")
    log(
        f"API benchmark: {db['incidents']:,} incidents ({db['size']}), gunicorn {describe}, "
        f"{r['style']} pagination"
    )
    log(
        f"list: country=SY, 3-year date range, 50 per page; {args.requests} sequential requests per latency "
        f"figure; req/s: {args.load_name}, {args.connections} connections x {args.seconds:.0f} s, same host"
    )
    before, after = r["loadavg"]
    log(
        f"1-min load average before/after measuring: {before:.1f} / {after:.1f} "
        f"({os.cpu_count()} CPUs; higher means noisy figures)"
    )
    log(line)
    for row in rows:
        log(f"{row[0]:<{w[0]}} | {row[1]:<{w[1]}} | {row[2]:<{w[2]}} | {row[3]}")
    log(line)


if __name__ == "__main__":
    sys.exit(main())
