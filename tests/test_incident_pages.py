"""The incident list and map pages: the shared filters, sorting, pages, visibility, bulk actions,
the CSV export link, the map's points, and the cost of a page on a 100,000-incident table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Actor, Article, Country, Incident, IncidentActor
from incidents.services import incident_assign

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr data-incident="(\d+)"')


def row_ids(response) -> list[int]:
    return [int(pk) for pk in ROW.findall(response.content.decode())]


def href(response, element_id: str) -> str:
    match = re.search(rf'id="{element_id}" href="([^"]*)"', response.content.decode())
    assert match, f"no link #{element_id}"
    return match.group(1).replace("&amp;", "&")


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def world(db):
    """Six incidents with distinct places, figures, actors and statuses; named by place."""
    iq = Country.objects.create(code="IQ", name="Iraq")
    sy = Country.objects.create(code="SY", name="Syria")
    ng = Country.objects.create(code="NG", name="Nigeria")
    isis = Actor.objects.create(name="Islamic State", actor_type="rebel_group")
    army = Actor.objects.create(name="Military Forces of Iraq (2014-)", actor_type="state_forces", country=iq)
    civ = Actor.objects.create(name="Civilians (Nigeria)", actor_type="civilians", country=ng)
    rows = [
        # place, country, admin1, date, event type, sub-event type, fatalities, status, lat, lon, summary
        (
            "Baqubah",
            iq,
            "Diyala",
            "2022-01-21",
            "Battles",
            "Armed clash",
            11,
            "draft",
            33.75,
            44.64,
            "Militants attacked an army post near Baqubah.",
        ),
        (
            "Kirkuk",
            iq,
            "Kirkuk",
            "2022-01-05",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            3,
            "published",
            35.47,
            44.39,
            "A roadside bomb hit a patrol.",
        ),
        (
            "Hasakah",
            sy,
            "Al Hasakeh",
            "2022-01-20",
            "Battles",
            "Armed clash",
            120,
            "published",
            36.50,
            40.75,
            "Fighting at the Ghwayran prison.",
        ),
        (
            "Raqqa",
            sy,
            "Ar Raqqa",
            "2021-12-30",
            "Protests",
            "Peaceful protest",
            None,
            "rejected",
            35.95,
            39.01,
            "Residents protested fuel prices.",
        ),
        (
            "Maiduguri",
            ng,
            "Borno",
            "2022-02-02",
            "Violence against civilians",
            "Attack",
            7,
            "published",
            11.85,
            13.16,
            "Gunmen killed villagers on a farm.",
        ),
        (
            "Lagos",
            ng,
            "Lagos",
            "2022-02-10",
            "Riots",
            "Violent demonstration",
            0,
            "draft",
            None,
            None,
            "Rioters burned a police station.",
        ),
    ]
    made = {}
    for place, country, admin1, day, event, sub, deaths, status, lat, lon, summary in rows:
        made[place] = Incident.objects.create(
            location_name=place,
            country=country,
            admin1=admin1,
            start_date=dt.date.fromisoformat(day),
            event_type=event,
            sub_event_type=sub,
            fatalities_best=deaths,
            status=status,
            latitude=lat,
            longitude=lon,
            summary=summary,
        )
    for place, actor, role in [
        ("Baqubah", isis, "actor1"),
        ("Baqubah", army, "actor2"),
        ("Kirkuk", isis, "actor1"),
        ("Kirkuk", army, "actor2"),
        ("Hasakah", isis, "actor1"),
        ("Maiduguri", isis, "actor1"),
        ("Maiduguri", civ, "actor2"),
        ("Maiduguri", army, "associated"),
    ]:
        IncidentActor.objects.create(incident=made[place], actor=actor, role=role)
    # an older attack an article recalled in passing: a background incident
    Incident.objects.filter(pk=made["Kirkuk"].pk).update(is_background=True)
    # the extractor's confidence in each draft; Raqqa was entered by hand (none)
    for place, confidence in [
        ("Baqubah", 0.8),
        ("Kirkuk", 0.35),
        ("Hasakah", 0.9),
        ("Maiduguri", 0.35),
        ("Lagos", 0.2),
    ]:
        Incident.objects.filter(pk=made[place].pk).update(confidence=confidence)
    return made


def names(world, response) -> set[str]:
    by_pk = {incident.pk: place for place, incident in world.items()}
    return {by_pk[pk] for pk in row_ids(response)}


# --- logging in -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/incidents/", "/incidents/map/", "/incidents/map/points/"])
def test_the_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"Baqubah", "Kirkuk", "Hasakah", "Raqqa", "Maiduguri", "Lagos"}),
        ({"country": "SY"}, {"Hasakah", "Raqqa"}),
        ({"country": "sy,ng"}, {"Hasakah", "Raqqa", "Maiduguri", "Lagos"}),
        ({"date_from": "2022-01-06", "date_to": "2022-01-31"}, {"Baqubah", "Hasakah"}),
        ({"event_type": "Battles"}, {"Baqubah", "Hasakah"}),
        ({"event_type": ["Battles", "Riots"]}, {"Baqubah", "Hasakah", "Lagos"}),
        ({"sub_event_type": "Attack"}, {"Maiduguri"}),
        ({"fatalities_min": "5", "fatalities_max": "20"}, {"Baqubah", "Maiduguri"}),
        ({"admin1": "borno"}, {"Maiduguri"}),
        ({"location_name": "kirk"}, {"Kirkuk"}),
        ({"actor": "Islamic State"}, {"Baqubah", "Kirkuk", "Hasakah", "Maiduguri"}),
        ({"actor": "Military Forces of Iraq (2014-)", "actor_role": "associated"}, {"Maiduguri"}),
        ({"actor": "Military Forces of Iraq (2014-)", "actor_role": "actor2"}, {"Baqubah", "Kirkuk"}),
        ({"status": ["draft", "rejected"]}, {"Baqubah", "Raqqa", "Lagos"}),
        ({"bbox": "38,34,46,37"}, {"Kirkuk", "Hasakah", "Raqqa"}),
        ({"q": "prison"}, {"Hasakah"}),
        ({"country": "IQ", "event_type": "Battles", "q": "army"}, {"Baqubah"}),
        ({"background": "include"}, {"Baqubah", "Kirkuk", "Hasakah", "Raqqa", "Maiduguri", "Lagos"}),
        ({"background": "exclude"}, {"Baqubah", "Hasakah", "Raqqa", "Maiduguri", "Lagos"}),
        ({"background": "only"}, {"Kirkuk"}),
        ({"country": "IQ", "background": "exclude"}, {"Baqubah"}),
    ],
)
def test_the_list_applies_the_api_filters(analyst_client, world, params, expected):
    response = analyst_client.get("/incidents/", params)
    assert response.status_code == 200
    assert names(world, response) == expected


def test_search_reaches_the_article_text(analyst_client, world):
    article = Article.objects.create(
        text="Gunmen ambushed a convoy on the Kirkuk road.",
        published=dt.date(2022, 1, 6),
        content_hash="a" * 64,
    )
    Incident.objects.filter(pk=world["Kirkuk"].pk).update(article=article)
    assert names(world, analyst_client.get("/incidents/", {"q": "convoy"})) == {"Kirkuk"}


def test_the_filter_form_shows_the_values_it_applied(analyst_client, world):
    page = analyst_client.get("/incidents/", {"country": "SY", "event_type": "Battles"}).content.decode()
    assert 'name="country" value="SY"' in page
    assert '<option value="Battles" selected>Battles</option>' in page


def test_a_bad_filter_is_reported_and_lists_nothing(analyst_client, world):
    response = analyst_client.get("/incidents/", {"country": "Iraq", "bbox": "1,2"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Not ISO 3166-1 alpha-2 codes: IRAQ" in page and "bbox is four numbers" in page
    assert row_ids(response) == []


def test_the_background_filter_has_a_control_and_refuses_other_values(analyst_client, world):
    page = analyst_client.get("/incidents/", {"background": "exclude"}).content.decode()
    assert '<select name="background" id="id_background">' in page
    assert '<option value="exclude" selected>left out</option>' in page
    response = analyst_client.get("/incidents/", {"background": "hide"})
    assert response.status_code == 400 and "background" in response.context["filter_errors"]


def test_list_rows_badge_background_incidents(analyst_client, world):
    html = analyst_client.get("/incidents/").content.decode()
    rows = dict(re.findall(r'<tr data-incident="(\d+)">(.*?)</tr>', html, re.S))
    badged = {pk for pk, row in rows.items() if 'class="badge badge-background"' in row}
    assert badged == {str(world["Kirkuk"].pk)} and len(rows) == 6


def test_empty_fields_of_a_plain_form_submit_are_dropped_from_the_url(analyst_client, world):
    response = analyst_client.get("/incidents/?q=&country=SY&date_from=&event_type=")
    assert response.status_code == 302 and response["Location"] == "/incidents/?country=SY"


# --- sorting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("-date", ["Lagos", "Maiduguri", "Baqubah", "Hasakah", "Kirkuk", "Raqqa"]),
        ("date", ["Raqqa", "Kirkuk", "Hasakah", "Baqubah", "Maiduguri", "Lagos"]),
        ("-fatalities", ["Hasakah", "Baqubah", "Maiduguri", "Kirkuk", "Lagos", "Raqqa"]),
        ("fatalities", ["Raqqa", "Lagos", "Kirkuk", "Maiduguri", "Baqubah", "Hasakah"]),
        ("country", ["Baqubah", "Kirkuk", "Lagos", "Maiduguri", "Hasakah", "Raqqa"]),
        ("-country", ["Hasakah", "Raqqa", "Lagos", "Maiduguri", "Baqubah", "Kirkuk"]),
        ("event_type", ["Baqubah", "Hasakah", "Kirkuk", "Raqqa", "Lagos", "Maiduguri"]),
        ("-event_type", ["Maiduguri", "Lagos", "Raqqa", "Kirkuk", "Baqubah", "Hasakah"]),
        # least sure first, the older of equals first; none (entered by hand) counts as surest
        ("confidence", ["Lagos", "Kirkuk", "Maiduguri", "Baqubah", "Hasakah", "Raqqa"]),
        ("-confidence", ["Raqqa", "Hasakah", "Baqubah", "Maiduguri", "Kirkuk", "Lagos"]),
    ],
)
def test_the_list_sorts_by_its_columns(analyst_client, world, ordering, expected):
    response = analyst_client.get("/incidents/", {"ordering": ordering})
    by_pk = {incident.pk: place for place, incident in world.items()}
    assert [by_pk[pk] for pk in row_ids(response)] == expected


def test_sorting_by_last_change(analyst_client, world):
    Incident.objects.filter(pk=world["Raqqa"].pk).update(updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert row_ids(analyst_client.get("/incidents/", {"ordering": "-updated"}))[0] == world["Raqqa"].pk
    assert row_ids(analyst_client.get("/incidents/", {"ordering": "updated"}))[-1] == world["Raqqa"].pk


def test_the_confidence_column_sorts_least_sure_first_on_a_first_click(analyst_client, world):
    html = analyst_client.get("/incidents/", {"status": "draft"}).content.decode().replace("&amp;", "&")
    assert 'data-sort="confidence" href="?status=draft&ordering=confidence"' in html
    page = analyst_client.get("/incidents/", {"status": "draft", "ordering": "confidence"})
    html = page.content.decode()
    assert 'aria-sort="ascending"><a class="sort" data-sort="confidence"' in html
    cells = re.findall(r'<td class="number incident-confidence">([^<]*)</td>', html)
    assert cells == ["0.20", "0.80"]  # Lagos, then Baqubah


def test_sort_links_keep_the_filters_and_flip_the_direction(analyst_client, world):
    page = analyst_client.get("/incidents/", {"country": "SY", "ordering": "-fatalities", "page": "1"})
    html = page.content.decode().replace("&amp;", "&")
    assert 'href="?country=SY&ordering=fatalities"' in html  # the current column flips
    assert 'href="?country=SY&ordering=-date"' in html  # dates sort newest first on a first click
    assert 'href="?country=SY&ordering=country"' in html  # names A to Z
    assert 'aria-sort="descending"><a class="sort" data-sort="fatalities"' in html


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def many(db):
    iq = Country.objects.create(code="IQ", name="Iraq")
    Incident.objects.bulk_create(
        Incident(
            start_date=dt.date(2020, 1, 1) + dt.timedelta(days=n),
            event_type="Battles",
            sub_event_type="Armed clash",
            country=iq,
            location_name=f"Place {n}",
            status="published",
        )
        for n in range(120)
    )
    return iq


def link(response, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]*)"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def test_pages_of_fifty_with_the_count_and_links_keeping_filters_and_sort(analyst_client, many):
    first = analyst_client.get("/incidents/", {"country": "IQ", "ordering": "date"})
    assert len(row_ids(first)) == 50 and "120 incidents" in first.content.decode()
    assert "Page 1 of 3" in first.content.decode() and link(first, "prev") is None
    assert link(first, "next").startswith("?country=IQ&ordering=date&page=2&after=")
    second = analyst_client.get("/incidents/" + link(first, "next"))
    assert len(row_ids(second)) == 50 and "Page 2 of 3" in second.content.decode()
    third = analyst_client.get("/incidents/" + link(second, "next"))
    assert len(row_ids(third)) == 20 and "Page 3 of 3" in third.content.decode()
    assert link(third, "next") is None
    expected = list(Incident.objects.order_by("start_date", "id").values_list("id", flat=True))
    assert row_ids(first) + row_ids(second) + row_ids(third) == expected
    # and back
    assert link(third, "prev").startswith("?country=IQ&ordering=date&page=2&before=")
    back = analyst_client.get("/incidents/" + link(third, "prev"))
    assert row_ids(back) == row_ids(second) and "Page 2 of 3" in back.content.decode()
    assert link(back, "prev") == "?country=IQ&ordering=date"  # the first page has no cursor


def _cursor(values) -> str:
    from incidents.views.keyset import encode

    return encode(values)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "99"},
        {"page": "2", "after": "not-a-cursor"},
        {"before": "e30"},
        {"page": "3", "after": _cursor(["not a date", 5])},
        {"page": "3", "after": _cursor([dt.date(2020, 1, 1), "x"])},
        {"page": "3", "ordering": "fatalities", "after": _cursor(["many", dt.date(2020, 1, 1), 1])},
        {"page": "3", "ordering": "country", "after": _cursor(["Iraq", "yesterday", 1])},
    ],
)
def test_a_page_number_without_a_good_cursor_is_the_first_page(analyst_client, many, params):
    first = row_ids(analyst_client.get("/incidents/", {"ordering": params.get("ordering", "-date")}))
    response = analyst_client.get("/incidents/", params)
    assert response.status_code == 200 and row_ids(response) == first
    assert "Page 1 of 3" in response.content.decode()


@pytest.mark.parametrize(
    "ordering",
    [
        "-date",
        "date",
        "-fatalities",
        "fatalities",
        "country",
        "-country",
        "event_type",
        "-event_type",
        "-updated",
        "updated",
        "confidence",
        "-confidence",
    ],
)
def test_every_sort_pages_forwards_and_backwards_through_every_row(
    analyst_client, world, ordering, monkeypatch
):
    Incident.objects.create(  # no country, no figure: NULLs in the sort keys and the cursors
        start_date=dt.date(2022, 1, 21),
        event_type="Battles",
        sub_event_type="Armed clash",
        location_name="Nowhere",
    )
    whole = row_ids(analyst_client.get("/incidents/", {"ordering": ordering}))
    assert len(whole) == 7
    monkeypatch.setattr("incidents.views.incidents.PAGE_SIZE", 2)
    pages = [analyst_client.get("/incidents/", {"ordering": ordering})]
    while link(pages[-1], "next"):
        pages.append(analyst_client.get("/incidents/" + link(pages[-1], "next")))
    assert [len(row_ids(p)) for p in pages] == [2, 2, 2, 1]
    assert [pk for p in pages for pk in row_ids(p)] == whole
    backwards = [pages[-1]]
    while link(backwards[-1], "prev"):
        backwards.append(analyst_client.get("/incidents/" + link(backwards[-1], "prev")))
    assert [row_ids(p) for p in backwards] == [row_ids(p) for p in reversed(pages)]
    assert [f"Page {n} of 4" in p.content.decode() for n, p in enumerate(pages, 1)] == [True] * 4


def test_a_page_costs_the_same_queries_however_many_rows_and_actors(analyst_client, many):
    actor = Actor.objects.create(name="Islamic State", actor_type="rebel_group")
    with CaptureQueriesContext(connection) as one_row:
        analyst_client.get("/incidents/", {"location_name": "Place 7"})
    for incident in Incident.objects.all():
        IncidentActor.objects.create(incident=incident, actor=actor, role="actor1")
    with CaptureQueriesContext(connection) as full_page:
        response = analyst_client.get("/incidents/")
    assert len(row_ids(response)) == 50 and response.content.decode().count("Islamic State") == 50
    assert len(full_page) == len(one_row) <= 8


# --- visibility -------------------------------------------------------------------------------


def test_viewers_see_published_incidents_only_and_no_bulk_actions(viewer_client, world):
    response = viewer_client.get("/incidents/")
    assert names(world, response) == {"Kirkuk", "Hasakah", "Maiduguri"}
    page = response.content.decode()
    assert 'id="bulk-form"' not in page and 'name="ids"' not in page
    assert names(world, viewer_client.get("/incidents/", {"status": "draft"})) == set()


def test_analysts_in_the_group_see_everything(client, viewer, world):
    viewer.groups.add(Group.objects.create(name="analysts"))
    client.force_login(viewer)
    response = client.get("/incidents/")
    assert len(row_ids(response)) == 6 and 'id="bulk-form"' in response.content.decode()


def test_rows_link_to_the_incident_page(analyst_client, world):
    page = analyst_client.get("/incidents/", {"country": "SY"}).content.decode()
    assert f'<a href="/incidents/{world["Hasakah"].pk}/">2022-01-20</a>' in page


# --- htmx -------------------------------------------------------------------------------------


def test_htmx_requests_get_only_the_results_and_push_a_clean_url(analyst_client, world):
    response = analyst_client.get(
        "/incidents/", {"country": "SY", "q": "", "ordering": "-fatalities"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and page.lstrip().startswith('<section id="incident-results"')
    assert names(world, response) == {"Hasakah", "Raqqa"}
    assert response["HX-Push-Url"] == "/incidents/?country=SY&ordering=-fatalities"
    assert "HX-Request" in response["Vary"]
    # the filter form's hidden sort field follows the new sort, out of band
    assert 'id="filter-ordering" value="-fatalities" hx-swap-oob="true"' in page


def test_htmx_history_restore_gets_the_whole_page(analyst_client, world):
    response = analyst_client.get(
        "/incidents/", {"country": "SY"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_the_page_works_without_javascript(analyst_client, world):
    page = analyst_client.get("/incidents/", {"country": "SY"}).content.decode()
    assert '<form method="get" action="/incidents/"' in page
    assert 'hx-get="/incidents/"' in page  # and htmx when there is JS
    assert 'href="?country=SY&amp;ordering=date"' in page  # sorting is plain links (oldest first now)


# --- bulk actions -----------------------------------------------------------------------------


def bulk(client, ids, action, **extra):
    return client.post(
        "/incidents/bulk/", {"ids": ids, "action": action, "next": "/incidents/?country=IQ", **extra}
    )


def test_bulk_publish_through_the_page_keeps_history(analyst_client, analyst, world):
    chosen = [world["Baqubah"].pk, world["Kirkuk"].pk, world["Lagos"].pk]  # Kirkuk already published
    before = Incident.history.count()
    response = bulk(analyst_client, chosen, "publish")
    assert response.status_code == 302 and response["Location"] == "/incidents/?country=IQ"
    assert set(Incident.objects.filter(pk__in=chosen).values_list("status", flat=True)) == {"published"}
    assert Incident.history.count() == before + 2  # only the two that changed
    latest = Incident.history.filter(id=world["Baqubah"].pk).first()
    assert latest.status == "published" and latest.history_user == analyst and latest.history_type == "~"
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Published 2 incidents. 1 incident already published." in page


def test_bulk_reject(analyst_client, world):
    response = bulk(analyst_client, [world["Lagos"].pk], "reject")
    assert response.status_code == 302
    assert Incident.objects.get(pk=world["Lagos"].pk).status == "rejected"
    assert Incident.history.filter(id=world["Lagos"].pk).first().status == "rejected"


def test_bulk_assign_and_unassign(analyst_client, analyst, django_user_model, world):
    colleague = django_user_model.objects.create_user("bea", password="a-long-test-password")
    colleague.groups.add(Group.objects.create(name="analysts"))
    page = analyst_client.get("/incidents/").content.decode()
    assert f'<option value="{colleague.pk}">bea</option>' in page
    chosen = [world["Baqubah"].pk, world["Raqqa"].pk]
    response = bulk(analyst_client, chosen, "assign", assignee=str(colleague.pk))
    assert response.status_code == 302
    assert set(Incident.objects.filter(pk__in=chosen).values_list("assigned_to", flat=True)) == {colleague.pk}
    record = Incident.history.filter(id=world["Raqqa"].pk).first()
    assert record.assigned_to_id == colleague.pk and record.history_user == analyst
    assert "Assigned 2 incidents to bea." in analyst_client.get("/incidents/").content.decode()
    bulk(analyst_client, chosen[:1], "assign", assignee="nobody")
    assert Incident.objects.get(pk=chosen[0]).assigned_to is None
    assert Incident.objects.get(pk=chosen[1]).assigned_to == colleague


def test_assigning_needs_an_analyst(analyst_client, viewer, world):
    page = analyst_client.get("/incidents/").content.decode()
    assert f'<option value="{viewer.pk}">' not in page
    for assignee in ("", str(viewer.pk), "abc"):
        bulk(analyst_client, [world["Baqubah"].pk], "assign", assignee=assignee)
        assert Incident.objects.get(pk=world["Baqubah"].pk).assigned_to is None
    page = analyst_client.get("/incidents/").content.decode()
    assert "Choose the analyst to assign the incidents to." in page


def test_bulk_needs_a_selection_and_a_safe_return_url(analyst_client, world):
    response = analyst_client.post("/incidents/bulk/", {"action": "publish", "next": "https://evil.example/"})
    assert response["Location"] == "/incidents/"
    assert "Select at least one incident." in analyst_client.get("/incidents/").content.decode()


def test_viewers_may_not_bulk_change(viewer_client, world):
    response = bulk(viewer_client, [world["Baqubah"].pk], "publish")
    assert response.status_code == 403
    assert Incident.objects.get(pk=world["Baqubah"].pk).status == "draft"


def test_incident_assign_service(analyst, viewer, world):
    incidents = [world["Baqubah"], world["Kirkuk"]]
    assert incident_assign(incidents, analyst) == 2
    assert incident_assign(incidents, analyst) == 0  # no change, no new history
    assert Incident.history.filter(id=world["Kirkuk"].pk, assigned_to_id=analyst.pk).count() == 1
    with pytest.raises(ValueError, match="not an active analyst"):
        incident_assign(incidents, viewer)
    assert incident_assign(incidents, None) == 2


# --- the CSV export link ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["analyst", "viewer"])
def test_the_export_link_exports_the_filtered_list(client, analyst, viewer, world, who):
    client.force_login(analyst if who == "analyst" else viewer)
    listed = client.get("/incidents/", {"country": "IQ,SY", "fatalities_min": "1", "ordering": "fatalities"})
    url = href(listed, "export-csv")
    assert url.startswith("/api/v1/incidents/?format=csv&") and "ordering" not in url
    export = client.get(url)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    exported = {int(row["event_id_cnty"][2:]) for row in rows}
    assert exported == set(row_ids(listed))
    assert len(exported) == (3 if who == "analyst" else 2)


# --- the map ----------------------------------------------------------------------------------


def map_config(response) -> dict:
    match = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', response.content.decode()
    )
    return json.loads(match.group(1))


def test_the_map_page_and_the_list_link_to_each_other_keeping_the_filters(analyst_client, world, settings):
    settings.MAP_TILE_URL = ""
    listed = analyst_client.get("/incidents/", {"country": "SY", "ordering": "date", "page": "1"})
    assert href(listed, "map-link") == "/incidents/map/?country=SY"
    response = analyst_client.get(
        "/incidents/map/", {"country": "SY", "event_type": "Battles", "bbox": "30,30,50,40", "after": "x"}
    )
    assert response.status_code == 200
    config = map_config(response)
    assert (
        config["pointsUrl"] == "/incidents/map/points/?country=SY&event_type=Battles&bbox=30%2C30%2C50%2C40"
    )
    assert config["filters"] == "country=SY&event_type=Battles"  # "list in this view" adds the view's bbox
    assert config["tileUrl"] == "" and config["incidentUrl"] == "/incidents/{id}/"
    assert config["outlinesUrl"].startswith("/static/vendor/world-atlas/countries-110m")
    assert href(response, "list-link") == "/incidents/?country=SY&event_type=Battles&bbox=30%2C30%2C50%2C40"
    page = response.content.decode()
    for script in (
        "vendor/leaflet/leaflet",
        "vendor/markercluster/leaflet.markercluster",
        "vendor/topojson/",
    ):
        assert f"/static/{script}" in page
    assert 'name="country" value="SY"' in page


def test_map_points_are_compact_filtered_rows(analyst_client, world):
    body = analyst_client.get("/incidents/map/points/", {"country": "IQ,NG"}).json()
    assert body["capped"] is False and body["unplaced"] == 0
    by_id = {row[0]: row for row in body["points"]}
    assert set(by_id) == {world[p].pk for p in ("Baqubah", "Kirkuk", "Maiduguri", "Lagos")}
    assert by_id[world["Baqubah"].pk] == [
        world["Baqubah"].pk,
        33.75,
        44.64,
        11,
        "2022-01-21",
        "Armed clash",
        "Baqubah, Diyala, Iraq",
        False,
    ]  # at its place: eight items; a ninth, true, marks one drawn at its province's centre
    assert by_id[world["Kirkuk"].pk][7] is True  # a background incident: its popup shows the badge
    # Lagos has no coordinates of its own: it is drawn at Lagos State's centre, and flagged so
    lagos = by_id[world["Lagos"].pk]
    assert lagos[8] is True and 6.3 < lagos[1] < 6.8 and 3.0 < lagos[2] < 4.0
    assert [row[0] for row in body["points"]] == [
        world["Lagos"].pk,
        world["Maiduguri"].pk,
        world["Baqubah"].pk,
        world["Kirkuk"].pk,
    ]  # newest first
    battles = analyst_client.get("/incidents/map/points/", {"event_type": "Battles", "fatalities_min": 50})
    assert [row[0] for row in battles.json()["points"]] == [world["Hasakah"].pk]


def test_map_points_are_capped_newest_first(analyst_client, world, monkeypatch):
    monkeypatch.setattr("incidents.views.maps.MAX_POINTS", 2)
    body = analyst_client.get("/incidents/map/points/").json()
    assert body["capped"] is True and body["cap"] == 2
    assert [row[0] for row in body["points"]] == [world["Lagos"].pk, world["Maiduguri"].pk]
    monkeypatch.setattr("incidents.views.maps.MAX_POINTS", 6)  # every matching incident, placed or not
    assert analyst_client.get("/incidents/map/points/").json()["capped"] is False


def test_map_points_follow_the_visibility_rules_and_report_bad_filters(viewer_client, world):
    ids = {row[0] for row in viewer_client.get("/incidents/map/points/").json()["points"]}
    assert ids == {world["Kirkuk"].pk, world["Hasakah"].pk, world["Maiduguri"].pk}
    response = viewer_client.get("/incidents/map/points/", {"bbox": "200,0,1,1"})
    assert response.status_code == 400 and "bbox" in response.json()["errors"]


def test_map_points_read_no_model_instances(analyst_client, world):
    with CaptureQueriesContext(connection) as queries:
        analyst_client.get("/incidents/map/points/")
    incident_queries = [q["sql"] for q in queries if "incidents_incident" in q["sql"]]
    assert len(incident_queries) == 1
    assert '"incidents_incident"."summary"' not in incident_queries[0]


# --- 100,000 incidents ------------------------------------------------------------------------


def _load(n: int) -> None:
    """n synthetic incidents (and an actor link each) straight in SQL: seconds, not minutes.

    Summaries carry a word in every one ("synthetic"), in one in ten ("ambush") and in one in a
    hundred ("convoy"), so searches of each breadth are measured."""
    Country.objects.bulk_create(
        [
            Country(code=c, name=name)
            for c, name in [("IQ", "Iraq"), ("SY", "Syria"), ("NG", "Nigeria"), ("ML", "Mali")]
        ]
    )
    actor = Actor.objects.create(name="Islamic State", actor_type="rebel_group")
    if connection.vendor == "postgresql":
        series = "generate_series(1, %s) AS s(i)"
        day = "DATE '2015-01-01' + (i %% 3000)"
        changed = "now() - (i * interval '1 second')"
        country = "(ARRAY['IQ','SY','NG','ML'])[1 + i %% 4]"
    else:
        series = "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) SELECT i FROM s) AS s"
        day = "date('2015-01-01', '+' || (i %% 3000) || ' days')"
        changed = "datetime('now', '-' || i || ' seconds')"
        country = "CASE i %% 4 WHEN 0 THEN 'IQ' WHEN 1 THEN 'SY' WHEN 2 THEN 'NG' ELSE 'ML' END"
    event = "CASE WHEN i %% 3 = 0 THEN 'Battles' ELSE 'Violence against civilians' END"
    sub = "CASE WHEN i %% 3 = 0 THEN 'Armed clash' ELSE 'Attack' END"
    status = "CASE WHEN i %% 5 = 0 THEN 'draft' ELSE 'published' END"
    summary = (
        "'Synthetic incident ' || i || CASE WHEN i %% 10 = 0 THEN ' after an ambush' ELSE '' END"
        " || CASE WHEN i %% 100 = 0 THEN ' on a convoy' ELSE '' END"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO incidents_incident (start_date, date_precision, event_type, sub_event_type, country_id,
                admin1, location_name, latitude, longitude, geo_precision, fatalities_best, summary,
                is_background, status, created_at, updated_at, confidence)
            SELECT {day}, 'day', {event}, {sub}, {country}, 'Region ' || (i %% 40), 'Town ' || (i %% 5000),
                (i %% 1400) / 10.0 - 70, (i %% 3400) / 10.0 - 170, 'exact',
                CASE WHEN i %% 7 = 0 THEN NULL ELSE i %% 50 END, {summary}, i %% 11 = 0, {status}, {changed}, {changed},
                CASE WHEN i %% 9 = 0 THEN NULL ELSE (i %% 97) / 100.0 END
            FROM {series}""",
            [n],
        )
        cursor.execute(
            "INSERT INTO incidents_incidentactor (incident_id, actor_id, role) "
            "SELECT id, %s, 'actor1' FROM incidents_incident",
            [actor.pk],
        )
        cursor.execute("ANALYZE")


def _deep(ordering: str, position: int) -> dict:
    """The link parameters of the page that starts after row `position` in `ordering`."""
    from incidents.views import incidents as views
    from incidents.views.keyset import encode

    keys = views._sort_keys(ordering)
    order = [f"-{k.name}" if k.desc else k.name for k in keys]
    row = views._sortable(Incident.objects.all()).order_by(*order)[position]
    cursor = encode([getattr(row, k.name) for k in keys])
    return {"ordering": ordering, "page": str(position // 50 + 2), "after": cursor}


def test_every_sort_and_filter_pages_through_100000_incidents(analyst_client):
    """Right rows and counts at scale; the speed of these pages is measured by bench/pages.py."""
    _load(100_000)
    assert Incident.objects.count() == 100_000
    cases = [
        {},
        _deep("-date", 99_000),
        _deep("date", 50_000),
        {"country": "SY"},
        {"country": "SY", **_deep("-date", 60_000)},
        {"ordering": "-fatalities"},
        _deep("-fatalities", 75_000),
        _deep("fatalities", 30_000),
        _deep("country", 50_000),
        _deep("-country", 90_000),
        _deep("event_type", 50_000),
        _deep("-updated", 80_000),
        _deep("confidence", 60_000),
        _deep("-confidence", 95_000),
        {"status": "draft", "background": "exclude", **_deep("confidence", 500)},
        {"event_type": "Battles", "date_from": "2018-01-01", "fatalities_min": "10"},
        {"actor": "Islamic State", "status": "published", "bbox": "-20,-10,60,40"},
        {"q": "synthetic"},
        {"q": "ambush"},
        {"q": "convoy"},
        {"q": "convoy", **_deep("-date", 500)},
    ]
    pages = {}
    for params in cases:
        response = analyst_client.get("/incidents/", params)
        assert len(row_ids(response)) == 50, params
        pages[json.dumps(params)] = response
    assert "100000 incidents" in pages["{}"].content.decode()
    assert "more than 1000 incidents" in pages['{"q": "ambush"}'].content.decode()
    assert "1000 incidents" in pages['{"q": "convoy"}'].content.decode()
    # rows continue where the link says: the deep date page starts 99,001 rows down
    expected = list(
        Incident.objects.order_by("-start_date", "-id").values_list("id", flat=True)[99_001:99_051]
    )
    assert row_ids(pages[json.dumps(cases[1])]) == expected
    # the deep least-sure-first page continues after its cursor's row, ties by id
    deep = cases[12]
    keyed = views_sortable().order_by("_confidence", "id").values_list("id", flat=True)
    assert row_ids(pages[json.dumps(deep)]) == list(keyed[60_001:60_051])
    if connection.vendor == "postgresql":
        # the cursor is a row comparison the confidence index answers: no sort of the table
        from incidents.views import incidents as views
        from incidents.views.keyset import _beyond, decode

        keys = views._sort_keys("confidence")
        after = _beyond(views_sortable(), keys, decode(deep["after"], 2), backwards=False)
        plan = after.order_by("_confidence", "id")[:51].explain()
        assert "incident_confidence_keyset" in plan and "Sort" not in plan, plan


def views_sortable():
    """The list's queryset, annotated with its sort keys."""
    from incidents.views.incidents import _sortable

    return _sortable(Incident.objects.all())
