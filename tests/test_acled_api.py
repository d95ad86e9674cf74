"""ACLED's read API (/api/acled/read): the real `acled` client against a live server, then every
operator, paging, field selection, bad parameter, auth failure and draft rule over plain HTTP."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.api.acled_columns import COLUMNS
from incidents.models import Actor, Country, Incident, IncidentActor, IncidentSource, Source
from incidents.services.tokens import api_token_create, api_token_revoke
from tests.conftest import body_json

URL = "/api/acled/read"
EMAIL = "Reader@Example.org"


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("reader", email=EMAIL)  # no password: hashing is slow


@pytest.fixture
def key(reader) -> str:
    return api_token_create(reader)[1]


def _actor(name: str, actor_type: str) -> Actor:
    return Actor.objects.get_or_create(name=name, defaults={"actor_type": actor_type})[0]


def _incident(day: str, country: Country, event: str, sub: str, *, actors=(), status="published", **fields):
    incident = Incident.objects.create(
        start_date=dt.date.fromisoformat(day),
        country=country,
        event_type=event,
        sub_event_type=sub,
        status=status,
        **fields,
    )
    for role, name, actor_type in actors:
        IncidentActor.objects.create(incident=incident, actor=_actor(name, actor_type), role=role)
    return incident


@pytest.fixture
def data(db) -> dict[str, Incident]:
    """Five published incidents in Iraq and Syria around January 2022, and one Iraqi draft."""
    iq = Country.objects.create(code="IQ", name="Iraq")
    sy = Country.objects.create(code="SY", name="Syria")
    isis = ("actor1", "Islamic State (Iraq)", "rebel_group")
    army_iq = ("actor2", "Military Forces of Iraq (2022-)", "state_forces")
    found = {
        "clash": _incident(
            "2022-01-21",
            iq,
            "Battles",
            "Armed clash",
            actors=[isis, army_iq, ("associated", "Tribal Militia", "identity_militia")],
            admin1="Diyala",
            location_name="Khanaqin",
            latitude=34.3481,
            longitude=45.3916,
            fatalities_best=11,
            summary="Clashes near Khanaqin.",
        ),
        "ied": _incident(
            "2022-01-10",
            iq,
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            actors=[isis, ("actor2", "Civilians (Iraq)", "civilians")],
            admin1="Kirkuk",
            location_name="Hawija",
            latitude=35.32,
            longitude=43.77,
            fatalities_best=3,
        ),
        "strike": _incident(
            "2022-01-25",
            sy,
            "Explosions/Remote violence",
            "Air/drone strike",
            actors=[
                ("actor1", "Military Forces of Syria (2000-)", "state_forces"),
                ("actor2", "Civilians (Syria)", "civilians"),
            ],
            admin1="Idlib",
            location_name="Sarmada",
            latitude=36.18,
            longitude=36.72,
            fatalities_best=4,
        ),
        "protest": _incident(
            "2022-02-10",
            iq,
            "Protests",
            "Peaceful protest",
            actors=[("actor1", "Protesters (Iraq)", "protesters")],
            admin1="Baghdad",
            location_name="Baghdad",
        ),
        "attack": _incident(
            "2021-12-30",
            iq,
            "Violence against civilians",
            "Attack",
            actors=[("actor1", "Unidentified Armed Group (Iraq)", "political_militia")],
            admin1="Diyala",
            location_name="Muqdadiyah",
            fatalities_best=2,
        ),
        "draft": _incident(
            "2022-01-22", iq, "Battles", "Armed clash", actors=[isis], status="draft", fatalities_best=40
        ),
    }
    IncidentSource.objects.create(incident=found["clash"], source=Source.objects.create(name="Shafaq News"))
    # updated_at is auto_now: pin it so `timestamp` filters have known answers
    base = dt.datetime(2022, 3, 1, tzinfo=dt.UTC)
    for days, name in enumerate(found):
        Incident.objects.filter(pk=found[name].pk).update(updated_at=base + dt.timedelta(days=days))
        found[name].refresh_from_db()
    return found


# --- The real `acled` client (PyPI `acled`, GPL-3, installed only for these tests) ---------------

# Runs in a child process so ACLED_API_HOST is in the environment before `acled` is imported: the
# client reads it once, at import time, into BaseHttpClient.BASE_URL and calls {host}/acled/read.
_CLIENT_SCRIPT = r"""
import datetime, json, sys
from acled import AcledClient
from acled.exceptions import ApiError

def typed(value):
    if isinstance(value, datetime.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["date", value.isoformat()]
    return [type(value).__name__, value]

results = []
client = AcledClient()  # credentials from ACLED_API_KEY and ACLED_EMAIL: the legacy key+email method
for kwargs in json.load(sys.stdin):
    try:
        events = client.get_data(**kwargs)
        results.append({"rows": [{k: typed(v) for k, v in e.items()} for e in events]})
    except ApiError as exc:
        results.append({"error": type(exc).__name__, "status_code": exc.status_code, "message": str(exc)})
with open(sys.argv[1], 'w') as out:  # not stdout: the client logs there
    json.dump(results, out)
"""


def _run_acled_client(live_server, tmp_path, key: str, email: str, calls: list[dict]) -> list[dict]:
    out = tmp_path / f"acled-{len(list(tmp_path.iterdir()))}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACLED_")}
    env.update(
        ACLED_API_HOST=f"{live_server.url}/api",
        ACLED_API_KEY=key,
        ACLED_EMAIL=email,
        ACLED_RETRY_BACKOFF_FACTOR="0.01",
        ACLED_REQUEST_TIMEOUT="20",
    )
    done = subprocess.run(
        [sys.executable, "-c", _CLIENT_SCRIPT, str(out)],
        input=json.dumps(calls),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(out.read_text())


@pytest.mark.django_db(transaction=True)
def test_the_acled_client_reads_filtered_pages(live_server, tmp_path, data, key):
    between = {"event_date": "2022-01-01|2022-01-31", "query_params": {"event_date_where": "BETWEEN"}}
    results = _run_acled_client(
        live_server,
        tmp_path,
        key,
        EMAIL.lower(),  # ACLED matches the email case-insensitively; so do we
        [
            {"country": "Iraq", **between, "limit": 50},
            {"country": "Iraq", **between, "limit": 1, "page": 1},
            {"country": "Iraq", **between, "limit": 1, "page": 2},
            {"country": "Iraq", **between, "limit": 1, "page": 3},
            {"country": "Iraq|Syria", **between, "fields": "event_id_cnty|event_date|fatalities"},
            {"country": "Iraq", "event_date": "2022-02-01", "query_params": {"event_date_where": ">="}},
        ],
    )
    full, page1, page2, page3, fields, february = results
    clash, ied = data["clash"], data["ied"]

    # newest first; the draft of 2022-01-22 and the Syrian, December and February events are out
    assert [row["event_id_cnty"] for row in full["rows"]] == [
        ["str", f"IQ{clash.pk}"],
        ["str", f"IQ{ied.pk}"],
    ]
    row = full["rows"][0]
    assert set(row) == set(COLUMNS)
    assert row["event_date"] == ["date", "2022-01-21"]
    assert row["year"] == ["int", 2022]
    assert row["time_precision"] == ["int", 1]
    assert row["fatalities"] == ["int", 11]
    assert row["latitude"] == ["float", 34.3481]
    assert row["longitude"] == ["float", 45.3916]
    assert row["timestamp"] == ["datetime", "2022-03-01T00:00:00+00:00"]
    assert row["country"] == ["str", "Iraq"]
    assert row["iso"] == ["str", "368"]
    assert row["actor1"] == ["str", "Islamic State (Iraq)"]
    assert row["actor2"] == ["str", "Military Forces of Iraq (2022-)"]
    assert row["assoc_actor_2"] == ["str", "Tribal Militia"]
    assert row["inter1"] == ["str", "2"]
    assert row["interaction"] == ["str", "12"]
    assert row["disorder_type"] == ["str", "Political violence"]
    assert row["admin1"] == ["str", "Diyala"]
    assert row["location"] == ["str", "Khanaqin"]
    assert row["source"] == ["str", "Shafaq News"]
    assert row["notes"] == ["str", "Clashes near Khanaqin."]

    assert [r["event_id_cnty"][1] for r in page1["rows"]] == [f"IQ{clash.pk}"]
    assert [r["event_id_cnty"][1] for r in page2["rows"]] == [f"IQ{ied.pk}"]
    assert page3 == {"rows": []}

    assert fields["rows"] == [
        {
            "event_id_cnty": ["str", f"SY{data['strike'].pk}"],
            "event_date": ["date", "2022-01-25"],
            "fatalities": ["int", 4],
        },
        {
            "event_id_cnty": ["str", f"IQ{clash.pk}"],
            "event_date": ["date", "2022-01-21"],
            "fatalities": ["int", 11],
        },
        {
            "event_id_cnty": ["str", f"IQ{ied.pk}"],
            "event_date": ["date", "2022-01-10"],
            "fatalities": ["int", 3],
        },
    ]
    # no coordinates: sent as null, which the client leaves alone (it would fail on float(""))
    assert [(r["event_id_cnty"][1], r["latitude"]) for r in february["rows"]] == [
        (f"IQ{data['protest'].pk}", ["NoneType", None])
    ]


@pytest.mark.django_db(transaction=True)
def test_the_acled_client_sees_auth_failures(live_server, tmp_path, data, key):
    wrong_key, wrong_email = (
        _run_acled_client(live_server, tmp_path, "idk_not-a-token", EMAIL, [{"country": "Iraq"}])[0],
        _run_acled_client(live_server, tmp_path, key, "someone@else.org", [{"country": "Iraq"}])[0],
    )
    assert (wrong_key["error"], wrong_key["status_code"]) == ("ClientError", 401)
    assert (wrong_email["error"], wrong_email["status_code"]) == ("ClientError", 403)


# --- Plain HTTP ------------------------------------------------------------------------------------


@pytest.fixture
def get(key):
    """GET the endpoint with a reader's key and email; returns (status, body)."""
    client = APIClient()

    def _get(**params):
        response = client.get(URL, {"key": key, "email": EMAIL, **params})
        return response.status_code, body_json(response)

    return _get


def _ids(body: dict) -> list[str]:
    assert body["success"] is True, body
    assert body["count"] == len(body["data"])
    return [row["event_id_cnty"] for row in body["data"]]


def _names(data, *names: str) -> list[str]:
    return [f"{data[n].country_id}{data[n].pk}" for n in names]


PUBLISHED_NEWEST_FIRST = ("protest", "strike", "clash", "ied", "attack")


def test_the_envelope_and_values_are_acleds(get, data):
    status, body = get()
    assert status == 200
    assert set(body) == {"status", "success", "last_update", "count", "messages", "data", "filename"}
    assert (body["status"], body["success"], body["count"], body["messages"]) == (200, True, 5, [])
    assert isinstance(body["last_update"], int) and body["last_update"] >= 0
    assert _ids(body) == _names(data, *PUBLISHED_NEWEST_FIRST)
    clash = body["data"][2]
    assert list(clash) == list(COLUMNS)
    assert all(isinstance(v, str) for v in clash.values()), clash
    assert (clash["fatalities"], clash["year"], clash["latitude"]) == ("11", "2022", "34.3481")
    assert clash["timestamp"] == str(int(dt.datetime(2022, 3, 1, tzinfo=dt.UTC).timestamp()))
    protest = body["data"][0]
    assert (protest["latitude"], protest["longitude"], protest["fatalities"]) == (None, None, "0")
    assert (protest["interaction"], protest["actor2"]) == ("6", "")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "Syria"}, ["strike"]),
        ({"country": "syria"}, ["strike"]),
        ({"country": "SY"}, ["strike"]),
        ({"country": "Iraq|Syria"}, list(PUBLISHED_NEWEST_FIRST)),
        ({"country": "yri", "country_where": "LIKE"}, ["strike"]),
        ({"country": "%yri%", "country_where": "like"}, ["strike"]),
        ({"iso": "760"}, ["strike"]),
        ({"iso": "760|368"}, list(PUBLISHED_NEWEST_FIRST)),
        ({"event_date": "2022-01-21"}, ["clash"]),
        ({"event_date": "2022-01-21|2022-01-10"}, ["clash", "ied"]),
        ({"event_date": "2022-01-21", "event_date_where": ">"}, ["protest", "strike"]),
        ({"event_date": "2022-01-21", "event_date_where": ">="}, ["protest", "strike", "clash"]),
        ({"event_date": "2022-01-10", "event_date_where": "<"}, ["attack"]),
        ({"event_date": "2022-01-10", "event_date_where": "<="}, ["ied", "attack"]),
        ({"event_date": "2022-01-25|2022-01-10", "event_date_where": "BETWEEN"}, ["strike", "clash", "ied"]),
        ({"year": "2021"}, ["attack"]),
        ({"year": "2022", "year_where": ">="}, ["protest", "strike", "clash", "ied"]),
        ({"event_type": "Battles"}, ["clash"]),
        ({"event_type": "explosions", "event_type_where": "LIKE"}, ["strike", "ied"]),
        ({"sub_event_type": "Air/drone strike|Attack"}, ["strike", "attack"]),
        ({"actor1": "Islamic State (Iraq)"}, ["clash", "ied"]),
        ({"actor1": "military forces", "actor1_where": "LIKE"}, ["strike"]),
        ({"actor2": "Civilians", "actor2_where": "LIKE"}, ["strike", "ied"]),
        ({"actor2": "Tribal Militia"}, []),  # associated actors are not actor2
        ({"admin1": "diyala"}, ["clash", "attack"]),
        ({"admin1": "Idlib|Kirkuk"}, ["strike", "ied"]),
        ({"location": "Sarmada"}, ["strike"]),
        ({"location": "ghd", "location_where": "LIKE"}, ["protest"]),
        ({"fatalities": "0"}, ["protest"]),
        ({"fatalities": "4", "fatalities_where": ">"}, ["clash"]),
        ({"fatalities": "4", "fatalities_where": ">="}, ["strike", "clash"]),
        ({"fatalities": "3", "fatalities_where": "<"}, ["protest", "attack"]),
        ({"fatalities": "3", "fatalities_where": "<="}, ["protest", "ied", "attack"]),
        ({"fatalities": "2|4", "fatalities_where": "BETWEEN"}, ["strike", "ied", "attack"]),
        ({"disorder_type": "Demonstrations"}, ["protest"]),
        ({"disorder_type": "political violence"}, ["strike", "clash", "ied", "attack"]),
        ({"disorder_type": "Demonstr", "disorder_type_where": "LIKE"}, ["protest"]),
        ({"interaction": "12"}, ["clash"]),
        ({"interaction": "17|27"}, ["strike", "ied"]),
        ({"interaction": "6"}, ["protest"]),
        ({"interaction": "20", "interaction_where": ">"}, ["ied"]),
        ({"interaction": "3|12", "interaction_where": "BETWEEN"}, ["protest", "clash", "attack"]),
        ({"country": "Iraq", "fatalities": "3", "fatalities_where": ">="}, ["clash", "ied"]),
        ({"country": "Nowhere"}, []),
    ],
)
def test_filters_and_operators(get, data, params, expected):
    status, body = get(**params)
    assert status == 200, body
    assert _ids(body) == _names(data, *expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, list(PUBLISHED_NEWEST_FIRST)),
        ({"timestamp": "1646265600"}, ["strike", "protest", "attack"]),  # 2022-03-03, >= by default
        ({"timestamp": "2022-03-03"}, ["strike", "protest", "attack"]),  # the client sends dates too
        ({"timestamp": "1646265600", "timestamp_where": "="}, ["strike"]),
        ({"timestamp": "1646265600", "timestamp_where": ">"}, ["protest", "attack"]),
        ({"timestamp": "1646265600", "timestamp_where": "<"}, ["clash", "ied"]),
        ({"timestamp": "1646265600", "timestamp_where": "<="}, ["strike", "clash", "ied"]),
        ({"timestamp": "1646179200|1646265600", "timestamp_where": "BETWEEN"}, ["strike", "ied"]),
    ],
)
def test_timestamp_means_changed_since(get, data, params, expected):
    status, body = get(**params)
    assert status == 200, body
    assert _ids(body) == _names(data, *[n for n in PUBLISHED_NEWEST_FIRST if n in expected])


def test_fields_selects_and_orders_columns(get, data):
    status, body = get(fields="fatalities|event_id_cnty|event_date", country="Syria")
    assert status == 200
    assert body["data"] == [
        {"fatalities": "4", "event_id_cnty": f"SY{data['strike'].pk}", "event_date": "2022-01-25"}
    ]


def test_pages_are_stable_and_disjoint(get, data):
    same_day = _incident("2022-01-21", data["clash"].country, "Battles", "Armed clash")
    pages = [_ids(get(limit="2", page=str(n))[1]) for n in (1, 2, 3, 4)]
    assert pages == [
        _names(data, "protest", "strike"),
        [f"IQ{same_day.pk}", f"IQ{data['clash'].pk}"],  # same date: higher id first
        _names(data, "ied", "attack"),
        [],
    ]
    assert get(limit="5000")[0] == 200


def test_the_query_count_does_not_grow_with_the_page(get, data):
    for n in range(10):
        clash = _incident("2022-01-05", data["clash"].country, "Battles", "Armed clash", fatalities_best=n)
        IncidentActor.objects.create(incident=clash, actor=_actor(f"Group {n}", "rebel_group"), role="actor1")
    get()  # the first use of a token records it (once a minute): not part of the comparison
    counts = []
    for limit, rows in (("1", 1), ("15", 10)):
        with CaptureQueriesContext(connection) as queries:
            status, body = get(limit=limit, actor1="Group", actor1_where="LIKE", interaction="2")
        assert (status, body["count"]) == (200, rows)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"fields": "event_date|casualties"}, 400, "fields: unknown column(s) casualties"),
        ({"fields": "|"}, 400, "fields: empty"),
        ({"limit": "5001"}, 400, "limit: must be between 1 and 5000"),
        ({"limit": "0"}, 400, "limit: must be between"),
        ({"limit": "ten"}, 400, "limit: not a whole number"),
        ({"page": "0"}, 400, "page: pages are numbered from 1"),
        ({"page": "x"}, 400, "page: not a whole number"),
        ({"event_date": "21/01/2022"}, 400, "event_date: '21/01/2022' is not a date"),
        ({"event_date": "2022-01-01", "event_date_where": "BETWEEN"}, 400, "event_date: BETWEEN needs two"),
        (
            {"event_date": "2022-01-01|2022-02-01", "event_date_where": ">"},
            400,
            "event_date: > takes a single",
        ),
        (
            {"event_date": "2022-01-01", "event_date_where": "!="},
            400,
            "event_date_where: unknown operator '!='",
        ),
        ({"country": "Iraq", "country_where": ">"}, 400, "country_where: > does not apply to country"),
        ({"fatalities": "many"}, 400, "fatalities: 'many' is not a whole number"),
        ({"year": ""}, 400, "year: empty value"),
        ({"interaction": "x1"}, 400, "interaction: 'x1' is not a whole number"),
        ({"timestamp": "yesterday"}, 400, "timestamp: 'yesterday' is neither"),
        ({"iso": "IRQ"}, 400, "iso: 'IRQ' is not a whole number"),
        ({"country_where": "LIKE"}, 400, "country_where given without country"),
        ({"notes": "clash"}, 400, "notes: filtering on notes is not supported"),
        ({"colour": "red"}, 400, "colour: unknown parameter"),
        ({"_format": "csv"}, 400, "_format: only json"),
        ({"export_type": "monadic"}, 400, "export_type: only the dyadic"),
    ],
)
def test_bad_parameters_say_which(get, data, params, status, words):
    code, body = get(**params)
    assert code == status
    assert (body["status"], body["success"], body["data"]) == (status, False, [])
    assert words in body["error"][0]["message"], body
    assert body["messages"] == [body["error"][0]["message"]]


def _failure(response) -> tuple[int, str]:
    body = body_json(response)
    assert body["success"] is False and body["status"] == response.status_code
    return response.status_code, body["error"][0]["message"]


def test_auth_failures_are_acled_errors(data, reader, key):
    client = APIClient()
    assert _failure(client.get(URL)) == (401, "Authentication credentials were not provided.")
    assert _failure(client.get(URL, {"key": "idk_nope", "email": EMAIL})) == (401, "Invalid API token.")
    assert _failure(client.get(URL, {"key": key})) == (401, "The email parameter is required with key.")
    assert _failure(client.get(URL, {"email": EMAIL})) == (401, "The key parameter is required with email.")
    assert _failure(client.get(URL, {"key": key, "email": "other@example.org"})) == (
        403,
        "This key does not belong to that email address.",
    )
    expired, expired_key = api_token_create(reader, days=1)
    expired.expires_at = timezone.now() - dt.timedelta(seconds=1)
    expired.save()
    assert _failure(client.get(URL, {"key": expired_key, "email": EMAIL})) == (
        401,
        "This API token has expired.",
    )
    revoked, revoked_key = api_token_create(reader)
    api_token_revoke(revoked)
    assert _failure(client.get(URL, {"key": revoked_key, "email": EMAIL})) == (
        401,
        "This API token has been revoked.",
    )
    response = client.get(URL, {"key": key, "email": EMAIL.upper()})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_user_without_email_cannot_use_key_and_email(analyst):
    _, raw = api_token_create(analyst)
    assert analyst.email == ""
    assert _failure(APIClient().get(URL, {"key": raw, "email": ""}))[0] == 401
    assert _failure(APIClient().get(URL, {"key": raw, "email": "ana@example.org"}))[0] == 403


def test_a_bearer_token_works_too(data, key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get(URL, {"country": "Syria"})
    assert response.status_code == 200
    assert _ids(body_json(response)) == _names(data, "strike")
    client.credentials(HTTP_AUTHORIZATION="Bearer idk_nope")
    assert _failure(client.get(URL)) == (401, "Invalid API token.")


def test_drafts_are_for_analysts_only(data, get, analyst):
    analyst.email = "ana@example.org"
    analyst.save()
    _, raw = api_token_create(analyst)
    as_analyst = APIClient().get(URL, {"key": raw, "email": "ana@example.org", "event_date": "2022-01-22"})
    assert _ids(body_json(as_analyst)) == _names(data, "draft")
    assert _ids(get(event_date="2022-01-22")[1]) == []
    assert "IQ" + str(data["draft"].pk) not in _ids(get(limit="5000")[1])
