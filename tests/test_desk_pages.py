"""The desk's pages through Django's test client: dashboard, multi-file upload with live status,
actor and location pages and their aliases."""

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Actor, Article, Country, Incident, IncidentActor, Location, Report
from incidents.services import article_ingest, article_parse
from incidents.services.reference import actor_add_alias, location_add_alias
from tests.fixtures.documents import DOCX_SAMPLE_TEXT, PDF_SAMPLE_TEXT, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

BATTLE = {"event_type": "Battles", "sub_event_type": "Armed clash"}
PROTEST = {"event_type": "Protests", "sub_event_type": "Peaceful protest"}


@pytest.fixture
def viewer_client(viewer):
    """A client of its own, so a test can compare what an analyst and a viewer see."""
    from django.test import Client

    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def countries(db):
    return tuple(
        Country.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("IQ", "Iraq"), ("SY", "Syria"))
    )


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- dashboard -----------------------------------------------------------------------------------


@pytest.fixture
def week(countries):
    """This week: two battles in Iraq (a draft, a published one), a published protest in Syria, a
    rejected battle; last week: a published battle; 60 weeks ago: a published battle."""
    iq, sy = countries
    today = timezone.localdate()
    monday = _monday(today)
    made = {
        "draft": Incident.objects.create(start_date=monday, country=iq, fatalities_best=4, **BATTLE),
        "published": Incident.objects.create(
            start_date=today, country=iq, fatalities_best=2, status="published", **BATTLE
        ),
        "protest": Incident.objects.create(start_date=today, country=sy, status="published", **PROTEST),
        "rejected": Incident.objects.create(
            start_date=today, country=iq, fatalities_best=50, status="rejected", **BATTLE
        ),
        "last_week": Incident.objects.create(
            start_date=monday - dt.timedelta(days=3),
            country=sy,
            fatalities_best=7,
            status="published",
            **BATTLE,
        ),
        "old": Incident.objects.create(
            start_date=monday - dt.timedelta(weeks=60),
            country=sy,
            fatalities_best=9,
            status="published",
            **BATTLE,
        ),
    }
    return made


def _chart(response) -> dict:
    match = re.search(
        r'<script id="trend-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "the chart's data is not on the page"
    return json.loads(match.group(1))


def test_the_dashboard_is_the_home_page_and_login_lands_there(client, analyst):
    response = client.post("/accounts/login/", {"username": "ana", "password": "a-long-test-password"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "<h1>Dashboard</h1>" in page
    for link in (
        'href="/"',
        'href="/articles/"',
        'href="/articles/new/"',
        'href="/actors/"',
        'href="/locations/"',
    ):
        assert link in page
    assert client.get("/articles/").status_code == 200


def test_dashboard_counts_this_weeks_incidents_by_type_and_country(analyst_client, week):
    response = analyst_client.get("/")
    figures = response.context["week"]
    assert figures["total"] == 3  # the rejected battle and last week's are not counted
    assert [(r["event_type"], r["n"]) for r in figures["by_type"]] == [("Battles", 2), ("Protests", 1)]
    assert [(r["country__name"], r["n"]) for r in figures["by_country"]] == [("Iraq", 2), ("Syria", 1)]
    page = response.content.decode()
    assert re.search(r"<td>Battles</td><td class=\"num\">2</td>", page)
    assert re.search(r"<td>Iraq</td><td class=\"num\">2</td>", page)


def test_dashboard_chart_series_per_week_and_per_month(analyst_client, week):
    today = timezone.localdate()
    monday = _monday(today)
    data = _chart(analyst_client.get("/"))
    assert data["period"] == "week"
    assert len(data["labels"]) == len(data["incidents"]) == len(data["fatalities"]) == 52
    assert data["labels"][-1] == monday.isoformat()
    assert data["labels"][0] == (monday - dt.timedelta(weeks=51)).isoformat()
    # this week: the draft (4 dead) and the published battle (2) and protest; last week: 7 dead
    assert (data["incidents"][-1], data["fatalities"][-1]) == (3, 6)
    assert (data["incidents"][-2], data["fatalities"][-2]) == (1, 7)
    assert sum(data["incidents"]) == 4  # the one from 60 weeks ago is outside the window

    monthly = _chart(analyst_client.get("/", {"by": "month"}))
    assert monthly["period"] == "month" and len(monthly["labels"]) == 12
    assert monthly["labels"][-1] == today.replace(day=1).isoformat()
    assert sum(monthly["incidents"]) == 4 and sum(monthly["fatalities"]) == 13


def test_the_week_and_the_chart_agree_on_the_current_week(analyst_client, countries):
    today = timezone.localdate()
    sunday = _monday(today) + dt.timedelta(days=6)  # today or later this week
    Incident.objects.create(start_date=sunday, country=countries[0], fatalities_best=3, **BATTLE)
    response = analyst_client.get("/")
    assert response.context["week"]["total"] == 1
    data = _chart(response)
    assert (data["incidents"][-1], data["fatalities"][-1]) == (1, 3)
    monthly = _chart(analyst_client.get("/", {"by": "month"}))
    # the monthly chart ends with the current month, which this Sunday may already be past
    assert sum(monthly["incidents"]) == (1 if sunday.month == today.month else 0)


def test_dashboard_renders_a_chart_canvas_with_chartjs(analyst_client, week):
    page = analyst_client.get("/").content.decode()
    assert '<canvas id="trend-chart"' in page
    assert re.search(r'<script src="/static/vendor/chartjs/chart\.umd\.min(\.[0-9a-f]+)?\.js">', page)
    assert re.search(r'<script src="/static/incidents/dashboard(\.[0-9a-f]+)?\.js">', page)


def test_viewers_see_published_figures_only(viewer_client, week):
    response = viewer_client.get("/")
    figures = response.context["week"]
    assert figures["total"] == 2
    assert [(r["event_type"], r["n"]) for r in figures["by_type"]] == [("Battles", 1), ("Protests", 1)]
    data = _chart(response)
    assert (data["incidents"][-1], data["fatalities"][-1]) == (2, 2)  # the draft's 4 dead are not shown
    page = response.content.decode()
    assert "Drafts to review" not in page and response.context["queues"] is None
    assert "Figures count published incidents" in page


def test_dashboard_shows_the_work_waiting(analyst_client, week):
    old = Article.objects.create(
        text="a", content_hash="a" * 64, published=dt.date(2024, 1, 1), title="Queued one"
    )
    Article.objects.create(
        text="b", content_hash="b" * 64, published=dt.date(2024, 1, 1), title="Busy one", status="processing"
    )
    failed = Article.objects.create(
        text="c",
        content_hash="c" * 64,
        published=dt.date(2024, 1, 1),
        title="Broken one",
        status="failed",
        error="ValueError: no sentence",
    )
    response = analyst_client.get("/")
    queues = response.context["queues"]
    assert queues["draft_count"] == 1 and queues["oldest_drafts"] == [week["draft"]]
    assert queues["pending_count"] == 2 and queues["failed_count"] == 1
    page = response.content.decode()
    assert f'href="/incidents/{week["draft"].pk}/"' in page
    assert f'href="/articles/{old.pk}/"' in page and "Busy one" in page
    assert f'href="/articles/{failed.pk}/"' in page and "ValueError: no sentence" in page


def test_the_oldest_drafts_come_first(analyst_client, countries):
    iq, _ = countries
    drafts = [
        Incident.objects.create(start_date=dt.date(2024, 1, d), country=iq, **BATTLE) for d in range(1, 9)
    ]
    Incident.objects.filter(pk=drafts[1].pk).update(status="reviewed")  # no longer waiting
    response = analyst_client.get("/")
    oldest = response.context["queues"]["oldest_drafts"]
    assert [i.pk for i in oldest] == [drafts[n].pk for n in (0, 2, 3, 4, 5)]  # first drafted first
    assert response.context["queues"]["draft_count"] == 7


def test_background_drafts_wait_outside_the_dashboards_queue(analyst_client, countries):
    iq, _ = countries
    recalled = Incident.objects.create(
        start_date=dt.date(2023, 5, 1), country=iq, is_background=True, **BATTLE
    )
    drafts = [
        Incident.objects.create(start_date=dt.date(2024, 1, d), country=iq, confidence=c, **BATTLE)
        for d, c in ((1, 0.9), (2, 0.3), (3, None))
    ]
    queues = analyst_client.get("/").context["queues"]
    assert queues["draft_count"] == 3 and recalled not in queues["oldest_drafts"]
    assert [i.pk for i in queues["oldest_drafts"]] == [i.pk for i in drafts]
    # the count is the count of the list the dashboard's link opens, whatever the filter says
    listed = analyst_client.get(queues["drafts_url"])
    assert listed.status_code == 200 and listed.context["count"] == queues["draft_count"]
    assert recalled.pk not in [row.pk for row in listed.context["rows"]]
    asked = analyst_client.get("/incidents/", {"status": "draft", "background": "include"})
    assert asked.context["count"] == 4  # an analyst who asks for them sees them


def test_the_dashboard_links_to_the_queue_least_sure_first(analyst_client, countries):
    iq, _ = countries
    made = {
        c: Incident.objects.create(start_date=dt.date(2024, 1, 1), country=iq, confidence=c, **BATTLE)
        for c in (0.9, 0.3, 0.6)
    }
    Incident.objects.create(
        start_date=dt.date(2024, 1, 1), country=iq, confidence=0.1, is_background=True, **BATTLE
    )
    page = analyst_client.get("/").content.decode()
    match = re.search(r'<a href="([^"]+)" id="least-sure-link">Review least sure first</a>', page)
    assert match, "no link to the queue sorted by confidence"
    listed = analyst_client.get(match.group(1).replace("&amp;", "&"))
    assert [row.pk for row in listed.context["rows"]] == [made[c].pk for c in (0.3, 0.6, 0.9)]


def test_dashboard_figures_at_100000_incidents_take_a_fixed_number_of_queries(analyst_client, countries):
    """Every figure is an aggregate over a bounded window: 100,000 incidents (all within the last
    year, the worst case for the chart) cost a fixed number of queries (bench/pages.py times it)."""
    if connection.vendor == "postgresql":
        series = "generate_series(1, 100000) AS g"
        pick = "(ARRAY[{}])[1 + {}]"
        day, created = "CURRENT_DATE - (g % 350)", "NOW() - make_interval(mins => g)"
    else:  # SQLite, the embedded default: the same rows
        series = "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 100000) SELECT g FROM s)"
        day, created = "date('now', '-' || (g % 350) || ' days')", "datetime('now', '-' || g || ' minutes')"

    def choice(options: str, index: str) -> str:
        if connection.vendor == "postgresql":
            return pick.format(options, index)
        whens = " ".join(f"WHEN {n} THEN {o.strip()}" for n, o in enumerate(options.split(",")))
        return f"CASE {index} {whens} END"

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO incidents_incident (start_date, date_precision, event_type, sub_event_type,
                country_id, admin1, location_name, geo_precision, fatalities_best, summary,
                is_background, status, created_at, updated_at)
            SELECT {day}, 'day',
                {choice("'Battles', 'Protests'", "g % 2")},
                {choice("'Armed clash', 'Peaceful protest'", "g % 2")},
                {choice("'IQ', 'SY'", "(g / 2) % 2")},
                '', '', 'exact', g % 5, '', false,
                {choice("'draft', 'reviewed', 'published', 'rejected'", "g % 4")},
                {created}, {created}
            FROM {series}
            """
        )
        cursor.execute("ANALYZE incidents_incident")
    assert Incident.objects.count() == 100_000
    analyst_client.get("/")  # warm up templates and connections
    with CaptureQueriesContext(connection) as queries:
        response = analyst_client.get("/")
    assert response.status_code == 200
    # 11 for the figures and queues, 2 for the outbox panel, 1 re-extraction, 2 feeds and fetching
    assert len(queries) <= 16
    figures = response.context["week"]
    assert figures["total"] > 0 and sum(response.context["chart"]["incidents"]) == 75_000


# --- upload ---------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(*named: tuple[str, bytes]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, data) for name, data in named]


TXT = b"Rioters burned a police station in Lagos on Monday, police said."


def test_upload_of_several_files_stores_the_good_ones_and_names_the_bad_one(
    analyst_client, media, django_capture_on_commit_callbacks
):
    files = _files(
        ("lagos.txt", TXT),
        ("kirkuk.pdf", pdf_bytes(PDF_SAMPLE_TEXT)),
        ("broken.pdf", b"This is not a PDF at all"),  # refused by its first bytes, in the request
        ("basra.docx", docx_bytes(DOCX_SAMPLE_TEXT)),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = analyst_client.post(
            "/articles/new/", {"files": files, "published": "2024-05-07", "publisher": "Wire Service"}
        )
    assert response.status_code == 302
    articles = list(Article.objects.order_by("pk"))
    assert [a.original_file.name.rsplit("/", 1)[-1] for a in articles] == [
        "lagos.txt",
        "kirkuk.pdf",
        "basra.docx",
    ]
    assert all(a.publisher.name == "Wire Service" and a.published == dt.date(2024, 5, 7) for a in articles)
    assert len(callbacks) == 3  # each good file queued once; nothing for the bad one
    assert response["Location"] == "/articles/uploaded/?ids=" + ",".join(str(a.pk) for a in articles)

    page = analyst_client.get(response["Location"]).content.decode()
    assert "Not stored: “broken.pdf” is not a PDF file (it has no PDF header)." in page
    for article in articles:
        assert f'id="article-row-{article.pk}"' in page
    assert page.count('hx-trigger="every 2s"') == 3


def test_a_duplicate_file_is_reported_and_listed(analyst_client, media):
    first = article_ingest(published=dt.date(2024, 5, 7), text=TXT.decode(), enqueue=False).article
    response = analyst_client.post(
        "/articles/new/",
        {
            "files": _files(("again.txt", TXT), ("kirkuk.pdf", pdf_bytes(PDF_SAMPLE_TEXT))),
            "published": "2024-05-07",
        },
        follow=True,
    )
    assert Article.objects.count() == 2
    page = response.content.decode()
    assert f"“again.txt” was uploaded before, as article {first.pk}." in page
    assert f'id="article-row-{first.pk}"' in page


def test_when_every_file_is_bad_the_form_says_why_for_each(analyst_client, media):
    response = analyst_client.post(
        "/articles/new/",
        {
            "files": _files(("a.pdf", b"%PDX-1.4 x"), ("b.odt", b"PK"), ("c.txt", b"")),
            "published": "2024-05-07",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“a.pdf” is not a PDF file" in page
    assert "“b.odt” is not a .txt, .html, .pdf or .docx file" in page
    assert "“c.txt”: The article is empty" in page
    assert not Article.objects.exists()


def test_title_and_url_are_for_a_single_article(analyst_client, media):
    response = analyst_client.post(
        "/articles/new/",
        {
            "files": _files(("a.txt", TXT), ("b.txt", b"Other text.")),
            "published": "2024-05-07",
            "title": "One",
        },
    )
    assert response.status_code == 400
    assert "leave them empty when uploading several files" in response.content.decode()
    assert not Article.objects.exists()


def test_the_upload_page_has_a_multiple_file_drop_zone(analyst_client):
    page = analyst_client.get("/articles/new/").content.decode()
    assert re.search(r'<input type="file" name="files"[^>]* multiple[ >]', page)
    assert 'id="dropzone"' in page and "incidents/upload." in page


def _article(status: str, **extra) -> Article:
    return Article.objects.create(
        text=f"text {status}",
        content_hash=status[0] * 64,
        published=dt.date(2024, 5, 7),
        status=status,
        **extra,
    )


def test_the_status_row_polls_until_the_article_is_parsed_or_failed(analyst_client, countries):
    queued = _article("queued", title="Waiting")
    row = analyst_client.get(f"/articles/{queued.pk}/row/", headers={"HX-Request": "true"}).content.decode()
    assert row.lstrip().startswith("<tr") and "<html" not in row
    assert f'hx-get="/articles/{queued.pk}/row/"' in row and 'hx-trigger="every 2s"' in row
    assert "Waiting for the worker" in row

    Article.objects.filter(pk=queued.pk).update(status="parsed")
    for _ in range(2):
        Incident.objects.create(article=queued, start_date=dt.date(2024, 5, 6), **BATTLE)
    row = analyst_client.get(f"/articles/{queued.pk}/row/").content.decode()
    assert "hx-trigger" not in row  # polling stops
    assert f'<a href="/articles/{queued.pk}/">2 incidents drafted</a>' in row

    failed = _article("failed", error="ValueError: unreadable")
    row = analyst_client.get(f"/articles/{failed.pk}/row/").content.decode()
    assert "hx-trigger" not in row and "ValueError: unreadable" in row


def test_the_article_page_follows_its_status_with_htmx(analyst_client):
    article = _article("processing")
    page = analyst_client.get(f"/articles/{article.pk}/")
    assert 'http-equiv="refresh"' not in page.content.decode()
    assert f'hx-get="/articles/{article.pk}/" hx-trigger="every 2s"' in page.content.decode()
    partial = analyst_client.get(f"/articles/{article.pk}/", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="article-live"')
    assert "<h2>Text</h2>" not in body and "HX-Request" in partial["Vary"]
    assert "HX-Refresh" not in partial
    Article.objects.filter(pk=article.pk).update(status="parsed")
    done = analyst_client.get(f"/articles/{article.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"  # the page reloads, now with its drafts
    assert "hx-trigger" not in done.content.decode()
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    assert "hx-trigger" not in page and "The article reports no incident." in page


# --- actors, locations, aliases -------------------------------------------------------------------


@pytest.fixture
def actor(countries):
    iq, _ = countries
    return Actor.objects.create(
        name="Asaib Test Brigade", actor_type="rebel_group", country=iq, aliases=["ATB"]
    )


@pytest.fixture
def location(countries):
    iq, _ = countries
    return Location.objects.create(
        name="Baqubah",
        country=iq,
        admin1="Diyala",
        admin2="Baqubah District",
        latitude=33.7466,
        longitude=44.6437,
    )


def test_actor_add_alias_trims_validates_and_keeps_history(actor):
    before = actor.updated_at
    actor_add_alias(actor, "  Tigris \n Lions ")
    actor.refresh_from_db()
    assert actor.aliases == ["ATB", "Tigris Lions"]
    assert actor.updated_at > before
    latest = actor.history.latest()
    assert (
        latest.aliases == ["ATB", "Tigris Lions"]
        and latest.history_change_reason == "Alias added: Tigris Lions"
    )
    for bad, message in [
        ("   ", "Enter an alias."),
        ("tigris lions", "already a name of Asaib Test Brigade"),
        ("atb", "already a name"),
        ("ASAIB TEST BRIGADE", "already a name"),
        ("x" * 201, "at most 200"),
    ]:
        with pytest.raises(ValidationError, match=message):
            actor_add_alias(actor, bad)
    actor.refresh_from_db()
    assert actor.aliases == ["ATB", "Tigris Lions"]


def test_location_add_alias(location):
    location_add_alias(location, "Ba'qubah")
    location.refresh_from_db()
    assert location.aliases == ["Ba'qubah"]
    with pytest.raises(ValidationError, match="already a name"):
        location_add_alias(location, "baqubah")


def test_the_extractor_uses_an_alias_added_on_the_next_parse(reference_data, actor):
    text = "The Tigris Lions attacked an army checkpoint near Baqubah on {day}, killing four Iraqi soldiers, police said."

    def parse(day: str) -> set[str]:
        article = article_ingest(
            published=dt.date(2024, 5, 8), text=text.format(day=day), enqueue=False
        ).article
        assert article_parse(article.pk) == "parsed"
        # its own draft's perpetrators (days apart at one checkpoint, the linker may file the
        # reports under one incident: the report keeps what each article said)
        return set(Report.objects.get(article=article).facts["actors1"])

    parse("Sunday")  # creates the generic actors ("Military Forces of Iraq", ...) the story names
    # the worker now holds the dictionary in its cache, and the extractor does not know the name
    assert actor.name not in parse("Monday")
    actor_add_alias(actor, "Tigris Lions")  # nothing but the alias changes: its save must show
    assert parse("Tuesday") == {actor.name}


def test_actor_list_searches_names_and_aliases_and_counts_visible_incidents(
    analyst_client, viewer_client, actor
):
    Actor.objects.create(name="Someone Else", actor_type="civilians")
    for status in ("draft", "published"):
        incident = Incident.objects.create(start_date=dt.date(2024, 1, 2), status=status, **BATTLE)
        IncidentActor.objects.create(incident=incident, actor=actor, role="actor1")
        IncidentActor.objects.create(
            incident=incident, actor=actor, role="associated"
        )  # one incident, two roles
    response = analyst_client.get("/actors/", {"q": "atb"})
    assert [a.name for a in response.context["page"]] == ["Asaib Test Brigade"]
    assert response.context["page"][0].incident_count == 2
    assert viewer_client.get("/actors/", {"q": "iraq"}).context["page"][0].incident_count == 1
    assert list(analyst_client.get("/actors/", {"q": "nobody"}).context["page"]) == []


def test_actor_page_lists_incidents_by_role_and_viewers_see_published_only(client, analyst, viewer, actor):
    draft = Incident.objects.create(start_date=dt.date(2024, 1, 3), location_name="Draftville", **BATTLE)
    published = Incident.objects.create(
        start_date=dt.date(2024, 1, 2), status="published", location_name="Pubtown", **BATTLE
    )
    IncidentActor.objects.create(incident=draft, actor=actor, role="actor1")
    IncidentActor.objects.create(incident=published, actor=actor, role="actor2")
    client.force_login(analyst)
    response = client.get(f"/actors/{actor.pk}/")
    page = response.content.decode()
    assert "Asaib Test Brigade" in page and "Rebel group" in page and "Iraq" in page and "ATB" in page
    assert "Draftville" in page and "Pubtown" in page and 'id="alias-form"' in page
    assert f'href="/incidents/{draft.pk}/"' in page
    assert [(value, n) for value, _, n in response.context["roles"]] == [
        ("actor1", 1),
        ("actor2", 1),
        ("associated", 0),
    ]
    targets = client.get(f"/actors/{actor.pk}/", {"role": "actor2"}).content.decode()
    assert "Pubtown" in targets and "Draftville" not in targets

    client.force_login(viewer)
    page = client.get(f"/actors/{actor.pk}/").content.decode()
    assert "Pubtown" in page and "Draftville" not in page and 'id="alias-form"' not in page


def test_actor_incidents_are_paginated(analyst_client, actor):
    for day in range(1, 31):
        incident = Incident.objects.create(start_date=dt.date(2024, 1, day), **BATTLE)
        IncidentActor.objects.create(incident=incident, actor=actor, role="actor1")
    first = analyst_client.get(f"/actors/{actor.pk}/")
    assert len(first.context["page"]) == 25 and first.context["page"].paginator.num_pages == 2
    assert first.context["page"][0].incident.start_date == dt.date(2024, 1, 30)
    second = analyst_client.get(f"/actors/{actor.pk}/", {"page": 2})
    assert [link.incident.start_date.day for link in second.context["page"]] == [5, 4, 3, 2, 1]


def test_analysts_add_an_actor_alias_through_the_page(analyst_client, actor):
    response = analyst_client.post(f"/actors/{actor.pk}/aliases/", {"alias": " Tigris  Lions "}, follow=True)
    assert response.redirect_chain == [(f"/actors/{actor.pk}/", 302)]
    assert "“Tigris Lions” added; the next parse uses it." in response.content.decode()
    actor.refresh_from_db()
    assert actor.aliases == ["ATB", "Tigris Lions"]


def test_a_bad_alias_is_refused_with_the_reason(analyst_client, actor):
    response = analyst_client.post(f"/actors/{actor.pk}/aliases/", {"alias": "atb"})
    assert response.status_code == 400
    assert "“atb” is already a name of Asaib Test Brigade." in response.content.decode()
    response = analyst_client.post(f"/actors/{actor.pk}/aliases/", {"alias": "   "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    actor.refresh_from_db()
    assert actor.aliases == ["ATB"]


def test_viewers_cannot_add_aliases(viewer_client, actor, location):
    assert viewer_client.post(f"/actors/{actor.pk}/aliases/", {"alias": "New"}).status_code == 403
    assert viewer_client.post(f"/locations/{location.pk}/aliases/", {"alias": "New"}).status_code == 403
    assert viewer_client.get(f"/actors/{actor.pk}/aliases/").status_code == 405
    actor.refresh_from_db()
    location.refresh_from_db()
    assert actor.aliases == ["ATB"] and location.aliases == []


def test_location_pages(analyst_client, viewer_client, location, countries):
    _, sy = countries
    Location.objects.create(name="Hasakah", country=sy, admin1="Hasakah")
    Incident.objects.create(
        start_date=dt.date(2024, 1, 2), location=location, location_name="Baquba", **BATTLE
    )
    Incident.objects.create(
        start_date=dt.date(2024, 1, 1),
        location=location,
        location_name="Baqubah",
        status="published",
        **BATTLE,
    )
    listing = analyst_client.get("/locations/", {"q": "diyala"})
    assert [loc.name for loc in listing.context["page"]] == ["Baqubah"]
    assert listing.context["page"][0].incident_count == 2
    assert viewer_client.get("/locations/", {"q": "baqubah"}).context["page"][0].incident_count == 1

    page = analyst_client.get(f"/locations/{location.pk}/").content.decode()
    assert "Diyala" in page and "Baqubah District" in page and "33.7466, 44.6437" in page
    assert "Baquba" in page and 'id="alias-form"' in page

    response = analyst_client.post(f"/locations/{location.pk}/aliases/", {"alias": "Baquba"}, follow=True)
    assert response.redirect_chain == [(f"/locations/{location.pk}/", 302)]
    assert '<span class="tag">Baquba</span>' in response.content.decode()
    response = analyst_client.post(f"/locations/{location.pk}/aliases/", {"alias": "BAQUBA"})
    assert response.status_code == 400 and "already a name of Baqubah" in response.content.decode()
