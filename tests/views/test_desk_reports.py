"""The review page of an incident of several reports: the reports side by side with their own
evidence, splitting one out, the newer reports' proposals, merging, undo, and the history."""

from __future__ import annotations

import re

import pytest

from incidents.models import Incident, LinkAction, Report
from incidents.services import incident_update, incidents_merge
from tests.views.desk_world import two_report_event

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _report_column(html: str, report: Report) -> str:
    start = html.index(f'id="report-{report.pk}"')
    end = html.find("</article>", start)
    return html[start:end]


def test_every_report_side_by_side_with_its_own_evidence(analyst_client, make_incident):
    incident, first, second = two_report_event(make_incident)
    html = _html(analyst_client.get(f"/incidents/{incident.pk}/"))
    assert 'id="review-text"' not in html  # not the one-article view
    one, two = _report_column(html, first), _report_column(html, second)
    assert "Agency One" in one and "2022-01-22" in one and "Eleven soldiers were killed</mark>" in one
    assert "Daily Two" in two and "2022-01-24" in two
    assert "score 0.91" in two and "same day (+0.40)" in two and "both in Diyala (+0.30)" in two
    assert "score 0.91" not in one  # the first report started the incident
    # each report's drafted toll, and its own marks only
    assert re.search(r"<dt>Fatalities</dt><dd>11</dd>", one) and re.search(
        r"<dt>Fatalities</dt><dd>14</dd>", two
    )
    assert 'data-field="fatalities">fourteen soldiers</mark>' in two
    assert 'data-field="location">Diyala</mark>' in two and "fourteen" not in one
    assert html.count('class="split-button"') == 2
    assert 'id="report-count">2<' in html


def test_one_report_keeps_the_single_article_view(analyst_client, make_incident, viewer, client):
    incident = make_incident()
    html = _html(analyst_client.get(f"/incidents/{incident.pk}/"))
    assert 'id="review-text"' in html and "split-button" not in html and 'id="reports"' not in html
    published, _, _ = two_report_event(make_incident, status="published")
    client.force_login(viewer)  # a reader sees the reports, but no button that changes anything
    html = _html(client.get(f"/incidents/{published.pk}/"))
    assert 'id="reports"' in html and "split-button" not in html
    assert (
        client.post(f"/incidents/{published.pk}/reports/{published.reports.first().pk}/split/").status_code
        == 403
    )


def test_split_out_then_undo(analyst_client, make_incident):
    incident, _, second = two_report_event(make_incident)
    response = analyst_client.post(
        f"/incidents/{incident.pk}/reports/{second.pk}/split/", {"version": incident.version}
    )
    action = LinkAction.objects.get(kind="split")
    assert response.status_code == 302 and response.url == f"/incidents/{incident.pk}/?undo={action.pk}"
    second.refresh_from_db()
    assert second.incident_id == action.other_id != incident.pk
    html = _html(analyst_client.get(response.url))
    assert f"Report {second.pk} split out into incident {action.other_id}." in html
    assert f'action="/incidents/link-actions/{action.pk}/undo/"' in html and 'id="undo-button"' in html
    assert 'id="review-text"' in html  # one report left: the single-article view
    response = analyst_client.post(
        f"/incidents/link-actions/{action.pk}/undo/", {"next": f"/incidents/{incident.pk}/"}
    )
    assert response.status_code == 302 and response.url == f"/incidents/{incident.pk}/"
    second.refresh_from_db()
    assert second.incident_id == incident.pk
    html = _html(analyst_client.get(response.url))
    assert "Undone: " in html and 'id="undo-button"' not in html and html.count('class="split-button"') == 2


def test_a_stale_split_and_a_refused_undo_are_said_plainly(analyst_client, make_incident, analyst):
    incident, first, second = two_report_event(make_incident)
    stale = incident.version
    incident_update(Incident.objects.get(pk=incident.pk), summary="Edited meanwhile.", user=analyst)
    response = analyst_client.post(
        f"/incidents/{incident.pk}/reports/{second.pk}/split/", {"version": stale}, follow=True
    )
    assert Report.objects.get(pk=second.pk).incident_id == incident.pk
    assert 'class="error"' in response.content.decode()
    action = LinkAction.objects.get(pk=_split(analyst_client, incident, second))
    incident_update(Incident.objects.get(pk=incident.pk), summary="Edited after the split.", user=analyst)
    response = analyst_client.post(f"/incidents/link-actions/{action.pk}/undo/", follow=True)
    html = response.content.decode()
    assert f"Incident {incident.pk} changed since; split or merge again instead of undoing." in html
    assert Report.objects.get(pk=second.pk).incident_id == action.other_id  # nothing undone
    # the link's "report not found" or a foreign report id: 404, nothing moves
    assert analyst_client.post(f"/incidents/{action.other_id}/reports/{first.pk}/split/").status_code == 404


def _split(client, incident: Incident, report: Report) -> int:
    current = Incident.objects.get(pk=incident.pk).version
    response = client.post(f"/incidents/{incident.pk}/reports/{report.pk}/split/", {"version": current})
    assert response.status_code == 302 and "?undo=" in response.url, response.url
    return int(response.url.rsplit("=", 1)[1])


def _proposed(incident: Incident) -> None:
    """A reviewed incident (toll 120) to which a newer report from Reuters says 150."""
    Incident.objects.filter(pk=incident.pk).update(
        status="reviewed",
        fatalities_best=120,
        proposals={
            "fatalities": {
                "label": "toll",
                "values": {"fatalities_low": None, "fatalities_best": 150, "fatalities_high": None},
                "shown": "150",
                "was": "120",
                "report": incident.reports.last().pk,
                "publisher": "Reuters",
            }
        },
    )


@pytest.mark.parametrize("decision, toll", [("accept", 150), ("ignore", 120)])
def test_a_proposal_is_accepted_or_ignored(analyst_client, make_incident, decision, toll):
    incident, _, _ = two_report_event(make_incident)
    _proposed(incident)
    html = _html(analyst_client.get(f"/incidents/{incident.pk}/"))
    assert "New report (Reuters): toll 150 (was 120)" in html
    version = Incident.objects.get(pk=incident.pk).version
    response = analyst_client.post(
        f"/incidents/{incident.pk}/proposals/fatalities/",
        {"decision": decision, "version": version},
        follow=True,
    )
    incident.refresh_from_db()
    assert (incident.fatalities_best, incident.proposals) == (toll, {})
    html = response.content.decode()
    assert f"New toll {'accepted' if decision == 'accept' else 'ignored'}." in html
    assert "New report (Reuters)" not in html
    again = analyst_client.post(
        f"/incidents/{incident.pk}/proposals/fatalities/", {"decision": "accept"}, follow=True
    )
    assert "There is no such proposal" in again.content.decode()


def test_merge_from_the_review_page_shows_the_reports_and_undo(analyst_client, make_incident):
    kept, _, _ = two_report_event(make_incident)
    other = make_incident(location_name="Khalis")
    response = analyst_client.post(
        f"/incidents/{other.pk}/", {"action": "duplicate", "duplicate_of": str(kept.pk)}
    )
    action = LinkAction.objects.get(kind="merge")
    assert response.url == f"/incidents/{kept.pk}/?undo={action.pk}"
    html = _html(analyst_client.get(response.url))
    assert (
        f"Incident {other.pk} merged into incident {kept.pk}." in html
        and html.count('class="split-button"') == 3
    )
    pointer = _html(analyst_client.get(f"/incidents/{other.pk}/"))
    assert (
        f'Merged into <a href="/incidents/{kept.pk}/" id="merged-into-link">incident {kept.pk}</a>' in pointer
    )
    assert "Merge into another incident" in html and "Mark duplicate" not in html
    analyst_client.post(f"/incidents/link-actions/{action.pk}/undo/")
    other.refresh_from_db()
    assert other.status == "draft" and other.reports.count() == 1
    # the Undo offer is the analyst's own, and only until it is used
    assert 'id="undo-button"' not in _html(analyst_client.get(response.url))


def test_the_undo_offer_is_only_for_whoever_did_it(analyst_client, make_incident, second_analyst, client):
    kept, _, _ = two_report_event(make_incident)
    other = make_incident()
    action = incidents_merge(other, kept, user=second_analyst)
    assert 'id="undo-button"' not in _html(analyst_client.get(f"/incidents/{kept.pk}/?undo={action.pk}"))
    client.force_login(second_analyst)
    assert 'id="undo-button"' in _html(client.get(f"/incidents/{kept.pk}/?undo={action.pk}"))
    assert 'id="undo-button"' not in _html(client.get(f"/incidents/{kept.pk}/?undo=abc"))
