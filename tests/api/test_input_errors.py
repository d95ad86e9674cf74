"""The seven inputs the fuzzer found answering 500: each now gets a clear 4xx and loses nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from incidents.models import Actor, Source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/actors/", "/api/v1/locations/"])
def test_country_filters_actors_and_locations_by_code(api_client, api_world, path):
    response = api_client.get(path, {"country": "sy"})
    assert response.status_code == 200, response.content
    assert response.json()["results"]
    assert {row["country"] for row in response.json()["results"]} == {"SY"}


@pytest.mark.parametrize("path", ["/api/v1/actors/", "/api/v1/locations/", "/api/v1/incidents/"])
@pytest.mark.parametrize("value", ["ZZ%", "Z", "S\x00"])
def test_a_malformed_country_code_is_a_400_naming_it(api_client, api_world, path, value):
    response = api_client.get(path, {"country": value})
    assert response.status_code == 400, response.content
    assert "country" in response.json()


@pytest.mark.parametrize("name, model", [("isis", "actors"), ("reuters", "sources")])
def test_deleting_what_an_incident_uses_is_a_409_and_deletes_nothing(api_client, api_world, name, model):
    target = api_world[name]
    response = api_client.delete(f"/api/v1/{model}/{target.pk}/")
    assert response.status_code == 409, response.content
    assert "incident" in response.json()["detail"]
    assert type(target).objects.filter(pk=target.pk).exists()


def test_deleting_an_unused_actor_still_works(api_client, api_world):
    assert api_client.delete(f"/api/v1/actors/{api_world['spare'].pk}/").status_code == 204
    assert not Actor.objects.filter(pk=api_world["spare"].pk).exists()


@pytest.mark.parametrize("aliases", [["Da\x00esh"], ["ok", "\x00"]])
def test_a_nul_in_an_alias_is_a_400(api_client, api_world, aliases):
    actor = api_world["isis"]
    response = api_client.patch(f"/api/v1/actors/{actor.pk}/", {"aliases": aliases}, format="json")
    assert response.status_code == 400, response.content
    assert "aliases" in response.json()
    actor.refresh_from_db()
    assert actor.aliases == []


@pytest.mark.parametrize(
    "value, found",
    [
        ("2022-01-01T00:00:00+05:00", True),  # encoded properly
        ("2022-01-01T00:00:00 05:00", True),  # the `+` sent unencoded arrives as a space
        ("2999-01-01T00:00:00 05:00", False),
        ("2022-01-01T00:00:00-05:00", True),
        ("2022-01-01", True),
    ],
)
def test_updated_since_reads_an_offset_even_when_its_plus_became_a_space(api_client, api_world, value, found):
    response = api_client.get("/api/v1/incidents/", {"updated_since": value})
    assert response.status_code == 200, response.content
    assert bool(response.json()["results"]) is found


@pytest.mark.parametrize("value", ["2022-01-01T00:00:00  05:00", "yesterday", "2022-13-01T00:00:00"])
def test_a_bad_updated_since_is_a_400(api_client, api_world, value):
    response = api_client.get("/api/v1/incidents/", {"updated_since": value})
    assert response.status_code == 400, response.content
    assert "updated_since" in response.json()


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
@pytest.mark.parametrize("param", ["fatalities_min", "fatalities_max", "location", "article", "actor"])
def test_numbers_too_large_for_the_database_are_a_400(api_client, api_world, fmt, param):
    response = api_client.get("/api/v1/incidents/", {param: "9" * 20, "format": fmt})
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_negative_and_fractional_counts_are_a_400(api_client, api_world):
    assert api_client.get("/api/v1/incidents/", {"fatalities_min": "-1"}).status_code == 400
    assert api_client.get("/api/v1/incidents/", {"fatalities_min": "1.5"}).status_code == 400
    assert api_client.get("/api/v1/incidents/", {"fatalities_min": "3"}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY export runs on PostgreSQL only")
def test_the_copy_export_takes_the_largest_count_there_is(api_client, api_world):
    response = api_client.get("/api/v1/incidents/", {"fatalities_min": str(2**31 - 1), "format": "csv"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().count("\n") == 1  # the header alone


def test_the_browsable_page_of_an_incident_renders_for_writers(analyst_client, api_world):
    for incident in (api_world["raid"], api_world["market"]):
        response = analyst_client.get(f"/api/v1/incidents/{incident.pk}/", HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert b"<form" in response.content  # the PUT/PATCH forms a writer gets
    assert Source.objects.count() == 1
