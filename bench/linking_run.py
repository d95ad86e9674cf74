"""The measuring half of bench/linking.py, in a process set up on the bench database (its
DATABASE_URL): files new reports one at a time as the worker does and prints one JSON line.

The drafts resemble the worker's: events of the last two weeks (where the incidents are densest,
so the most candidates), about a third of them another outlet's report of an incident loaded in
the last 60 days (same day mostly, the toll sometimes revised, the same names), the others new
events in api_data's world (its countries, regions, places and actors).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import api_data  # noqa: E402
import linking_data  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from incidents.extraction.types import Count, DraftActor, DraftIncident, Evidence  # noqa: E402
from incidents.models import Article, Incident, Report, Source  # noqa: E402
from incidents.services import drafts as drafts_module  # noqa: E402
from incidents.services import linking  # noqa: E402
from incidents.services.drafts import drafts_save  # noqa: E402

FOLLOW_UP_SHARE = 0.35
TEMPLATES = (
    "{a1} killed {n} people in {place}, {adm}, on {day}, officials said.",
    "At least {n} people died when {a1} struck {place} in {adm} province on {day}.",
    "{n} were killed in {place} ({adm}) on {day}; local sources blamed {a1}.",
)


def _draft(
    rng: random.Random, day: dt.date, where: dict, actors: tuple[str, str], killed: int
) -> DraftIncident:
    text = rng.choice(TEMPLATES).format(
        a1=actors[0] or "Gunmen", n=killed, place=where["place"], adm=where["admin1"], day=day.strftime("%A")
    )
    return DraftIncident(
        start_date=day,
        end_date=None,
        date_precision="day",
        event_type=where["event"],
        sub_event_type=where["sub"],
        country=where["country"],
        admin1=where["admin1"],
        location_name=where["place"],
        latitude=where["lat"],
        longitude=where["lon"],
        fatalities=Count(killed, killed, killed),
        actors=[
            DraftActor(name, role) for name, role in zip(actors, ("actor1", "actor2"), strict=True) if name
        ],
        summary=text,
        confidence=round(rng.uniform(0.5, 0.95), 2),
        evidence=[Evidence("fatalities", 0, len(text), text)],
    )


def follow_up(rng: random.Random, facts: dict) -> DraftIncident:
    """Another outlet's report of a loaded incident: mostly the same day, the toll sometimes grown."""
    day = dt.date.fromisoformat(facts["start_date"]) + dt.timedelta(days=rng.choice((0, 0, 0, 0, 1)))
    best = facts["fatalities"][1] or 0
    killed = best + (rng.randint(1, 5) if rng.random() < 0.3 else 0)
    where = {
        "country": facts["country"], "admin1": facts["admin1"], "place": facts["location"],
        "lat": facts["latitude"], "lon": facts["longitude"], "event": facts["event_type"],
        "sub": facts["sub_event_type"],
    }  # fmt: skip
    actors = ((facts["actors1"] or [""])[0], (facts["actors2"] or [""])[0])
    return _draft(rng, day, where, actors, killed)


def new_event(rng: random.Random, world: api_data.World, today: dt.date) -> DraftIncident:
    """A new event of the last two weeks somewhere in api_data's world."""
    code = api_data._pick(rng, world.codes, world.country_cum)
    region, places, place_cum = api_data._pick(rng, world.regions[code], world.region_cum[code])
    place, lat, lon = api_data._pick(rng, places, place_cum)
    subs = list(api_data.SUB_EVENTS)
    sub = api_data._pick(rng, subs, api_data._cum(v[1] for v in api_data.SUB_EVENTS.values()))
    names = [name for name, kind, country in world.actors if country == code and kind != "civilians"]
    civilians = next(
        (name for name, kind, country in world.actors if country == code and kind == "civilians"), ""
    )
    where = {"country": code, "admin1": region, "place": place, "lat": lat, "lon": lon,
             "event": api_data.SUB_EVENTS[sub][0], "sub": sub}  # fmt: skip
    day = today - dt.timedelta(days=rng.randrange(14))
    return _draft(rng, day, where, (rng.choice(names), civilians), api_data._fatalities(rng))


def drafts(n: int, seed: int = 11) -> list[tuple[str, DraftIncident, int | None]]:
    """n (kind, draft, incident it reports or None) in the order they are filed."""
    rng = random.Random(seed)
    countries = api_data.COUNTRIES + linking_data.MORE_COUNTRIES
    world = api_data.World(random.Random(20260101), countries)  # the loader's world (its seed)
    today = dt.date.today()
    recent = list(
        Report.objects.filter(
            incident__start_date__gte=today - dt.timedelta(days=60),
            incident__status__in=linking.LINKABLE,
            incident__is_background=False,
        ).values_list("incident_id", "facts")[:20000]
    )
    out = []
    for _ in range(n):
        if recent and rng.random() < FOLLOW_UP_SHARE:
            incident, facts = rng.choice(recent)
            out.append(("follow-up", follow_up(rng, facts), incident))
        else:
            out.append(("new", new_event(rng, world, today), None))
    return out


def articles(items: list, seed: int = 13) -> list[Article]:
    """One article per draft, published a day after its event by a random outlet."""
    rng = random.Random(seed)
    outlets = list(Source.objects.order_by("pk")[:50])
    rows = [
        Article(
            text=draft.summary,
            published=draft.start_date + dt.timedelta(days=1),
            publisher=rng.choice(outlets),
            content_hash=uuid.uuid4().hex * 2,
            status=Article.Status.PARSED,
        )
        for _, draft, _ in items
    ]
    return Article.objects.bulk_create(rows)


class Recorder:
    """Counts what each candidate search returns, and keeps its SQL (for EXPLAIN)."""

    def __init__(self) -> None:
        self.counts: list[int] = []
        self.queries: list[tuple[str, tuple, int]] = []
        self._sql: list[tuple[str, tuple]] = []
        real = linking._candidates

        def counted(blocks):
            found, listed = real(blocks)
            self.counts.append(len(found))
            self.queries.extend((*sql, len(found)) for sql in self._sql)
            self._sql = []
            return found, listed

        linking._candidates = counted

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith('SELECT "incidents_incident"."id"') and '"start_date" >=' in sql:
            self._sql.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)


class Stopwatch:
    """The ms spent in the linking steps of drafts_save (incidents.services.drafts): the candidate
    search and the decisions (`file_reports`), and writing the links (`reports_joined`)."""

    def __init__(self) -> None:
        self.spent = {"file_reports": 0.0, "reports_joined": 0.0}
        for name in self.spent:
            setattr(drafts_module, name, self._timed(name, getattr(drafts_module, name)))

    def _timed(self, name: str, real):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.spent[name] += (time.perf_counter() - t) * 1000

        return timed

    def take(self) -> tuple[float, float]:
        """(search and decide ms, the same plus the link writes) since the last take."""
        decide, joined = self.spent["file_reports"], self.spent["reports_joined"]
        self.spent = {"file_reports": 0.0, "reports_joined": 0.0}
        return decide, decide + joined


def file_all(items: list, rows: list[Article], recorder: Recorder) -> tuple[list[float], dict, int]:
    """File every draft; the ms each took, the decisions, and follow-ups linked to their incident."""
    times, decisions, linked = [], {"new": 0, "linked": 0}, 0
    watch = Stopwatch()
    recorder.linking_ms, recorder.decide_ms = [], []
    with connection.execute_wrapper(recorder):
        for (kind, draft, incident), article in zip(items, rows, strict=True):
            t = time.perf_counter()
            with transaction.atomic():
                started = drafts_save(article, [draft])
            times.append((time.perf_counter() - t) * 1000)
            decide_ms, linking_ms = watch.take()
            recorder.decide_ms.append(decide_ms)
            recorder.linking_ms.append(linking_ms)
            decisions["new" if started else "linked"] += 1
            if kind == "follow-up" and not started:
                linked += Report.objects.filter(article=article, incident_id=incident).exists()
    return times, decisions, linked


def query_times(queries: list, indexed: bool, sample: int = 20) -> list[float]:
    """ms of the recorded candidate queries run again, with or without index scans."""
    out = []
    for sql, params, _ in queries[:sample]:
        with transaction.atomic(), connection.cursor() as cursor:
            if not indexed:
                for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
                    cursor.execute(f"SET LOCAL {setting} = off")
            t = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            out.append((time.perf_counter() - t) * 1000)
    return out


def stats(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0, "p95": 0, "max": 0}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=500)
    args = ap.parse_args()
    items = drafts(args.reports)
    rows = articles(items)
    recorder = Recorder()
    times, decisions, linked = file_all(items, rows, recorder)
    busiest = max(recorder.counts)
    plan = []
    with connection.cursor() as cursor:
        for sql, params, _ in [q for q in recorder.queries if q[2] == busiest][-2:]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan += [row[0] for row in cursor.fetchall()]
    result = {
        "reports": len(times),
        "ms": stats(times),
        "decide_ms": stats(recorder.decide_ms),
        "linking_ms": stats(recorder.linking_ms),
        "candidates": stats(recorder.counts),
        "decisions": decisions,
        "follow_ups": sum(1 for kind, _, _ in items if kind == "follow-up"),
        "follow_ups_linked": linked,
        "query_ms": stats(query_times(recorder.queries, indexed=True)),
        "seq_ms": stats(query_times(recorder.queries, indexed=False)),
        "plan": plan,
        "plan_candidates": busiest,
        "incidents": Incident.objects.count(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
