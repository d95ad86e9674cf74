"""Shared fixtures: the seed article, an analyst, an API client with a token, a real worker."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_PATH = SHARED / "seed" / "mehr-2022-01-daesh-iraq-syria.txt"
SEED_PUBLISHED = dt.date(2022, 1, 23)


def body_json(response):
    """A test client response's JSON, read to the end when it is streamed (the ACLED read API)."""
    import json

    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttle counts live in the cache, the extractor's dictionaries in the process (read
    from a change log whose ids a rolled-back test may hand out again): every test starts afresh."""
    from django.core.cache import cache

    from incidents.services.knowledge import knowledge_forget

    cache.clear()
    knowledge_forget()
    yield


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    """The live server finds static files through the finders, which know no hashed (manifest)
    names: plain names in tests, so pages load their scripts and stylesheets in the browser."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _client_login_with_request(monkeypatch):
    """django-axes' backend refuses to authenticate without a request (it throttles by address);
    Django's test `client.login()` passes none, so it gets a bare one here. `force_login` needs
    nothing: it skips authentication."""
    from django.http import HttpRequest
    from django.test.client import ClientMixin

    plain_login = ClientMixin.login

    def login(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return plain_login(self, **credentials)

    monkeypatch.setattr(ClientMixin, "login", login)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def browser_page():
    """Headless Chromium (Debian's, driven by Playwright). Playwright's sync API runs an event loop
    in this thread, so tests that use it touch the database only in fixtures set up before it;
    everything else goes through the browser."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"Chromium is not at {CHROMIUM}; .ci/run installs Debian's chromium package"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@pytest.fixture
def seed_text() -> str:
    if not SEED_PATH.is_file():
        pytest.skip(f"the seed article is not at {SEED_PATH} (../shared is absent in a user's clone)")
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def reference_data(db):
    """The shipped countries, places and actors, loaded as `make run` loads them."""
    from django.core.management import call_command

    call_command("load_reference", stdout=io.StringIO())


@pytest.fixture
def analyst(db, django_user_model):
    return django_user_model.objects.create_user("ana", password="a-long-test-password", is_staff=True)


@pytest.fixture
def analyst_client(client, analyst):
    """Django's test client, logged in as the analyst."""
    client.force_login(analyst)
    return client


@pytest.fixture
def make_incidents(db):
    """make_incidents(n, country="NG", **fields): n draft incidents in one bulk insert, their ids back."""
    from incidents.models import Country, Incident

    def make(n: int, country: str = "NG", **fields) -> list[int]:
        Country.objects.get_or_create(code=country, defaults={"name": country})
        start = fields.pop("start_date", dt.date(2024, 3, 1))
        made = Incident.objects.bulk_create(
            Incident(
                start_date=start,
                country_id=country,
                event_type="Battles",
                sub_event_type="Armed clash",
                **fields,
            )
            for _ in range(n)
        )
        return [incident.pk for incident in made]

    return make


@pytest.fixture
def viewer(django_user_model):
    """A logged-in reader: not staff, not in the analysts group."""
    return django_user_model.objects.create_user("vic", password="a-long-test-password")


@pytest.fixture
def api_client(analyst):
    """An analyst's read-write API client."""
    from rest_framework.test import APIClient

    from incidents.services.tokens import api_token_create

    client = APIClient()
    _, raw = api_token_create(analyst, scope="write")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _database_url_for_worker() -> str:
    """The URL of the test database pytest-django created, for a separate worker process."""
    from django.db import connection

    cfg = connection.settings_dict
    if cfg["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{cfg['NAME']}"
    user = cfg.get("USER") or ""
    password = f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = cfg.get("HOST") or "localhost"
    port = f":{cfg['PORT']}" if cfg.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{cfg['NAME']}"


@contextlib.contextmanager
def _worker(
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    reextract_queue: bool = False,
):
    """A real `celery worker` process (prefork pool, one child) on the test database, on a queue
    of its own; `env` and `args` add to its environment and command line. `reextract_queue`: it
    reads a re-extraction queue of its own too, after the first (`-Q test-x,test-x-bulk`, as
    `manage.py serve` runs it), and this process sends the re-extraction there."""
    from django.test import override_settings

    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    queues = [queue, f"{queue}-bulk"] if reextract_queue else [queue]
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "REEXTRACT_QUEUE": queues[-1] if reextract_queue else f"{queue}-bulk",
        "DB_CONN_MAX_AGE": "0",
        **(env or {}),
    }
    command = ("worker", "-Q", ",".join(queues), "--concurrency=1", "--loglevel=INFO", *args)
    try:
        with (
            override_settings(REEXTRACT_QUEUE=env["REEXTRACT_QUEUE"]),
            _celery(command, log_path, env) as proc,
        ):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    pytest.fail(f"the worker exited at start:\n{log_path.read_text()}")
                if " ready." in log_path.read_text():
                    break
                time.sleep(0.2)
            else:
                pytest.fail(f"the worker did not become ready:\n{log_path.read_text()}")
            yield proc
    finally:
        app.conf.task_default_queue = previous_queue


@contextlib.contextmanager
def _celery(command: tuple[str, ...], log_path: Path, env: dict[str, str]):
    """`celery -A config <command>` as a process of its own, logging to `log_path`; stopped after."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *command],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def _beat(log_path: Path, *, env: dict[str, str] | None = None):
    """A real `celery beat` process: it sends the outbox dispatcher to the queue the test's worker
    reads (the current default queue) every OUTBOX_INTERVAL seconds (1 s here)."""
    from config.celery import app

    env = {
        **os.environ,
        "CELERY_TASK_DEFAULT_QUEUE": app.conf.task_default_queue,
        "OUTBOX_INTERVAL": "1",
        **(env or {}),
    }
    command = ("beat", "--loglevel=INFO", f"--schedule={log_path.with_suffix('.schedule')}")
    with _celery(command, log_path, env) as proc:
        yield proc


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` process on the test database, on a queue of its own."""
    with _worker(tmp_path / "worker.log") as proc:
        yield proc


@pytest.fixture
def slow_parse_worker(transactional_db, tmp_path):
    """A worker with a 1 s parse time limit whose extraction of articles holding
    tests.support.slow_parse.MARKER takes ten minutes (that module, imported by this worker only).
    Yields the worker's log file."""
    log_path = tmp_path / "slow-worker.log"
    env = {"PARSE_TIME_LIMIT": "1", "INCIDENTS_TEST_SLOW_PARSE_SECONDS": "600"}
    with _worker(log_path, env=env, args=("--include", "tests.support.slow_parse")):
        yield log_path


@contextlib.contextmanager
def _broker(url: str | None = None, queue: str | None = None):
    """Send this process's Celery messages to `url` (default: the configured broker) and `queue`.

    The write and read URLs are what is overridden: Celery reads `broker_url` from the
    CELERY_BROKER_URL environment variable before its configuration."""
    from config.celery import app

    previous = app.conf.broker_write_url, app.conf.broker_read_url, app.conf.task_default_queue
    if url:
        app.conf.broker_write_url = app.conf.broker_read_url = url
    app.conf.task_default_queue = queue or previous[2]
    _drop_connections(app)
    try:
        yield app
    finally:
        app.conf.broker_write_url, app.conf.broker_read_url, app.conf.task_default_queue = previous
        _drop_connections(app)


def _drop_connections(app) -> None:
    """Forget the pooled broker connections, which still point at the broker they were made for
    (kombu keeps the pools themselves, one per broker URL, for when that URL is used again)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """The broker is away: nothing listens where this process sends its messages (port 9)."""
    with _broker("redis://127.0.0.1:9/0"):
        yield


def _taker(app, queue: str):
    """A function that counts (and takes) the parse messages waiting in `queue`:
    {article id: number of messages}."""

    def take() -> dict[int, int]:
        counts: dict[int, int] = {}
        with app.connection_for_read() as conn:
            simple = conn.SimpleQueue(queue)
            while True:
                try:
                    message = simple.get(block=False)
                except simple.Empty:
                    break
                article_id = message.payload[0][0]
                counts[article_id] = counts.get(article_id, 0) + 1
                message.ack()
            simple.close()
        return counts

    return take


@pytest.fixture
def broker_queue():
    """The real broker, on a queue of this test's own; yields a function that counts (and takes)
    the parse messages waiting there: {article id: number of messages}."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with _broker(queue=queue) as app:
        take = _taker(app, queue)
        yield take
        take()


@pytest.fixture
def reextract_queue(broker_queue, settings):
    """Like broker_queue, for the re-extraction's queue (one of this test's own too)."""
    from config.celery import app

    settings.REEXTRACT_QUEUE = f"test-{uuid.uuid4().hex[:12]}-bulk"
    take = _taker(app, settings.REEXTRACT_QUEUE)
    yield take
    take()


@pytest.fixture
def make_incident(db):
    """A factory for incidents: `make_incident(**fields)` gives a battle in Diyala, Iraq, on
    2022-01-21 (a draft of its own article unless `article` is given, with one report: that
    article's, at position `sequence`); any field can be set."""
    from incidents.models import Article, Country, Incident, Report
    from incidents.services.linking import incident_facts

    def make(**fields) -> Incident:
        iraq, _ = Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
        article = fields.pop("article", None) or Article.objects.create(
            text="Eleven soldiers were killed in Diyala.",
            published=dt.date(2022, 1, 23),
            content_hash=uuid.uuid4().hex * 2,
        )
        sequence = fields.pop("sequence", article.reports.count())
        values = {
            "start_date": dt.date(2022, 1, 21),
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "country": iraq,
            "admin1": "Diyala",
            "location_name": "Baquba",
            "fatalities_best": 11,
            "summary": "Eleven soldiers killed.",
        }
        incident = Incident.objects.create(article=article, **{**values, **fields})
        Report.objects.create(
            incident=incident, article=article, sequence=sequence, facts=incident_facts(incident).to_json()
        )
        return incident

    return make


@pytest.fixture
def second_analyst(db, django_user_model):
    """Another analyst ("bea"), in the analysts group rather than staff."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("bea", password="a-long-test-password")
    user.groups.add(Group.objects.get_or_create(name="analysts")[0])
    return user


@pytest.fixture
def api_world(db, analyst):
    """A small, linked world for API tests: two countries, actors (one protected by an incident link),
    a location, a source cited by an incident, and an article with a long text behind one incident.
    Returns a dict of the objects by name."""
    from incidents.models import (
        Actor,
        Article,
        Country,
        Incident,
        IncidentActor,
        IncidentSource,
        Location,
        Source,
    )

    iq = Country.objects.create(code="IQ", name="Iraq")
    sy = Country.objects.create(code="SY", name="Syria")
    isis = Actor.objects.create(name="Islamic State", actor_type="rebel_group")
    army = Actor.objects.create(name="Military Forces of Iraq", actor_type="state_forces", country=iq)
    spare = Actor.objects.create(name="Unlinked Actor", actor_type="civilians", country=sy)
    reuters = Source.objects.create(name="Reuters", domain="reuters.com", scale="international")
    place = Location.objects.create(
        name="Hasakah", country=sy, admin1="Al-Hasakeh", latitude=36.5, longitude=40.7
    )
    article = Article.objects.create(
        text="ARTICLE-BODY " * 2000, published=dt.date(2022, 1, 23), content_hash="f" * 64, publisher=reuters
    )
    raid = Incident.objects.create(
        start_date=dt.date(2022, 1, 21), country=iq, admin1="Diyala", event_type="Battles",
        sub_event_type="Armed clash", fatalities_best=11, latitude=33.9, longitude=44.9,
        summary="=HYPERLINK(\"http://evil\") raid", status="published", article=article,
    )  # fmt: skip
    market = Incident.objects.create(
        start_date=dt.date(2021, 10, 5), country=sy, admin1="Al-Hasakeh", location=place,
        event_type="Explosions/Remote violence", sub_event_type="Remote explosive/landmine/IED",
        fatalities_best=3, summary="Car bomb", status="draft",
    )  # fmt: skip
    IncidentActor.objects.create(incident=raid, actor=isis, role="actor1")
    IncidentActor.objects.create(incident=raid, actor=army, role="actor2")
    IncidentSource.objects.create(incident=raid, source=reuters, article=article)
    return {
        "iq": iq, "sy": sy, "isis": isis, "army": army, "spare": spare, "reuters": reuters,
        "place": place, "article": article, "raid": raid, "market": market,
    }  # fmt: skip


@pytest.fixture
def add_incidents(api_world):
    """`add(n, **fields)`: n more published incidents like api_world's raid (same long article, actors
    and source), for tests that compare the cost of a few rows with many."""
    from incidents.models import Incident, IncidentActor, IncidentSource

    def add(n: int, **fields) -> list:
        raid = api_world["raid"]
        made = []
        for _ in range(n):
            like_raid = {
                "start_date": raid.start_date, "country": raid.country, "event_type": raid.event_type,
                "sub_event_type": raid.sub_event_type, "status": "published", "article": raid.article,
                "latitude": raid.latitude, "longitude": raid.longitude,
            }  # fmt: skip
            incident = Incident.objects.create(**{**like_raid, **fields})
            IncidentActor.objects.create(incident=incident, actor=api_world["isis"], role="actor1")
            IncidentSource.objects.create(incident=incident, source=api_world["reuters"])
            made.append(incident)
        return made

    return add


@pytest.fixture
def site(settings):
    """A local news site (pages, feeds, robots.txt) that the safe fetcher may reach: its address is
    let through the SSRF screen, and robots.txt is honoured as in production."""
    from tests.support.news_site import NewsSite

    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.FETCH_RESPECT_ROBOTS = True
    with NewsSite() as running:
        yield running
