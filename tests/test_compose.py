"""docker-compose.yml: the services users get, with health checks and a volume for the database.

Docker itself does not run on the test machines; this reads the file as compose would.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_health_checks():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
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
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://:${REDIS_PASSWORD")
        assert service["build"] == "."


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
    # redis asks for the password too (its command reads it from its environment)
    assert services["redis"]["environment"]["REDIS_PASSWORD"] == "redis-secret"
    assert "--requirepass" in " ".join(services["redis"]["command"])


def test_backends_publish_no_port_and_the_web_server_listens_on_loopback_only():
    services = _interpolated(SECRETS)["services"]
    for name in ("db", "redis", "worker"):
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
    assert app == {k: str(v) for k, v in worker.items()}
