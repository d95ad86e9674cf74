"""Lost updates in paired concurrent saves: this tree beside a baseline tree, in the same run.

    .venv/bin/python bench/concurrency.py [--pairs 100] [--baseline 104e8fe|none]

For each tree (this one, and a `git worktree` of the baseline ref, before optimistic concurrency),
a PostgreSQL database `conc_<tree>` on 127.0.0.1:5432 is made afresh and migrated by that tree,
two analysts with write tokens are created with its own commands, one incident per trial is
inserted, and the tree's web server (runserver, threaded) serves it. For each door (the desk
review form, API PUT, API PATCH), N pairs: both analysts read the incident, then save at once,
each changing a different field (one the summary, the other the fatalities) and sending the rest
as read (the desk form and PUT send every field). Where the tree offers one, the read version is
sent (the desk's hidden `version`, `If-Match`); the baseline has none to send. A lost update is
an accepted save whose change is not in the stored incident afterwards; a refused save (409/412)
is not lost: its client is told and keeps its input.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
FIELDS = ("summary", "fatalities_best")
DOORS = ("desk", "put", "patch")
INCIDENTS_SQL = """
    INSERT INTO incidents_incident (article_id, start_date, date_precision, event_type,
        sub_event_type, country_id, admin1, location_name, geo_precision, fatalities_best, summary,
        is_background, status, created_at, updated_at)
    SELECT %s, '2022-01-21', 'day', 'Battles', 'Armed clash', 'IQ', 'Diyala', '', 'exact', 1, 'base',
        false, 'reviewed', now(), now()
    FROM generate_series(0, %s - 1) g
    RETURNING id
"""


class Tree:
    """One tree's database, users and web server."""

    def __init__(self, path: Path, name: str, logs: Path) -> None:
        self.path, self.name, self.db = path, name, f"conc_{name}"
        self.port = _free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))},
            "DATABASE_URL": f"{PG}/{self.db}",
            "DJANGO_DEBUG": "1",  # runserver serves the static files the review page loads
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "API_THROTTLE_RATE": "100000/min",
            "AXES_FAILURE_LIMIT": "1000",
            "INCIDENTS_VAR_DIR": str(logs / f"var-{name}"),
            "LOG_LEVEL": "ERROR",
        }
        self.logs = logs

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.path, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{self.name}: manage.py {' '.join(args)}\n{done.stderr[-2000:]}")
        return done.stdout

    def setup(self, incidents: int) -> None:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db}"')
        self.manage("migrate", "--noinput")
        self.users = []
        for name in ("bench-conc-a", "bench-conc-b"):
            out = self.manage("create_demo_user", "--username", name)
            password = re.search(r"password '([^']+)'", out).group(1)
            token = self.manage("create_api_token", name, "--scope", "write").strip().splitlines()[-1]
            self.users.append((name, password, token))
        with psycopg.connect(f"{PG}/{self.db}", autocommit=True) as conn:
            conn.execute("INSERT INTO incidents_country (code, name, aliases, demonyms, updated_at) "
                         "VALUES ('IQ', 'Iraq', '[]', '[]', now()) ON CONFLICT DO NOTHING")  # fmt: skip
            article = _article(conn)
            self.ids = [row[0] for row in conn.execute(INCIDENTS_SQL, (article, incidents)).fetchall()]
        log = open(self.logs / f"{self.name}-web.log", "w")  # noqa: SIM115 - the server's life
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=self.path, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        _wait_http(f"{self.base}/accounts/login/")

    def stored(self, pk: int) -> dict:
        with psycopg.connect(f"{PG}/{self.db}") as conn:
            summary, best = conn.execute(
                "SELECT summary, fatalities_best FROM incidents_incident WHERE id = %s", (pk,)
            ).fetchone()
        return {"summary": summary, "fatalities_best": best}

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(10)


def _has_column(conn, table: str, column: str) -> bool:
    query = "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s"
    return bool(conn.execute(query, (table, column)).fetchone())


def _article(conn) -> int:
    """An article row, with whichever of the later columns (defaults kept by Django) the tree has."""
    columns = {
        "title": "bench", "text": "bench", "original_file": "", "url": "", "published": "2022-01-23",
        "content_hash": os.urandom(32).hex(), "status": "parsed", "error": "", "extractor_version": "",
        "dispatch_count": 0, "lost_parses": 0, "claimed_by": "", "file_name": "",
    }  # fmt: skip
    present = {c: v for c, v in columns.items() if _has_column(conn, "incidents_article", c)}
    names = ", ".join([*present, "created_at", "updated_at"])
    marks = ", ".join(["%s"] * len(present) + ["now()", "now()"])
    query = f"INSERT INTO incidents_article ({names}) VALUES ({marks}) RETURNING id"
    return conn.execute(query, tuple(present.values())).fetchone()[0]


def _desk_session(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/")
    session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
    )
    if "sessionid" not in session.cookies:
        raise RuntimeError(f"could not log in as {username}")
    return session


def _api_save(session, base, pk, field, value, method, barrier) -> bool:
    url = f"{base}/api/v1/incidents/{pk}/"
    read = session.get(url)
    body = read.json()
    barrier.wait()  # both have read (the same version) before either saves
    headers = {"If-Match": read.headers["ETag"]} if "ETag" in read.headers else {}
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


def _desk_save(session, base, pk, field, value, barrier) -> bool:
    url = f"{base}/incidents/{pk}/"
    page = session.get(url).text
    barrier.wait()
    form = {
        "csrfmiddlewaretoken": session.cookies["csrftoken"], "action": "save",
        "start_date": "2022-01-21", "date_precision": "day", "event_type": "Battles",
        "sub_event_type": "Armed clash", "country": "IQ", "admin1": "Diyala", "geo_precision": "exact",
        "fatalities_best": "1", "summary": "base", "sources": "",
        "actors-TOTAL_FORMS": "0", "actors-INITIAL_FORMS": "0", field: str(value),
    }  # fmt: skip
    marker = 'name="version" value="'
    if marker in page:  # the tree's form carries the version it showed
        form["version"] = page[page.index(marker) + len(marker) :].split('"', 1)[0]
    answer = session.post(url, data=form, headers={"Referer": url}, allow_redirects=False)
    return answer.status_code == 302


def _trial(tree: Tree, door: str, sessions, pk: int) -> int:
    """One pair of saves; the number of accepted changes missing afterwards."""
    barrier = threading.Barrier(2)
    values = {"summary": f"summary-{pk}", "fatalities_best": pk % 1000 + 2}

    def save(side: int) -> bool:
        field = FIELDS[side]
        if door == "desk":
            return _desk_save(sessions[side][0], tree.base, pk, field, values[field], barrier)
        return _api_save(sessions[side][1], tree.base, pk, field, values[field], door, barrier)

    with ThreadPoolExecutor(2) as pool:
        accepted = list(pool.map(save, (0, 1)))
    stored = tree.stored(pk)
    return sum(1 for side, ok in enumerate(accepted) if ok and stored[FIELDS[side]] != values[FIELDS[side]])


def run(tree: Tree, pairs: int) -> dict[str, int]:
    tree.setup(pairs * len(DOORS))
    try:
        sessions = []
        for name, password, token in tree.users:
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token}"
            sessions.append((_desk_session(tree.base, name, password), api))
        ids = iter(tree.ids)
        return {door: sum(_trial(tree, door, sessions, next(ids)) for _ in range(pairs)) for door in DOORS}
    finally:
        tree.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} never answered")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--baseline", default="104e8fe", help="git ref to compare with, or 'none'")
    args = parser.parse_args()
    print(f"{args.pairs} paired saves per door; load average {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="conc-") as tmp:
        logs = Path(tmp)
        columns = {"this tree": run(Tree(ROOT, "new", logs), args.pairs)}
        if args.baseline != "none":
            base = logs / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT,
                           check=True, capture_output=True)  # fmt: skip
            (base / "node_modules").symlink_to(ROOT / "node_modules")
            try:
                columns[f"baseline {args.baseline}"] = run(Tree(base, "base", logs), args.pairs)
            finally:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True
                )
    print(f"{'lost updates':<14}" + "".join(f"{name:>22}" for name in columns))
    for door in DOORS:
        print(f"{door:<14}" + "".join(f"{results[door]:>22}" for results in columns.values()))


if __name__ == "__main__":
    main()
