"""The API docs: ACLED's read API is in the schema, and Swagger UI shows no raw backticks."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect


@pytest.fixture
def schema(client) -> dict:
    return json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)


@pytest.mark.django_db
def test_the_acled_read_api_is_documented(schema):
    operation = schema["paths"]["/api/acled/read"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"email", "limit", "page", "fields", "country", "event_date", "event_date_where"} <= names
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    assert operation["security"] == [{"AcledKey": []}]
    assert "Authorization: Bearer" in operation["description"]
    scheme = schema["components"]["securitySchemes"]["AcledKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "query", "name": "key"}
    row = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert "event_date" in row["items"]["properties"]


@pytest.mark.django_db
def test_no_empty_code_span_in_any_description(schema):
    text = json.dumps(schema)
    assert "``" not in text
    assert "(empty) - not given" in text  # the feeds' blank scale choice, said plainly


def test_swagger_ui_shows_no_raw_backticks_and_lists_acled(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/acled/read")).to_have_count(1)
    # dispatched clicks: Playwright's actionability waits make ~40 real clicks take minutes
    controls = page.locator(".opblock-summary-control")
    opened = controls.count()
    for n in range(opened):
        controls.nth(n).dispatch_event("click")
    page.wait_for_function(f"() => document.querySelectorAll('.opblock.is-open').length === {opened}")
    models = page.locator(".models .model-box-control")
    for n in range(models.count()):
        models.nth(n).dispatch_event("click")
    text = page.inner_text("body")
    assert "ACLED's read API" in text
    raw = [line for line in text.splitlines() if "`" in line]
    assert raw == []
