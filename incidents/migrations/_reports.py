"""The data step of 0017_reports: today's incidents become incidents with one report each, and
"duplicate of" links become merges (the duplicate's reports move to the incident it duplicates).

Kept apart from the migration so a test can run it on rows of its own. It reads the models the
migration passes in (`apps`), never today's code, except the pure `ReportFacts` layout.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import OuterRef, Subquery

_BATCH = 2000
_MAX_CHAIN = 1000


def reports_from_incidents(apps, schema_editor) -> None:
    Incident = apps.get_model("incidents", "Incident")
    Report = apps.get_model("incidents", "Report")
    Evidence = apps.get_model("incidents", "Evidence")
    taken: dict[int, set[int]] = {}
    rows = Incident.objects.filter(article__isnull=False).select_related("article__publisher").order_by("pk")
    batch: list = []
    for incident in rows.iterator(chunk_size=_BATCH):
        batch.append(incident)
        if len(batch) >= _BATCH:
            Report.objects.bulk_create(_reports(apps, batch, taken))
            batch = []
    if batch:
        Report.objects.bulk_create(_reports(apps, batch, taken))
    # each incident has one report so far: its evidence is that report's
    first = Report.objects.filter(incident_id=OuterRef("incident_id")).order_by("pk").values("pk")[:1]
    Evidence.objects.filter(report__isnull=True).update(report_id=Subquery(first))
    _duplicates_to_merges(apps)
    if schema_editor.connection.vendor == "postgresql":
        # the rows written here leave deferred foreign-key checks pending, and PostgreSQL refuses
        # the migration's later CREATE INDEX on those tables until they have run
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _reports(apps, incidents: list, taken: dict[int, set[int]]) -> list:
    """One report per incident, its facts read in three queries for the whole batch."""
    Report = apps.get_model("incidents", "Report")
    IncidentActor = apps.get_model("incidents", "IncidentActor")
    Evidence = apps.get_model("incidents", "Evidence")
    IncidentSource = apps.get_model("incidents", "IncidentSource")
    ids = [incident.pk for incident in incidents]
    actors, texts, cited = defaultdict(list), defaultdict(list), defaultdict(list)
    for pk, role, name in IncidentActor.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "role", "actor__name"
    ):
        actors[pk].append((role, name))
    for pk, text in (
        Evidence.objects.filter(incident_id__in=ids).order_by("start").values_list("incident_id", "text")
    ):
        texts[pk].append(text)
    for pk, name in IncidentSource.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "source__name"
    ):
        cited[pk].append(name)
    out = []
    for incident in incidents:
        used = taken.setdefault(incident.article_id, set())
        sequence = incident.sequence if incident.sequence is not None else 0
        while sequence in used:
            sequence += 1
        used.add(sequence)
        facts = _facts(incident, actors[incident.pk], texts[incident.pk], cited[incident.pk])
        out.append(
            Report(
                incident_id=incident.pk,
                article_id=incident.article_id,
                sequence=sequence,
                facts=facts,
                confidence=incident.confidence,
            )
        )
    return out


def _facts(incident, roles: list, texts: list, cited: list) -> dict:
    """The incident's drafted values, as `incidents.linking.types.ReportFacts.to_json` writes them."""
    article = incident.article
    publisher = article.publisher.name if article.publisher_id else ""
    return {
        "key": "",
        "article": str(article.pk),
        "published": article.published.isoformat(),
        "publisher": publisher,
        "source_scale": article.publisher.scale if article.publisher_id else "",
        "start_date": incident.start_date.isoformat(),
        "end_date": incident.end_date.isoformat() if incident.end_date else None,
        "date_precision": incident.date_precision,
        "country": incident.country_id or "",
        "admin1": incident.admin1,
        "admin2": "",
        "location": incident.location_name,
        "location_key": str(incident.location_id or ""),
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "geo_precision": incident.geo_precision,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "actors1": [name for role, name in roles if role == "actor1"],
        "actors2": [name for role, name in roles if role == "actor2"],
        "fatalities": [incident.fatalities_low, incident.fatalities_best, incident.fatalities_high],
        "injured": [incident.injured_low, incident.injured_best, incident.injured_high],
        "text": " ".join(dict.fromkeys(texts)) or incident.summary,
        "background": incident.is_background,
        "sources": [name for name in cited if name != publisher],
    }


def _duplicates_to_merges(apps) -> None:
    """Each duplicate's reports move to the incident at the end of its chain, which it now names
    as `merged_into`; the merge is recorded (LinkAction) as an analyst's, undoable like any."""
    Incident = apps.get_model("incidents", "Incident")
    Report = apps.get_model("incidents", "Report")
    Evidence = apps.get_model("incidents", "Evidence")
    LinkAction = apps.get_model("incidents", "LinkAction")
    parent = dict(Incident.objects.filter(duplicate_of__isnull=False).values_list("pk", "duplicate_of_id"))
    for pk, original in parent.items():
        root, seen = original, {pk}
        while root in parent and root not in seen and len(seen) < _MAX_CHAIN:
            seen.add(root)
            root = parent[root]
        if root in seen:  # a loop written by something else: no merge; out of the gone status
            Incident.objects.filter(pk=pk, status="duplicate").update(status="reviewed")
            continue
        moved = list(Report.objects.filter(incident_id=pk).values_list("pk", flat=True))
        Report.objects.filter(pk__in=moved).update(incident_id=root, linked_by="analyst")
        Evidence.objects.filter(incident_id=pk).update(incident_id=root)
        incident = Incident.objects.get(pk=pk)
        LinkAction.objects.create(
            kind="merge",
            incident_id=root,
            other_id=pk,
            reports=moved,
            # undoing it gives the incident back as an analyst's (a marked duplicate was looked at)
            before={"other": {"status": _undone(incident.status), "merged_into": None}},
            versions={str(pk): incident.version + 1},
        )
        Incident.objects.filter(pk=pk).update(
            status="merged", merged_into_id=root, version=incident.version + 1
        )
    Incident.objects.filter(status="duplicate").update(status="reviewed")  # "duplicate" with no original


def _undone(status: str) -> str:
    return "reviewed" if status == "duplicate" else status
