"""The API of reports: incident detail lists them, the list filters by them, merged incidents say
where they went, analysts merge, split, undo and decide the possible-duplicate queue."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from rest_framework.test import APIClient

from incidents.models import Article, Incident, LinkAction, PossibleDuplicate, Report, Source
from incidents.services.tokens import api_token_create
from tests.api.reports_support import add_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_incident):
    """One event told by three publishers: a local paper first, then a national daily that was
    published a day *earlier*, then an agency with a higher toll."""
    herald = Source.objects.create(name="Town Herald", scale="local")
    article = Article.objects.create(
        text="Eleven soldiers were killed.", published=dt.date(2022, 1, 23), publisher=herald,
        content_hash=uuid.uuid4().hex * 2, title="Clash near the town",
    )  # fmt: skip
    incident = make_incident(article=article, status="published")
    add_report(incident, "World Wire", "international", dt.date(2022, 1, 24), fatalities=[14, 14, 14])
    add_report(incident, "The National Daily", "national", dt.date(2022, 1, 22))
    return incident


@pytest.fixture
def single(make_incident):
    return make_incident(start_date=dt.date(2022, 1, 10), status="published")


def _reader() -> APIClient:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("reed", password="a-long-test-password")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user, scope='read')[1]}")
    return client


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- reading reports -----------------------------------------------------------------------


def test_the_detail_lists_every_report_in_publication_order(api_client, event):
    body = api_client.get(f"/api/v1/incidents/{event.pk}/").json()
    reports = body["reports"]
    assert [r["publisher"] for r in reports] == ["The National Daily", "Town Herald", "World Wire"]
    assert [r["published"] for r in reports] == ["2022-01-22", "2022-01-23", "2022-01-24"]
    assert body["reports_count"] == 3
    wire = reports[2]
    assert wire["article"]["title"] == "World Wire on the clash"
    assert wire["article"]["source_url"].startswith("https://news.example/")
    assert wire["article"]["url"].endswith(f"/api/v1/articles/{wire['article']['id']}/")
    assert wire["linked_by"] == "linker" and wire["link_score"] == 0.91
    assert wire["link_reasons"][1] == ["place", 0.4, "same town"]
    assert wire["facts"]["fatalities"] == [14, 14, 14]  # as that article drafted it
    assert reports[1]["linked_by"] == "drafted" and reports[1]["facts"]["fatalities"][1] == 11
    assert body["merged_into"] is None


def test_the_list_gives_the_count_of_reports_only(api_client, event, single):
    rows = {row["id"]: row for row in api_client.get("/api/v1/incidents/").json()["results"]}
    assert rows[event.pk]["reports_count"] == 3 and rows[single.pk]["reports_count"] == 1
    assert "reports" not in rows[event.pk]


def test_filter_by_number_of_reports(api_client, event, single):
    assert _ids(api_client.get("/api/v1/incidents/", {"reports_min": 2})) == [event.pk]
    assert _ids(api_client.get("/api/v1/incidents/", {"reports_max": 1})) == [single.pk]
    assert _ids(api_client.get("/api/v1/incidents/", {"reports_min": 2, "reports_max": 2})) == []
    bad = api_client.get("/api/v1/incidents/", {"reports_min": "many"})
    assert bad.status_code == 400 and "reports_min" in bad.json()


def test_filter_by_unresolved_possible_duplicates(api_client, event, single, make_incident):
    third = make_incident(start_date=dt.date(2022, 1, 5), status="published")
    PossibleDuplicate.objects.create(
        incident=single, candidate=event, score=0.6, reasons=[["date", 0.2, "near"]]
    )
    PossibleDuplicate.objects.create(incident=third, candidate=event, score=0.5, state="rejected")
    assert sorted(_ids(api_client.get("/api/v1/incidents/", {"possible_duplicates": "open"}))) == sorted(
        [event.pk, single.pk]
    )
    assert _ids(api_client.get("/api/v1/incidents/", {"possible_duplicates": "none"})) == [third.pk]


def test_the_desk_list_takes_the_same_filters(analyst_client, event, single):
    page = analyst_client.get("/incidents/", {"reports_min": 2}).content.decode()
    assert f"/incidents/{event.pk}/" in page and f"/incidents/{single.pk}/" not in page


def test_the_schema_documents_the_new_filters_and_the_redirect():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]}
    for name in ("reports_min", "reports_max", "possible_duplicates"):
        assert params[name]["description"], name
    assert "change feed" in params["updated_since"]["description"]
    assert "merged" in params["updated_since"]["description"]
    assert "308" in schema["paths"]["/api/v1/incidents/{id}/"]["get"]["responses"]
    for path in ("/api/v1/incidents/{id}/merge/", "/api/v1/reports/{id}/split/",
                 "/api/v1/link-actions/{id}/undo/", "/api/v1/possible-duplicates/{id}/decide/"):  # fmt: skip
        assert {"400", "403"} <= set(schema["paths"][path]["post"]["responses"]), path


# --- merged incidents ----------------------------------------------------------------------


def _merge(client, incident: Incident, into: Incident, **extra):
    return client.post(f"/api/v1/incidents/{incident.pk}/merge/", {"into": into.pk, **extra}, format="json")


def test_merge_moves_the_reports_and_leaves_a_pointer_that_redirects(api_client, event, single):
    single.refresh_from_db()
    response = _merge(api_client, single, event, version=single.version)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["action"]["kind"] == "merge" and body["action"]["other"] == single.pk
    assert body["incident"]["id"] == event.pk and body["incident"]["reports_count"] == 4

    moved = api_client.get(f"/api/v1/incidents/{single.pk}/?format=json")
    assert moved.status_code == 308
    assert moved["Location"].endswith(f"/api/v1/incidents/{event.pk}/?format=json")
    assert moved.json()["merged_into"] == event.pk
    assert api_client.get(moved["Location"]).status_code == 200
    as_csv = api_client.get(f"/api/v1/incidents/{single.pk}/?format=csv")
    assert as_csv.status_code == 308 and as_csv["Content-Type"].startswith("application/json")
    assert as_csv["Location"].endswith(f"/api/v1/incidents/{event.pk}/?format=csv")

    assert single.pk not in _ids(api_client.get("/api/v1/incidents/"))
    feed = api_client.get("/api/v1/incidents/", {"updated_since": "2000-01-01T00:00:00Z"}).json()["results"]
    assert {row["id"]: row["merged_into"] for row in feed}[single.pk] == event.pk
    assert _ids(api_client.get("/api/v1/incidents/", {"status": "merged"})) == [single.pk]


def test_readers_following_the_change_feed_see_where_an_incident_went(api_client, event, single):
    reader = _reader()
    assert _merge(api_client, single, event).status_code == 200
    feed = reader.get("/api/v1/incidents/", {"updated_since": "2000-01-01T00:00:00Z"}).json()["results"]
    assert {row["id"]: row["merged_into"] for row in feed} == {event.pk: None, single.pk: event.pk}
    assert reader.get(f"/api/v1/incidents/{single.pk}/").status_code == 308
    assert _ids(reader.get("/api/v1/incidents/")) == [event.pk]


def test_readers_do_not_learn_of_drafts_merged_into_drafts(api_client, make_incident):
    draft, other = make_incident(), make_incident(start_date=dt.date(2022, 1, 9))
    assert _merge(api_client, draft, other).status_code == 200
    assert _reader().get(f"/api/v1/incidents/{draft.pk}/").status_code == 404


def test_merge_refusals_and_conflicts(api_client, event, single, make_incident):
    itself = _merge(api_client, event, event)
    assert itself.status_code == 400 and "merged into itself" in str(itself.json())
    stale = _merge(api_client, single, event, version=single.version + 5)
    assert stale.status_code == 409
    missing = api_client.post(f"/api/v1/incidents/{single.pk}/merge/", {"into": 10**9}, format="json")
    assert missing.status_code == 400 and "no incident" in str(missing.json())
    assert _merge(api_client, single, event).status_code == 200
    third = make_incident(start_date=dt.date(2022, 1, 2))
    into_pointer = _merge(api_client, third, single)
    assert into_pointer.status_code == 400 and "merge into that one" in str(into_pointer.json())
    no_into = api_client.post(f"/api/v1/incidents/{third.pk}/merge/", {}, format="json")
    assert no_into.status_code == 400 and "into" in no_into.json()
    assert _reader().post(
        f"/api/v1/incidents/{third.pk}/merge/", {"into": event.pk}, format="json"
    ).status_code in (
        403,
        404,
    )


# --- split and undo ------------------------------------------------------------------------


def test_split_a_report_out_and_undo_it(api_client, event):
    wire = Report.objects.get(incident=event, article__publisher__name="World Wire")
    event.refresh_from_db()
    response = api_client.post(f"/api/v1/reports/{wire.pk}/split/", {"version": event.version}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    new_id = body["action"]["other"]
    assert body["incident"]["id"] == new_id and response["Location"].endswith(f"/api/v1/incidents/{new_id}/")
    assert [r["id"] for r in body["incident"]["reports"]] == [wire.pk]
    assert api_client.get(f"/api/v1/incidents/{event.pk}/").json()["reports_count"] == 2
    assert api_client.get(f"/api/v1/reports/{wire.pk}/").json()["incident"] == new_id

    undo = api_client.post(f"/api/v1/link-actions/{body['action']['id']}/undo/")
    assert undo.status_code == 200 and undo.json()["undone_at"] and undo.json()["undone_by"] == "ana"
    assert api_client.get(f"/api/v1/incidents/{event.pk}/").json()["reports_count"] == 3
    again = api_client.post(f"/api/v1/link-actions/{body['action']['id']}/undo/")
    assert again.status_code == 400 and "already undone" in str(again.json())


def test_split_refusals_and_conflicts(api_client, event, single):
    only = Report.objects.get(incident=single)
    refused = api_client.post(f"/api/v1/reports/{only.pk}/split/", {}, format="json")
    assert refused.status_code == 400 and "only report" in str(refused.json())
    wire = Report.objects.filter(incident=event).first()
    stale = api_client.post(f"/api/v1/reports/{wire.pk}/split/", {"version": 99}, format="json")
    assert stale.status_code == 409 and Report.objects.get(pk=wire.pk).incident_id == event.pk


def test_undo_a_merge_brings_the_incident_back(api_client, event, single):
    done = _merge(api_client, single, event).json()["action"]
    history = api_client.get("/api/v1/link-actions/", {"incident": single.pk}).json()["results"]
    assert [a["id"] for a in history] == [done["id"]]
    assert api_client.post(f"/api/v1/link-actions/{done['id']}/undo/").status_code == 200
    back = api_client.get(f"/api/v1/incidents/{single.pk}/")
    assert (
        back.status_code == 200
        and back.json()["status"] == "published"
        and back.json()["merged_into"] is None
    )


def test_undo_is_refused_after_a_later_change(api_client, event, single):
    done = _merge(api_client, single, event).json()["action"]
    api_client.patch(f"/api/v1/incidents/{event.pk}/", {"summary": "Edited since."}, format="json")
    refused = api_client.post(f"/api/v1/link-actions/{done['id']}/undo/")
    assert refused.status_code == 400 and "changed since" in str(refused.json())


# --- the possible-duplicate queue ------------------------------------------------------------


@pytest.fixture
def pairs(event, single, make_incident):
    third = make_incident(start_date=dt.date(2022, 1, 20), status="published")
    low = PossibleDuplicate.objects.create(
        incident=single, candidate=event, score=0.55, reasons=[["date", 0.1, "11 days apart"]]
    )
    high = PossibleDuplicate.objects.create(
        incident=third, candidate=event, score=0.7, reasons=[["place", 0.4, "same town"]]
    )
    gone = PossibleDuplicate.objects.create(incident=third, candidate=single, score=0.9, state="rejected")
    return {"low": low, "high": high, "gone": gone, "third": third}  # fmt: skip


def test_the_queue_lists_open_pairs_best_first_with_reasons(api_client, pairs):
    rows = api_client.get("/api/v1/possible-duplicates/").json()["results"]
    assert [r["id"] for r in rows] == [pairs["high"].pk, pairs["low"].pk]
    assert rows[0]["reasons"] == [["place", 0.4, "same town"]]
    rejected = api_client.get("/api/v1/possible-duplicates/", {"state": "rejected"}).json()["results"]
    assert [r["id"] for r in rejected] == [pairs["gone"].pk]
    assert _reader().get("/api/v1/possible-duplicates/").status_code == 403


def test_decide_a_pair(api_client, pairs, event):
    low, high = pairs["low"], pairs["high"]
    differ = api_client.post(f"/api/v1/possible-duplicates/{low.pk}/decide/", {"same": False}, format="json")
    assert differ.status_code == 200 and differ.json() == {**differ.json(), "action": None}
    assert differ.json()["pair"]["state"] == "rejected" and differ.json()["pair"]["decided_by"] == "ana"
    again = api_client.post(f"/api/v1/possible-duplicates/{low.pk}/decide/", {"same": True}, format="json")
    assert again.status_code == 400 and "already decided" in str(again.json())

    same = api_client.post(f"/api/v1/possible-duplicates/{high.pk}/decide/", {"same": True}, format="json")
    assert same.status_code == 200 and same.json()["pair"]["state"] == "merged"
    action = LinkAction.objects.get(pk=same.json()["action"]["id"])
    assert action.kind == "merge" and action.incident_id == event.pk  # the newer into the older
    assert Incident.objects.get(pk=pairs["third"].pk).merged_into_id == event.pk
    bad = api_client.post(f"/api/v1/possible-duplicates/{high.pk}/decide/", {}, format="json")
    assert bad.status_code == 400 and "same" in bad.json()
