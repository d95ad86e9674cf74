"""The drafts writer in bulk writes what the row-by-row writer before it wrote: the same incidents,
actors, sources, links, evidence and history records, in the same order (tests/support/
drafts_baseline.py is that writer), and the history page still opens on the creation record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from incidents.extraction.types import Count, DraftActor, DraftIncident, Evidence, PlaceEntry
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
from incidents.review.history import SYSTEM, incident_history
from incidents.services import article_ingest, articles
from incidents.services.drafts import drafts_save
from tests.support import drafts_baseline

pytestmark = pytest.mark.django_db

SKIP = {"id", "created_at", "updated_at"}


def _fields(row, skip=SKIP) -> dict:
    return {
        f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields if f.attname not in skip
    }


def _history_of(model, article: Article, sequences: dict[int, int]) -> tuple[list, list]:
    """(creation records in order, deletion records sorted) of the article's incidents or links,
    with ids told as draft positions and names, which do not depend on the run."""
    out: dict[str, list] = {"+": [], "-": []}
    for rec in model.history.order_by("history_id"):
        row = _fields(rec, SKIP | {"history_id", "history_date", "incident_id", "actor_id", "source_id"})
        if model is Incident:
            if rec.article_id != article.pk:
                continue
        else:
            if rec.incident_id not in sequences:
                continue
            row["incident"] = sequences[rec.incident_id]
            row["named"] = (rec.actor if model is IncidentActor else rec.source).name
        out[rec.history_type].append(row)
    return out["+"], sorted(out["-"], key=repr)


def _snapshot(article: Article) -> dict:
    # the article's incidents, told by the order they were first written in (ids depend on the run)
    created = (
        Incident.history.filter(article_id=article.pk).order_by("history_id").values_list("id", flat=True)
    )
    sequences = {pk: n for n, pk in enumerate(dict.fromkeys(created))}
    incidents = []
    for incident in Incident.objects.filter(article=article).order_by("reports__sequence"):
        entries, _ = incident_history(incident)
        incidents.append(
            {
                **_fields(incident),
                "actors": [(link.actor.name, link.role) for link in incident.incident_actors.order_by("pk")],
                "sources": [
                    (link.source.name, link.article_id) for link in incident.incident_sources.order_by("pk")
                ],
                "evidence": [
                    _fields(ev, SKIP | {"incident_id", "report_id"})
                    for ev in incident.evidence.order_by("pk")
                ],
                "reports": [
                    (_fields(r, SKIP | {"incident_id"}), [ev.start for ev in r.evidence.order_by("pk")])
                    for r in incident.reports.order_by("pk")
                ],
                "history page": [
                    (
                        e.action,
                        e.who,
                        e.reason,
                        [(c.field, c.new) for c in e.changes],
                        [(link.kind, link.action, link.text) for link in e.links],
                    )
                    for e in entries
                ],
            }
        )
    return {
        "incidents": incidents,
        "actors": [_fields(a) for a in Actor.objects.order_by("pk")],
        "sources": [_fields(s) for s in Source.objects.order_by("pk")],
        "actor history": [
            _fields(h, SKIP | {"history_id", "history_date"}) for h in Actor.history.order_by("history_id")
        ],
        "incident history": _history_of(Incident, article, sequences),
        "actor link history": _history_of(IncidentActor, article, sequences),
        "source link history": _history_of(IncidentSource, article, sequences),
    }


def _written_by(writer, article: Article, *parses: list[DraftIncident], review: int | None = None) -> dict:
    """What `writer` leaves after writing each parse in turn (position `review` reviewed after
    the first), rolled back after: every writer starts from the same database."""
    with transaction.atomic():
        for n, drafts in enumerate(parses):
            with transaction.atomic():
                writer(article, drafts)
            if n == 0 and review is not None:
                Incident.objects.filter(reports__article=article, reports__sequence=review).update(
                    status="reviewed"
                )
        snapshot = _snapshot(article)
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def world(db) -> dict:
    iraq = Country.objects.create(code="IQ", name="Iraq")
    Country.objects.create(code="SY", name="Syria")
    Actor.objects.create(name="Islamic State", actor_type="rebel_group", aliases=["ISIS"])
    Source.objects.create(name="Syrian Observatory for Human Rights")
    place = Location.objects.create(
        name="Baqubah", country=iraq, admin1="Diyala", latitude=33.7, longitude=44.6
    )
    article = article_ingest(
        published=dt.date(2024, 5, 8), text="Fighting in Diyala.", publisher="Mehr News Agency", enqueue=False
    ).article
    return {"article": article, "place": str(place.pk)}


def _draft(**fields) -> DraftIncident:
    values = {
        "start_date": dt.date(2024, 5, 6),
        "end_date": None,
        "date_precision": "day",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "country": "IQ",
    }
    return DraftIncident(**{**values, **fields})


def _awkward_drafts(place: str, summary: str) -> list[DraftIncident]:
    """Names in other cases and spacings, repeats, blanks, unknown codes and places, bad choices."""
    return [
        _draft(
            end_date=dt.date(2024, 5, 6),  # the same day as the start: no end date
            date_precision="fortnight",
            geo_precision="vague",
            place=PlaceEntry(name="Baqubah", country="IQ", key=place),
            admin1="Diyala",
            location_name="Baqubah",
            latitude=33.7,
            longitude=44.6,
            fatalities=Count(low=121, best=120),
            injured=Count(low=2, best=3, high=5),
            actors=[
                DraftActor(name="islamic state", role="actor1", actor_type="rebel_group"),
                DraftActor(name="Kettle Hill Front", role="actor2", actor_type="rebel_group", country="IQ"),
                DraftActor(name="Kettle Hill Front", role="actor2", actor_type="rebel_group"),
                DraftActor(name="kettle  hill front ", role="associated", actor_type="no such type"),
            ],
            sources=[
                "syrian observatory for human rights",
                "  ",
                "Mehr News Agency",
                "New Monitor",
                "new monitor",
            ],
            summary=summary,
            primary=False,
            confidence=0.42,
            field_confidence={"date": 0.9, "fatalities": 0.6},
            evidence=[
                Evidence(field="date", start=0, end=8, text="Fighting"),
                Evidence(field="fatalities", start=12, end=18, text="Diyala"),
                Evidence(field="actor1", start=3, end=4, text="h"),
            ],
        ),
        _draft(
            start_date=None,  # the publication date stands in
            country="XX",
            place=PlaceEntry(name="Nowhere", country="XX", key="99999999"),
            actors=[
                DraftActor(name="KETTLE HILL FRONT", role="actor1", actor_type="state_forces", country="ZZ"),
                DraftActor(name="Sons of the Valley", role="actor2", actor_type="civilians", country="SY"),
            ],
            sources=["NEW MONITOR", "Valley Radio"],
        ),
        _draft(place=PlaceEntry(name="Somewhere", country="IQ", key="not-a-pk"), admin1="x" * 250),
    ]


def test_drafts_are_written_as_the_row_by_row_writer_wrote_them(world):
    article = world["article"]
    drafts = _awkward_drafts(world["place"], "first parse")
    before = _written_by(drafts_baseline.drafts_save, article, drafts)
    now = _written_by(drafts_save, article, drafts)
    assert now == before
    assert len(now["incidents"]) == 3 and now["actors"][-2]["name"] == "Kettle Hill Front"


def test_a_reparse_replaces_and_keeps_as_the_row_by_row_writer_did(world):
    """The old drafts go with their links and evidence, leaving the same "-" history records; a
    reviewed incident stays, and the new draft at its position is dropped."""
    article = world["article"]
    first = _awkward_drafts(world["place"], "first parse")
    second = [
        *_awkward_drafts(world["place"], "second parse"),
        _draft(actors=[DraftActor("Another Group", "actor1")]),
    ]
    before = _written_by(drafts_baseline.drafts_save, article, first, second, review=1)
    now = _written_by(drafts_save, article, first, second, review=1)
    assert now == before
    assert [i["summary"] for i in now["incidents"]] == ["second parse", "", "", ""]
    assert now["incidents"][1]["status"] == "reviewed"
    assert len(now["incident history"][1]) == 2  # the drafts at positions 0 and 2, deleted


def test_the_seed_articles_drafts_are_written_as_before(reference_data, seed_text):
    article = article_ingest(
        published=dt.date(2022, 1, 23), text=seed_text, publisher="Mehr News Agency", enqueue=False
    ).article
    drafts = articles.extract_drafts(article)
    before = _written_by(drafts_baseline.drafts_save, article, drafts, drafts)
    now = _written_by(drafts_save, article, drafts, drafts)
    assert now == before
    assert len(now["incidents"]) == len(drafts) >= 2


def test_the_history_page_shows_the_drafts_creation_with_its_links(world, analyst_client):
    with transaction.atomic():
        (incident, *_) = drafts_save(world["article"], _awkward_drafts(world["place"], "drafted"))
    entries, truncated = incident_history(incident)
    assert not truncated
    (created,) = entries
    assert (created.action, created.who) == ("created", SYSTEM)
    assert sorted((link.kind, link.action, link.text) for link in created.links) == [
        ("actor", "added", "Islamic State (Perpetrator (actor 1))"),
        ("actor", "added", "Kettle Hill Front (Associated)"),
        ("actor", "added", "Kettle Hill Front (Target (actor 2))"),
        ("source", "added", "Mehr News Agency"),
        ("source", "added", "New Monitor"),
        ("source", "added", "Syrian Observatory for Human Rights"),
    ]
    page = analyst_client.get(f"/incidents/{incident.pk}/history/")
    assert page.status_code == 200
    assert "Kettle Hill Front" in page.content.decode()
