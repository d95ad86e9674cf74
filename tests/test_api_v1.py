"""API v1 at full strength: every filter, keyset pages, formats, writes and the permission matrix."""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.api.acled_columns import COLUMNS
from incidents.models import (
    Actor,
    Article,
    Country,
    Incident,
    IncidentActor,
    IncidentSource,
    Location,
    Source,
)
from incidents.services.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _client(user=None, scope="read", session=False) -> APIClient:
    client = APIClient()
    if user is not None and session:
        client.force_login(user)
    elif user is not None:
        _, raw = api_token_create(user, scope=scope)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def world(db, analyst):
    iq = Country.objects.create(code="IQ", name="Iraq")
    sy = Country.objects.create(code="SY", name="Syria")
    isis = Actor.objects.create(name="Islamic State", actor_type="rebel_group")
    army = Actor.objects.create(name="Military Forces of Iraq", actor_type="state_forces", country=iq)
    civ = Actor.objects.create(name="Civilians (Syria)", actor_type="civilians", country=sy)
    article = Article.objects.create(
        text="A bombing at the grain market of Hasakah.",
        published=dt.date(2022, 1, 23),
        content_hash="a" * 64,
    )
    rows = {
        "raid": ("2022-01-21", iq, "Diyala", "Battles", "Armed clash", 11, 33.9, 44.9, "Daesh raid on a barrack"),
        "prison": ("2022-01-20", sy, "Al-Hasakeh", "Battles", "Armed clash", 120, 36.5, 40.7, "Prison attack"),
        "market": ("2021-10-05", sy, "Al-Hasakeh", "Explosions/Remote violence", "Remote explosive/landmine/IED",
                   3, 36.6, 40.8, "Car bomb"),
        "protest": ("2020-05-09", iq, "Baghdad", "Protests", "Peaceful protest", None, 33.3, 44.4, "Sit-in"),
    }  # fmt: skip
    out = {}
    for key, (day, country, admin1, event, sub, deaths, lat, lon, summary) in rows.items():
        out[key] = Incident.objects.create(
            start_date=dt.date.fromisoformat(day), country=country, admin1=admin1, event_type=event,
            sub_event_type=sub, fatalities_best=deaths, latitude=lat, longitude=lon, summary=summary,
            status="published", article=article if key == "market" else None,
        )  # fmt: skip
    IncidentActor.objects.create(incident=out["raid"], actor=isis, role="actor1")
    IncidentActor.objects.create(incident=out["raid"], actor=army, role="actor2")
    IncidentActor.objects.create(incident=out["prison"], actor=isis, role="actor1")
    IncidentActor.objects.create(incident=out["market"], actor=civ, role="actor2")
    out["actors"] = {"isis": isis, "army": army}
    return out


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("admin1=al-hasakeh", {"prison", "market"}),
        ("sub_event_type=Remote explosive/landmine/IED", {"market"}),
        ("event_type=Battles&event_type=Protests", {"raid", "prison", "protest"}),
        ("fatalities_min=10", {"raid", "prison"}),
        ("fatalities_min=1&fatalities_max=20", {"raid", "market"}),
        ("bbox=40,36,41,37", {"prison", "market"}),
        ("actor=Islamic State", {"raid", "prison"}),
        ("actor=Islamic State&actor_role=actor2", set()),
        ("actor=Military Forces of Iraq&actor_role=actor2", {"raid"}),
        ("q=barrack", {"raid"}),
        ("q=grain market", {"market"}),
        ("location_name=", {"raid", "prison", "market", "protest"}),
    ],
)
def test_filters(analyst, world, query, expected):
    assert _ids(_client(analyst).get(f"/api/v1/incidents/?{query}")) == {world[k].pk for k in expected}


def test_background_incidents_are_listed_unless_a_client_asks_otherwise(analyst, world):
    """The default is every incident, as before the filter existed: clients see no change."""
    Incident.objects.filter(pk=world["market"].pk).update(is_background=True)
    client = _client(analyst)
    every = {world[k].pk for k in ("raid", "prison", "market", "protest")}
    assert _ids(client.get("/api/v1/incidents/")) == every
    assert _ids(client.get("/api/v1/incidents/?background=include")) == every
    assert _ids(client.get("/api/v1/incidents/?background=exclude")) == every - {world["market"].pk}
    assert _ids(client.get("/api/v1/incidents/?background=only")) == {world["market"].pk}
    export = client.get("/api/v1/incidents/?background=only&format=csv")
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert len(rows) == 2  # the export takes the filter too: a header and the one row


def test_actor_filter_by_id_and_updated_since_feed(analyst, world):
    client = _client(analyst)
    isis = world["actors"]["isis"]
    assert _ids(client.get(f"/api/v1/incidents/?actor={isis.pk}")) == {world["raid"].pk, world["prison"].pk}
    mark = timezone.now()
    Incident.objects.filter(pk=world["protest"].pk).update(updated_at=mark + dt.timedelta(seconds=5))
    since = (mark + dt.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    assert _ids(client.get("/api/v1/incidents/", {"updated_since": since})) == {world["protest"].pk}


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=50,0,40,10", "bbox"),
        ("country=Iraq", "country"),
        ("date_from=yesterday", "date_from"),
        ("fatalities_min=many", "fatalities_min"),
        ("event_type=Wars", "event_type"),
        ("ordering=best", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=100000", "page_size"),
        ("cursor=%%%", "cursor"),
        ("updated_since=monday", "updated_since"),
        ("background=hide", "background"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(analyst, world, query, param):
    response = _client(analyst).get(f"/api/v1/incidents/?{query}")
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_keyset_pages_walk_everything_once_in_order(analyst, world):
    client = _client(analyst)
    url, seen = "/api/v1/incidents/?page_size=1", []
    while url:
        body = client.get(url).json()
        seen += [row["start_date"] for row in body["results"]]
        url = body["next"]
    assert seen == ["2022-01-21", "2022-01-20", "2021-10-05", "2020-05-09"]
    for ordering in ("updated", "-updated", "date", "-fatalities"):
        url, ids = f"/api/v1/incidents/?page_size=1&ordering={ordering}", []
        while url:
            body = client.get(url).json()
            ids += [row["id"] for row in body["results"]]
            url = body["next"]
        assert sorted(ids) == sorted(world[k].pk for k in ("raid", "prison", "market", "protest")), ordering
    ascending = client.get("/api/v1/incidents/?ordering=fatalities&page_size=2").json()
    assert [r["fatalities"]["best"] for r in ascending["results"]] == [None, 3]
    rest = client.get(ascending["next"]).json()
    assert [r["fatalities"]["best"] for r in rest["results"]] == [11, 120]


def test_ordering_by_confidence_least_sure_first_through_keyset_pages(analyst, world):
    for key, confidence in (("raid", 0.7), ("prison", 0.25), ("market", 0.7)):  # protest: none
        Incident.objects.filter(pk=world[key].pk).update(confidence=confidence)
    client = _client(analyst)
    for ordering, expected in [
        ("confidence", ["prison", "raid", "market", "protest"]),  # ties by id, none last
        ("-confidence", ["protest", "market", "raid", "prison"]),
    ]:
        url, ids = f"/api/v1/incidents/?page_size=1&ordering={ordering}", []
        while url:
            body = client.get(url).json()
            ids += [row["id"] for row in body["results"]]
            url = body["next"]
        assert ids == [world[k].pk for k in expected], ordering
    first = client.get("/api/v1/incidents/?ordering=confidence&page_size=1").json()
    assert first["results"][0]["confidence"] == 0.25


def test_queries_per_list_request_do_not_grow_with_page_size(analyst, world):
    client = _client(analyst)
    client.get("/api/v1/incidents/")  # the token's last-use time is written once, here
    counts = []
    for size in (1, 4):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/incidents/?page_size={size}").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/incidents/?format=csv")
        b"".join(response.streaming_content)
    assert len(ctx.captured_queries) <= counts[0] + 2  # the rows and their prefetches, one chunk


def test_csv_export_has_acled_columns_and_every_filtered_row(analyst, world):
    response = _client(analyst).get("/api/v1/incidents/?format=csv&country=SY")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert tuple(rows[0].keys()) == COLUMNS
    assert [r["event_date"] for r in rows] == ["2022-01-20", "2021-10-05"]
    prison = rows[0]
    assert (prison["country"], prison["admin1"], prison["fatalities"], prison["actor1"], prison["inter1"]) == (
        "Syria", "Al-Hasakeh", "120", "Islamic State", "2",
    )  # fmt: skip
    assert rows[1]["civilian_targeting"] == "Civilian targeting"


def test_one_incident_as_csv(analyst, world):
    response = _client(analyst).get(f"/api/v1/incidents/{world['raid'].pk}/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["event_id_cnty"], r["actor2"]) for r in rows] == [
        (f"IQ{world['raid'].pk}", "Military Forces of Iraq")
    ]


def test_accept_header_selects_geojson(analyst, world):
    response = _client(analyst).get("/api/v1/incidents/?country=IQ", HTTP_ACCEPT="application/geo+json")
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    assert body["type"] == "FeatureCollection"
    assert {f["id"] for f in body["features"]} == {world["raid"].pk, world["protest"].pk}
    raid = next(f for f in body["features"] if f["id"] == world["raid"].pk)
    assert raid["geometry"] == {"type": "Point", "coordinates": [44.9, 33.9]}


# ---- writes and the permission matrix -------------------------------------------------------

NEW_INCIDENT = {
    "start_date": "2023-03-08", "event_type": "Violence against civilians", "sub_event_type": "Attack",
    "country": "IQ", "admin1": "Kirkuk", "fatalities_best": 2, "summary": "Gunmen killed two farmers.",
}  # fmt: skip


@pytest.fixture
def people(db, analyst, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="a-long-test-password")
    admin = django_user_model.objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    member = django_user_model.objects.create_user("member", password="a-long-test-password")
    member.groups.add(Group.objects.create(name="analysts"))
    return {"reader": reader, "analyst": analyst, "member": member, "admin": admin}


def _as(people, who: str) -> APIClient:
    if who == "anonymous":
        return APIClient()
    if who == "read token":
        return _client(people["reader"], "read")
    if who == "read-write token":
        return _client(people["analyst"], "write")
    if who == "analyst read token":
        return _client(people["analyst"], "read")
    if who == "analyst session":
        return _client(people["member"], session=True)
    return _client(people["admin"], session=True)


WHO = [
    "anonymous",
    "read token",
    "analyst read token",
    "read-write token",
    "analyst session",
    "admin session",
]
CAN_WRITE = {"read-write token", "analyst session", "admin session"}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("resource", ["incidents", "actors", "locations", "sources", "articles"])
def test_everyone_with_credentials_reads(people, world, who, resource):
    response = _as(people, who).get(f"/api/v1/{resource}/")
    assert response.status_code == (401 if who == "anonymous" else 200), response.content


@pytest.mark.parametrize("who", WHO)
def test_writing_incidents(people, world, who):
    client = _as(people, who)
    created = client.post("/api/v1/incidents/", NEW_INCIDENT, format="json")
    changed = client.patch(f"/api/v1/incidents/{world['raid'].pk}/", {"fatalities_best": 12}, format="json")
    deleted = client.delete(f"/api/v1/incidents/{world['protest'].pk}/")
    bulk = client.post(
        "/api/v1/incidents/bulk-status/", {"ids": [world["raid"].pk], "status": "rejected"}, format="json"
    )
    codes = (created.status_code, changed.status_code, deleted.status_code, bulk.status_code)
    if who == "anonymous":
        assert codes == (401, 401, 401, 401)
    elif who in CAN_WRITE:
        assert codes == (201, 200, 204, 200), [created.content, changed.content]
        assert created.json()["country"] == "IQ" and created.json()["fatalities"]["best"] == 2
        world["raid"].refresh_from_db()
        assert (world["raid"].fatalities_best, world["raid"].status) == (12, "rejected")
    else:
        assert codes == (403, 403, 403, 403)
        assert "write scope" in created.json()["detail"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    ("resource", "payload", "change"),
    [
        ("actors", {"name": "Hamza Division", "actor_type": "rebel_group", "aliases": ["Firqat al-Hamza"]},
         {"aliases": ["Hamza"]}),
        ("locations", {"name": "Tal Tamer", "country": "SY", "admin1": "Al-Hasakeh", "latitude": 36.6,
                       "longitude": 40.4}, {"aliases": ["Tell Tamer"]}),
        ("sources", {"name": "Syrian Observatory for Human Rights", "scale": "international"}, {"scale": "national"}),
    ],
)  # fmt: skip
def test_writing_reference_data(people, world, who, resource, payload, change):
    client = _as(people, who)
    created = client.post(f"/api/v1/{resource}/", payload, format="json")
    if who == "anonymous":
        assert created.status_code == 401
        return
    if who not in CAN_WRITE:
        assert created.status_code == 403
        return
    assert created.status_code == 201, created.content
    url = f"/api/v1/{resource}/{created.json()['id']}/"
    assert client.patch(url, change, format="json").status_code == 200
    assert client.delete(url).status_code == 204


def test_write_validation_errors_are_400_with_the_field(people, world):
    client = _as(people, "read-write token")
    bad_pair = {**NEW_INCIDENT, "event_type": "Battles"}
    response = client.post("/api/v1/incidents/", bad_pair, format="json")
    assert response.status_code == 400 and "sub_event_type" in response.json()
    backwards = {**NEW_INCIDENT, "end_date": "2023-03-01"}
    response = client.post("/api/v1/incidents/", backwards, format="json")
    assert response.status_code == 400 and "end_date" in response.json()
    dup = client.post(
        "/api/v1/actors/", {"name": "Islamic State", "actor_type": "rebel_group"}, format="json"
    )
    assert dup.status_code == 400 and "name" in dup.json()
    assert Source.objects.count() == 0 and Location.objects.count() == 0


def test_fast_incident_representation_matches_the_declared_fields(analyst, world, rf):
    """The hand-built list rows must say exactly what DRF's field-by-field serializer would."""
    from rest_framework import serializers
    from rest_framework.request import Request

    from incidents.api.serializers import IncidentSerializer

    request = Request(rf.get("/api/v1/incidents/"))
    incident = Incident.objects.prefetch_related("incident_actors__actor", "incident_sources__source").get(
        pk=world["raid"].pk
    )
    fast = IncidentSerializer(context={"request": request})
    slow = IncidentSerializer(context={"request": request})
    assert fast.to_representation(incident) == serializers.ModelSerializer.to_representation(slow, incident)


def test_database_rendered_page_equals_the_serializers_page(analyst, world, monkeypatch):
    """The list page PostgreSQL renders must be the page the serializer would give, row for row."""
    from incidents.api import views

    hasakah = Location.objects.create(name="Ghweran", country_id="SY", admin1="Al-Hasakeh")
    prison = world["prison"]
    prison.location, prison.location_name = hasakah, ""
    prison.summary, prison.confidence, prison.end_date = (
        'Guards "held" — سجن غويران\n',
        0.85,
        dt.date(2022, 1, 30),
    )
    prison.save()
    Incident.objects.filter(pk=world["raid"].pk).update(
        updated_at=dt.datetime(2022, 1, 22, 8, 0, tzinfo=dt.UTC)
    )
    for name in ("Kurdistan 24", "SOHR"):
        IncidentSource.objects.create(incident=prison, source=Source.objects.create(name=name))
    client = _client(analyst)
    for query in ("", "?ordering=fatalities&page_size=2", "?country=SY&count=true", "?actor=Islamic State"):
        fast = client.get(f"/api/v1/incidents/{query}")
        with monkeypatch.context() as patch:
            patch.setattr(views, "renders_in_database", lambda queryset: False)
            slow = client.get(f"/api/v1/incidents/{query}")
        assert fast.status_code == slow.status_code == 200
        assert fast.json() == slow.json(), query
        assert fast.json()["results"], query


def test_database_written_csv_equals_the_python_csv(analyst, world, monkeypatch):
    """COPY's export must say what `acled_row` says, column for column, in the same order."""
    from incidents.api import export

    hasakah = Location.objects.create(name="Ghweran", country_id="SY", admin1="Al-Hasakeh", admin2="Hasakah")
    prison = world["prison"]
    prison.location, prison.location_name, prison.date_precision = hasakah, "", "month"
    prison.summary, prison.geo_precision = 'Guards "held", then; fled\nsouth — سجن غويران', "region"
    prison.save()
    kurds = Actor.objects.create(name="SDF", actor_type="rebel_group")
    IncidentActor.objects.create(incident=prison, actor=kurds, role="actor1")
    IncidentActor.objects.create(incident=prison, actor=world["actors"]["army"], role="associated")
    article = Article.objects.get(pk=world["market"].article_id)
    article.publisher = Source.objects.create(name="Kurdistan 24", scale="regional")
    article.save()
    for name in ("Kurdistan 24", "SOHR"):
        IncidentSource.objects.create(
            incident=world["market"], source=Source.objects.get_or_create(name=name)[0]
        )
    client = _client(analyst)
    for query in ("", "&country=SY", "&actor=Islamic State", "&q=barrack"):
        fast = b"".join(client.get(f"/api/v1/incidents/?format=csv{query}").streaming_content).decode()
        with monkeypatch.context() as patch:
            patch.setattr(export, "renders_in_database", lambda queryset: False)
            slow = b"".join(client.get(f"/api/v1/incidents/?format=csv{query}").streaming_content).decode()
        assert list(csv.DictReader(io.StringIO(fast))) == list(csv.DictReader(io.StringIO(slow))), query
        assert fast.splitlines()[0] == ",".join(COLUMNS)
    assert fast.count("\n") == 2  # header and the raid


def test_errors_asked_for_as_csv_or_geojson_answer_in_json(analyst, world):
    for fmt in ("csv", "geojson"):
        response = _client(analyst).get(f"/api/v1/incidents/?format={fmt}&date_from=someday")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert "date_from" in response.json()
    anonymous = APIClient().get("/api/v1/incidents/", HTTP_ACCEPT="text/csv")
    assert anonymous.status_code == 401 and anonymous["Content-Type"].startswith("application/json")


def test_readers_see_only_published_incidents_of_an_article(analyst, world, django_user_model):
    article = Article.objects.get(pk=world["market"].article_id)
    draft = Incident.objects.create(
        article=article, start_date=dt.date(2021, 10, 4), event_type="Battles", sub_event_type="Armed clash"
    )
    reader = django_user_model.objects.create_user("reader", password="x")
    seen = _client(reader).get(f"/api/v1/articles/{article.pk}/").json()["incidents"]
    assert seen == [world["market"].pk]
    assert _client(analyst).get(f"/api/v1/articles/{article.pk}/").json()["incidents"] == [
        world["market"].pk,
        draft.pk,
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the full-text GIN indexes exist on PostgreSQL only (CI runs it)",
)
def test_text_search_can_use_both_full_text_indexes(world):
    """`q` must be answerable from the GIN indexes (not a per-row tsvector over the whole table)."""
    from incidents.filters import IncidentFilter

    queryset = IncidentFilter({"q": "barrack"}, queryset=Incident.objects.all()).qs.values("id")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # tiny tables, or stale statistics from a bigger test: make the planner show what it can use
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
    assert "incident_summary_fts" in plan and "article_text_fts" in plan, plan
