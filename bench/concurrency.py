"""Lost updates in paired concurrent saves, on the configured database, against a live server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/incidents \
        .venv/bin/python bench/concurrency.py [--pairs 100]

Migrates the configured database, creates two analysts ("bench-conc-a", "bench-conc-b") with
write tokens and one incident per trial, serves the app with Django's threaded live server, and
for each door (the desk review form, API PUT, API PATCH) runs N pairs: both analysts read the
incident (same version), then save at once, each changing a different field (one the summary,
the other the fatalities) and sending the rest as read (the desk form and PUT send every field).
A lost update is an accepted save whose change is not in the stored incident afterwards.
Each door runs twice: with preconditions (the desk's hidden version, `If-Match`) and as the
baseline without them (the old behaviour: no version sent). The bench rows are deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")  # the live server answers on 127.0.0.1
PASSWORD = "bench-conc-password-0123"


def _setup(pairs: int):
    """Migrate, create the analysts, their tokens and the incidents; the ids and tokens."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    # plain static names: the pages render without `collectstatic` having built the manifest
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": static}
    call_command("migrate", verbosity=0)
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # refusals (409/412) are expected
    from django.contrib.auth import get_user_model

    from incidents.models import Article, Country, Incident
    from incidents.services.tokens import api_token_create

    users = []
    for name in ("bench-conc-a", "bench-conc-b"):
        user, _ = get_user_model().objects.get_or_create(username=name, defaults={"is_staff": True})
        user.set_password(PASSWORD)
        user.save()
        users.append((user, api_token_create(user, scope="write")[1]))
    Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
    article = Article.objects.create(
        text=f"Bench article {os.getpid()}", published="2022-01-23", content_hash=os.urandom(32).hex()
    )
    incidents = [
        Incident.objects.create(
            article=article, sequence=n, start_date="2022-01-21", event_type="Battles",
            sub_event_type="Armed clash", country_id="IQ", admin1="Diyala", fatalities_best=1,
            summary="base", status="reviewed",
        )
        for n in range(pairs * 6)
    ]  # fmt: skip
    return article, [i.pk for i in incidents], users


def _serve():
    """Django's threaded WSGI server (the test live server's) on a free port, in a thread."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _desk_session(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/")
    token = session.cookies["csrftoken"]
    session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    return session


FIELDS = ("summary", "fatalities_best")


def _api_save(session, base, pk, field, value, method, precondition) -> bool:
    url = f"{base}/api/v1/incidents/{pk}/"
    read = session.get(url)
    body = read.json()
    headers = {"If-Match": read.headers["ETag"]} if precondition else {}
    if method == "patch":
        answer = session.patch(url, json={field: value}, headers=headers)
    else:
        full = {
            "start_date": body["start_date"], "event_type": body["event_type"],
            "sub_event_type": body["sub_event_type"], "country": body["country"], "admin1": body["admin1"],
            "fatalities_best": body["fatalities"]["best"], "summary": body["summary"], field: value,
        }  # fmt: skip
        answer = session.put(url, json=full, headers=headers)
    return answer.status_code == 200


def _desk_save(session, base, pk, field, value, precondition, barrier) -> bool:
    url = f"{base}/incidents/{pk}/"
    page = session.get(url).text
    barrier.wait()  # both have read the page (same version) before either saves
    form = {
        "csrfmiddlewaretoken": session.cookies["csrftoken"], "action": "save",
        "start_date": "2022-01-21", "date_precision": "day", "event_type": "Battles",
        "sub_event_type": "Armed clash", "country": "IQ", "admin1": "Diyala", "geo_precision": "exact",
        "fatalities_best": "1", "summary": "base", "sources": "",
        "actors-TOTAL_FORMS": "0", "actors-INITIAL_FORMS": "0", field: str(value),
    }  # fmt: skip
    if precondition:
        marker = 'name="version" value="'
        form["version"] = page[page.index(marker) + len(marker) :].split('"', 1)[0]
    answer = session.post(url, data=form, headers={"Referer": url}, allow_redirects=False)
    return answer.status_code == 302


def _trial(door, sessions, base, pk, precondition) -> int:
    """One pair of saves; the number of accepted changes missing afterwards."""
    from incidents.models import Incident

    barrier = threading.Barrier(2)
    values = {"summary": f"summary-{pk}", "fatalities_best": pk % 1000 + 2}

    def save(side: int) -> bool:
        field = FIELDS[side]
        if door == "desk":
            return _desk_save(sessions[side][0], base, pk, field, values[field], precondition, barrier)
        barrier.wait()
        return _api_save(sessions[side][1], base, pk, field, values[field], door, precondition)

    with ThreadPoolExecutor(2) as pool:
        accepted = list(pool.map(save, (0, 1)))
    stored = Incident.objects.values(*FIELDS).get(pk=pk)
    return sum(1 for side, ok in enumerate(accepted) if ok and stored[FIELDS[side]] != values[FIELDS[side]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100)
    pairs = parser.parse_args().pairs
    article, ids, users = _setup(pairs)
    server, base = _serve()
    sessions = []
    for user, token in users:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"
        sessions.append((_desk_session(base, user.username), api))
    try:
        chunks = iter(ids)
        print(f"{pairs} paired saves per door, database {os.environ.get('DATABASE_URL', 'sqlite (default)')}")
        print(f"{'door':<8}{'lost, with preconditions':>28}{'lost, baseline (none sent)':>30}")
        for door in ("desk", "put", "patch"):
            lost = {}
            for precondition in (True, False):
                lost[precondition] = sum(
                    _trial(door, sessions, base, next(chunks), precondition) for _ in range(pairs)
                )
            print(f"{door:<8}{lost[True]:>28}{lost[False]:>30}")
    finally:
        server.shutdown()
        from incidents.models import Incident

        Incident.objects.filter(article=article).delete()
        article.delete()


if __name__ == "__main__":
    main()
