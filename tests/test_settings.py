"""Settings come from the environment: safe defaults, loud failures, a deployable production set."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = ("DJANGO_", "DATABASE_URL", "DB_", "CELERY_WORKER_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
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


def _database(**env: str) -> dict:
    """settings.DATABASES["default"] (less its TEST entry) as `env` makes it, read in a fresh process."""
    code = (
        "import json; from django.conf import settings; db = dict(settings.DATABASES['default']); "
        "db.pop('TEST', None); print(json.dumps(db, default=str))"
    )
    result = _manage("shell", "-c", code, DJANGO_DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


POSTGRES_URL = PRODUCTION["DATABASE_URL"]


def test_connection_pool_is_off_unless_asked_for():
    db = _database(DATABASE_URL=POSTGRES_URL)
    assert "pool" not in db["OPTIONS"]
    assert db["CONN_MAX_AGE"] == 60 and db["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "pool" not in _database()["OPTIONS"]  # SQLite


def test_connection_pool_sizes_come_from_the_environment():
    db = _database(DATABASE_URL=POSTGRES_URL, DB_POOL_MAX="8")
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 5}
    # a pool keeps the connections: none is persistent, and each is checked when handed out
    assert db["CONN_MAX_AGE"] == 0 and db["CONN_HEALTH_CHECKS"] is True
    db = _database(DATABASE_URL=POSTGRES_URL, DB_POOL_MIN="0", DB_POOL_MAX="3", DB_POOL_TIMEOUT="4")
    assert db["OPTIONS"]["pool"] == {"min_size": 0, "max_size": 3, "timeout": 4}


def test_server_side_cursors_can_be_turned_off_for_pgbouncer():
    db = _database(DATABASE_URL=POSTGRES_URL, DB_DISABLE_SERVER_SIDE_CURSORS="1")
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is True


BAD_POOL_SETTINGS = [
    ({"DB_POOL_MAX": "many"}, "DB_POOL_MAX='many' is not an integer"),
    ({"DB_POOL_MAX": "-1"}, "must not be negative"),
    ({"DB_POOL_MAX": "4", "DB_POOL_MIN": "-2"}, "must not be negative"),
    ({"DB_POOL_MAX": "4", "DB_POOL_TIMEOUT": "0"}, "DB_POOL_TIMEOUT=0 must be at least 1"),
    ({"DB_POOL_MAX": "2", "DB_POOL_MIN": "5"}, "DB_POOL_MIN=5 must not exceed DB_POOL_MAX=2"),
    ({"DB_POOL_MIN": "2"}, "DB_POOL_MIN is set but DB_POOL_MAX is not"),
    ({"DB_POOL_MAX": "4", "DB_CONN_MAX_AGE": "60"}, "DB_CONN_MAX_AGE must be 0"),
    ({"DB_DISABLE_SERVER_SIDE_CURSORS": "perhaps"}, "is not a boolean"),
]


@pytest.mark.parametrize(("env", "message"), BAD_POOL_SETTINGS)
def test_bad_pool_settings_fail_loudly(env, message):
    result = _manage("check", DJANGO_DEBUG="1", DATABASE_URL=POSTGRES_URL, **env)
    assert result.returncode != 0 and message in result.stderr, result.stderr


def test_pooling_and_cursor_settings_need_postgresql():
    result = _manage("check", DJANGO_DEBUG="1", DB_POOL_MAX="4")
    assert result.returncode != 0 and "connection pooling needs PostgreSQL" in result.stderr
    result = _manage("check", DJANGO_DEBUG="1", DB_DISABLE_SERVER_SIDE_CURSORS="1")
    assert result.returncode != 0 and "applies to PostgreSQL only" in result.stderr


def test_worker_settings_come_from_the_environment_and_bad_values_fail_loudly():
    code = (
        "from config.celery import app; c = app.conf; "
        "print(c.worker_concurrency, c.worker_max_tasks_per_child, c.worker_max_memory_per_child, "
        "c.worker_prefetch_multiplier, c.task_acks_late)"
    )
    result = _manage("shell", "-c", code, DJANGO_DEBUG="1")
    assert result.stdout.strip().splitlines()[-1] == "None None None 1 True", result.stderr
    env = {
        "CELERY_WORKER_CONCURRENCY": "6",
        "CELERY_WORKER_MAX_TASKS_PER_CHILD": "500",
        "CELERY_WORKER_MAX_MEMORY_PER_CHILD": "1048576",
    }
    result = _manage("shell", "-c", code, DJANGO_DEBUG="1", **env)
    assert result.stdout.strip().splitlines()[-1] == "6 500 1048576 1 True", result.stderr
    for name in env:
        result = _manage("check", DJANGO_DEBUG="1", **{name: "-1"})
        assert result.returncode != 0 and f"{name}=-1 must not be negative" in result.stderr, result.stderr
        result = _manage("check", DJANGO_DEBUG="1", **{name: "lots"})
        assert result.returncode != 0 and f"{name}='lots' is not an integer" in result.stderr
