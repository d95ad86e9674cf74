"""Benchmark the review desk's place type-ahead in a web process: the whole gazetteer (before) vs
the type-ahead file (gazetteer_index.py).

    python3 bench/typeahead.py [RUNS]

Each reading is taken in a FRESH Python process (a subprocess per run, RUNS each, default 3),
as a web worker meets its first lookup: the modules are imported first (a web process imports
them at start), then the first lookup is timed, then the resident memory is read, then 200
lookups of varied prefixes (3 letters to whole names, seeded) give the median and p95.

- baseline: `shared_gazetteer().complete(q)`, the path before (loads the ~170k places);
- index: `shared_index().complete(q)`, the file already built (make install, the image);
- index, no file yet: the first lookup on a machine whose cache has only the gazetteer's pickle
  (a child process builds the file once per machine).

Target: the first lookup under 100 ms. The OS page cache holds the files (run after a build).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOOKUPS = 200


def _rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(mode: str, queries_file: str) -> None:
    """One fresh process: import, first lookup, memory, then the varied lookups. Prints JSON."""
    t = time.perf_counter()
    from incidents.extraction.gazetteer import shared_gazetteer  # noqa: PLC0415
    from incidents.extraction.gazetteer_index import shared_index  # noqa: PLC0415

    imported = time.perf_counter() - t
    rss_before = _rss_mb()
    queries = json.loads(Path(queries_file).read_text())
    t = time.perf_counter()
    towns = shared_gazetteer() if mode == "baseline" else shared_index()
    first = towns.complete("Kirku")
    first_ms = (time.perf_counter() - t) * 1000
    assert first and first[0].name == "Kirkuk", first
    rss_after = _rss_mb()
    times = []
    for q in queries:
        t = time.perf_counter()
        towns.complete(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "import_ms": imported * 1000,
                "first_ms": first_ms,
                "rss_before": rss_before,
                "rss_after": rss_after,
                "median_ms": statistics.median(times),
                "p95_ms": times[int(len(times) * 0.95) - 1],
            }
        )
    )


def _queries(index_file: Path) -> list[str]:
    """LOOKUPS prefixes of place names, 3 letters to whole names, picked with a fixed seed."""
    db = sqlite3.connect(f"{index_file.as_uri()}?mode=ro", uri=True)
    names = [n for (n,) in db.execute("SELECT name FROM place ORDER BY id")]
    db.close()
    rng = random.Random(7)
    out = []
    while len(out) < LOOKUPS:
        name = rng.choice(names)
        if len(name) >= 3:
            out.append(name[: rng.randint(3, len(name))])
    return out


def _run(mode: str, queries_file: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(queries_file)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _line(label: str, runs: list[dict]) -> str:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    return (
        f"{label:<28} first lookup {med('first_ms'):8.1f} ms (runs: "
        + ", ".join(f"{r['first_ms']:.0f}" for r in runs)
        + f")  RSS {med('rss_before'):5.0f} -> {med('rss_after'):5.0f} MB"
        f"  then median {med('median_ms'):.3f} ms, p95 {med('p95_ms'):.3f} ms"
        f"  (imports {med('import_ms'):.0f} ms)"
    )


def main(runs: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "incidents.extraction", "--build-gazetteer"], env=env, check=True)
    from incidents.extraction.gazetteer import _cache_path, _data_file  # noqa: PLC0415
    from incidents.extraction.gazetteer_index import index_path  # noqa: PLC0415

    version = _data_file()[1]
    with tempfile.TemporaryDirectory() as tmp:
        queries_file = Path(tmp) / "queries.json"
        queries_file.write_text(json.dumps(_queries(index_path(version))))
        print(f"{LOOKUPS} lookups of varied prefixes, {runs} fresh processes each (median of runs)")
        print(_line("baseline: whole gazetteer", [_run("baseline", queries_file, env) for _ in range(runs)]))
        print(_line("index (file built)", [_run("index", queries_file, env) for _ in range(runs)]))
        fresh = []
        for n in range(runs):
            cache = Path(tmp) / f"cache{n}"
            cache.mkdir()
            shutil.copy(_cache_path(version), cache)
            fresh.append(_run("index", queries_file, {**env, "INCIDENTS_CACHE_DIR": str(cache)}))
        print(_line("index, no file yet (builds)", fresh))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
