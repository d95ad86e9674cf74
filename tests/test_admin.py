"""The admin lists, searches, filters and edits every model, with an incident's inlines."""

import datetime as dt

import pytest
from django.contrib import admin

from incidents.models import Actor, Country, Incident, IncidentActor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client.force_login(user)
    return client


@pytest.fixture
def incident(db):
    iq = Country.objects.create(code="IQ", name="Iraq")
    actor = Actor.objects.create(name="Islamic State", actor_type="rebel_group", aliases=["Daesh"])
    incident = Incident.objects.create(
        start_date=dt.date(2022, 1, 21),
        country=iq,
        event_type="Battles",
        sub_event_type="Armed clash",
        fatalities_best=11,
        admin1="Diyala",
    )
    IncidentActor.objects.create(incident=incident, actor=actor, role="actor1")
    return incident


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label == "incidents"])
def test_every_model_lists_and_searches(staff_client, incident, model):
    url = f"/admin/incidents/{model._meta.model_name}/"
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "Diyala"}).status_code == 200


def test_incident_change_page_has_actor_and_source_inlines(staff_client, incident):
    page = staff_client.get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    assert "incident_actors-TOTAL_FORMS" in page
    assert "incident_sources-TOTAL_FORMS" in page
    assert "Islamic State" in page


def test_incident_filter_by_status(staff_client, incident):
    page = staff_client.get("/admin/incidents/incident/", {"status__exact": "draft"}).content.decode()
    assert "Diyala" in page
    page = staff_client.get("/admin/incidents/incident/", {"status__exact": "published"}).content.decode()
    assert "Diyala" not in page


def test_publish_action_goes_through_the_service(staff_client, incident):
    response = staff_client.post(
        "/admin/incidents/incident/", {"action": "publish", "_selected_action": [incident.pk]}, follow=True
    )
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.status == "published"


def test_admin_refuses_a_mismatched_event_pair(staff_client, incident):
    url = f"/admin/incidents/incident/{incident.pk}/change/"
    form = {
        "event_type": "Battles",
        "sub_event_type": "Air/drone strike",
        "date_precision": "day",
        "geo_precision": "exact",
        "status": "draft",
        "start_date": "2022-01-21",
        "incident_actors-TOTAL_FORMS": "0",
        "incident_actors-INITIAL_FORMS": "0",
        "incident_sources-TOTAL_FORMS": "0",
        "incident_sources-INITIAL_FORMS": "0",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, form)
    assert response.status_code == 200
    assert "is not a sub-event type of" in response.content.decode()
    incident.refresh_from_db()
    assert incident.sub_event_type == "Armed clash"


def test_an_actor_can_be_edited_in_the_admin(staff_client, incident):
    actor = Actor.objects.get(name="Islamic State")
    form = {
        "name": "Islamic State",
        "aliases": '["Daesh", "ISIS"]',
        "actor_type": "rebel_group",
        "country": "",
    }
    response = staff_client.post(f"/admin/incidents/actor/{actor.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    actor.refresh_from_db()
    assert actor.aliases == ["Daesh", "ISIS"]
