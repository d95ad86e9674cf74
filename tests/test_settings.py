"""Settings come from the environment: safe defaults, loud failures, a deployable production set."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-6f1c0f9a7e2b4d5c8a9e0b1c2d3e4f5a",
    "DJANGO_ALLOWED_HOSTS": "incidents.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_HSTS_PRELOAD": "1",
}


def test_check_deploy_passes_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = _manage("shell", "-c", code, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
    result = _manage("shell", "-c", code, DJANGO_DEBUG="1")
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_missing_secret_key_fails_loudly():
    result = _manage("check", DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_bad_boolean_fails_loudly():
    result = _manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_bad_database_url_fails_loudly():
    result = _manage("check", DJANGO_DEBUG="1", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_parse_time_limit_defaults_to_a_minute_and_bad_values_fail_loudly():
    code = "from incidents.tasks import parse_article as t; print(t.soft_time_limit, t.time_limit)"
    result = _manage("shell", "-c", code, DJANGO_DEBUG="1")
    assert result.stdout.strip().splitlines()[-1] == "60 65", result.stderr
    result = _manage("shell", "-c", code, DJANGO_DEBUG="1", PARSE_TIME_LIMIT="7")
    assert result.stdout.strip().splitlines()[-1] == "7 12", result.stderr
    for bad, message in (("soon", "PARSE_TIME_LIMIT='soon' is not an integer"), ("0", "PARSE_TIME_LIMIT=0")):
        result = _manage("check", DJANGO_DEBUG="1", PARSE_TIME_LIMIT=bad)
        assert result.returncode != 0 and message in result.stderr, result.stderr
