"""Issue 14, the review page's server side: the figures rule on the form, the Undo offer after a
reject (to its author only) and the undo itself, what a typed place became, the background note."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _form(incident, **overrides) -> dict:
    data = {
        "start_date": incident.start_date.isoformat(), "date_precision": "day",
        "event_type": incident.event_type, "sub_event_type": incident.sub_event_type,
        "location_name": incident.location_name, "location": incident.location_id or "",
        "country": incident.country_id or "", "admin1": incident.admin1, "geo_precision": "exact",
        "fatalities_best": incident.fatalities_best, "summary": incident.summary, "sources": "",
        "version": incident.version, "actors-TOTAL_FORMS": "0", "actors-INITIAL_FORMS": "0",
        "action": "save",
    }  # fmt: skip
    return {**data, **overrides}


def test_figures_out_of_order_come_back_on_the_field(analyst_client, make_incident):
    incident = make_incident()
    response = analyst_client.post(
        f"/incidents/{incident.pk}/", _form(incident, fatalities_low="121", fatalities_best="120")
    )
    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index('id="id_fatalities_best_errors"') :][:400]
    assert "below low (121)" in errors


def test_a_reject_offers_undo_to_its_author_and_the_undo_restores(
    analyst_client, make_incident, second_analyst, client
):
    incident, waiting = make_incident(), make_incident()
    response = analyst_client.post(f"/incidents/{incident.pk}/", {"action": "reject", "version": "1"})
    assert response["Location"] == f"/incidents/{waiting.pk}/?rejected={incident.pk}"
    html = analyst_client.get(response["Location"]).content.decode()
    assert html.count(f"Incident {incident.pk} rejected.") == 1  # said once, in the Undo offer
    assert 'value="unreject"' in html

    client.force_login(second_analyst)  # not theirs to undo
    assert 'id="reject-undo"' not in client.get(response["Location"]).content.decode()

    incident.refresh_from_db()
    undone = analyst_client.post(
        f"/incidents/{incident.pk}/", {"action": "unreject", "version": str(incident.version)}
    )
    assert undone["Location"] == f"/incidents/{incident.pk}/"
    incident.refresh_from_db()
    assert incident.status == "draft"
    page = analyst_client.get(f"/incidents/{incident.pk}/?rejected={incident.pk}").content.decode()
    assert "undone" in page and 'id="reject-undo"' not in page  # no longer rejected: no offer


def test_a_typed_place_that_matches_nothing_is_said_to_stay_free_text(analyst_client, make_incident):
    incident = make_incident(latitude=33.75, longitude=44.64)
    response = analyst_client.post(
        f"/incidents/{incident.pk}/",
        _form(incident, location_name="Somewhere Unmapped", latitude="33.75", longitude="44.64"),
        follow=True,
    )
    assert "kept as free text with no coordinates" in response.content.decode()
    incident.refresh_from_db()
    assert (incident.location_name, incident.latitude) == ("Somewhere Unmapped", None)


def test_the_review_page_says_what_a_background_incident_is(analyst_client, make_incident):
    incident = make_incident(is_background=True)
    html = analyst_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="background-note"' in html and "badge-background" in html
    assert "<kbd>u</kbd>" in html and "asks first" in html  # the keys say so too
