"""Every regular expression of the extractor runs in linear time, and so does the extractor.

A pattern with nested or overlapping quantifiers (`([\\w-]+[ -])+`) backtracks exponentially on
input made to make it try every split: one article could then hold a worker for hours. Each
pattern of every extraction module is run over adversarial strings of tens of kilobytes in a
child process; a pattern that has not finished one string after a generous budget (linear work
there takes milliseconds, catastrophic backtracking minutes) fails the test by name. This is a
guard against runaway backtracking, not a speed target: `bench/extraction.py` measures speed.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import re
from datetime import date

import pytest

from incidents import extraction

_NAMES = "actors blame counts dates document engine events factual gazetteer knowledge location places segment text"
MODULES = [importlib.import_module(f"incidents.extraction.{name}") for name in _NAMES.split()]
# the linker's patterns too (incidents/linking/text.py: run with the extractor's "text" module)
MODULES.append(importlib.import_module("incidents.linking.text"))
BUDGET_S = 20  # per adversarial string and module: linear work takes milliseconds here

# Strings built to make an overlapping pattern try every way of splitting them.
ADVERSARIAL = {
    "hyphenated slug": "Al-" * 12_000 + "x",
    "title-case hyphens": "Aaaa-Bbbb " * 4_000 + "-",
    "particles": "Abu Al Bin " * 4_000,
    "capital letters": "A " * 15_000,
    "capitals run": "KABUL " * 5_000 + "- x",
    "lower words": "a " * 15_000,
    "spaces": " " * 40_000 + "x",
    "blank lines": "\n \n" * 10_000,
    "numbers": "1 " * 15_000,
    "thousands": "1," * 15_000,
    "number words": "twenty one and " * 3_000,
    "death words": "killed " * 5_000,
    "tolls without figures": "the death toll from the attack " * 1_500,
    "place cues": "in the town of " * 3_000,
    "commas": "Kabul, " * 5_000,
    "parentheses": "(" * 20_000,
    "abbreviations": "Mr. " * 10_000,
    "apostrophes": "Al'Al'" * 6_000,
    "datelines": "KABUL, May 13 (Reuters) " * 1_500,
    "possessives": "Russia's " * 5_000,
    "hyphenated articles": "Deir al-" * 5_000,
    "since clauses": "since the " * 4_000,
    "plural war words": "attacks " * 5_000,
    "waves": "waves of " * 4_000,
}


def _patterns() -> list[tuple[str, re.Pattern]]:
    """(name, pattern) for every compiled pattern of the extraction modules, nested ones too."""
    found: dict[int, tuple[str, re.Pattern]] = {}

    def visit(name: str, value, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            found.setdefault(id(value), (name, value))
        elif depth < 3 and isinstance(value, list | tuple):
            for i, item in enumerate(value):
                visit(f"{name}[{i}]", item, depth + 1)
        elif depth < 3 and isinstance(value, dict):
            for key, item in value.items():
                visit(f"{name}[{key!r}]", item, depth + 1)

    for module in MODULES:
        for attr, value in vars(module).items():
            visit(f"{module.__name__.rsplit('.', 1)[-1]}.{attr}", value)
    return list(found.values())


def _run_module(module_name: str, conn) -> None:
    """Child process: run each pattern of one module over each string, reporting progress (a pipe
    write is immediate, so the parent knows which pattern holds the child)."""
    for name, rx in _patterns():
        if not name.startswith(module_name + "."):
            continue
        for label, s in ADVERSARIAL.items():
            conn.send((name, label))
            for _ in rx.finditer(s):
                pass
    conn.send(None)


def _watch(target, args: tuple, budget: float, what) -> object:
    """Run `target(*args, conn)` in a child; fail naming `what(last message)` if a step overruns."""
    ctx = mp.get_context("fork")
    parent, child_end = ctx.Pipe(duplex=False)
    child = ctx.Process(target=target, args=(*args, child_end), daemon=True)
    child.start()
    last = None
    try:
        while True:
            if not parent.poll(budget):
                pytest.fail(what(last))
            item = parent.recv()
            if item is None or not isinstance(item, tuple):
                return item
            last = item
    finally:
        child.kill()
        child.join()


def test_every_module_has_patterns_under_test():
    names = {name.split(".")[0] for name, _ in _patterns()}
    assert {"actors", "counts", "dates", "document", "events", "factual", "places", "location"} <= names
    assert len(_patterns()) > 150


@pytest.mark.parametrize("module", [m.__name__.rsplit(".", 1)[-1] for m in MODULES])
def test_patterns_are_linear_on_adversarial_input(module):
    _watch(
        _run_module,
        (module,),
        BUDGET_S,
        lambda last: f"{last[0]} did not finish the {last[1]!r} string in {BUDGET_S} s: it backtracks",
    )


def _extract_in_child(payload: str, conn) -> None:
    knowledge_ = extraction.load_reference_knowledge()
    incidents = extraction.extract(payload, date(2022, 1, 10), knowledge_)
    conn.send(len(incidents))


@pytest.mark.parametrize(
    "label, payload",
    [
        ("90 KB title-case hyphenated slug", "Al-" * 30_000 + "Kabul."),
        ("7,000 repeats of 'Abu Al Bin'", "Abu Al Bin " * 7_000),
        (
            "a bomb in every one of 3,000 sentences",
            "A bomb exploded in Kabul on Monday, killing 3 people. " * 3_000,
        ),
        (
            "one 150 KB sentence of places and tolls",
            "in Kabul, Mosul and Aleppo 12 people were killed and " * 3_000,
        ),
    ],
)
def test_extract_finishes_on_adversarial_articles(label, payload):
    count = _watch(
        _extract_in_child,
        (payload,),
        BUDGET_S * 3,
        lambda last: f"extract() did not finish the {label} within {BUDGET_S * 3} s",
    )
    assert isinstance(count, int) and count >= 0
