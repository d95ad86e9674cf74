"""docker-compose.yml: the services users get, with health checks and a volume for the database.

Docker itself does not run on the test machines; this reads the file as compose would.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_health_checks():
    services = _compose()["services"]
    assert set(services) == {"db", "pgbouncer", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "test" in service["healthcheck"], name
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")
    # fresh uploads' queue first, then the bulk re-extraction's
    assert " -Q celery,bulk " in services["worker"]["command"]
    assert services["beat"]["command"].startswith("celery -A config beat")


def test_app_services_wait_for_healthy_backends_and_use_them():
    services = _compose()["services"]
    healthy = {"condition": "service_healthy"}
    for name in ("web", "worker", "beat"):
        service = services[name]
        # workers reach the database through PgBouncer, which waits for it
        database = "pgbouncer" if name == "worker" else "db"
        assert service["depends_on"] == {database: healthy, "redis": healthy}
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://:${REDIS_PASSWORD")
        assert service["build"] == "."
    assert services["pgbouncer"]["depends_on"] == {"db": healthy}


def test_database_keeps_its_data_in_a_volume():
    compose = _compose()
    volume = compose["services"]["db"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


# ${NAME:?message} (required) and ${NAME:-default}, as compose interpolates them
VARIABLE = re.compile(r"\$\{([A-Z0-9_]+):([?-])([^}]*)\}")
SECRETS = {"DJANGO_SECRET_KEY": "k" * 50, "POSTGRES_PASSWORD": "pg-secret", "REDIS_PASSWORD": "redis-secret"}


class Refused(Exception):
    """Compose would not start: a required variable is unset."""


def _interpolated(env: dict[str, str]) -> dict:
    """The file as `docker compose config` would read it with `env` set ($$ is a literal $)."""

    def value(match: re.Match) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise Refused(f"{name}: {rest}")
        return rest

    text = (ROOT / "docker-compose.yml").read_text()
    return yaml.safe_load(VARIABLE.sub(value, text).replace("$$", "$"))


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret(missing):
    env = {name: secret for name, secret in SECRETS.items() if name != missing}
    with pytest.raises(Refused, match=missing):
        _interpolated(env)


def test_no_secret_or_password_is_written_in_the_file():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "incidents:incidents@" not in text
    services = _interpolated(SECRETS)["services"]
    app = services["web"]["environment"]
    assert app["DJANGO_SECRET_KEY"] == SECRETS["DJANGO_SECRET_KEY"]
    assert app["DATABASE_URL"] == "postgres://incidents:pg-secret@db:5432/incidents"
    assert app["CELERY_BROKER_URL"] == "redis://:redis-secret@redis:6379/0"
    assert app["CACHE_URL"] == "redis://:redis-secret@redis:6379/1"
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == "pg-secret"
    assert services["pgbouncer"]["environment"]["DB_PASSWORD"] == "pg-secret"
    worker = services["worker"]["environment"]
    assert worker["DATABASE_URL"] == "postgres://incidents:pg-secret@pgbouncer:6432/incidents"
    # redis asks for the password too (its command reads it from its environment)
    assert services["redis"]["environment"]["REDIS_PASSWORD"] == "redis-secret"
    assert "--requirepass" in " ".join(services["redis"]["command"])


def test_backends_publish_no_port_and_the_web_server_listens_on_loopback_only():
    services = _interpolated(SECRETS)["services"]
    for name in ("db", "pgbouncer", "redis", "worker", "beat"):
        assert "ports" not in services[name], name
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_production_settings_are_the_defaults():
    app = {k: str(v) for k, v in _interpolated(SECRETS)["services"]["web"]["environment"].items()}
    assert app["DJANGO_DEBUG"] == "0"
    assert app["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    assert app["DJANGO_SECURE_COOKIES"] == "1"
    assert int(app["DJANGO_HSTS_SECONDS"]) >= 31536000
    assert app["DJANGO_BEHIND_PROXY"] == "1" and app["DJANGO_PROXY_COUNT"] == "1"
    worker = _interpolated(SECRETS)["services"]["worker"]["environment"]
    # the worker's own database route and tuning aside (WORKER_ONLY), the same settings
    assert {k: v for k, v in app.items() if k not in WORKER_ONLY} == {
        k: str(v) for k, v in worker.items() if k not in WORKER_ONLY
    }


# what the worker sets beyond the web server's environment (its own database route and tuning)
WORKER_ONLY = {
    "DATABASE_URL",
    "DB_DISABLE_SERVER_SIDE_CURSORS",
    "DB_POOL_MIN",
    "DB_POOL_MAX",
    "CELERY_WORKER_CONCURRENCY",
    "CELERY_WORKER_MAX_TASKS_PER_CHILD",
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD",
}


def test_pgbouncer_pools_transactions_and_the_workers_are_ready_for_it():
    services = _interpolated(SECRETS)["services"]
    bouncer = services["pgbouncer"]["environment"]
    assert bouncer["POOL_MODE"] == "transaction"
    assert bouncer["DB_HOST"] == "db" and bouncer["AUTH_TYPE"] == "scram-sha-256"
    assert str(bouncer["LISTEN_PORT"]) == "6432" and "6432" in " ".join(
        services["pgbouncer"]["healthcheck"]["test"]
    )
    worker = services["worker"]["environment"]
    # a transaction pooler gives each transaction any server connection: no cursor may outlive one
    assert worker["DB_DISABLE_SERVER_SIDE_CURSORS"] == "1"
    assert set(worker) - set(services["web"]["environment"]) == WORKER_ONLY - {"DATABASE_URL"}
    # the web server keeps its direct connection (exports stream through server-side cursors)
    assert "@db:5432/" in services["web"]["environment"]["DATABASE_URL"]
    assert "DB_DISABLE_SERVER_SIDE_CURSORS" not in services["web"]["environment"]


def test_the_worker_environment_is_one_the_settings_accept():
    """The worker's variables, as compose gives them, pass the settings' checks (no connection made)."""
    worker = {k: str(v) for k, v in _interpolated(SECRETS)["services"]["worker"]["environment"].items()}
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "DB_", "CELERY_"))
    }
    code = (
        "from django.conf import settings; from config.celery import app; db = settings.DATABASES['default']; "
        "print(db['OPTIONS']['pool'], db['CONN_MAX_AGE'], db['DISABLE_SERVER_SIDE_CURSORS'], "
        "app.conf.worker_concurrency, app.conf.broker_url.split('@')[-1])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env={**env, **worker, "INCIDENTS_VAR_DIR": str(ROOT / "var")}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "{'min_size': 1, 'max_size': 1, 'timeout': 5} 0 True None redis:6379/0"
    )


def test_workers_scale_and_beat_stays_one():
    services = _compose()["services"]
    worker = services["worker"]
    # `docker compose up --scale worker=N`: a fixed name or host port would clash between replicas
    assert "container_name" not in worker and "ports" not in worker and "deploy" not in worker
    # concurrency is the environment's (CELERY_WORKER_CONCURRENCY), not fixed on the command line
    assert "--concurrency" not in worker["command"]
    assert worker["environment"]["CELERY_WORKER_CONCURRENCY"] == "${CELERY_WORKER_CONCURRENCY:-0}"
    # a stop or scale-down lets a running parse finish (PARSE_TIME_LIMIT 60 s + 5 s grace)
    assert int(worker["stop_grace_period"].rstrip("s")) >= 65
    # the health check asks this replica's own node (celery@<its container's hostname>)
    assert "celery@$$HOSTNAME" in " ".join(worker["healthcheck"]["test"])
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1 and "--scale" not in beat["command"]
    assert [name for name, s in services.items() if "celery -A config beat" in str(s.get("command"))] == [
        "beat"
    ]


def _multihost(env: dict[str, str]) -> dict:
    """docker-compose.multihost.yml as compose would read it with `env` set."""

    def value(match: re.Match) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise Refused(f"{name}: {rest}")
        return rest

    return yaml.safe_load(VARIABLE.sub(value, (ROOT / "docker-compose.multihost.yml").read_text()))


MULTIHOST = {"PRIVATE_ADDR": "10.0.0.5", "MEDIA_NFS_ADDR": "10.0.0.9", "MEDIA_NFS_PATH": "/srv/media"}


def test_more_machines_reach_pgbouncer_and_redis_on_the_private_address_only():
    services = _multihost(MULTIHOST)["services"]
    assert set(services) == {"pgbouncer", "redis"}
    assert services["pgbouncer"]["ports"] == ["10.0.0.5:6432:6432"]
    assert services["redis"]["ports"] == ["10.0.0.5:6379:6379"]
    for missing in MULTIHOST:
        with pytest.raises(Refused, match=missing):
            _multihost({k: v for k, v in MULTIHOST.items() if k != missing})


def test_more_machines_share_one_media_volume_and_find_the_main_machine():
    media = _multihost(MULTIHOST)["volumes"]["media"]["driver_opts"]
    assert media == {"type": "nfs", "o": "addr=10.0.0.9,rw,nfsvers=4", "device": ":/srv/media"}
    # a worker machine points its workers at the main machine's PgBouncer and Redis
    remote = {**SECRETS, "DB_POOLER_HOST": "10.0.0.5", "REDIS_HOST": "10.0.0.5"}
    worker = _interpolated(remote)["services"]["worker"]["environment"]
    assert worker["DATABASE_URL"] == "postgres://incidents:pg-secret@10.0.0.5:6432/incidents"
    assert worker["CELERY_BROKER_URL"] == "redis://:redis-secret@10.0.0.5:6379/0"
