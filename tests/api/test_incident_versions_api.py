"""The API's optimistic concurrency: ETag, If-Match (412), a body `version` (409), bulk status,
and the review rule (an API edit of a draft makes it reviewed, so a re-parse keeps it)."""

from __future__ import annotations

import pytest
from django.db import transaction

from incidents.models import Incident
from incidents.services import incident_update
from incidents.services.drafts import drafts_save

pytestmark = pytest.mark.django_db


def _url(incident) -> str:
    return f"/api/v1/incidents/{incident.pk}/"


def test_get_and_writes_carry_the_version_as_etag(api_client, make_incident):
    incident = make_incident()
    got = api_client.get(_url(incident))
    assert got["ETag"] == '"1"' and got.json()["version"] == 1
    patched = api_client.patch(_url(incident), {"summary": "New."}, format="json", HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200
    assert patched["ETag"] == '"2"' and patched.json()["version"] == 2
    listed = api_client.get("/api/v1/incidents/").json()["results"]
    assert [row["version"] for row in listed] == [2]


def test_a_stale_if_match_answers_412_and_changes_nothing(api_client, make_incident, second_analyst):
    incident = make_incident(status="reviewed")
    incident_update(Incident.objects.get(pk=incident.pk), fatalities_best=12, user=second_analyst)
    for method in (api_client.patch, api_client.put):
        body = {"summary": "Mine."} if method == api_client.patch else _full(incident, summary="Mine.")
        response = method(_url(incident), body, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code == 412, response.json()
        assert response["ETag"] == '"2"'
        change = response.json()["conflicts"][0]["changes"][0]
        assert change == {"field": "fatalities best", "from": "11", "to": "12", "by": "bea"}
    response = api_client.delete(_url(incident), HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.summary, stored.fatalities_best, stored.version) == ("Eleven soldiers killed.", 12, 2)
    assert api_client.delete(_url(incident), HTTP_IF_MATCH='"2"').status_code == 204
    assert not Incident.objects.filter(pk=incident.pk).exists()


def _full(incident, **changes) -> dict:
    body = {
        "start_date": "2022-01-21",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "country": "IQ",
        "admin1": "Diyala",
        "fatalities_best": 11,
        "summary": incident.summary,
    }
    return {**body, **changes}


def test_a_stale_version_in_the_body_answers_409_with_what_changed(api_client, make_incident, second_analyst):
    incident = make_incident(status="reviewed")
    incident_update(Incident.objects.get(pk=incident.pk), summary="Theirs.", user=second_analyst)
    response = api_client.patch(_url(incident), {"summary": "Mine.", "version": 1}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert "Theirs." in body["detail"] and body["conflicts"][0]["current_version"] == 2
    assert Incident.objects.get(pk=incident.pk).summary == "Theirs."
    fresh = api_client.patch(_url(incident), {"summary": "Mine.", "version": 2}, format="json")
    assert fresh.status_code == 200 and fresh.json()["summary"] == "Mine."


def test_without_a_precondition_a_write_still_works_and_keeps_other_fields(api_client, make_incident):
    incident = make_incident(status="reviewed")
    assert api_client.patch(_url(incident), {"summary": "A."}, format="json").status_code == 200
    assert api_client.patch(_url(incident), {"fatalities_best": 5}, format="json").status_code == 200
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.summary, stored.fatalities_best, stored.version) == ("A.", 5, 3)
    assert (
        api_client.patch(_url(incident), {"summary": "B."}, format="json", HTTP_IF_MATCH="*").status_code
        == 200
    )


def test_a_weak_or_foreign_if_match_fails(api_client, make_incident):
    incident = make_incident()
    for tag in ('W/"1"', '"abc"'):
        response = api_client.patch(_url(incident), {"summary": "x"}, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 412


def test_an_api_patch_of_a_draft_reviews_it_and_a_reparse_keeps_it(api_client, make_incident, analyst):
    draft = make_incident()
    response = api_client.patch(_url(draft), {"fatalities_best": 13}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "reviewed"
    with transaction.atomic():
        drafts_save(draft.article, [])  # the re-parse replaces drafts only
    stored = Incident.objects.get(pk=draft.pk)
    assert (stored.status, stored.fatalities_best) == ("reviewed", 13)
    assert stored.history.latest().history_user == analyst


def test_bulk_status_with_a_stale_version_changes_nothing(api_client, make_incident, second_analyst):
    first, second = make_incident(), make_incident()
    incident_update(Incident.objects.get(pk=second.pk), summary="Edited.", user=second_analyst)
    body = {"ids": [first.pk, second.pk], "status": "published", "versions": {first.pk: 1, second.pk: 1}}
    response = api_client.post("/api/v1/incidents/bulk-status/", body, format="json")
    assert response.status_code == 409
    assert [c["id"] for c in response.json()["conflicts"]] == [second.pk]
    assert not Incident.objects.filter(status="published").exists()
    body["versions"] = {first.pk: 1, second.pk: 2}
    assert api_client.post("/api/v1/incidents/bulk-status/", body, format="json").json()["updated"] == 2
    bad = {"ids": [first.pk], "status": "published", "versions": {"x": 1}}
    assert api_client.post("/api/v1/incidents/bulk-status/", bad, format="json").status_code == 400
