"""Benchmark writing an article's drafts: this tree's bulk writer beside the row-by-row one.

    .venv/bin/python bench/drafts.py [--runs 9] [--baseline e1cde5e] [--database-url URL]

On PostgreSQL (default: the database `bd_db` on 127.0.0.1:5432, created and migrated if missing,
reference data loaded), for the drafts the extractor makes of the seed article and for made-up
drafts (8 and 40 incidents, each with 4 actors, 3 cited sources and 10 evidence spans, every name
new), it prints the queries and the median time of:

- drafts_save, first write (new names) and again (the drafts replaced, the names known), inside a
  transaction rolled back after each run, so every run starts from the same database;
- article_parse with the extractor stood in for (the knowledge it loads is not counted): claim,
  read, drafts and status, each run on an article of its own, first parse and re-parse.

The baseline is the same functions at the baseline commit (`git show`), run in this process on
the same database, alternating with this tree's run by run. The made-up drafts come from
tests/support/synthetic_drafts.py, as in the tests that count the queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT.parent / "shared" / "seed" / "mehr-2022-01-daesh-iraq-syria.txt"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bd_db"


def setup(url: str) -> None:
    """Django on `url`, the database made and migrated if it is not there yet."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=url, DJANGO_SECRET_KEY="bench", DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("DJANGO_DEBUG", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=io.StringIO())


def baseline_module(commit: str, path: str, name: str, **replace) -> types.ModuleType:
    """`path` as it was at `commit`, as a module; `replace` sets some of its globals after."""
    source = subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{commit}:{path}"
    sys.modules[name] = module  # dataclasses look their module up there
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own history
    module.__dict__.update(replace)
    return module


def counted(action) -> int:
    """The queries `action` runs (Django's debug cursor: used for counting only, never timed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # it keeps 9,000 at most: a full log counts nothing new
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def article(text: str):
    from incidents.services import article_ingest

    stamp = f"{text} [{time.time_ns()}]"
    return article_ingest(
        published=dt.date(2022, 1, 23), text=stamp, publisher="Mehr News Agency", enqueue=False
    ).article


def save_cases(writer, make, tag: str) -> dict[str, tuple[int, float]]:
    """drafts_save first (new names) and again (replacing its drafts), inside a transaction rolled
    back after each run: {case: (queries, seconds)}."""
    from django.db import transaction

    target, drafts = article("drafts bench"), make(tag)
    out = {}
    for case in ("first", "again"):
        found = []
        for measure in (counted, timed):
            with transaction.atomic():
                if case == "again":
                    writer(target, drafts)
                found.append(measure(lambda: writer(target, drafts)))
                transaction.set_rollback(True)
        out[case] = (found[0], found[1])
    return out


def parse_cases(parse, module, make, tag: str) -> dict[str, tuple[int, float]]:
    """article_parse with the extractor stood in for, first and again, each on an article of its
    own with names of its own: {case: (queries, seconds)}."""
    from incidents.services import article_requeue

    out = {}
    for case in ("first", "again"):
        found = []
        for measure in (counted, timed):
            one, drafts = article("parse bench"), make(f"{tag}{case}{measure.__name__}")
            module.extract_drafts = lambda _article, drafts=drafts: drafts
            if case == "again":
                parse(one.pk)
                article_requeue(one, enqueue=False)
            found.append(measure(lambda one=one: parse(one.pk)))
            assert type(one).objects.get(pk=one.pk).status == "parsed"
        out[case] = (found[0], found[1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--baseline", default="e1cde5e")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    setup(args.database_url)

    from incidents.services import articles, drafts
    from tests.support.synthetic_drafts import synthetic_drafts

    old_drafts = baseline_module(args.baseline, "incidents/services/drafts.py", "drafts_baseline")
    old_articles = baseline_module(
        args.baseline,
        "incidents/services/articles.py",
        "articles_baseline",
        drafts_save=old_drafts.drafts_save,
    )
    seed = articles.extract_drafts(article(SEED.read_text(encoding="utf-8")))
    cases = {"seed article": lambda tag: seed}
    for n in (8, 40):
        cases[f"{n} x 4 actors x 3 sources x 10 spans"] = lambda tag, n=n: synthetic_drafts(
            n, 4, 3, 10, tag=tag
        )
    trees = {
        "baseline": (old_drafts.drafts_save, old_articles.article_parse, old_articles),
        "this tree": (drafts.drafts_save, articles.article_parse, articles),
    }
    print(f"PostgreSQL, {args.runs} runs each, median time; baseline {args.baseline}\n")
    print(f"{'case':40} {'call':24} {'baseline':>18} {'this tree':>18}")
    for label, make in cases.items():
        rows: dict[tuple[str, str], dict[str, list]] = {}
        for run in range(args.runs):
            for tree, (save, parse, module) in trees.items():
                found = {f"drafts_save {k}": v for k, v in save_cases(save, make, f"{tree}{run}s").items()}
                found |= {
                    f"article_parse {k}": v
                    for k, v in parse_cases(parse, module, make, f"{tree}{run}p").items()
                }
                for call, value in found.items():
                    rows.setdefault((call, tree), {"q": [], "t": []})
                    rows[(call, tree)]["q"].append(value[0])
                    rows[(call, tree)]["t"].append(value[1])
        for call in dict.fromkeys(call for call, _ in rows):
            cells = []
            for tree in trees:
                got = rows[(call, tree)]
                cells.append(f"{max(got['q']):4d} q {statistics.median(got['t']) * 1000:7.1f} ms")
            print(f"{label:40} {call:24} {cells[0]:>18} {cells[1]:>18}")


if __name__ == "__main__":
    main()
