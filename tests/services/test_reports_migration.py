"""The data step of migration 0017 (incidents/migrations/_reports.py `reports_from_incidents`),
run by the migration itself on rows written with the models as they were at 0016: each incident
with an article gets one report holding its drafted values, its evidence points at that report,
and "duplicate of" links become merges (a chain ends at its root; a loop is left alone)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incidents.models import Evidence, Incident, LinkAction, Report

BEFORE = [("incidents", "0016_knowledge_change")]
AFTER = [("incidents", "0017_reports")]


@pytest.fixture
def old_apps(transactional_db):
    """The database migrated back to 0016 and its models then; migrated forward again after."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("incidents"))


def _migrate_to_0017() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)


def _world(apps) -> dict:
    """Incidents as 0016 held them: two drafts of one article (with actors, a cited source and
    evidence), a chain of duplicates, a loop of two, and one entered by hand (no article)."""
    Country, Source, Actor = (apps.get_model("incidents", n) for n in ("Country", "Source", "Actor"))
    Article, Incident = apps.get_model("incidents", "Article"), apps.get_model("incidents", "Incident")
    link = {n: apps.get_model("incidents", n) for n in ("IncidentActor", "IncidentSource", "Evidence")}
    Country.objects.create(code="SY", name="Syria")
    wire = Source.objects.create(name="Orchard Wire", scale="international")
    monitor = Source.objects.create(name="Valley Monitor")
    raiders = Actor.objects.create(name="Crescent Brigades", actor_type="rebel_group")
    villagers = Actor.objects.create(name="Civilians (Syria)", actor_type="civilians")

    def article(n: int, publisher=None):
        return Article.objects.create(
            text=f"story {n}", published=dt.date(2024, 3, 10), content_hash=f"{n:064d}", publisher=publisher
        )

    def incident(art, sequence=None, **fields):
        values = {"start_date": dt.date(2024, 3, 9), "event_type": "Violence against civilians",
                  "sub_event_type": "Attack", "country_id": "SY", "admin1": "Ar-Raqqa", "status": "draft"}  # fmt: skip
        return Incident.objects.create(article=art, sequence=sequence, **{**values, **fields})

    first = article(1, wire)
    market = incident(first, 0, location_name="Tal Abyad", fatalities_low=10, fatalities_best=12,
                      fatalities_high=14, injured_best=20, summary="Market attack.", latitude=36.7)  # fmt: skip
    second = incident(first, 1, location_name="Ain Issa", summary="A second attack.")
    link["IncidentActor"].objects.create(incident=market, actor=raiders, role="actor1")
    link["IncidentActor"].objects.create(incident=market, actor=villagers, role="actor2")
    link["IncidentSource"].objects.create(incident=market, source=monitor, article=first)
    link["IncidentSource"].objects.create(incident=market, source=wire, article=first)
    said = "Gunmen stormed the market in Tal Abyad, killing 12 people."
    link["Evidence"].objects.create(
        incident=market, article=first, field="fatalities", start=0, end=5, text=said
    )
    root = incident(article(2), 0, status="published", summary="The root.")
    middle = incident(article(3), 0, status="duplicate", duplicate_of=root)
    tail = incident(article(4), 0, status="duplicate", duplicate_of=middle)
    link["Evidence"].objects.create(
        incident=tail, article=tail.article, field="date", start=0, end=3, text="Sat"
    )
    loop_a = incident(article(5), 0, status="duplicate")
    loop_b = incident(article(6), 0, status="duplicate", duplicate_of=loop_a)
    Incident.objects.filter(pk=loop_a.pk).update(duplicate_of=loop_b)
    by_hand = incident(None, None, summary="Entered by hand.")
    ids = {"market": market, "second": second, "root": root, "middle": middle, "tail": tail}
    ids |= {"loop_a": loop_a, "loop_b": loop_b, "by_hand": by_hand}
    return {name: row.pk for name, row in ids.items()}


def test_each_incident_becomes_one_report_with_its_drafted_values(old_apps):
    ids = _world(old_apps)
    _migrate_to_0017()

    assert not Report.objects.filter(incident_id=ids["by_hand"]).exists()  # no article: no report
    assert Report.objects.count() == 7
    report = Report.objects.get(incident_id=ids["market"])
    assert (report.sequence, report.linked_by) == (0, "drafted")
    assert Report.objects.get(incident_id=ids["second"]).sequence == 1
    facts = report.facts
    assert (facts["publisher"], facts["source_scale"], facts["published"]) == (
        "Orchard Wire",
        "international",
        "2024-03-10",
    )
    assert (facts["start_date"], facts["country"], facts["admin1"], facts["location"]) == (
        "2024-03-09",
        "SY",
        "Ar-Raqqa",
        "Tal Abyad",
    )
    assert (facts["event_type"], facts["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert (facts["actors1"], facts["actors2"]) == (["Crescent Brigades"], ["Civilians (Syria)"])
    assert facts["fatalities"] == [10, 12, 14] and facts["injured"] == [None, 20, None]
    assert facts["text"] == "Gunmen stormed the market in Tal Abyad, killing 12 people."
    assert facts["sources"] == ["Valley Monitor"]  # cited; the publisher is not repeated
    assert facts["article"] == str(report.article_id) and facts["background"] is False
    assert Report.objects.get(incident_id=ids["second"]).facts["text"] == "A second attack."  # no evidence
    assert list(Evidence.objects.filter(incident_id=ids["market"]).values_list("report", flat=True)) == [
        report.pk
    ]
    assert not Evidence.objects.filter(report__isnull=True).exists()


def test_duplicates_become_merges_into_the_end_of_their_chain_and_a_loop_is_left_alone(old_apps):
    ids = _world(old_apps)
    _migrate_to_0017()

    root = Incident.objects.get(pk=ids["root"])
    assert root.status == "published" and root.merged_into_id is None
    for name in ("middle", "tail"):
        gone = Incident.objects.get(pk=ids[name])
        assert (gone.status, gone.merged_into_id) == ("merged", root.pk)
    reports = Report.objects.filter(incident=root).order_by("pk")
    assert [r.article_id for r in reports] == [
        Incident.objects.get(pk=ids[n]).article_id for n in ("root", "middle", "tail")
    ]
    assert [r.linked_by for r in reports] == ["drafted", "analyst", "analyst"]
    moved = Evidence.objects.get(text="Sat")  # the tail's evidence went with its report
    assert (moved.incident_id, moved.report_id) == (root.pk, reports[2].pk)
    merges = LinkAction.objects.filter(kind="merge").order_by("other_id")
    assert [(m.incident_id, m.other_id, m.reports) for m in merges] == [
        (root.pk, ids["middle"], [reports[1].pk]),
        (root.pk, ids["tail"], [reports[2].pk]),
    ]
    assert all(m.before["other"]["status"] == "reviewed" for m in merges)  # what undo restores
    for name in ("loop_a", "loop_b"):
        kept = Incident.objects.get(pk=ids[name])
        assert (kept.merged_into_id, kept.status) == (None, "reviewed")  # "duplicate" is gone
        assert list(kept.reports.values_list("article_id", flat=True)) == [kept.article_id]


def test_a_merge_the_migration_made_can_be_undone(old_apps):
    from incidents.services import link_action_undo

    ids = _world(old_apps)
    _migrate_to_0017()
    action = LinkAction.objects.get(kind="merge", other_id=ids["tail"])
    link_action_undo(action)
    tail = Incident.objects.get(pk=ids["tail"])
    assert (tail.status, tail.merged_into_id) == ("reviewed", None)
    assert list(tail.reports.values_list("article_id", flat=True)) == [tail.article_id]
