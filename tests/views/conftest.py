"""The desk's page worlds, shared by the page tests (CSP, layouts, keyboard): data made before the
browser starts, since Playwright's loop keeps a browser test's body off the database."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def desk_world(analyst) -> dict[str, int]:
    """An article with one incident, an actor and a place: something on every page (set up before
    the browser starts)."""
    from incidents.models import Actor, Country, Incident, Location
    from incidents.services import article_ingest

    iraq, _ = Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
    article = article_ingest(
        published=dt.date(2024, 5, 2),
        text="Gunmen killed two people in Baqubah, Iraq, on Wednesday.",
        enqueue=False,
    ).article
    incident = Incident.objects.create(
        article=article,
        start_date=dt.date(2024, 5, 1),
        country=iraq,
        location_name="Baqubah",
        latitude=33.75,
        longitude=44.64,
        event_type="Violence against civilians",
        sub_event_type="Attack",
        fatalities_best=2,
    )
    actor = Actor.objects.create(name="CSP Test Brigade", actor_type="rebel_group", country=iraq)
    location = Location.objects.create(name="Baqubah", country=iraq, latitude=33.75, longitude=44.64)
    from incidents.services.feeds import feed_save

    feed = feed_save(url="https://news.example.org/rss.xml", name="Example wire", enabled=False)
    return {
        "incident": incident.pk,
        "article": article.pk,
        "actor": actor.pk,
        "location": location.pk,
        "feed": feed.pk,
    }


def desk_pages_of(world: dict[str, int]) -> list[str]:
    return [
        "/",
        "/incidents/",
        f"/incidents/{world['incident']}/",
        f"/incidents/{world['incident']}/history/",
        "/incidents/map/",
        "/articles/new/",
        f"/articles/uploaded/?ids={world['article']}",
        "/articles/",
        f"/articles/{world['article']}/",
        "/actors/",
        f"/actors/{world['actor']}/",
        "/locations/",
        f"/locations/{world['location']}/",
        "/feeds/",
        f"/feeds/{world['feed']}/",
        "/api/v1/docs/",
    ]


# A wire story parsed through the real services, so the review page shows drafts with evidence.
WIRE_STORY = """BAQUBAH, Iraq, May 6 (Desk Wire) - Gunmen attacked an army checkpoint near Muqdadiyah in
Diyala province on Monday night, killing three soldiers and wounding five others, two security
officials said.

The attackers fled into the orchards north of the town before reinforcements arrived, the officials
said. No group claimed responsibility, but local commanders blamed Islamic State militants, who have
stepped up night raids on army posts in the province this spring.

In a separate incident on Sunday, a roadside bomb hit a police patrol in Tarmiyah, north of Baghdad,
wounding two policemen, a police source said."""

LONG_PLACES = [
    ("Al-Muqdadiyah, Diyala Governorate", "Diyala"),
    ("Jalawla (near the Hamrin mountains)", "Diyala"),
    ("Tarmiyah district, north of Baghdad", "Baghdad"),
]


@pytest.fixture
def layout_world(reference_data, desk_world, analyst) -> dict[str, int]:
    """The desk's page set plus a list that looks like a day's work: long place names and actor
    names, an assignee, several statuses (the widths that used to push the table off a tablet),
    and a wire story drafted by the worker's own service (its review page shows the evidence)."""
    from incidents.models import Actor, Country, Incident, IncidentActor
    from incidents.services import article_ingest, article_parse

    iraq = Country.objects.get(code="IQ")
    brigade = Actor.objects.get(pk=desk_world["actor"])
    for day, (place, admin1) in enumerate(LONG_PLACES, start=2):
        incident = Incident.objects.create(
            start_date=dt.date(2024, 5, day),
            end_date=dt.date(2024, 5, day + 1),
            country=iraq,
            location_name=place,
            admin1=admin1,
            event_type="Explosions/Remote violence",
            sub_event_type="Remote explosive/landmine/IED",
            fatalities_best=day,
            confidence=0.42,
            assigned_to=analyst,
        )
        IncidentActor.objects.create(incident=incident, actor=brigade, role="actor1")
    wire = article_ingest(published=dt.date(2024, 5, 7), text=WIRE_STORY, enqueue=False).article
    assert article_parse(wire.pk) == "parsed"
    drafted = Incident.objects.filter(article=wire).order_by("start_date", "pk").last()
    assert drafted is not None and drafted.evidence.exists()
    return {**desk_world, "drafted": drafted.pk, "wire": wire.pk}


def layout_pages_of(world: dict[str, int]) -> list[str]:
    """Every desk page of `layout_world`: the CSP list, the possible-duplicates queue (in every
    page's header), and the drafted wire story's review and article pages."""
    return [
        *desk_pages_of(world),
        "/incidents/possible-duplicates/",
        f"/incidents/{world['drafted']}/",
        f"/articles/{world['wire']}/",
    ]
