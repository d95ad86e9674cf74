"""Benchmark the news-page reader: how much of each test page's article text it keeps, how much
boilerplate it lets in, and how long it takes, beside the project's current reading of HTML.

    .venv/bin/python bench/main_text.py

For each page of tests/fixtures/web (NAME.html with NAME.expected.json) it prints word-level
precision, recall and F1 of `incidents.webread.page_read(...).text` against the expected article
text, and the median time of 5 reads; beside them the same figures for the baseline measured in
the same run: an uploaded .html file's reading (`incidents.services.uploads.decode_upload`, i.e.
decode_text then html_to_text, all the visible text of the page). Then the overall (micro)
figures, how many pages had their metadata (title, date, site name, canonical URL) right, the
same figures on pages never used to tune the reader (the end-to-end tests' news site), the
first read's time (trafilatura loading its data) and the time on a 1 MB page (the page with
comments, its comment list repeated).

Word level: lower-cased runs of letters and digits, counted as multisets; precision = common /
extracted, recall = common / expected.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from incidents.webread import page_read  # noqa: E402
from tests.support.word_overlap import Overlap, fixture_pages, overlap  # noqa: E402

ROUNDS = 5
MB = 1_048_576


def baseline_reader():
    """The project's upload reader; its package imports models, so Django is set up first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    import django

    django.setup()
    from incidents.services.uploads import decode_upload

    return lambda name, content: decode_upload(f"{name}.html", content, 5 * MB)[1]


def timed(read, rounds: int = ROUNDS) -> tuple[str, float]:
    """The text read and the median milliseconds of `rounds` reads."""
    times, text = [], ""
    for _ in range(rounds):
        started = time.perf_counter()
        text = read()
        times.append((time.perf_counter() - started) * 1000)
    return text, statistics.median(times)


def metadata_right(page, article) -> int:
    want = page.expected
    published = dt.date.fromisoformat(want["published"]) if want["published"] else None
    return sum(
        (
            article.title == want["title"],
            article.published == published,
            article.site_name == want["site_name"],
            article.canonical_url == want["canonical_url"],
        )
    )


def scores(score: Overlap, ms: float) -> str:
    return f"{score.precision:5.3f} {score.recall:5.3f} {score.f1:5.3f} {ms:7.2f}"


def row(name: str, ours: Overlap, ours_ms: float, base: Overlap, base_ms: float) -> str:
    return f"{name:22} {ours.expected:5d} | {scores(ours, ours_ms)} | {scores(base, base_ms)}"


def main() -> None:
    logging.disable(logging.WARNING)  # trafilatura and htmldate log every fallback they try
    baseline = baseline_reader()
    pages = fixture_pages()
    _, first_ms = timed(lambda: page_read(pages[0].content, pages[0].url), rounds=1)
    columns = f"{'P':>5} {'R':>5} {'F1':>5} {'ms':>7}"
    print(f"{'':28} | {'page_read':25} | baseline (uploads.html_to_text)")
    print(f"{'page':22} {'words':>5} | {columns} | {columns}")
    total_ours = total_base = Overlap(0, 0, 0)
    right = 0
    ours_times, base_times = [], []
    for page in pages:
        article = page_read(page.content, page.url)
        _, ours_ms = timed(lambda page=page: page_read(page.content, page.url).text)
        base_text, base_ms = timed(lambda page=page: baseline(page.name, page.content))
        ours, base = overlap(article.text, page.expected["text"]), overlap(base_text, page.expected["text"])
        total_ours, total_base = total_ours + ours, total_base + base
        ours_times.append(ours_ms)
        base_times.append(base_ms)
        right += metadata_right(page, article)
        print(row(page.name, ours, ours_ms, base, base_ms))
    print("-" * 100)
    print(
        row(
            "micro (all pages)",
            total_ours,
            statistics.median(ours_times),
            total_base,
            statistics.median(base_times),
        )
    )
    print(f"\nmetadata right (title, date, site name, canonical URL): {right} of {4 * len(pages)}")
    print(f"time: median per page, {ROUNDS} reads each; the micro row gives the median over pages")
    print(f"first read in the process: {first_ms:.0f} ms")
    held_out(baseline)
    big = large_page(next(page for page in pages if page.name == "newspaper_comments"))
    _, big_ms = timed(lambda: page_read(big.content, big.url), rounds=3)
    _, big_base_ms = timed(lambda: baseline("large", big.content), rounds=3)
    print(f"{len(big.content) / MB:.1f} MB page: page_read {big_ms:.0f} ms, baseline {big_base_ms:.0f} ms")


def held_out(baseline, stories: int = 40) -> None:
    """Pages the reader's clean-up rules were never tuned on: the end-to-end tests' news site
    (tests/support/news_site.py: cookie banner, navigation, share bar, related stories, comments),
    `stories` made-up stories, expected text = the story's headline-free paragraphs."""
    from tests.support.news_site import NewsSite, items

    site = NewsSite(base="https://herald.example")  # pages rendered, not served
    ours = base = Overlap(0, 0, 0)
    for item in items(0, stories):
        path = f"/news/{item.slug}"
        html = site.page_html(path, item).encode("utf-8")
        expected = "\n\n".join(item.paragraphs)
        ours = ours + overlap(page_read(html, site.url(path)).text, expected)
        base = base + overlap(baseline(f"{item.slug}.html", html), expected)
    print(
        f"\nheld out ({stories} pages of the tests' news site, not used in tuning): "
        f"page_read P {ours.precision:.3f} R {ours.recall:.3f} F1 {ours.f1:.3f}; "
        f"baseline P {base.precision:.3f} R {base.recall:.3f} F1 {base.f1:.3f}"
    )


def large_page(page):
    """The page with its comment list repeated until the page weighs about 1 MB."""
    start, end = page.content.index(b'<ol class="comment-list">'), page.content.index(b"</ol>") + 5
    repeats = MB // (end - start) + 1
    content = page.content[:start] + page.content[start:end] * repeats + page.content[end:]
    return type(page)(page.name, content, page.expected)


if __name__ == "__main__":
    main()
