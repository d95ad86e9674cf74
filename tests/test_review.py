"""The review desk: services that edit, publish, reject and merge incidents with history, the
review and history pages, and the lookups behind the form's autocompletes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F

from incidents.models import (
    Actor,
    Article,
    Country,
    Evidence,
    Incident,
    IncidentActor,
    IncidentSource,
    Location,
    Report,
    Source,
)
from incidents.review.highlight import highlight
from incidents.review.queue import review_queue
from incidents.services import (
    ReviewRefused,
    incident_review,
    incident_update,
    incidents_merge,
)

pytestmark = pytest.mark.django_db

BATTLE = {"event_type": "Battles", "sub_event_type": "Armed clash"}


@pytest.fixture
def iraq(db):
    return Country.objects.create(code="IQ", name="Iraq")


@pytest.fixture
def actors(db):
    return {
        "is": Actor.objects.create(name="Islamic State", actor_type="rebel_group", aliases=["ISIS", "Daesh"]),
        "army": Actor.objects.create(name="Military Forces of Iraq", actor_type="state_forces"),
        "pmf": Actor.objects.create(
            name="Popular Mobilization Forces", actor_type="political_militia", aliases=["Hashd al-Shaabi"]
        ),
    }


TEXT = "Islamic State fighters killed 11 soldiers in Diyala on Friday, police said."


@pytest.fixture
def draft(iraq, actors):
    """A draft with two actors, one source and evidence spans, the way the worker writes one."""
    publisher = Source.objects.create(name="Mehr News Agency")
    article = Article.objects.create(
        text=TEXT, published=dt.date(2022, 1, 23), content_hash="a" * 64, publisher=publisher, title="Diyala"
    )
    incident = Incident.objects.create(
        article=article,
        start_date=dt.date(2022, 1, 21),
        country=iraq,
        admin1="Diyala",
        location_name="Diyala",
        fatalities_best=11,
        **BATTLE,
    )
    report = Report.objects.create(incident=incident, article=article, sequence=0)
    IncidentActor.objects.create(incident=incident, actor=actors["is"], role="actor1")
    IncidentActor.objects.create(incident=incident, actor=actors["army"], role="actor2")
    IncidentSource.objects.create(incident=incident, source=publisher, article=article)
    for field, word in [
        ("actor1", "Islamic State"),
        ("fatalities", "killed 11 soldiers"),
        ("location", "Diyala"),
    ]:
        start = TEXT.index(word)
        Evidence.objects.create(
            incident=incident,
            report=report,
            article=article,
            field=field,
            start=start,
            end=start + len(word),
            text=word,
        )
    Evidence.objects.create(  # overlaps the fatalities span
        incident=incident,
        report=report,
        article=article,
        field="actor2",
        start=TEXT.index("11 soldiers"),
        end=TEXT.index(" in Diyala"),
        text="11 soldiers",
    )
    return incident


def _links(incident):
    return {(link.actor.name, link.role) for link in incident.incident_actors.select_related("actor")}


# --- services -------------------------------------------------------------------------------


def test_update_records_the_change_and_who_made_it(draft, analyst):
    incident_update(draft, fatalities_best=12, summary="Eleven soldiers and an officer.", user=analyst)
    draft.refresh_from_db()
    assert draft.fatalities_best == 12
    latest, previous = draft.history.order_by("-history_date")[:2]
    assert latest.history_user == analyst
    delta = latest.diff_against(previous)
    assert {c.field: (c.old, c.new) for c in delta.changes}["fatalities_best"] == (11, 12)


def test_update_that_changes_nothing_writes_no_history(draft, analyst):
    incident_update(draft, user=analyst)  # an analyst's first save of a draft makes it reviewed
    before, version = draft.history.count(), draft.version
    incident_update(draft, fatalities_best=11, admin1="Diyala", user=analyst)
    assert draft.history.count() == before
    assert Incident.objects.get(pk=draft.pk).version == version


def test_update_validates_through_the_model(draft, analyst):
    with pytest.raises(ValidationError) as err:
        incident_update(draft, event_type="Protests", sub_event_type="Armed clash", user=analyst)
    assert "sub_event_type" in err.value.message_dict
    draft.refresh_from_db()
    assert draft.event_type == "Battles"
    with pytest.raises(ValidationError) as err:
        incident_update(draft, fatalities_low=20, fatalities_high=3)
    assert "fatalities_low" in err.value.message_dict
    with pytest.raises(ValueError, match="no editable field"):
        incident_update(draft, fatalitys_best=3)


def test_update_replaces_actor_and_source_links_with_history(draft, actors, analyst):
    incident_update(
        draft,
        actors=[{"actor": actors["is"], "role": "actor1"}, {"actor": actors["pmf"], "role": "actor2"}],
        sources=["mehr news agency", "Syrian Observatory for Human Rights"],
        user=analyst,
    )
    assert _links(draft) == {("Islamic State", "actor1"), ("Popular Mobilization Forces", "actor2")}
    names = {link.source.name for link in draft.incident_sources.select_related("source")}
    assert names == {"Mehr News Agency", "Syrian Observatory for Human Rights"}  # matched, then created
    assert Source.objects.filter(name__iexact="mehr news agency").count() == 1
    actor_history = IncidentActor.history.filter(incident_id=draft.pk, history_user=analyst)
    assert {(h.actor.name, h.history_type) for h in actor_history} == {
        ("Military Forces of Iraq", "-"),
        ("Popular Mobilization Forces", "+"),
    }
    source_history = IncidentSource.history.filter(incident_id=draft.pk, history_user=analyst)
    assert [(h.source.name, h.history_type) for h in source_history] == [
        ("Syrian Observatory for Human Rights", "+")
    ]
    # sources=None and actors=None leave the links alone; an empty list removes them all
    incident_update(draft, summary="x", user=analyst)
    assert len(_links(draft)) == 2
    incident_update(draft, actors=[], sources=[], user=analyst)
    assert not draft.incident_actors.exists() and not draft.incident_sources.exists()


def test_unknown_actor_name_is_refused(draft):
    with pytest.raises(ValidationError, match="No actor is called"):
        incident_update(draft, actors=[("Nobody In Particular", "actor1")])
    assert len(_links(draft)) == 2


def test_review_publishes_or_rejects_with_the_user(draft, analyst):
    incident_review(draft, "approve", user=analyst)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.history.latest().history_user == analyst
    incident_review(draft, "reject", user=analyst)
    draft.refresh_from_db()
    assert draft.status == "rejected"
    with pytest.raises(ValueError, match="Unknown review action"):
        incident_review(draft, "maybe")


def _copy(incident, **changes):
    fields = {f: getattr(incident, f) for f in ("start_date", "country_id", "event_type", "sub_event_type")}
    return Incident.objects.create(**{**fields, **changes})


def test_merge_from_the_review_services(draft, analyst):
    """What "mark duplicate" was: the incident is merged into the original, and approving the
    merged-away pointer is refused (it has no reports left to review)."""
    original = _copy(draft, status="published")
    incidents_merge(draft, original, user=analyst)
    draft.refresh_from_db()
    assert (draft.status, draft.merged_into) == ("merged", original)
    assert draft.history.latest().history_user == analyst
    assert list(original.reports.values_list("article", flat=True)) == [draft.article_id]
    with pytest.raises(ReviewRefused, match=f"merged into incident {original.pk}"):
        incident_review(draft, "approve", user=analyst)


def test_merge_refuses_itself_a_merged_target_and_unknown_ids(draft):
    with pytest.raises(ValueError, match="itself"):
        incidents_merge(draft, draft)
    b = _copy(draft)
    c = _copy(draft)
    incidents_merge(b, draft)  # b -> draft
    with pytest.raises(ReviewRefused, match=f"merged into incident {draft.pk}"):
        incidents_merge(c, b)
    with pytest.raises(ReviewRefused, match="already merged"):
        incidents_merge(b, c)
    with pytest.raises(ValueError, match="no incident with that id"):
        incidents_merge(draft, 10**9)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.merged_into is None


# --- highlighting ---------------------------------------------------------------------------


def test_highlight_splits_overlapping_spans():
    segments = highlight("abcdefgh", [("date", 1, 5), ("location", 3, 7), ("bad", 6, 3), ("far", 50, 60)])
    assert [(s.text, s.fields) for s in segments] == [
        ("a", ()),
        ("bc", ("date",)),
        ("de", ("date", "location")),
        ("fg", ("location",)),
        ("h", ()),
    ]
    assert segments[2].classes == "ev-date ev-location"
    assert "".join(s.text for s in segments) == "abcdefgh"


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/incidents/{pk}/", "/incidents/{pk}/history/", "/lookup/places/?q=Di"])
def test_pages_need_a_login(client, draft, path):
    response = client.get(path.format(pk=draft.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_readers_see_published_incidents_read_only(client, viewer, draft):
    client.force_login(viewer)
    assert client.get(f"/incidents/{draft.pk}/").status_code == 404
    assert client.get(f"/incidents/{draft.pk}/history/").status_code == 404
    Incident.objects.filter(pk=draft.pk).update(status="published")
    page = client.get(f"/incidents/{draft.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="incident-readonly"' in html and 'id="review-form"' not in html
    assert '<mark class="ev' in html
    response = client.post(f"/incidents/{draft.pk}/", {"action": "reject"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "published"


def test_analyst_sees_the_form_text_evidence_sources_and_links(analyst_client, draft):
    html = analyst_client.get(f"/incidents/{draft.pk}/").content.decode()
    assert 'id="review-form"' in html
    assert '<mark class="ev ev-actor1 u0-actor1" data-field="actor1">Islamic State</mark>' in html
    # the overlap of "killed 11 soldiers" (fatalities) and "11 soldiers" (actor2) is one nested-free
    # run, each field underlined in a lane of its own (fatalities first, actor2 above it)
    assert '<mark class="ev ev-fatalities u0-fatalities" data-field="fatalities">killed </mark>' in html
    assert (
        '<mark class="ev ev-actor2 ev-fatalities u1-actor2 u0-fatalities" data-field="actor2 fatalities">'
        "11 soldiers</mark>" in html
    )
    assert "Mehr News Agency" in html
    assert f'href="/articles/{draft.article_id}/"' in html
    assert f'href="/incidents/{draft.pk}/history/"' in html
    assert 'value="11"' in html and 'name="actors-0-actor"' in html
    assert "<kbd>a</kbd>" in html


def test_article_text_is_escaped_on_the_review_page(analyst_client, draft):
    article = draft.article
    article.text = "<script>document.title='owned'</script> " + TEXT
    article.save()
    draft.evidence.all().delete()
    Evidence.objects.create(incident=draft, article=article, field="date", start=0, end=20, text="")
    html = analyst_client.get(f"/incidents/{draft.pk}/").content.decode()
    assert "<script>document.title" not in html
    # the span ends inside "title": drawn to the word's end
    assert '<mark class="ev ev-date u0-date" data-field="date">&lt;script&gt;document.title</mark>' in html
    assert "=&#x27;owned&#x27;&lt;/script&gt;" in html


def _form_data(incident, **overrides):
    data = {
        "start_date": incident.start_date.isoformat(),
        "end_date": "",
        "date_precision": incident.date_precision,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "location_name": incident.location_name,
        "location": "",
        "country": incident.country_id or "",
        "admin1": incident.admin1,
        "latitude": "",
        "longitude": "",
        "geo_precision": incident.geo_precision,
        "fatalities_low": "",
        "fatalities_best": incident.fatalities_best if incident.fatalities_best is not None else "",
        "fatalities_high": "",
        "injured_low": "",
        "injured_best": "",
        "injured_high": "",
        "summary": incident.summary,
        "assigned_to": "",
        "sources": "\n".join(link.source.name for link in incident.incident_sources.all()),
        "actors-TOTAL_FORMS": "0",
        "actors-INITIAL_FORMS": "0",
        "actors-MIN_NUM_FORMS": "0",
        "actors-MAX_NUM_FORMS": "1000",
    }
    links = list(incident.incident_actors.select_related("actor"))
    for i, link in enumerate(links):
        data[f"actors-{i}-actor"] = link.actor.name
        data[f"actors-{i}-role"] = link.role
    data["actors-TOTAL_FORMS"] = str(len(links))
    data.update(overrides)
    return data


def test_a_bad_value_rerenders_the_form_with_the_error_and_the_input(analyst_client, draft):
    data = _form_data(draft, event_type="Protests", summary="my careful summary", fatalities_best="13")
    response = analyst_client.post(f"/incidents/{draft.pk}/", {**data, "action": "save"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a sub-event type of" in html
    assert 'id="id_sub_event_type_errors"' in html  # next to the field
    assert "my careful summary" in html and 'value="13"' in html
    draft.refresh_from_db()
    assert draft.fatalities_best == 11 and draft.status == "draft"

    data = _form_data(draft, fatalities_low="20", fatalities_high="3")
    response = analyst_client.post(f"/incidents/{draft.pk}/", {**data, "action": "approve"})
    assert response.status_code == 400
    assert "The low fatalities figure is above the high one." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_unknown_actor_is_shown_next_to_its_row(analyst_client, draft):
    data = _form_data(draft, **{"actors-1-actor": "Nobody In Particular"})
    response = analyst_client.post(f"/incidents/{draft.pk}/", {**data, "action": "save"})
    assert response.status_code == 400
    assert "No actor is called “Nobody In Particular”" in response.content.decode()


def test_save_writes_through_the_services_with_the_user(analyst_client, analyst, draft, actors):
    data = _form_data(
        draft,
        fatalities_best="12",
        sources="Mehr News Agency\nIraqi Security Media Cell",
        assigned_to=str(analyst.pk),
        **{"actors-1-actor": "hashd al-shaabi"},  # an alias names its actor
    )
    response = analyst_client.post(f"/incidents/{draft.pk}/", {**data, "action": "save"})
    assert response.status_code == 302 and response["Location"] == f"/incidents/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.fatalities_best == 12 and draft.assigned_to == analyst
    assert draft.status == "reviewed"  # an analyst's work: a re-parse no longer replaces it
    assert _links(draft) == {("Islamic State", "actor1"), ("Popular Mobilization Forces", "actor2")}
    assert Source.objects.filter(name="Iraqi Security Media Cell").exists()
    assert draft.history.latest().history_user == analyst  # the request's user, by the middleware

    history = analyst_client.get(f"/incidents/{draft.pk}/history/").content.decode()
    assert "<del>11</del> → <ins>12</ins>" in history
    assert "ana" in history and "extractor/system" in history
    assert "Actor removed: Military Forces of Iraq" in history
    assert "Actor added: Popular Mobilization Forces" in history
    assert "Source added: Iraqi Security Media Cell" in history


def test_a_change_of_links_alone_is_an_entry_of_its_own(analyst_client, analyst, draft, actors):
    incident_update(draft, fatalities_best=13, user=analyst)
    Incident.history.filter(id=draft.pk).update(history_date=F("history_date") - dt.timedelta(minutes=5))
    incident_update(draft, actors=[(actors["is"], "actor1")], sources=["Reuters"], user=analyst)
    html = analyst_client.get(f"/incidents/{draft.pk}/history/").content.decode()
    newest = html.split('class="history-entry"')[1]
    assert "ana</span> changed links" in newest
    assert "Actor removed: Military Forces of Iraq" in newest and "Source added: Reuters" in newest
    assert "Source removed: Mehr News Agency" in newest and "Fatalities" not in newest


def test_deleting_an_actor_row(analyst_client, draft):
    data = _form_data(draft, **{"actors-1-DELETE": "on"})
    analyst_client.post(f"/incidents/{draft.pk}/", {**data, "action": "save"})
    assert _links(draft) == {("Islamic State", "actor1")}


def test_approve_saves_publishes_and_goes_to_the_oldest_waiting_draft(analyst_client, draft):
    waiting = [_copy(draft), _copy(draft)]
    _copy(draft, status="published")
    data = _form_data(draft, fatalities_best="14")
    response = analyst_client.post(f"/incidents/{draft.pk}/", {**data, "action": "approve"})
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{waiting[0].pk}/"
    draft.refresh_from_db()
    assert (draft.status, draft.fatalities_best) == ("published", 14)

    response = analyst_client.post(f"/incidents/{waiting[0].pk}/", {"action": "reject"})
    assert response["Location"] == f"/incidents/{waiting[1].pk}/?rejected={waiting[0].pk}"  # with Undo
    waiting[0].refresh_from_db()
    assert waiting[0].status == "rejected"
    response = analyst_client.post(f"/incidents/{waiting[1].pk}/", {"action": "reject"})
    # nothing waiting: the rejected incident itself, with its Undo offer
    assert response["Location"] == f"/incidents/{waiting[1].pk}/?rejected={waiting[1].pk}"


def test_next_and_previous_drafts_are_linked(analyst_client, draft):
    middle, last = _copy(draft), _copy(draft)
    html = analyst_client.get(f"/incidents/{middle.pk}/").content.decode()
    assert f'href="/incidents/{last.pk}/" id="next-draft"' in html
    assert f'href="/incidents/{draft.pk}/" id="previous-draft"' in html


def test_the_queue_skips_background_drafts(analyst_client, draft):
    """j/k and "approve moves on" walk the queue without the older events an article only recalls."""
    recalled = _copy(draft, is_background=True)
    last = _copy(draft)
    html = analyst_client.get(f"/incidents/{draft.pk}/").content.decode()
    assert f'href="/incidents/{last.pk}/" id="next-draft"' in html
    html = analyst_client.get(f"/incidents/{last.pk}/").content.decode()
    assert f'href="/incidents/{draft.pk}/" id="previous-draft"' in html
    response = analyst_client.post(f"/incidents/{draft.pk}/", {"action": "reject"})
    assert response["Location"] == f"/incidents/{last.pk}/?rejected={draft.pk}"
    # an analyst who opens the background draft anyway reviews it as any other, and moves on
    html = analyst_client.get(f"/incidents/{recalled.pk}/").content.decode()
    assert f'href="/incidents/{last.pk}/" id="next-draft"' in html
    assert 'id="previous-draft"' not in html  # the draft before it was rejected


def test_the_review_history_and_article_pages_badge_background_incidents(analyst_client, draft):
    recalled = _copy(draft, is_background=True, article=draft.article)
    for url in (
        f"/incidents/{recalled.pk}/",
        f"/incidents/{recalled.pk}/history/",
        f"/articles/{draft.article_id}/",  # both drafts, one badge
    ):
        html = analyst_client.get(url).content.decode()
        assert html.count('class="badge badge-background"') == 1, url
    for url in (f"/incidents/{draft.pk}/", f"/incidents/{draft.pk}/history/"):
        assert "badge-background" not in analyst_client.get(url).content.decode(), url


def test_merge_from_the_page(analyst_client, draft):
    other = _copy(draft, status="published")
    response = analyst_client.post(
        f"/incidents/{draft.pk}/", {"action": "duplicate", "duplicate_of": str(draft.pk)}
    )
    assert response.status_code == 400
    assert "cannot be merged into itself" in response.content.decode()
    html = analyst_client.get(f"/incidents/{draft.pk}/").content.decode()
    assert f'data-duplicate-id="{other.pk}"' in html  # offered: same country, same week
    response = analyst_client.post(
        f"/incidents/{draft.pk}/", {"action": "duplicate", "duplicate_of": f"#{other.pk}"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.merged_into_id) == ("merged", other.pk)


def test_links_to_the_review_page(analyst_client, draft):
    assert (
        f'href="/incidents/{draft.pk}/"'
        in analyst_client.get(f"/articles/{draft.article_id}/").content.decode()
    )
    assert f'href="/incidents/{draft.pk}/"' in analyst_client.get("/incidents/").content.decode()


# --- lookups --------------------------------------------------------------------------------


def test_place_lookup_offers_curated_places_then_gazetteer_towns(analyst_client, iraq):
    Location.objects.create(
        name="Baqubah", aliases=["Baquba"], country=iraq, admin1="Diyala", latitude=33.75, longitude=44.64
    )
    results = analyst_client.get("/lookup/places/", {"q": "baq"}).json()["results"]
    assert results[0]["name"] == "Baqubah" and results[0]["source"] == "curated"
    assert results[0]["location"] and results[0]["admin1"] == "Diyala" and results[0]["country"] == "IQ"

    results = analyst_client.get("/lookup/places/", {"q": "Kirkuk"}).json()["results"]
    town = next(r for r in results if r["source"] == "geonames" and r["country"] == "IQ")
    assert town["name"] == "Kirkuk" and town["latitude"] and town["country_name"] == "Iraq"
    assert analyst_client.get("/lookup/places/", {"q": "b"}).json() == {"results": []}

    # towns appear as the analyst types, not only once the whole name is there
    results = analyst_client.get("/lookup/places/", {"q": "Maidu"}).json()["results"]
    assert results[0]["name"] == "Maiduguri" and results[0]["source"] == "geonames"


def test_actor_lookup_matches_names_and_aliases(analyst_client, actors):
    names = [r["name"] for r in analyst_client.get("/lookup/actors/", {"q": "daesh"}).json()["results"]]
    assert names == ["Islamic State"]
    names = [r["name"] for r in analyst_client.get("/lookup/actors/", {"q": "forces"}).json()["results"]]
    assert names == ["Military Forces of Iraq", "Popular Mobilization Forces"]


# --- cost -----------------------------------------------------------------------------------


def test_history_page_reads_a_fixed_number_of_queries(
    analyst_client, analyst, draft, actors, django_assert_max_num_queries
):
    for n in range(3):  # names of users, countries and places are read once per page, not per row
        incident_update(draft, fatalities_best=20 + n, assigned_to=analyst if n % 2 else None, user=analyst)
    with django_assert_max_num_queries(12) as few:
        analyst_client.get(f"/incidents/{draft.pk}/history/")
    for n in range(30):
        incident_update(
            draft,
            fatalities_best=30 + n,
            assigned_to=analyst if n % 2 else None,
            actors=[(actors["is"], "actor1"), (actors["pmf" if n % 2 else "army"], "actor2")],
            user=analyst,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = analyst_client.get(f"/incidents/{draft.pk}/history/").content.decode()
    assert page.count('class="history-entry"') >= 33


def _many_incidents(country: Country, n: int) -> None:
    """n incidents, mostly published, in one statement on PostgreSQL."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO incidents_incident (start_date, date_precision, event_type, sub_event_type,
                    country_id, admin1, location_name, geo_precision, summary, is_background, status,
                    created_at, updated_at)
                SELECT DATE '2020-01-01' + (i %% 1500), 'day', 'Battles', 'Armed clash', %s, 'Diyala',
                    'Place ' || i, 'exact', '', false,
                    CASE WHEN i %% 50 = 0 THEN 'draft' ELSE 'published' END, now(), now()
                FROM generate_series(1, %s) AS i
                """,
                [country.pk, n],
            )
            cur.execute("ANALYZE incidents_incident")
        return
    Incident.objects.bulk_create(
        (
            Incident(
                start_date=dt.date(2020, 1, 1) + dt.timedelta(days=i % 1500),
                country=country,
                status="draft" if i % 50 == 0 else "published",
                **BATTLE,
            )
            for i in range(n)
        ),
        batch_size=5000,
    )


def test_review_pages_use_few_queries_and_the_queue_index(
    analyst_client, analyst, draft, django_assert_max_num_queries
):
    """Speed is measured by bench/pages.py; here: bounded queries, and the queue's index is used."""
    _many_incidents(draft.country, 20_000)
    incident_update(draft, fatalities_best=15, user=analyst)
    urls = [f"/incidents/{draft.pk}/", f"/incidents/{draft.pk}/history/"]
    for url in urls:
        analyst_client.get(url)  # warm: templates compiled, connection open
        with django_assert_max_num_queries(16):
            assert analyst_client.get(url).status_code == 200
    # the review queue's next/previous drafts are read from their partial index, not a scan
    if connection.vendor == "postgresql":
        plan = review_queue().filter(pk__gt=draft.pk).order_by("pk").values("pk")[:1].explain()
        assert "incident_review_queue" in plan, plan
