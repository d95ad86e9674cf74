"""API tokens: hashed, scoped, expiring, revocable, rate-limited; who sees drafts."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.api.throttles import TokenRateThrottle
from incidents.models import ApiToken, Country, Incident
from incidents.services.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("reader", password="a-long-test-password")


@pytest.fixture
def incidents(db):
    iq = Country.objects.create(code="IQ", name="Iraq")
    draft = Incident.objects.create(
        start_date=dt.date(2022, 1, 21), country=iq, event_type="Battles", sub_event_type="Armed clash"
    )
    published = Incident.objects.create(
        start_date=dt.date(2022, 1, 22),
        country=iq,
        event_type="Battles",
        sub_event_type="Armed clash",
        status="published",
    )
    return draft, published


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_command_prints_a_token_that_is_stored_only_hashed(analyst):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "ana", "--scope", "write", "--expires", "30", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert raw and token.digest != raw and raw not in (token.digest, token.prefix)
    assert token.scope == "write" and token.expires_at > timezone.now() + dt.timedelta(days=29)
    assert "cannot be shown again" in err.getvalue()
    assert _client(raw).get("/api/v1/incidents/").status_code == 200


def test_command_refuses_unknown_users_and_bad_lifetimes(analyst):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="at least one day"):
        call_command("create_api_token", "ana", "--expires", "0", stdout=io.StringIO())


def test_expired_and_revoked_tokens_are_refused_with_the_reason(analyst):
    token, raw = api_token_create(analyst, days=1)
    assert _client(raw).get("/api/v1/incidents/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _client(raw).get("/api/v1/incidents/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]

    token, raw = api_token_create(analyst)
    api_token_revoke(token)
    response = _client(raw).get("/api/v1/incidents/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]

    response = _client("idk_not-a-token").get("/api/v1/incidents/")
    assert response.status_code == 401 and "Invalid" in response.json()["detail"]


def test_readers_see_published_incidents_only_and_analysts_see_drafts(reader, analyst, incidents):
    draft, published = incidents
    _, reader_raw = api_token_create(reader)
    _, analyst_raw = api_token_create(analyst)
    assert _ids(_client(reader_raw).get("/api/v1/incidents/")) == {published.pk}
    assert _client(reader_raw).get(f"/api/v1/incidents/{draft.pk}/").status_code == 404
    assert _ids(_client(analyst_raw).get("/api/v1/incidents/")) == {draft.pk, published.pk}
    group_member = reader
    group_member.groups.add(Group.objects.create(name="analysts"))
    assert _ids(_client(reader_raw).get("/api/v1/incidents/")) == {draft.pk, published.pk}


@pytest.mark.parametrize(
    ("who", "scope", "status"),
    [("reader", "read", 403), ("reader", "write", 403), ("analyst", "read", 403), ("analyst", "write", 202)],
)
def test_uploading_needs_an_analyst_with_write_scope(
    reader, analyst, who, scope, status, django_capture_on_commit_callbacks
):
    user = {"reader": reader, "analyst": analyst}[who]
    _, raw = api_token_create(user, scope=scope)
    with django_capture_on_commit_callbacks():
        response = _client(raw).post(
            "/api/v1/articles/",
            {"text": "Gunmen killed two police officers.", "published": "2024-01-02"},
            format="json",
        )
    assert response.status_code == status, response.content
    if status == 403:
        assert "write scope" in response.json()["detail"]


def test_browser_session_works_for_the_api(client, analyst, incidents):
    client.force_login(analyst)
    assert client.get("/api/v1/incidents/").status_code == 200


def test_throttling_is_per_token_and_answers_json(analyst, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    _, first = api_token_create(analyst)
    _, second = api_token_create(analyst)
    codes = [_client(first).get("/api/v1/incidents/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = _client(first).get("/api/v1/incidents/")
    assert "throttled" in limited.json()["detail"].lower()
    assert int(limited["Retry-After"]) > 0
    assert _client(second).get("/api/v1/incidents/").status_code == 200
