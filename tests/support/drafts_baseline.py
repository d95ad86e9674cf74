"""The drafts writer as it was before it wrote in bulk (incidents/services/drafts.py at e1cde5e):
one incident, actor, source and link at a time, with named_get_or_create. Kept as the reference
the bulk writer's rows are compared with (tests/services/test_drafts_queries.py); not used by the
application. Since reports: the incident's position is its report's, written with the same facts."""

from __future__ import annotations

from incidents.extraction.taxonomy import ACTOR_TYPES
from incidents.extraction.types import DraftIncident
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
from incidents.services.linking import report_facts
from incidents.services.reference import named_get_or_create


def drafts_save(article: Article, drafts: list[DraftIncident]) -> list[Incident]:
    """Replace the article's unreviewed drafts with `drafts`; call inside a transaction.

    Incidents an analyst has touched (any status but draft) are kept as they are, and a
    new draft at the same position is dropped, so a re-parse never undoes review work.
    """
    # Lock the drafts before deleting them: an analyst's save of one of them that commits first is
    # seen (the locking read waits for it and re-checks the status) and the incident is kept.
    drafts_now = Incident.objects.select_for_update().filter(article=article, status=Incident.Status.DRAFT)
    Incident.objects.filter(pk__in=list(drafts_now.values_list("pk", flat=True))).delete()
    kept = set(Report.objects.filter(article=article).values_list("sequence", flat=True))
    countries = set(Country.objects.values_list("code", flat=True))
    saved = []
    for sequence, draft in enumerate(drafts):
        if sequence in kept:
            continue
        saved.append(_save_one(article, sequence, draft, countries))
    return saved


def _save_one(article: Article, sequence: int, draft: DraftIncident, countries: set[str]) -> Incident:
    country = draft.country if draft.country in countries else None
    incident = Incident.objects.create(
        article=article,
        start_date=draft.start_date or article.published,
        end_date=draft.end_date if draft.end_date != draft.start_date else None,
        date_precision=draft.date_precision
        if draft.date_precision in Incident.DatePrecision.values
        else "day",
        event_type=draft.event_type,
        sub_event_type=draft.sub_event_type,
        country_id=country,
        admin1=draft.admin1[:200],
        location=_location(draft),
        location_name=draft.location_name[:200],
        latitude=draft.latitude,
        longitude=draft.longitude,
        geo_precision=draft.geo_precision if draft.geo_precision in Incident.GeoPrecision.values else "exact",
        fatalities_low=draft.fatalities.low,
        fatalities_best=draft.fatalities.best,
        fatalities_high=draft.fatalities.high,
        injured_low=draft.injured.low,
        injured_best=draft.injured.best,
        injured_high=draft.injured.high,
        summary=draft.summary,
        is_background=not draft.primary,
        confidence=draft.confidence,
    )
    report = Report.objects.create(
        incident=incident,
        article=article,
        sequence=sequence,
        facts=report_facts(article, sequence, draft).to_json(),
        confidence=draft.confidence,
    )
    for drafted in draft.actors:
        actor = _actor(drafted.name, drafted.actor_type, drafted.country, countries)
        IncidentActor.objects.get_or_create(incident=incident, actor=actor, role=drafted.role)
    source_names = ([article.publisher.name] if article.publisher else []) + list(draft.sources)
    for name in dict.fromkeys(n.strip() for n in source_names if n.strip()):
        source = named_get_or_create(Source, name)
        IncidentSource.objects.get_or_create(incident=incident, source=source, defaults={"article": article})
    Evidence.objects.bulk_create(
        Evidence(
            incident=incident,
            report=report,
            article=article,
            field=ev.field,
            start=ev.start,
            end=ev.end,
            text=ev.text,
            confidence=draft.field_confidence.get(ev.field),
        )
        for ev in draft.evidence
    )
    return incident


def _location(draft: DraftIncident) -> Location | None:
    key = draft.place.key if draft.place else ""
    if key.isdigit():
        return Location.objects.filter(pk=int(key)).first()
    return None


def _actor(name: str, actor_type: str, country: str, countries: set[str]) -> Actor:
    return named_get_or_create(
        Actor,
        name,
        actor_type=actor_type if actor_type in ACTOR_TYPES else "external_other",
        country_id=country if country in countries else None,
        in_dictionary=False,  # a drafted name is linked, not learned: analysts curate the dictionary
    )
