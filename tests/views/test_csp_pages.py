"""The Content-Security-Policy holds on every desk page in a real browser: no page breaks it (no
inline script or style the policy refuses) and no page's scripts fail."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import _tile_origin
from tests.test_browser import _log_in
from tests.views.conftest import desk_pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation, with what was refused: the page's own listener calls back into the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(`${location.pathname}: ${e.violatedDirective} refused ${e.blockedURI || "inline"}`);
});
"""


def _console_error(message, url: str, problems: list[str]) -> None:
    """Console errors are problems, but for the browser's own ask for a /favicon.ico we have not."""
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        problems.append(f"{url}: {message.text}")


def test_every_desk_page_keeps_to_the_policy(live_server, desk_world, browser_page, settings):
    settings.MAP_TILE_URL = ""  # no internet here: a failed tile would be a console error
    page = browser_page
    problems: list[str] = []
    page.expose_function("reportViolation", lambda text: problems.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
    page.on("console", lambda m: _console_error(m, page.url, problems))

    _log_in(page, live_server.url)
    for path in desk_pages_of(desk_world):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    # pages that draw with script did draw
    page.goto(f"{live_server.url}/incidents/map/")
    page.wait_for_selector(".leaflet-interactive")
    assert page.locator(".map-legend .swatch").first.evaluate("e => e.style.backgroundColor") != ""
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    page.wait_for_load_state("networkidle")
    assert problems == []


@pytest.mark.django_db
def test_the_policy_is_strict_and_allows_the_tile_server(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert _tile_origin(django_settings.MAP_TILE_URL) in directives["img-src"]


def test_the_tile_origin_comes_from_the_url_template():
    assert _tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    with pytest.raises(ImproperlyConfigured):
        _tile_origin("javascript:alert(1)")
