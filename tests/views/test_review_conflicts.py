"""The desk refuses stale saves: the review page shows what changed and keeps the analyst's
input; the list's bulk actions refuse a selection with a changed row; viewers see no draft counts."""

from __future__ import annotations

import pytest

from incidents.models import Incident
from incidents.services import incident_update

pytestmark = pytest.mark.django_db


def _form(incident, **changes) -> dict:
    data = {
        "action": "save",
        "version": str(incident.version),
        "start_date": "2022-01-21",
        "date_precision": "day",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "country": "IQ",
        "admin1": "Diyala",
        "location_name": "Baquba",
        "geo_precision": "exact",
        "fatalities_best": "11",
        "summary": incident.summary,
        "sources": "",
        "actors-TOTAL_FORMS": "0",
        "actors-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_the_second_save_from_one_version_is_refused_with_the_conflict_and_input_kept(
    analyst_client, make_incident, second_analyst, client, django_user_model
):
    incident = make_incident()
    page = analyst_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'name="version" value="1"' in page
    incident_update(Incident.objects.get(pk=incident.pk), summary="Bea's summary.", user=second_analyst)
    response = analyst_client.post(f"/incidents/{incident.pk}/", _form(incident, fatalities_best="40"))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html and "Bea&#x27;s summary." in html and "by bea" in html
    assert 'name="fatalities_best" value="40"' in html  # the analyst's typed value is still there
    assert 'name="version" value="2"' in html  # saving again applies it deliberately
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.summary, stored.fatalities_best) == ("Bea's summary.", 11)
    again = analyst_client.post(
        f"/incidents/{incident.pk}/", _form(stored, fatalities_best="40", summary="Bea's summary.")
    )
    assert again.status_code == 302
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.summary, stored.fatalities_best, stored.status) == ("Bea's summary.", 40, "reviewed")


def test_a_stale_reject_is_refused(analyst_client, make_incident, second_analyst):
    incident = make_incident()
    incident_update(Incident.objects.get(pk=incident.pk), summary="Changed.", user=second_analyst)
    response = analyst_client.post(f"/incidents/{incident.pk}/", {"action": "reject", "version": "1"})
    assert response.status_code == 409
    assert Incident.objects.get(pk=incident.pk).status == "reviewed"


def test_a_bulk_action_with_a_row_changed_since_is_refused_whole(
    analyst_client, make_incident, second_analyst
):
    first, second = make_incident(), make_incident()
    listing = analyst_client.get("/incidents/?status=draft").content.decode()
    assert f'name="version-{second.pk}" value="1"' in listing
    incident_update(Incident.objects.get(pk=second.pk), summary="Changed.", user=second_analyst)
    post = {"ids": [first.pk, second.pk], "action": "publish", f"version-{first.pk}": "1"}
    post[f"version-{second.pk}"] = "1"
    response = analyst_client.post("/incidents/bulk/", post, follow=True)
    text = response.content.decode()
    assert "Nothing was changed." in text and f"Incident {second.pk} was changed" in text
    assert not Incident.objects.filter(status="published").exists()
    post[f"version-{second.pk}"] = "2"
    analyst_client.post("/incidents/bulk/", post)
    assert Incident.objects.filter(status="published").count() == 2


def test_viewers_see_published_counts_only_on_the_upload_rows(client, viewer, analyst, make_incident):
    incident = make_incident(status="published")
    make_incident(article=incident.article)  # a draft of the same article
    incident.article.status = "parsed"
    incident.article.save()
    url = f"/articles/{incident.article.pk}/row/"
    client.force_login(viewer)
    assert "1 incident drafted" in client.get(url).content.decode()
    client.force_login(analyst)
    assert "2 incidents drafted" in client.get(url).content.decode()


def test_viewers_cannot_use_analyst_only_views(client, viewer, make_incident):
    client.force_login(viewer)
    incident = make_incident()
    assert client.get("/articles/new/").status_code == 403
    assert client.post("/incidents/bulk/", {"ids": [incident.pk], "action": "publish"}).status_code == 403
    assert client.get(f"/incidents/{incident.pk}/history/").status_code == 404
