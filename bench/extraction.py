"""Benchmark the extractor on one core: speed on news, cost per KB as texts grow, adversarial input.

    python3 bench/extraction.py [NEWS.jsonl]

Prints, each beside a baseline measured in the same run:

- knowledge load time and peak memory (targets: <= 5 s, <= 600 MB);
- articles per second over the news set (default ../shared/eval/news/dev.jsonl; target >= 100),
  each text read cold (the per-sentence caches emptied between rounds), the fastest of 5 rounds;
- milliseconds per KB for news text from 1 KB to 1 MB (target: flat, not growing with size);
- the slowest of a set of adversarial inputs (target: under 2 s).

The baseline is the cheapest reading of the same text: splitting it into word tokens and
sentences. The extractor's cost is shown as a multiple of it: a multiple that stays level as the
text grows is linear work; one that grows is not.
"""

from __future__ import annotations

import datetime
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from incidents.extraction import extract, forget_sentences, load_reference_knowledge  # noqa: E402
from incidents.extraction.knowledge import indexed  # noqa: E402
from incidents.extraction.text import sentences, tokens  # noqa: E402

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
DEFAULT = EVAL / "news" / "dev.jsonl"
DAY = datetime.date(2022, 3, 1)
SIZES_KB = (1, 4, 16, 64, 256, 1024)
ADVERSARIAL = {
    "90 KB title-case hyphenated slug": "Al-" * 30_000 + "Kabul.",
    "7,000 repeats of 'Abu Al Bin'": "Abu Al Bin " * 7_000,
    "100 KB of one sentence of places and tolls": "in Kabul, Mosul and Aleppo 12 people were killed and "
    * 2_000,
    "100 KB of capital letters": "A " * 50_000,
    "100 KB of spaces and one word": " " * 100_000 + "killed",
    "50 KB of abbreviations": "Mr. " * 12_500,
    "50 KB of dates": "on Monday, 3 May 2021, two days earlier, " * 1_200,
    "3,000 one-line bombings": "A bomb exploded in Kabul on Monday, killing 3 people.\n" * 3_000,
}


def _articles(path: Path) -> list[tuple[str, datetime.date, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(
                (r.get("text") or "", datetime.date.fromisoformat(r["published"][:10]), r.get("title") or "")
            )
    return out


def _timed(fn) -> float:
    forget_sentences()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _baseline(text: str) -> None:
    tokens(text)
    sentences(text)


def throughput(articles, knowledge, rounds: int = 5) -> tuple[float, float, int]:
    """(articles/s, baseline articles/s, incidents per round), each from the fastest of `rounds`
    rounds: the least disturbed by whatever else the machine is doing."""
    n_inc = 0
    spent, base = [], []
    for _ in range(rounds):
        forget_sentences()
        t = time.perf_counter()
        n_inc = sum(len(extract(text, published, knowledge, title)) for text, published, title in articles)
        spent.append(time.perf_counter() - t)
        t = time.perf_counter()
        for text, _, _ in articles:
            _baseline(text)
        base.append(time.perf_counter() - t)
    return len(articles) / min(spent), len(articles) / min(base), n_inc


def per_kb(news_text: str, knowledge) -> list[tuple[int, float, float]]:
    """(KB, ms per KB extracting, ms per KB baseline) for news text of growing size."""
    out = []
    for kb in SIZES_KB:
        text = (news_text * (kb * 1024 // max(len(news_text), 1) + 1))[: kb * 1024]
        runs = 3 if kb <= 64 else 1
        spent = min(_timed(lambda t=text: extract(t, DAY, knowledge)) for _ in range(runs))
        base = min(_timed(lambda t=text: _baseline(t)) for _ in range(runs))
        out.append((kb, spent * 1000 / kb, base * 1000 / kb))
    return out


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    articles = _articles(path)
    t0 = time.perf_counter()
    knowledge = load_reference_knowledge()
    indexed(knowledge)  # the index is part of loading: build it now, not during the first article
    load_s = time.perf_counter() - t0
    gaz = knowledge.gazetteer
    print(f"knowledge: {len(knowledge.countries)} countries, {len(knowledge.places)} places,", end=" ")
    print(f"{len(knowledge.actors)} actors")
    print(f"gazetteer: {len(gaz)} GeoNames places ({gaz.source})" if gaz is not None else "gazetteer: none")
    print(f"load time: {load_s:.2f} s (target <= 5 s)")

    rate, base_rate, per_round = throughput(articles, knowledge)
    size = statistics.mean(len(t) for t, _, _ in articles) / 1024
    name = f"{path.parent.name}/{path.name}"
    print(f"\n{name}: {len(articles)} articles of {size:.1f} KB on average, {per_round} incidents")
    print(f"throughput: {rate:.1f} articles/s on one core (target >= 100)")
    print(f"baseline (word tokens and sentences only): {base_rate:.0f} articles/s")

    news_text = "\n\n".join(t for t, _, _ in articles)
    print("\nsize      ms/KB  baseline ms/KB  multiple")
    for kb, ms, base in per_kb(news_text, knowledge):
        print(f"{kb:5d} KB  {ms:6.2f}  {base:14.2f}  {ms / base:8.1f}x")

    print("\nadversarial input              seconds  baseline")
    slowest = 0.0
    for label, text in ADVERSARIAL.items():
        spent = min(_timed(lambda t=text: extract(t, DAY, knowledge)) for _ in range(2))
        base = min(_timed(lambda t=text: _baseline(t)) for _ in range(2))
        slowest = max(slowest, spent)
        print(f"{label:<44} {spent:6.2f}  {base:8.3f}")
    print(f"slowest adversarial input: {slowest:.2f} s (target < 2 s)")
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(f"\npeak RSS: {rss_kb / 1024:.1f} MB (target <= 600 MB)")


if __name__ == "__main__":
    main()
