"""The list's "select all N matching this filter": the action posted as the filter, done at once
when small, followed on a progress page when it goes to the worker."""

from __future__ import annotations

import pytest

from incidents.models import BulkAction, Incident

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_list_offers_every_match_and_posts_the_filter(analyst_client, make_incidents):
    make_incidents(60, country="NG")
    page = analyst_client.get("/incidents/?country=NG&ordering=date").content.decode()
    assert "Select all 60 matching this filter" in page
    assert 'name="query" value="country=NG"' in page  # the page's own ordering is not a filter


def test_a_small_match_is_published_during_the_request(analyst_client, make_incidents):
    ids = make_incidents(40, country="NG")
    make_incidents(5, country="IQ")
    data = {"scope": "filter", "query": "country=NG", "action": "publish", "next": "/incidents/?country=NG"}
    response = analyst_client.post("/incidents/bulk/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/incidents/?country=NG"
    assert "Published 40 incidents." in response.content.decode()
    assert Incident.objects.filter(status=Incident.Status.PUBLISHED).count() == 40
    assert set(Incident.objects.filter(status="published").values_list("pk", flat=True)) == set(ids)


def test_a_large_match_is_queued_and_its_progress_shown(
    analyst_client, analyst, make_incidents, broker_queue
):
    make_incidents(1500, country="NG")
    data = {"scope": "filter", "query": "country=NG", "action": "assign", "assignee": str(analyst.pk)}
    response = analyst_client.post("/incidents/bulk/", data)
    job = BulkAction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/bulk/{job.pk}/"
    assert broker_queue() == {job.pk: 1} and job.total == 1500
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Queued: 1500 incidents" in page and 'hx-trigger="every 1s"' in page

    from incidents.services.bulk import bulk_action_run

    bulk_action_run(job.pk)  # the worker
    progress = analyst_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Done: 1500 incidents done, 1500 changed." in progress
    assert "every 1s" not in progress  # polling stops
    assert Incident.objects.filter(assigned_to=analyst).count() == 1500


def test_a_bad_filter_or_missing_assignee_is_refused_with_a_message(analyst_client, make_incidents):
    make_incidents(3)
    data = {"scope": "filter", "query": "fatalities_min=lots", "action": "publish"}
    response = analyst_client.post("/incidents/bulk/", data, follow=True)
    assert "These filters are not valid" in response.content.decode()
    data = {"scope": "filter", "query": "", "action": "assign"}
    response = analyst_client.post("/incidents/bulk/", data, follow=True)
    assert "Choose the analyst" in response.content.decode()
    assert not BulkAction.objects.exists()
    assert not Incident.objects.exclude(status="draft").exists()


def test_viewers_cannot_run_or_watch_bulk_actions(client, viewer):
    client.force_login(viewer)
    assert client.post("/incidents/bulk/", {"scope": "filter", "action": "publish"}).status_code == 403
    job = BulkAction.objects.create(action="publish")
    assert client.get(f"/incidents/bulk/{job.pk}/").status_code == 403
