"""The OpenAPI 3 schema documents every endpoint and filter; Swagger UI is served locally."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_schema_documents_every_incident_filter_and_the_pages():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    params = {p["name"]: p for p in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]}
    for name in (
        "date_from", "date_to", "country", "admin1", "location", "event_type", "sub_event_type", "actor",
        "actor_role", "fatalities_min", "fatalities_max", "status", "bbox", "updated_since", "q",
        "cursor", "page_size", "ordering", "count", "background",
    ):  # fmt: skip
        assert name in params, name
        assert params[name].get("description"), f"{name} has no description"
    background = params["background"]
    assert background["schema"]["enum"] == [
        "exclude",
        "include",
        "only",
        "",
    ]  # "" (as forms send it): no filter
    assert "`include` (the default" in background["description"]
    assert {"confidence", "-confidence"} <= set(params["ordering"]["schema"]["enum"])
    for path in ("/api/v1/actors/", "/api/v1/locations/", "/api/v1/sources/", "/api/v1/articles/",
                 "/api/v1/incidents/bulk-status/"):  # fmt: skip
        assert path in schema["paths"]
    assert schema["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"


def test_swagger_page_uses_packaged_assets(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
