"""Benchmark the worker's linking of new reports against a million incidents in PostgreSQL.

    .venv/bin/python bench/linking.py [--incidents N] [--reports R] [--baseline-incidents B]
                                      [--keep] [--drop]

Loads N incidents (default 1,000,000; one article and one report with realistic `facts` each,
~60 countries, 10 years: bench/api_data.py's COPY loader with bench/linking_data.py's rows) into
`bench_linking`, then files R new reports (default 500) one at a time exactly as the worker does:
`drafts_save` inside a transaction, each a DraftIncident of a recent event, about a third of
them a new outlet's report of an incident already there, the rest new events. Prints p50/p95/max
ms per report, the candidates examined per report (the incidents the candidate query returns),
what the linker decided, and the candidate query's plan (EXPLAIN ANALYZE: an index, not a seq
scan). Baselines measured in the same run: the same at B incidents (default 10,000,
`bench_linking_small`; 0 skips it) and the candidate queries with index scans turned off.
Target: p95 <= 20 ms per report at 1,000,000. --keep reuses a loaded database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_data  # noqa: E402
import linking_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
TARGET_P95_MS = 20.0


def log(message: str) -> None:
    print(message, flush=True)


def env_for(db: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db}",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "bench"),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def run(args: list[str], db: str, timeout: float = 1800) -> str:
    """A Python command (manage.py or this script's --measure) on database `db`; its stdout."""
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env_for(db), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr.strip()[-4000:]}")
    return done.stdout


def prepare(db: str, n: int, keep: bool) -> float | None:
    """Create, migrate and load `db` with n incidents (each with its article and report)."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone()
        if exists and not keep:
            admin.execute(f"DROP DATABASE {db} WITH (FORCE)")
            exists = None
        if not exists:
            admin.execute(f"CREATE DATABASE {db}")
    run(["manage.py", "migrate", "--noinput"], db)
    run(["manage.py", "load_reference"], db)
    with psycopg.connect(f"{PG}/{db}") as conn:
        have = conn.execute("SELECT count(*) FROM incidents_report").fetchone()[0]
    if have and keep:
        log(f"reusing {db}: {have:,} reports already loaded")
        return None
    log(f"loading {n:,} incidents with their articles and reports into {db} ...")
    return api_data.load(
        f"{PG}/{db}",
        n,
        log=log,
        companion=linking_data.ReportRows(),
        countries=api_data.COUNTRIES + linking_data.MORE_COUNTRIES,
        years=10,
    )


def measure(db: str, reports: int) -> dict:
    """File the new reports in a process of its own set up on `db` (bench/linking_run.py)."""
    out = run([str(Path(__file__).with_name("linking_run.py")), "--reports", str(reports)], db)
    return json.loads(out.strip().splitlines()[-1])


def summary(label: str, n: int, res: dict) -> list[str]:
    ms, cand, lk, dc = res["ms"], res["candidates"], res["linking_ms"], res["decide_ms"]
    lines = [
        f"{label}: {n:,} incidents, {res['reports']} reports filed one by one (drafts_save in a transaction)",
        f"  whole drafts_save ms        p50 {ms['p50']:7.1f}  p95 {ms['p95']:7.1f}  max {ms['max']:7.1f}",
        f"  linking ms (search+score+links) p50 {lk['p50']:6.1f}  p95 {lk['p95']:6.1f}  max {lk['max']:6.1f}",
        f"    of which search and score  p50 {dc['p50']:7.1f}  p95 {dc['p95']:7.1f}  max {dc['max']:7.1f}",
        f"  candidates      p50 {cand['p50']:7.0f}  p95 {cand['p95']:7.0f}  max {cand['max']:7.0f}",
        f"  decisions       {res['decisions']}  (of the reports of an incident already there: "
        f"{res['follow_ups_linked']}/{res['follow_ups']} linked to it)",
        f"  candidate query ms, indexed   p50 {res['query_ms']['p50']:.2f}  max {res['query_ms']['max']:.2f}",
        f"  candidate query ms, no index  p50 {res['seq_ms']['p50']:.2f}  max {res['seq_ms']['max']:.2f}",
    ]
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, default=1_000_000)
    ap.add_argument("--reports", type=int, default=500)
    ap.add_argument("--baseline-incidents", type=int, default=10_000)
    ap.add_argument("--keep", action="store_true", help="reuse loaded databases")
    ap.add_argument("--drop", action="store_true", help="drop the databases at the end")
    args = ap.parse_args()
    t0 = time.perf_counter()
    log(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    runs = [("bench_linking", args.incidents, "at scale")]
    if args.baseline_incidents:
        runs.insert(0, ("bench_linking_small", args.baseline_incidents, "baseline"))
    results = []
    for db, n, label in runs:
        took = prepare(db, n, args.keep)
        if took is not None:
            log(f"  loaded in {took:.1f} s")
        log(f"filing {args.reports} reports in {db} ...")
        results.append((label, n, measure(db, args.reports)))
    log("")
    for label, n, res in results:
        log("\n".join(summary(label, n, res)))
    label, n, res = results[-1]
    log(f"\ncandidate query plan at {n:,} incidents ({res['plan_candidates']} rows), EXPLAIN ANALYZE:")
    log("\n".join("  " + line for line in res["plan"]))
    seq = "Seq Scan on incidents_incident" in "\n".join(res["plan"])
    log(f"\n  index used: {'NO (seq scan)' if seq else 'yes'}")
    verdict = "meets" if res["linking_ms"]["p95"] <= TARGET_P95_MS else "MISSES"
    log(
        f"  linking p95 {res['linking_ms']['p95']:.1f} ms per report {verdict} "
        f"the target of {TARGET_P95_MS:.0f} ms"
    )
    log(f"  load average {os.getloadavg()[0]:.2f}; whole run {time.perf_counter() - t0:.0f} s")
    if args.drop:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            for db, _, _ in runs:
                admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
