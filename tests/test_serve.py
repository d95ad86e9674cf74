"""`make run`'s path on the embedded default: SQLite, the filesystem broker, web server and
worker started by one command and stopped by one Ctrl-C."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_runs_web_and_worker_on_the_embedded_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(INCIDENTS_VAR_DIR=str(tmp_path / "var"), DJANGO_DEBUG="1", DJANGO_SECRET_KEY="")

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--noinput")
    assert "countries" in manage("load_reference")
    assert "password" in manage("create_demo_user", "--username", "demo")
    token = manage("create_api_token", "demo", "--scope", "write").strip()
    # Uploaded while the broker is away (nothing listens on port 9): accepted, kept in the outbox.
    offline = tmp_path / "offline.txt"
    offline.write_text("Gunmen killed three farmers in Katsina on Friday, residents said.")
    broker_down = subprocess.run(
        [sys.executable, "manage.py", "ingest", str(offline), "--published", "2021-06-05"],
        cwd=ROOT,
        env={**env, "CELERY_BROKER_URL": "redis://127.0.0.1:9/0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert broker_down.returncode == 0, broker_down.stderr
    assert "broker unavailable" in broker_down.stderr

    port = _free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:
                    assert response.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, log_path.read_text()
                time.sleep(0.3)
        else:
            pytest.fail(f"the server did not answer:\n{log_path.read_text()}")
        # the web server may answer before `serve` has logged its worker's start: wait for both
        started = None
        while started is None and time.monotonic() < deadline:
            started = re.search(r"Celery worker started \(pid (\d+)\)", log_path.read_text())
            time.sleep(0.1)
        assert started, f"no worker started:\n{log_path.read_text()}"
        worker_pid = int(started.group(1))

        body = json.dumps(
            {
                "text": "Gunmen killed five villagers in Zamfara on Sunday, police said.",
                "published": "2021-06-08",
            }
        ).encode()
        request = urllib.request.Request(f"{base}/api/v1/articles/", data=body, method="POST")
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 202
            poll_url = json.loads(response.read())["url"]
        deadline = time.monotonic() + 60
        status = ""
        while time.monotonic() < deadline and status not in ("parsed", "failed"):
            poll = urllib.request.Request(poll_url, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(poll, timeout=10) as response:
                article = json.loads(response.read())
            status = article["status"]
            time.sleep(0.3)
        assert status == "parsed", (article, log_path.read_text()[-3000:])
        assert len(article["incidents"]) == 1
        # the article the broker never took: beat's outbox dispatcher sends it, the worker parses it
        listing = f"{base}/api/v1/articles/"
        while time.monotonic() < deadline + 30:
            poll = urllib.request.Request(listing, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(poll, timeout=10) as response:
                parsed = [
                    a["title"] for a in json.loads(response.read())["results"] if a["status"] == "parsed"
                ]
            if any("Katsina" in title for title in parsed):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"the outbox never sent the article:\n{log_path.read_text()[-3000:]}")
        # a re-extraction goes to the bulk queue, which the worker reads after the uploads' queue
        assert "queues celery,bulk" in log_path.read_text()
        assert "2 queued." in manage("reextract", "--all")
        while "2 done, 0 failed, 0 in flight, 0 waiting of 2" not in (
            status := manage("reextract", "--status")
        ):
            assert time.monotonic() < deadline + 60, (status, log_path.read_text()[-3000:])
            time.sleep(0.5)
        beat_pid = int(re.search(r"Celery beat started \(pid (\d+)\)", log_path.read_text()).group(1))
    finally:
        stop_asked = time.monotonic()
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"serve did not stop on Ctrl-C:\n{log_path.read_text()[-3000:]}")
    stopped_in = time.monotonic() - stop_asked
    assert "Web server, worker and beat stopped." in log_path.read_text()
    assert not _alive(worker_pid)
    assert not _alive(beat_pid)
    # STOP_WAIT (1 s) and the kill: within the 2 s a user waits (bench/stop.py), with room for a slow CI
    assert stopped_in < 5, f"Ctrl-C took {stopped_in:.1f} s"
