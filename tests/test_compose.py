"""docker-compose.yml: the services users get, with health checks and a volume for the database.

Docker itself does not run on the test machines; this reads the file as compose would.
"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_health_checks():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker"}
    for name, service in services.items():
        assert "test" in service["healthcheck"], name
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")


def test_app_services_wait_for_healthy_backends_and_use_them():
    services = _compose()["services"]
    for name in ("web", "worker"):
        service = services[name]
        assert service["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert service["build"] == "."


def test_database_keeps_its_data_in_a_volume():
    compose = _compose()
    volume = compose["services"]["db"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
