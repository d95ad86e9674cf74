"""ACLED keys and other token-like query parameters never reach the access log: the dev server's
(`manage.py runserver`, behind `manage.py serve`) and gunicorn's, each run for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from config.log_redaction import redact

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-acled-key-0123456789"
QUERY = f"?email=a%40b.org&key={SECRET}&token={SECRET}&limit=5"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request_until_logged(url: str, log: Path, proc: subprocess.Popen) -> str:
    """Request `url` until the server answers (it is starting up), then return its log."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError:
            pass  # 401/404: answered, and logged
        except OSError:
            time.sleep(0.3)
            continue
        time.sleep(0.5)  # the line is written after the response
        return log.read_text()
    pytest.fail(f"the server did not answer:\n{log.read_text()}")


def _serve(args: list[str], log: Path):
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


@pytest.mark.parametrize("server", ["runserver", "gunicorn"])
def test_the_access_log_shows_the_request_but_not_the_key(tmp_path, server):
    port = _free_port()
    log = tmp_path / "server.log"
    if server == "runserver":
        args = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    else:
        args = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--access-logfile", "-",
            "--logger-class", "config.log_redaction.RedactingGunicornLogger",
        ]  # fmt: skip
    proc = _serve(args, log)
    try:
        text = _request_until_logged(f"http://127.0.0.1:{port}/api/v1/no-such-endpoint/{QUERY}", log, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lines = [line for line in text.splitlines() if "no-such-endpoint/?" in line]  # the request line
    assert lines, text
    assert SECRET not in text
    assert "key=[redacted]" in lines[0] and "token=[redacted]" in lines[0]
    assert "limit=5" in lines[0] and "email=a%40b.org" in lines[0]  # the rest stays readable


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "GET /api/acled/read?key=abc&email=x HTTP/1.1",
            "GET /api/acled/read?key=[redacted]&email=x HTTP/1.1",
        ),
        ("GET /x?API_KEY=abc HTTP/1.1", "GET /x?API_KEY=[redacted] HTTP/1.1"),
        ("GET /x?access_token=abc&monkey=ok HTTP/1.1", "GET /x?access_token=[redacted]&monkey=ok HTTP/1.1"),
        ("GET /x?limit=5 HTTP/1.1", "GET /x?limit=5 HTTP/1.1"),
    ],
)
def test_redact_replaces_only_secret_values(line, expected):
    assert redact(line) == expected
