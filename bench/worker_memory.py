"""Memory of a Celery worker: this tree beside a baseline tree, in the same run.

    .venv/bin/python bench/worker_memory.py [--baseline e1cde5e|none] [--concurrency 2 4] [--parses 40]

For each tree (this one, and a `git worktree` of the baseline ref, where every pool process loads
its own GeoNames gazetteer) and each concurrency, a real `celery worker` (prefork pool) runs on
SQLite and the filesystem broker in a fresh folder, with the gazetteer index built beforehand in a
cache folder of the tree's own. Once the worker is ready, and again after it has parsed
`--parses` articles (made up here from a few sentence patterns and GeoNames towns), each process's
memory is read from /proc/<pid>/smaps_rollup:

- USS: the pages only this process uses (Private_Clean + Private_Dirty), what it alone costs;
- PSS: its pages, each shared one divided by the number of processes sharing it;
- RSS: every page it has resident, shared or not.

The sum of the PSS of the main process and its pool processes is the worker's real footprint.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TOWNS = [
    ("Konduga", "Nigeria"), ("Kupiansk", "Ukraine"), ("Baiji", "Iraq"), ("Gwoza", "Nigeria"),
    ("Tuz Khurmatu", "Iraq"), ("Ghazni", "Afghanistan"), ("Beledweyne", "Somalia"),
    ("Menaka", "Mali"), ("Djibo", "Burkina Faso"), ("Palma", "Mozambique"),
]  # fmt: skip
PATTERNS = [
    "Gunmen killed {n} farmers in {town}, {country}, on Friday, residents said.",
    "A roadside bomb killed {n} soldiers near {town}, {country}, on Sunday, officials said.",
    "Militants attacked a police post in {town}, {country}, killing {n} officers on Monday.",
    "{n} civilians were killed by shelling in {town}, {country}, on Tuesday.",
]


def _env(var: Path, cache: Path, queue: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL")
    return {k: v for k, v in os.environ.items() if k in keep} | {
        "DJANGO_SECRET_KEY": "bench-only",
        "INCIDENTS_VAR_DIR": str(var),
        "INCIDENTS_CACHE_DIR": str(cache),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
    }


def _manage(tree: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=tree, env=env, check=True, capture_output=True)


def prepare(tree: Path, folder: Path) -> tuple[Path, Path]:
    """A migrated SQLite database with the reference data, and the tree's gazetteer index built."""
    var, cache = folder / "var", folder / "cache"
    env = _env(var, cache, "unused")
    _manage(tree, env, "migrate", "--noinput")
    _manage(tree, env, "load_reference")
    subprocess.run([PYTHON, "-m", "incidents.extraction", "--build-gazetteer"], cwd=tree, env=env,
                   check=True, capture_output=True)  # fmt: skip
    return var, cache


def memory(pid: int) -> dict[str, int]:
    """kB figures of one process from /proc/<pid>/smaps_rollup."""
    fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M))
    kb = {k: int(v) for k, v in fields.items()}
    return {"rss": kb["Rss"], "pss": kb["Pss"], "uss": kb["Private_Clean"] + kb["Private_Dirty"]}


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def ingest(tree: Path, env: dict[str, str], count: int, run: str) -> None:
    """Queue `count` made-up articles (unique to this run) through the tree's own service."""
    texts = []
    for i in range(count):
        town, country = TOWNS[i % len(TOWNS)]
        pattern = PATTERNS[(i // len(TOWNS)) % len(PATTERNS)]
        texts.append(pattern.format(n=2 + i % 9, town=town, country=country) + f" (Report {run}-{i}.)")
    code = (
        "import datetime as dt, json, sys; from incidents.services import article_ingest\n"
        f"for text in json.loads({json.dumps(texts)!r}):\n"
        "    article_ingest(published=dt.date(2024, 5, 6), text=text)\n"
    )
    _manage(tree, env, "shell", "-c", code)


def measure(tree: Path, var: Path, cache: Path, concurrency: int, parses: int) -> dict[str, dict]:
    """Start a worker, read its memory when ready and after `parses` parses; stop it."""
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = _env(var, cache, queue)
    log_path = var / f"{queue}.log"
    figures: dict[str, dict] = {}
    with open(log_path, "w") as log:
        command = [PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", queue,
                   f"--concurrency={concurrency}", "--loglevel=INFO"]  # fmt: skip
        proc = subprocess.Popen(command, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(lambda: " ready." in log_path.read_text(), 120, log_path)
            _wait(lambda: len(children(proc.pid)) == concurrency, 60, log_path)
            time.sleep(3)  # the pool processes finish starting (the baseline's load their gazetteer)
            figures["ready"] = _snapshot(proc.pid)
            ingest(tree, env, parses, queue)
            done = lambda: log_path.read_text().count("succeeded in") >= parses  # noqa: E731
            _wait(done, 600, log_path)
            figures[f"after {parses} parses"] = _snapshot(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    return figures


def _snapshot(main: int) -> dict:
    pool = [memory(pid) for pid in children(main)]
    head = memory(main)
    return {
        "main": head,
        "pool": pool,
        "total_pss": head["pss"] + sum(p["pss"] for p in pool),
        "total_uss": head["uss"] + sum(p["uss"] for p in pool),
    }


def _wait(predicate, seconds: float, log_path: Path) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


def _mb(kb: float) -> str:
    return f"{kb / 1024:7.0f}"


def report(name: str, concurrency: int, figures: dict[str, dict]) -> None:
    for phase, snap in figures.items():
        pool = snap["pool"]
        uss = sum(p["uss"] for p in pool) / len(pool)
        pss = sum(p["pss"] for p in pool) / len(pool)
        rss = sum(p["rss"] for p in pool) / len(pool)
        print(f"{name:<20} {concurrency:>3}  {phase:<18}{_mb(snap['main']['uss'])}{_mb(snap['main']['pss'])}"
              f"{_mb(uss)}{_mb(pss)}{_mb(rss)}{_mb(snap['total_pss'])}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="e1cde5e", help="git ref to compare with, or 'none'")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--parses", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="worker-memory-") as tmp:
        trees = {"this tree": ROOT}
        if args.baseline != "none":
            base = Path(tmp) / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT,
                           check=True, capture_output=True)  # fmt: skip
            (base / "node_modules").symlink_to(ROOT / "node_modules")
            trees[f"baseline {args.baseline}"] = base
        try:
            print(f"load average {os.getloadavg()[0]:.2f}; MB; pool figures are per pool process (mean)")
            print(f"{'tree':<20} {'c':>3}  {'phase':<18}{'mainUSS':>7}{'mainPSS':>7}"
                  f"{'poolUSS':>7}{'poolPSS':>7}{'poolRSS':>7}{'sumPSS':>7}")  # fmt: skip
            for name, tree in trees.items():
                var, cache = prepare(tree, Path(tempfile.mkdtemp(dir=tmp)))
                for concurrency in args.concurrency:
                    report(name, concurrency, measure(tree, var, cache, concurrency, args.parses))
        finally:
            if args.baseline != "none":
                remove = ["git", "worktree", "remove", "--force", str(Path(tmp) / "baseline")]
                subprocess.run(remove, cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
