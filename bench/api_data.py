"""Synthetic ACLED-like incidents for bench/api.py, written straight into PostgreSQL with COPY.

Realistic shape, not real events: ~40 countries (a few dominate), 8 years of dates denser in the
recent ones, the ACLED event / sub-event mix, ~2000 actors with 1-2 per incident, skewed fatalities.
Everything is seeded, so two loads of the same size hold the same rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import psycopg

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "incidents" / "reference"

# code, share of incidents (relative), latitude, longitude, spread in degrees
COUNTRIES: list[tuple[str, float, float, float, float]] = [
    ("SY", 14.0, 35.0, 38.5, 1.8),
    ("YE", 10.0, 15.5, 46.5, 1.8),
    ("UA", 9.0, 48.4, 33.0, 3.0),
    ("NG", 8.0, 9.1, 8.7, 3.0),
    ("MM", 6.0, 21.0, 96.0, 3.0),
    ("MX", 5.0, 23.6, -102.5, 4.0),
    ("IN", 5.0, 22.0, 79.0, 5.0),
    ("PK", 4.0, 30.4, 69.3, 3.0),
    ("IQ", 4.0, 33.2, 43.7, 2.0),
    ("AF", 4.0, 33.9, 67.7, 2.5),
    ("SO", 4.0, 5.2, 46.2, 3.0),
    ("SD", 3.0, 15.5, 30.2, 3.5),
    ("CD", 3.0, -2.9, 23.7, 4.0),
    ("BR", 3.0, -14.2, -51.9, 6.0),
    ("ML", 2.5, 16.0, -3.0, 3.0),
    ("BF", 2.5, 12.2, -1.6, 2.0),
    ("ET", 2.5, 9.1, 40.5, 3.0),
    ("CO", 2.0, 4.6, -74.3, 3.0),
    ("PS", 2.0, 31.9, 35.2, 0.3),
    ("LB", 1.5, 33.9, 35.9, 0.4),
    ("LY", 1.5, 28.0, 17.2, 4.0),
    ("CM", 1.5, 6.0, 12.4, 2.5),
    ("PH", 1.5, 12.0, 122.0, 3.0),
    ("BD", 1.5, 23.7, 90.4, 1.2),
    ("NE", 1.0, 16.0, 8.1, 3.0),
    ("CF", 1.0, 6.6, 20.9, 2.5),
    ("SS", 1.0, 7.0, 30.5, 2.5),
    ("KE", 1.0, 0.0, 37.9, 2.5),
    ("IR", 1.0, 32.4, 53.7, 4.0),
    ("TR", 1.0, 39.0, 35.2, 3.0),
    ("TD", 0.8, 14.0, 18.7, 3.0),
    ("MZ", 0.8, -18.7, 35.5, 3.0),
    ("HT", 0.8, 18.9, -72.5, 0.6),
    ("VE", 0.8, 7.5, -66.0, 2.5),
    ("EG", 0.6, 27.0, 30.8, 2.5),
    ("PE", 0.6, -9.2, -75.0, 3.0),
    ("ID", 0.6, -2.5, 118.0, 5.0),
    ("TH", 0.5, 15.9, 101.0, 2.5),
    ("DZ", 0.4, 30.0, 3.0, 3.0),
    ("TN", 0.4, 34.0, 9.5, 1.2),
]

# sub-event type -> (event type, relative share): the ACLED global mix, roughly
SUB_EVENTS: dict[str, tuple[str, float]] = {
    "Armed clash": ("Battles", 18.0),
    "Government regains territory": ("Battles", 1.2),
    "Non-state actor overtakes territory": ("Battles", 0.8),
    "Attack": ("Violence against civilians", 13.0),
    "Abduction/forced disappearance": ("Violence against civilians", 3.5),
    "Sexual violence": ("Violence against civilians", 0.5),
    "Shelling/artillery/missile attack": ("Explosions/Remote violence", 12.0),
    "Air/drone strike": ("Explosions/Remote violence", 7.0),
    "Remote explosive/landmine/IED": ("Explosions/Remote violence", 2.5),
    "Grenade": ("Explosions/Remote violence", 0.4),
    "Suicide bomb": ("Explosions/Remote violence", 0.1),
    "Chemical weapon": ("Explosions/Remote violence", 0.01),
    "Peaceful protest": ("Protests", 27.0),
    "Protest with intervention": ("Protests", 2.5),
    "Excessive force against protesters": ("Protests", 0.3),
    "Violent demonstration": ("Riots", 3.5),
    "Mob violence": ("Riots", 2.5),
    "Looting/property destruction": ("Strategic developments", 1.5),
    "Arrests": ("Strategic developments", 1.2),
    "Change to group/activity": ("Strategic developments", 0.8),
    "Disrupted weapons use": ("Strategic developments", 0.6),
    "Other": ("Strategic developments", 0.4),
    "Agreement": ("Strategic developments", 0.3),
    "Headquarters or base established": ("Strategic developments", 0.1),
    "Non-violent transfer of territory": ("Strategic developments", 0.1),
}

ARMED = ("state_forces", "rebel_group", "political_militia", "identity_militia")
# event type -> (actor1 types, actor2 types, share with a second actor, share with fatalities)
ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], float, float]] = {
    "Battles": (ARMED, ARMED, 0.95, 0.55),
    "Violence against civilians": (ARMED + ("external_other",), ("civilians",), 0.9, 0.65),
    "Explosions/Remote violence": (
        ("state_forces", "rebel_group", "external_other"),
        ("civilians",) + ARMED,
        0.6,
        0.45,
    ),
    "Protests": (("protesters",), ("state_forces",), 0.1, 0.01),
    "Riots": (("rioters",), ("civilians", "state_forces", "rioters"), 0.4, 0.1),
    "Strategic developments": (ARMED, ("civilians",) + ARMED, 0.3, 0.03),
}

SUMMARIES: dict[str, str] = {
    "Battles": "{a1} clashed with {a2} near {loc} in {adm}. {fat}",
    "Violence against civilians": "{a1} attacked {a2} in {loc} ({adm}). {fat}",
    "Explosions/Remote violence": "{sub} by {a1} hit {loc} in {adm}. {fat}",
    "Protests": "Demonstrators gathered in {loc} ({adm}) over {cause}. {fat}",
    "Riots": "Rioters clashed in {loc}, {adm}, over {cause}; property was damaged. {fat}",
    "Strategic developments": "{a1} reported in {loc} ({adm}): {sub}. {fat}",
}
CAUSES = (
    "fuel prices",
    "unpaid salaries",
    "power cuts",
    "the cost of living",
    "detained relatives",
    "a disputed election",
    "land rights",
    "water shortages",
    "local security",
    "a police killing",
)
SOURCES = (
    ("Reuters", "international"),
    ("Agence France-Presse", "international"),
    ("Associated Press", "international"),
    ("BBC News", "international"),
    ("Al Jazeera", "regional"),
    ("Xinhua", "international"),
    ("Anadolu Agency", "regional"),
    ("OCHA", "international"),
    ("Human Rights Watch", "international"),
    ("Amnesty International", "international"),
)
STATUS = (("published", 90.0), ("reviewed", 4.0), ("draft", 5.0), ("rejected", 1.0))
GEO = (("exact", 70.0), ("near", 20.0), ("region", 8.0), ("country", 2.0))
DATE_PRECISION = (("day", 90.0), ("week", 8.0), ("month", 2.0))
SYLLABLES = [
    "al",
    "ba",
    "da",
    "ka",
    "ma",
    "na",
    "ra",
    "sa",
    "ta",
    "wa",
    "yo",
    "ze",
    "ki",
    "lu",
    "mo",
    "ri",
    "sha",
    "dar",
    "kaf",
    "tel",
    "bir",
    "jab",
    "umm",
    "hab",
]

INCIDENT_COLUMNS = (
    "id",
    "article_id",
    "start_date",
    "end_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "country_id",
    "admin1",
    "location_id",
    "location_name",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "injured_low",
    "injured_best",
    "injured_high",
    "summary",
    "is_background",
    "confidence",
    "status",
    "created_at",
    "updated_at",
)
# Tables whose non-primary indexes and foreign keys are dropped for the load and rebuilt after it.
LOADED_TABLES = ("incidents_incident", "incidents_incidentactor", "incidents_incidentsource")


def _clean(text: str) -> str:
    """Safe for COPY's text format: no tabs, newlines or backslashes."""
    return " ".join(text.replace("\\", "/").split())


def _cum(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def _zipf(n: int, s: float = 1.0) -> list[float]:
    return _cum(1.0 / (i + 1) ** s for i in range(n))


def _name(rng: random.Random, words: int = 2) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(words)
    )


class World:
    """Countries with their admin1 regions, places and actor pools."""

    def __init__(self, rng: random.Random, countries: list[tuple] = COUNTRIES) -> None:
        names = {c["code"]: c["name"] for c in json.loads((REFERENCE / "countries.json").read_text())}
        self.countries = countries
        admin1 = json.loads((REFERENCE / "geonames_admin1.json").read_text())
        self.codes = [c[0] for c in countries]
        self.country_cum = _cum(c[1] for c in countries)
        self.names = {code: _clean(names.get(code, code)) for code in self.codes}
        self.regions: dict[str, list[tuple[str, list[tuple[str, float, float]], list[float]]]] = {}
        self.region_cum: dict[str, list[float]] = {}
        for code, _w, lat, lon, spread in countries:
            regions = sorted({_clean(v) for k, v in admin1.items() if k.startswith(code + ".")}) or [
                f"{self.names[code]} Region {i}" for i in range(1, 9)
            ]
            rng.shuffle(regions)  # which regions are the busy ones
            rows = []
            for region in regions:
                clat = lat + rng.uniform(-spread, spread)
                clon = lon + rng.uniform(-spread, spread)
                places = []
                seen = set()
                for _ in range(rng.randint(8, 30)):
                    place = _name(rng, rng.choice((1, 1, 2)))
                    if place in seen:
                        continue
                    seen.add(place)
                    places.append(
                        (
                            place,
                            max(-89.9, min(89.9, clat + rng.uniform(-0.6, 0.6))),
                            clon + rng.uniform(-0.6, 0.6),
                        )
                    )
                rows.append((region, places, _zipf(len(places), 1.1)))
            self.regions[code] = rows
            self.region_cum[code] = _zipf(len(rows), 0.9)
        self.actors: list[tuple[str, str, str]] = []  # name, type, country
        for code in self.codes:
            self._make_actors(rng, code)

    def _make_actors(self, rng: random.Random, code: str) -> None:
        cname = self.names[code]
        share = next(c[1] for c in self.countries if c[0] == code)
        add = self.actors.append
        add((f"Military Forces of {cname}", "state_forces", code))
        add((f"Police Forces of {cname}", "state_forces", code))
        add((f"Gendarmerie of {cname}", "state_forces", code))
        add((f"Protesters ({cname})", "protesters", code))
        add((f"Rioters ({cname})", "rioters", code))
        add((f"Civilians ({cname})", "civilians", code))
        add((f"Unidentified Armed Group ({cname})", "external_other", code))
        add((f"Private Security Forces ({cname})", "external_other", code))
        groups = max(6, int(share * 5))
        adjectives = ("National", "Popular", "Islamic", "Democratic", "Revolutionary", "United", "Free")
        nouns = ("Front", "Army", "Movement", "Brigades", "Council", "Alliance", "Forces", "Resistance")
        combos = [f"{a} {n}" for a in adjectives for n in nouns]
        rng.shuffle(combos)
        for i in range(min(groups, len(combos))):
            add((f"{combos[i]} of {cname}", "rebel_group", code))
        for i in range(groups):
            add((f"{_name(rng, 1)} Militia ({cname}) {i + 1}", "political_militia", code))
        for region, _places, _cum_w in self.regions[code][: max(4, groups)]:
            add((f"{region} Communal Militia ({cname})", "identity_militia", code))


def _pick(rng: random.Random, options, cum) -> str:
    return options[bisect(cum, rng.random() * cum[-1])]


def _fatalities(rng: random.Random) -> int:
    """1 and over; most 1-3, a long tail (Pareto, capped)."""
    return min(1500, int(rng.paretovariate(1.15)))


class Companion(Protocol):
    """Rows loaded beside each incident (bench/linking_data.py: its article and report)."""

    tables: tuple[str, ...]  # loaded too: their indexes and foreign keys are rebuilt after

    def prepare(self, cur) -> None: ...

    def add(self, iid: int, values: dict) -> int | None:
        """Called for each incident with its values; returns its article id (or None)."""

    def copy(self, cur, log: Callable[[str], None]) -> None: ...


def load(
    conninfo: str,
    n: int,
    *,
    seed: int = 20260101,
    log: Callable[[str], None] = print,
    companion: Companion | None = None,
    countries: list[tuple] = COUNTRIES,
    years: int = 8,
) -> float:
    """Load n incidents (plus actors, sources and the links, and the companion's rows) into the
    database; returns seconds. The incidents are the same with or without a companion."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    world = World(rng, countries)
    today = dt.date.today()
    span = years * 365
    with psycopg.connect(conninfo, autocommit=False) as conn:
        cur = conn.cursor()
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SELECT code FROM incidents_country WHERE code = ANY(%s)", (world.codes,))
        absent = set(world.codes) - {row[0] for row in cur.fetchall()}
        if absent:
            raise RuntimeError(f"countries {sorted(absent)} are missing: run manage.py load_reference first")
        missing = _check_columns(cur)
        actor_ids = _insert_actors(cur, world)
        source_ids = _insert_sources(cur)
        if companion is not None:
            companion.prepare(cur)
        conn.commit()  # Django's foreign keys are deferred: settle them before altering the tables
        pools: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
        for name, kind, code in world.actors:
            pools.setdefault((code, kind), ([], []))[0].append(actor_ids[name])
        for ids, cum in pools.values():
            cum.extend(_zipf(len(ids), 1.0))
        cur.execute("SELECT coalesce(max(id), 0) FROM incidents_incident")
        first_id = cur.fetchone()[0] + 1
        actor_names = {v: k for k, v in actor_ids.items()}
        dropped = _drop_indexes(cur, LOADED_TABLES + (companion.tables if companion else ()))
        log(f"  dropped {len(dropped)} indexes/foreign keys for the load; generating {n:,} incidents")

        # Dates first, sorted, so ids follow dates as they do when incidents arrive over time.
        days = sorted(int(span * rng.random() ** 1.6) for _ in range(n))  # more recent = denser
        days.reverse()
        statuses, status_cum = zip(*STATUS, strict=True)
        status_cum = _cum(status_cum)
        geos, geo_cum = zip(*GEO, strict=True)
        geo_cum = _cum(geo_cum)
        precisions, precision_cum = zip(*DATE_PRECISION, strict=True)
        precision_cum = _cum(precision_cum)
        subs = list(SUB_EVENTS)
        sub_cum = _cum(v[1] for v in SUB_EVENTS.values())
        links_actor: list[str] = []
        links_source: list[str] = []
        extra = "".join("\t" + v for v in missing.values())
        cols = ", ".join((*INCIDENT_COLUMNS, *missing))
        with cur.copy(f"COPY incidents_incident ({cols}) FROM STDIN") as copy:
            batch: list[str] = []
            for i, ago in enumerate(days):
                iid = first_id + i
                code = _pick(rng, world.codes, world.country_cum)
                region, places, place_cum = _pick(rng, world.regions[code], world.region_cum[code])
                place, lat, lon = _pick(rng, places, place_cum)
                sub = _pick(rng, subs, sub_cum)
                event = SUB_EVENTS[sub][0]
                a1_types, a2_types, two, deadly = ROLES[event]
                start = today - dt.timedelta(days=ago)
                precision = _pick(rng, precisions, precision_cum)
                end = (
                    start + dt.timedelta(days=6 if precision == "week" else 27)
                    if precision != "day"
                    else None
                )
                geo = _pick(rng, geos, geo_cum)
                if geo == "near":
                    lat, lon = lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.1, 0.1)
                f_best = _fatalities(rng) if rng.random() < deadly else 0
                if f_best > 3 and rng.random() < 0.25:
                    f_low, f_high = max(1, int(f_best * 0.7)), int(f_best * 1.5) + 1
                else:
                    f_low = f_high = f_best
                injured = _fatalities(rng) * 2 if rng.random() < 0.2 else None
                a1_pool = pools.get((code, rng.choice(a1_types)))
                a1 = a1_pool[0][bisect(a1_pool[1], rng.random() * a1_pool[1][-1])] if a1_pool else None
                a2 = None
                if rng.random() < two:
                    a2_pool = pools.get((code, rng.choice(a2_types)))
                    if a2_pool:
                        a2 = a2_pool[0][bisect(a2_pool[1], rng.random() * a2_pool[1][-1])]
                        if a2 == a1:
                            a2 = None
                fat_text = (
                    ("1 person was killed." if f_best == 1 else f"{f_best} people were killed.")
                    if f_best
                    else "No fatalities were reported."
                ) + (f" {injured} were injured." if injured else "")
                summary = SUMMARIES[event].format(
                    a1=actor_names[a1] if a1 else "Unidentified armed men",
                    a2=actor_names[a2] if a2 else "others",
                    loc=place,
                    adm=region,
                    sub=sub,
                    cause=rng.choice(CAUSES),
                    fat=fat_text,
                )
                created = dt.datetime.combine(start, dt.time()) + dt.timedelta(
                    days=min(ago, int(rng.expovariate(0.5))), seconds=rng.randrange(86400)
                )
                updated = created + dt.timedelta(seconds=rng.randrange(3 * 86400))
                status = _pick(rng, statuses, status_cum)
                background = rng.random() < 0.02
                src = rng.sample(source_ids, 2 if rng.random() < 0.25 else 1)
                article = None
                if companion is not None:
                    article = companion.add(iid, {
                        "start": start, "end": end, "precision": precision, "event": event, "sub": sub,
                        "country": code, "admin1": region, "place": place, "lat": lat, "lon": lon,
                        "geo": geo, "fatalities": (f_low, f_best, f_high), "injured": injured,
                        "actor1": actor_names[a1] if a1 else "", "actor2": actor_names[a2] if a2 else "",
                        "summary": summary, "background": background, "status": status,
                        "sources": src, "created": created,
                    })  # fmt: skip
                batch.append(
                    f"{iid}\t{_n(article)}\t{start}\t{_n(end)}\t{precision}\t{event}\t{sub}\t{code}\t"
                    f"{region}\t\\N\t{place}\t{lat:.5f}\t{lon:.5f}\t{geo}\t{f_low}\t{f_best}\t{f_high}\t"
                    f"{_n(injured)}\t{_n(injured)}\t{_n(injured)}\t{summary}\t"
                    f"{'t' if background else 'f'}\t{rng.uniform(0.55, 0.99):.2f}\t{status}\t"
                    f"{created}+00\t{updated}+00{extra}\n"
                )
                if a1:
                    links_actor.append(f"{iid}\t{a1}\tactor1\n")
                if a2:
                    links_actor.append(f"{iid}\t{a2}\tactor2\n")
                links_source.extend(f"{iid}\t{s}\t\\N\n" for s in src)
                if len(batch) >= 5000:
                    copy.write("".join(batch))
                    batch.clear()
            if batch:
                copy.write("".join(batch))
        t_inc = time.perf_counter() - t0
        log(f"  incidents copied in {t_inc:.1f} s; copying {len(links_actor):,} actor links")
        with cur.copy("COPY incidents_incidentactor (incident_id, actor_id, role) FROM STDIN") as copy:
            for chunk in _chunks(links_actor, 20000):
                copy.write("".join(chunk))
        del links_actor
        with cur.copy(
            "COPY incidents_incidentsource (incident_id, source_id, article_id) FROM STDIN"
        ) as copy:
            for chunk in _chunks(links_source, 20000):
                copy.write("".join(chunk))
        del links_source
        if companion is not None:
            companion.copy(cur, log)
        for table in LOADED_TABLES + (companion.tables if companion else ()):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        t_idx = time.perf_counter()
        for statement in dropped:
            cur.execute(statement)
        log(f"  rebuilt {len(dropped)} indexes/foreign keys in {time.perf_counter() - t_idx:.1f} s")
        conn.commit()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        t_an = time.perf_counter()
        conn.execute("ANALYZE")
        log(f"  ANALYZE in {time.perf_counter() - t_an:.1f} s")
    return time.perf_counter() - t0


def _n(value) -> str:
    return "\\N" if value is None else str(value)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_columns(cur) -> dict[str, str]:
    """NOT NULL columns without a default that this loader does not know: filled with a zero value.

    The schema is being changed by others; a new required column should not break the benchmark.
    """
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = "
        "'incidents_incident' AND is_nullable = 'NO' AND column_default IS NULL "
        "AND is_generated = 'NEVER'"
    )
    zero = {"boolean": "f", "integer": "0", "bigint": "0", "smallint": "0", "double precision": "0"}
    extra = {}
    for name, kind in cur.fetchall():
        if name not in INCIDENT_COLUMNS:
            if kind in ("jsonb", "json"):
                extra[name] = "[]"
            elif kind.startswith("timestamp") or kind == "date":
                extra[name] = "2020-01-01"
            else:
                extra[name] = zero.get(kind, "")
            print(
                f"  note: incidents_incident.{name} ({kind}) is NOT NULL and new to the loader; "
                f"filled with {extra[name]!r}"
            )
    return extra


def _insert_actors(cur, world: World) -> dict[str, int]:
    cur.executemany(
        "INSERT INTO incidents_actor (name, aliases, actor_type, country_id, in_dictionary, updated_at) "
        "VALUES (%s, '[]', %s, %s, true, now()) ON CONFLICT (name) DO NOTHING",
        world.actors,
    )
    cur.execute("SELECT name, id FROM incidents_actor WHERE name = ANY(%s)", ([a[0] for a in world.actors],))
    return dict(cur.fetchall())


def _insert_sources(cur) -> list[int]:
    cur.executemany(
        "INSERT INTO incidents_source (name, url, domain, scale) VALUES (%s, '', '', %s) "
        "ON CONFLICT (name) DO NOTHING",
        SOURCES,
    )
    cur.execute(
        "SELECT id FROM incidents_source WHERE name = ANY(%s) ORDER BY id", ([s[0] for s in SOURCES],)
    )
    return [r[0] for r in cur.fetchall()]


def _drop_indexes(cur, tables: tuple[str, ...] = LOADED_TABLES) -> list[str]:
    """Drop the secondary indexes and foreign keys of the loaded tables; return the SQL that rebuilds them.

    Found from the catalogue, so indexes added by later migrations are handled too. Primary keys,
    unique and check constraints stay.
    """
    rebuild: list[str] = []
    for table in tables:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            (table,),
        )
        for name, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            (table,),
        )
        for name, definition in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            rebuild.insert(0, definition)  # indexes before foreign keys: validation uses them
    return rebuild
