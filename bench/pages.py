"""Benchmark the analyst pages under gunicorn with 100,000 incidents in PostgreSQL.

    .venv/bin/python bench/pages.py [--incidents N] [--keep] [--requests N]

Creates (or, with --keep, reuses) the database `incidents_pages_bench` on 127.0.0.1:5432, loads N
synthetic incidents (default 100,000; bench/api_data.py), parses one article through the real
services so a review page has drafts and evidence, edits it so its history has rows, starts
gunicorn, logs in through /accounts/login/ like a browser, and prints for every page the median,
p95 and slowest of sequential requests. Target: every page under 200 ms (p95).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import http.client
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urljoin

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api  # noqa: E402 - the API benchmark's server, HTTP and database helpers

DB_NAME = "incidents_pages_bench"
ANALYST = "bench-analyst"
TARGET_MS = 200.0
ARTICLE = """BAGHDAD, {day} — Gunmen attacked a checkpoint of the Iraqi army near Baqubah in Diyala
province on Tuesday night, killing four soldiers and wounding six others, security sources said.
The attackers fled towards the orchards of Abu Saida. No group claimed responsibility, but
officials blamed Daesh remnants, who have stepped up raids in the area."""


def log(message: str) -> None:
    print(message, flush=True)


def use_database() -> None:
    """Point the API benchmark's helpers (manage, gunicorn) at this benchmark's database."""
    api.DB_NAME = DB_NAME
    api.DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def prepare(n: int, keep: bool) -> tuple[dict, str]:
    """Database with n incidents plus one parsed, edited article; returns page ids and a password."""
    facts = api.prepare_database(n, keep)
    api.manage("collectstatic", "--noinput", "-v0")  # served as in production: hashed names
    password = secrets.token_urlsafe(12)
    os.environ.update(api.server_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(api.ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count

    from incidents.models import Actor, Article, Incident, Location
    from incidents.services import article_ingest, article_parse, incident_update

    user, _ = get_user_model().objects.get_or_create(username=ANALYST, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(password)
    user.save()
    today = dt.date.today()
    text = ARTICLE.format(day=today.strftime("%d %B %Y"))
    article = article_ingest(published=today, text=text, enqueue=False).article
    if article.status != "parsed" or not article.incidents.exists():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.QUEUED)
        article_parse(article.pk)
    incident = Incident.objects.filter(article=article).order_by("pk").first()
    if incident is None:
        raise api.BenchError("the benchmark article produced no incident")
    for best in (5, 4):  # two edits: the history page has rows to show
        incident_update(incident, fatalities_low=best, fatalities_best=best, fatalities_high=best, user=user)
    actor = Actor.objects.annotate(n=Count("incident_roles")).order_by("-n").first()
    location = Location.objects.filter(country_id="IQ").first()
    ids = {"article": article.pk, "incident": incident.pk, "actor": actor.pk, "location": location.pk}
    connection.close()
    return {**facts, **ids}, password


class Browser:
    """One keep-alive connection with the session and CSRF cookies of a logged-in analyst."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies, self.conn = port, {}, None

    def request(self, method: str, path: str, body: str | None = None, extra: dict | None = None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(api.HOST, self.port, timeout=api.TIMEOUT)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(extra or {})}
        t = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        elapsed = time.perf_counter() - t
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if resp.will_close:
            self.conn.close()
            self.conn = None
        return resp.status, data, elapsed

    def log_in(self, password: str) -> None:
        status, page, _ = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise api.BenchError(f"login page answered HTTP {status} without a CSRF field")
        form = urlencode(
            {"username": ANALYST, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
        )
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{api.HOST}/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise api.BenchError(f"login answered HTTP {status}; check the password and CSRF settings")


def pages(ids: dict) -> list[tuple[str, str]]:
    """Every analyst page, with the heavier variants (filters, sorting, deep pages)."""
    i, a = ids["incident"], ids["article"]
    return [
        ("dashboard", "/"),
        ("article list", "/articles/"),
        ("upload form", "/articles/new/"),
        ("article with drafts", f"/articles/{a}/"),
        ("incident list", "/incidents/"),
        ("incident list, country + type", "/incidents/?country=SY&event_type=Battles"),
        ("incident list, text search", "/incidents/?q=checkpoint"),
        ("incident list, by fatalities", "/incidents/?ordering=-fatalities"),
        ("incident list, page 200", ids["deep_list"]),
        ("map page", "/incidents/map/"),
        ("map points, all", "/incidents/map/points/"),
        ("map points, Syria", "/incidents/map/points/?country=SY"),
        ("review page", f"/incidents/{i}/"),
        ("history page", f"/incidents/{i}/history/"),
        ("possible duplicates queue", "/incidents/possible-duplicates/"),
        ("feeds page", "/feeds/"),
        ("feeds card (dashboard)", "/feeds/card/"),
        ("actor list", "/actors/"),
        ("busiest actor", f"/actors/{ids['actor']}/"),
        ("location list", "/locations/"),
        ("location", f"/locations/{ids['location']}/"),
        ("place autocomplete", "/lookup/places/?q=Baq"),
        ("actor autocomplete", "/lookup/actors/?q=Isl"),
    ]


def follow_next(browser: Browser, path: str, pages: int) -> str:
    """The list page `pages` next-links on from `path` (keyset links cannot be made up)."""
    for _ in range(pages):
        status, body, _ = browser.request("GET", path)
        match = re.search(rb'<a rel="next" href="([^"]+)"', body)
        if status != 200 or not match:
            raise api.BenchError(f"no next link on {path} (HTTP {status})")
        path = urljoin(path, html.unescape(match.group(1).decode()))
    return path


def measure(browser: Browser, path: str, requests: int, warmup: int) -> dict:
    for _ in range(warmup):
        browser.request("GET", path)
    times, sizes = [], []
    for _ in range(requests):
        status, body, elapsed = browser.request("GET", path)
        if status != 200:
            return {"status": status}
        times.append(elapsed * 1000)
        sizes.append(len(body))
    return {
        "status": 200,
        "median": statistics.median(times),
        "p95": api.pct(times, 0.95),
        "max": max(times),
        "kb": statistics.median(sizes) / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--keep", action="store_true", help="reuse the loaded database if it is there")
    ap.add_argument("--requests", type=int, default=40, help="sequential requests per page (40)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args()
    use_database()
    server = None
    try:
        ids, password = prepare(args.incidents, args.keep)
        server = api.Server(args.workers, "sync", 1)
        log(f"starting gunicorn ({server.describe}) on {api.HOST}:{server.port}")
        server.wait_ready(ids.pop("token"))
        browser = Browser(server.port)
        browser.log_in(password)
        ids["deep_list"] = follow_next(browser, "/incidents/", 199)
        load_before = os.getloadavg()[0]
        results = []
        for name, path in pages(ids):
            results.append((name, path, measure(browser, path, args.requests, args.warmup)))
        report(args, ids, results, load_before, server.describe)
        failed = [name for name, _, r in results if r["status"] != 200 or r["p95"] >= TARGET_MS]
        return 1 if failed else 0
    except api.BenchError as exc:
        log(f"\nERROR: {exc}")
        return 1
    except psycopg.Error as exc:
        log(f"\nERROR from PostgreSQL: {type(exc).__name__}: {exc}")
        return 1
    finally:
        if server is not None:
            server.stop()


def report(args, ids: dict, results: list, load_before: float, describe: str) -> None:
    width = 100
    log("\n" + "-" * width)
    log(f"Analyst pages: {ids['incidents']:,} incidents ({ids['size']}), gunicorn {describe}, logged in")
    log(f"{args.requests} sequential requests per page on one keep-alive connection, same host")
    log(f"1-min load average before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f} (2 CPUs)")
    log("-" * width)
    log(f"{'page':32} {'median':>9} {'p95':>9} {'max':>9} {'size':>9}  target < {TARGET_MS:.0f} ms")
    for name, path, r in results:
        if r["status"] != 200:
            log(f"{name:32} HTTP {r['status']} for {path}  FAIL")
            continue
        verdict = "PASS" if r["p95"] < TARGET_MS else "FAIL"
        log(f"{name:32} {r['median']:7.1f}ms {r['p95']:7.1f}ms {r['max']:7.1f}ms {r['kb']:7.0f}KB  {verdict}")
    log("-" * width)


if __name__ == "__main__":
    sys.exit(main())
