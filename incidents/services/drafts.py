"""Writing the extractor's drafts for one article: replace, never duplicate.

The drafts are written in a fixed number of queries, whatever the number of incidents, actors,
sources and evidence spans (one insert per table, each with its history records), and the drafts
they replace are removed the same way. What is written is what saving row by row wrote: the same
rows, links, evidence and history records, in the same order.
"""

from __future__ import annotations

from django.db.models import Model, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_change_reason_from_object

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
    LinkAction,
    Location,
    PossibleDuplicate,
    Report,
    Source,
)
from incidents.services.linking import (
    Filing,
    file_reports,
    incidents_refresh,
    lock_blocking_keys,
    possible_duplicates_open,
    reasons_json,
    report_facts,
    reports_joined,
)
from incidents.services.reference import named_ids

Drafts = list[tuple[int, DraftIncident]]  # (sequence, draft) of the drafts to write


def drafts_save(article: Article, drafts: list[DraftIncident]) -> list[Incident]:
    """Replace the article's unreviewed reports with `drafts`, each filed under the incident it
    reports (incidents.services.linking) or starting one; call inside a transaction. Returns the
    incidents it started.

    Reports of incidents an analyst has touched (any status but draft) are kept as they are, and
    a new draft at the same position is dropped, so a re-parse never undoes review work.
    """
    lock_blocking_keys([d.country for d in drafts if d.country] + _countries_of_reports(article))
    _drop_reports(article)
    if not drafts:
        return []
    kept = set(Report.objects.filter(article=article).order_by().values_list("sequence", flat=True))
    todo = [(sequence, draft) for sequence, draft in enumerate(drafts) if sequence not in kept]
    if not todo:
        return []
    countries = _countries(todo)
    actor_ids = named_ids(Actor, _actor_defaults(todo, countries))
    source_ids = named_ids(Source, {name: {} for _, draft in todo for name in _source_names(draft)})
    locations = _locations(todo)
    filings = file_reports(article, {seq: (draft, report_facts(article, seq, draft)) for seq, draft in todo})
    fresh = [filing for filing in filings if filing.target is None]
    incidents = bulk_create_with_history(
        [_incident(article, filing.draft, countries, locations) for filing in fresh],
        Incident,
        default_change_reason=None,
    )
    started = {filing.sequence: incident for filing, incident in zip(fresh, incidents, strict=True)}
    reports = _reports_write(article, filings, started)
    _link(article, [(started[f.sequence], f.draft) for f in fresh], actor_ids, source_ids)
    evidence = [
        Evidence(
            incident_id=report.incident_id,
            report=report,
            article=article,
            field=ev.field,
            start=ev.start,
            end=ev.end,
            text=ev.text,
            confidence=filing.draft.field_confidence.get(ev.field),
        )
        for filing, report in zip(filings, reports, strict=True)
        for ev in filing.draft.evidence
    ]
    if evidence:
        Evidence.objects.bulk_create(evidence)
    possible_duplicates_open(filings, started)
    reports_joined(article, [(f, r) for f, r in zip(filings, reports, strict=True) if f.target is not None])
    return incidents


def _reports_write(article: Article, filings: list[Filing], started: dict[int, Incident]) -> list[Report]:
    rows = []
    for filing in filings:
        best = filing.decision.best if filing.decision.action in ("link", "ask") else None
        linked = filing.target is not None
        rows.append(
            Report(
                incident_id=filing.target if linked else started[filing.sequence].pk,
                article=article,
                sequence=filing.sequence,
                facts=filing.facts.to_json(),
                confidence=filing.draft.confidence,
                linked_by=Report.LinkedBy.LINKER if linked else Report.LinkedBy.DRAFTED,
                link_score=round(best.score, 4) if best else None,
                link_reasons=reasons_json(best.reasons) if best else [],
            )
        )
    return Report.objects.bulk_create(rows)


def _countries_of_reports(article: Article) -> list[str]:
    """The countries of the incidents the article's reports are in (a re-parse changes them)."""
    rows = Incident.objects.filter(reports__article=article).exclude(country__isnull=True)
    return list(rows.order_by().values_list("country_id", flat=True).distinct())


def _drop_reports(article: Article) -> None:
    """Delete the article's reports in untouched drafts, with their evidence; a draft left with no
    report is deleted (with its links), one left with others is reconciled from them."""
    ids = set(
        Report.objects.filter(article=article, incident__status=Incident.Status.DRAFT)
        .order_by()
        .values_list("incident_id", flat=True)
    )
    if not ids:
        return
    # Lock the drafts first: an analyst's save of one of them that commits first is seen (the
    # locking read waits for it and re-checks the status) and its report is kept.
    drafts = list(
        Incident.objects.select_for_update().filter(pk__in=ids, status=Incident.Status.DRAFT).order_by("pk")
    )
    locked = [draft.pk for draft in drafts]
    gone = Report.objects.filter(article=article, incident_id__in=locked)
    Evidence.objects.filter(
        Q(report__in=gone) | Q(report__isnull=True, article=article, incident_id__in=locked)
    ).delete()
    gone.delete()
    remaining = set(
        Report.objects.filter(incident_id__in=locked).order_by().values_list("incident_id", flat=True)
    )
    _delete_incidents([draft for draft in drafts if draft.pk not in remaining])
    survivors = [draft for draft in drafts if draft.pk in remaining]
    if survivors:
        incidents_refresh(survivors, {}, reason=f"a report of article {article.pk} re-parsed")


def _delete_incidents(drafts: list[Incident]) -> None:
    """Delete drafts with their links, writing the "-" history records a delete writes, in a fixed
    number of queries (a delete writes them one row at a time)."""
    if not drafts:
        return
    ids = [draft.pk for draft in drafts]
    links = [list(model.objects.filter(incident_id__in=ids)) for model in (IncidentActor, IncidentSource)]
    Evidence.objects.filter(incident_id__in=ids).delete()  # no signals: one DELETE
    PossibleDuplicate.objects.filter(Q(incident_id__in=ids) | Q(candidate_id__in=ids)).delete()
    LinkAction.objects.filter(incident_id__in=ids).delete()
    LinkAction.objects.filter(other_id__in=ids).update(other=None)  # on_delete=SET_NULL
    Incident.objects.filter(merged_into_id__in=ids).update(merged_into=None)  # on_delete=SET_NULL
    for rows in [*links, drafts]:
        if rows:
            model = type(rows[0])
            # Django's own signal-free delete (the one its Collector uses for "fast" deletes): the
            # history records are written below, all at once, instead of by post_delete per row.
            model.objects.filter(pk__in=[row.pk for row in rows])._raw_delete(model.objects.db)
            _history_deleted(model, rows)


def _history_deleted(model: type[Model], rows: list[Model]) -> None:
    """The "-" history records of deleted `rows`, as django-simple-history's post_delete writes them."""
    history = model.history.model
    history.objects.bulk_create(
        history(
            history_date=getattr(row, "_history_date", timezone.now()),
            history_type="-",
            history_user=history.get_default_history_user(row),
            history_change_reason=get_change_reason_from_object(row),
            **{field.attname: getattr(row, field.attname) for field in history.tracked_fields},
        )
        for row in rows
    )


def _countries(todo: Drafts) -> set[str]:
    """Which of the country codes the drafts name exist."""
    codes = {draft.country for _, draft in todo} | {a.country for _, draft in todo for a in draft.actors}
    codes.discard("")
    return (
        set(Country.objects.filter(code__in=codes).order_by().values_list("code", flat=True))
        if codes
        else set()
    )


def _locations(todo: Drafts) -> set[int]:
    """Which of the locations the drafts were placed at still exist."""
    keys = {int(key) for key in (_place_key(draft) for _, draft in todo) if key.isdigit()}
    return (
        set(Location.objects.filter(pk__in=keys).order_by().values_list("pk", flat=True)) if keys else set()
    )


def _place_key(draft: DraftIncident) -> str:
    return draft.place.key if draft.place else ""


def _actor_defaults(todo: Drafts, countries: set[str]) -> dict[str, dict]:
    """{name: the fields a new actor of that name gets}, from the name's first mention."""
    wanted: dict[str, dict] = {}
    for _, draft in todo:
        for drafted in draft.actors:
            wanted.setdefault(
                drafted.name,
                {
                    "actor_type": drafted.actor_type
                    if drafted.actor_type in ACTOR_TYPES
                    else "external_other",
                    "country_id": drafted.country if drafted.country in countries else None,
                    "in_dictionary": False,  # a drafted name is linked, not learned: analysts curate it
                },
            )
    return wanted


def _source_names(draft: DraftIncident) -> list[str]:
    return [name.strip() for name in draft.sources if name.strip()]


def _incident(article: Article, draft: DraftIncident, countries: set[str], locations: set[int]) -> Incident:
    key = _place_key(draft)
    return Incident(
        article=article,
        start_date=draft.start_date or article.published,
        end_date=draft.end_date if draft.end_date != draft.start_date else None,
        date_precision=draft.date_precision
        if draft.date_precision in Incident.DatePrecision.values
        else "day",
        event_type=draft.event_type,
        sub_event_type=draft.sub_event_type,
        country_id=draft.country if draft.country in countries else None,
        admin1=draft.admin1[:200],
        location_id=int(key) if key.isdigit() and int(key) in locations else None,
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


def _link(
    article: Article,
    pairs: list[tuple[Incident, DraftIncident]],
    actor_ids: dict[str, int],
    source_ids: dict[str, int],
) -> None:
    """Each incident's actors (once per actor and role) and sources (the publisher first, each
    once), in one insert per table with their history records."""
    actor_links, source_links = [], []
    for incident, draft in pairs:
        for actor_id, role in dict.fromkeys((actor_ids[a.name], a.role) for a in draft.actors):
            actor_links.append(IncidentActor(incident=incident, actor_id=actor_id, role=role))
        cited = [source_ids[name] for name in _source_names(draft)]
        for source_id in dict.fromkeys([article.publisher_id, *cited] if article.publisher_id else cited):
            source_links.append(IncidentSource(incident=incident, source_id=source_id, article=article))
    for model, links in ((IncidentActor, actor_links), (IncidentSource, source_links)):
        if links:
            bulk_create_with_history(links, model, default_change_reason=None)
