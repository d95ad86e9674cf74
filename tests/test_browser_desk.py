"""The desk in a real browser with a real worker: the dashboard's chart, two files dropped and
followed live until parsed, an alias added to an actor."""

import base64
import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import Actor, Country, Incident
from tests.fixtures.documents import HERE as FIXTURES
from tests.test_browser import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLES = ["sample-article.pdf", "sample-article.docx"]


@pytest.fixture
def desk_data(analyst):
    """An actor to give an alias, and this week's incidents for the chart (set up before the browser)."""
    iraq, _ = Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
    today = timezone.localdate()
    for n in range(3):
        Incident.objects.create(
            start_date=today - dt.timedelta(weeks=n),
            country=iraq,
            event_type="Battles",
            sub_event_type="Armed clash",
            fatalities_best=n + 1,
        )
    return Actor.objects.create(name="Asaib Browser Brigade", actor_type="rebel_group", country=iraq)


def _drop_files(page, selector: str, names: list[str]) -> None:
    """Drop files on an element the way a browser does: a drop event carrying a DataTransfer."""
    files = [{"name": n, "data": base64.b64encode((FIXTURES / n).read_bytes()).decode()} for n in names]
    transfer = page.evaluate_handle(
        """files => {
            const transfer = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name));
            }
            return transfer;
        }""",
        files,
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_dashboard_upload_status_and_alias(live_server, celery_worker_process, desk_data, browser_page):
    page = browser_page
    page.on("console", lambda m: print("CONSOLE", m.type, m.text))
    page.on("pageerror", lambda e: print("PAGEERROR", e))
    page.on("response", lambda r: print("RESP", r.status, r.url) if r.status >= 400 else None)
    _log_in(page, live_server.url)

    # The dashboard draws its chart with Chart.js from the figures on the page.
    page.wait_for_selector("#trend-chart[data-rendered='true']")
    box = page.locator("#trend-chart").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    assert page.evaluate("window.deskTrendChart.data.datasets[0].data.slice(-3)") == [1, 1, 1]
    assert "Drafts to review" in page.locator("#drafts-waiting").inner_text()
    _shot(page, "dashboard")

    # Two files dropped on the drop zone at once, then followed live on the status table.
    page.click("header >> text=Upload")
    page.wait_for_selector("#dropzone[data-ready='true']")  # upload.js listens for drops
    _drop_files(page, "#dropzone", SAMPLES)
    assert page.evaluate("document.querySelector('#id_files').files.length") == 2
    assert "sample-article.docx" in page.locator("#chosen-files").inner_text()
    _shot(page, "upload")
    page.fill("#id_published", "2024-05-07")
    page.fill("#id_publisher", "Wire Service")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/articles/uploaded/?ids=*")
    rows = page.locator("tr.article-row")
    assert rows.count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('tr.article-row')].every(r => r.dataset.status === 'parsed')",
        timeout=90_000,
    )
    for n in range(2):
        assert "drafted" in rows.nth(n).locator(".article-outcome").inner_text()
    titles = page.locator("#batch").inner_text()
    assert "Clashes near Kirkuk" in titles and "Protest in Basra" in titles
    _shot(page, "batch")

    # An alias added on the actor's page.
    page.click("header >> text=Actors")
    page.fill("#id_q", "Browser Brigade")
    page.click("form[role=search] button[type=submit]")
    page.click("text=Asaib Browser Brigade")
    page.fill("#id_alias", "  Tigris Lions ")
    page.click("#alias-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "“Tigris Lions” added" in page.locator(".messages").inner_text()
    assert page.locator("#aliases").inner_text().strip() == "Tigris Lions"
    _shot(page, "actor")
