"""Filing each new report under the incident it reports, and keeping the incident's fields in
step with its reports (incidents.linking decides and reconciles; this writes).

A draft incident takes its fields from its reports (`reconcile`). An incident an analyst has
touched (any status but draft) keeps its fields: what a newer report changes is kept as a
proposal ("new report: toll 150 (was 120)") to accept or ignore on the review page.

Two workers parsing two reports of one event at once must not both start an incident: on
PostgreSQL the candidate search and the writes that follow run under a transaction-level
advisory lock per country (the blocking key), so the second waits and then sees the first's
incident. SQLite allows one writer at a time, which serialises them already.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from incidents.extraction.types import DraftIncident
from incidents.linking.blocking import Screen, passes, screen, window
from incidents.linking.reconcile import reconcile
from incidents.linking.scorer import decide, shortlist
from incidents.linking.types import Decision, Reconciled, ReportFacts, Window
from incidents.models import (
    Actor,
    Article,
    Country,
    Incident,
    IncidentActor,
    IncidentSource,
    LinkAction,
    Location,
    PossibleDuplicate,
    Report,
    Source,
)
from incidents.services.reference import named_ids

_LOCK_SPACE = 0x1E7  # the first key of the advisory locks taken here (the second: the country)
SCAN_LIMIT = 400  # rows of one busy window read to find the scorer's shortlist
LINKABLE = (Incident.Status.DRAFT, Incident.Status.REVIEWED, Incident.Status.PUBLISHED)


def report_facts(article: Article, sequence: int, draft: DraftIncident) -> ReportFacts:
    """What linking reads of one draft: its values, its article's publisher and date, and its
    evidence sentences (or its summary) as the text the scorer compares."""
    publisher = article.publisher
    actors = {"actor1": [], "actor2": []}
    for actor in draft.actors:
        if actor.role in actors:
            actors[actor.role].append(actor.name)
    texts = dict.fromkeys(ev.text.strip() for ev in draft.evidence if ev.text.strip())
    return ReportFacts(
        key="",
        article=str(article.pk),
        published=article.published,
        publisher=publisher.name if publisher else "",
        source_scale=publisher.scale if publisher else "",
        start_date=draft.start_date,
        end_date=draft.end_date,
        date_precision=draft.date_precision,
        country=draft.country,
        admin1=draft.admin1,
        admin2=draft.admin2,
        location=draft.location_name,
        location_key=draft.place.key if draft.place else "",
        latitude=draft.latitude,
        longitude=draft.longitude,
        geo_precision=draft.geo_precision,
        event_type=draft.event_type,
        sub_event_type=draft.sub_event_type,
        actors1=tuple(dict.fromkeys(actors["actor1"])),
        actors2=tuple(dict.fromkeys(actors["actor2"])),
        fatalities=(draft.fatalities.low, draft.fatalities.best, draft.fatalities.high),
        injured=(draft.injured.low, draft.injured.best, draft.injured.high),
        text=" ".join(texts) or draft.summary,
        background=not draft.primary,
        sources=tuple(name.strip() for name in draft.sources if name.strip()),
    )


def incident_facts(incident: Incident) -> ReportFacts:
    """An incident's own values as one report's facts: for a report made of an incident entered
    by hand or written before reports existed (the data migration writes the same)."""
    article = incident.article
    publisher = article.publisher if article else None
    roles = list(incident.incident_actors.values_list("role", "actor__name")) if incident.pk else []
    return ReportFacts(
        key="",
        article=str(article.pk) if article else "",
        published=article.published if article else incident.start_date,
        publisher=publisher.name if publisher else "",
        source_scale=publisher.scale if publisher else "",
        start_date=incident.start_date,
        end_date=incident.end_date,
        date_precision=incident.date_precision,
        country=incident.country_id or "",
        admin1=incident.admin1,
        location=incident.location_name,
        location_key=str(incident.location_id or ""),
        latitude=incident.latitude,
        longitude=incident.longitude,
        geo_precision=incident.geo_precision,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        actors1=tuple(name for role, name in roles if role == "actor1"),
        actors2=tuple(name for role, name in roles if role == "actor2"),
        fatalities=(incident.fatalities_low, incident.fatalities_best, incident.fatalities_high),
        injured=(incident.injured_low, incident.injured_best, incident.injured_high),
        text=incident.summary,
        background=incident.is_background,
    )


def facts_of(report: Report) -> ReportFacts:
    """A report's facts (a report written without them stands for its incident's values)."""
    if not report.facts.get("published"):
        facts = replace(incident_facts(report.incident), article=str(report.article_id))
        report.facts = facts.to_json()
    return ReportFacts.from_json({**report.facts, "key": str(report.pk)})


def lock_blocking_keys(countries: Iterable[str]) -> None:
    """Hold, to the end of the transaction, the lock of each country's candidate search (sorted,
    so that two parses never wait for each other crosswise)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for code in sorted(set(countries)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, _key(code)])


def _key(code: str) -> int:
    return zlib.crc32(code.encode()) & 0x7FFFFFFF


@dataclass
class Filing:
    """Where one new report goes: an existing incident (`target`), or a new one (and, when the
    decision was "ask", the incidents it may be)."""

    sequence: int
    draft: DraftIncident
    facts: ReportFacts
    decision: Decision
    target: int | None = None


def file_reports(article: Article, facts: dict[int, tuple[DraftIncident, ReportFacts]]) -> list[Filing]:
    """Decide, in sequence order, where each of the article's new reports goes. A report linked
    to an incident joins its candidates for the next ones (which may then not join it: one
    article never gives one incident two reports). Call under `lock_blocking_keys` of the
    drafts' countries (drafts_save takes them first)."""
    keyed = {seq: replace(fact, key=f"new-{seq}") for seq, (_, fact) in facts.items()}
    found, listed = _candidates(list(keyed.values()))
    filings = []
    for sequence, (draft, fact) in sorted(facts.items()):
        candidates = {key: found[key][1] for key in listed.get(keyed[sequence].key, [])}
        decision = decide(fact, candidates)
        filing = Filing(sequence, draft, fact, decision)
        if decision.action == "link" and decision.best is not None:
            filing.target = int(decision.best.event)
            found[decision.best.event][1].append(fact)
        filings.append(filing)
    return filings


def _within(found: dict, report: ReportFacts, block: Window, rule: Screen) -> list[str]:
    """The found incidents in the report's block whose place passes its screen, the scorer's
    shortlist of them (a quick pass on the incident rows, nearest in kind first)."""
    rows = {
        key: row
        for key, (row, _) in found.items()
        if row.country == block.country
        and block.date_from <= row.start_date <= block.date_to
        and passes(rule, row.admin1, row.latitude, row.longitude)
    }
    return shortlist(report, rows)


_ROW = ("pk", "country_id", "start_date", "date_precision", "admin1", "location_id", "location_name",
        "latitude", "longitude", "event_type", "sub_event_type")  # fmt: skip


def _row_facts(values: tuple) -> ReportFacts:
    """An incident row as the quick pass reads it (its own fields, not its reports')."""
    pk, country, start, precision, admin1, location, name, lat, lon, event_type, sub_event_type = values
    return ReportFacts(
        key=str(pk), article="", published=start, start_date=start, date_precision=precision,
        country=country or "", admin1=admin1, location=name, location_key=str(location or ""),
        latitude=lat, longitude=lon, event_type=event_type, sub_event_type=sub_event_type,
    )  # fmt: skip


def _where(block: Window, rule: Screen) -> Q:
    where = Q(country_id=block.country, start_date__gte=block.date_from, start_date__lte=block.date_to)
    if rule.admin1s is None:
        return where
    place = Q(admin1__in=rule.admin1s)
    if rule.box is not None:
        lat_min, lat_max, lon_min, lon_max = rule.box
        place |= Q(latitude__range=(lat_min, lat_max), longitude__range=(lon_min, lon_max))
    return where & place


def _candidates(facts: list[ReportFacts]) -> tuple[dict, dict[str, list[str]]]:
    """The candidate incidents of the article's reports with their reports' facts, {id: (the
    incident row, [reports' facts])}, and each report's shortlist of them {report key: [ids]}: two
    indexed queries for all of an article's drafts, whatever their number (a busy window is read up
    to SCAN_LIMIT rows)."""
    blocks = {fact.key: (window(fact), screen(fact)) for fact in facts}
    blocks = {key: block for key, block in blocks.items() if block[0] is not None}
    if not blocks:
        return {}, {}
    where = Q()
    for block, rule in set(blocks.values()):
        where |= _where(block, rule)
    rows = (
        Incident.objects.filter(where, is_background=False, status__in=LINKABLE)
        .order_by("-start_date", "-id")
        .values_list(*_ROW)[: SCAN_LIMIT * len(set(blocks.values()))]
    )
    found = {str(values[0]): (_row_facts(values), []) for values in rows}
    listed = {fact.key: _within(found, fact, *blocks[fact.key]) for fact in facts if fact.key in blocks}
    keep = {key for keys in listed.values() for key in keys}
    reports = Report.objects.filter(incident_id__in=[int(k) for k in keep]).order_by("pk")
    for pk, incident_id, data in reports.values_list("pk", "incident_id", "facts"):
        if data.get("published"):
            found[str(incident_id)][1].append(ReportFacts.from_json({**data, "key": str(pk)}))
        else:  # a report written without its facts stands for its incident's values
            found[str(incident_id)][1].append(facts_of(Report.objects.select_related("incident").get(pk=pk)))
    return {key: value for key, value in found.items() if key in keep}, listed


def possible_duplicates_open(filings: Sequence[Filing], incidents: dict[int, Incident]) -> None:
    """Queue each "ask" decision's pairs (the new incident and each candidate it may be)."""
    rows = []
    for filing in filings:
        if filing.decision.action != "ask" or filing.sequence not in incidents:
            continue
        for match in (filing.decision.best, *filing.decision.others):
            if match is None:
                continue
            rows.append(
                PossibleDuplicate(
                    incident=incidents[filing.sequence],
                    candidate_id=int(match.event),
                    score=round(match.score, 4),
                    reasons=reasons_json(match.reasons),
                )
            )
    if rows:
        PossibleDuplicate.objects.bulk_create(rows, ignore_conflicts=True)


def reasons_json(reasons: Iterable) -> list[list]:
    return [[r.name, round(r.weight, 3), r.says] for r in reasons]


# --- applying what the reports say -------------------------------------------------------------

# The incident's fields a reconcile sets, grouped as the review page proposes them.
PROPOSAL_GROUPS = {
    "date": ("start_date", "end_date", "date_precision"),
    "type": ("event_type", "sub_event_type"),
    "place": ("country", "admin1", "location", "location_name", "latitude", "longitude", "geo_precision"),
    "fatalities": ("fatalities_low", "fatalities_best", "fatalities_high"),
    "injured": ("injured_low", "injured_best", "injured_high"),
}
RECONCILED_FIELDS = [name for names in PROPOSAL_GROUPS.values() for name in names]
_LABELS = {"date": "date", "type": "type", "place": "place", "fatalities": "toll", "injured": "injured"}


def field_values(rec: Reconciled) -> dict:
    """The incident's field values (attnames: country_id, location_id) that `rec` gives."""
    location = int(rec.location_key) if rec.location_key.isdigit() else None
    if location is not None and not Location.objects.filter(pk=location).exists():
        location = None
    country = rec.country if rec.country and Country.objects.filter(pk=rec.country).exists() else None
    return {
        "start_date": rec.start_date,
        "end_date": rec.end_date if rec.end_date and rec.end_date != rec.start_date else None,
        "date_precision": rec.date_precision
        if rec.date_precision in Incident.DatePrecision.values
        else "day",
        "event_type": rec.event_type,
        "sub_event_type": rec.sub_event_type,
        "country_id": country,
        "admin1": rec.admin1[:200],
        "location_id": location,
        "location_name": rec.location[:200],
        "latitude": rec.latitude,
        "longitude": rec.longitude,
        "geo_precision": rec.geo_precision if rec.geo_precision in Incident.GeoPrecision.values else "exact",
        "fatalities_low": rec.fatalities[0],
        "fatalities_best": rec.fatalities[1],
        "fatalities_high": rec.fatalities[2],
        "injured_low": rec.injured[0],
        "injured_best": rec.injured[1],
        "injured_high": rec.injured[2],
    }


def _attname(name: str) -> str:
    return {"country": "country_id", "location": "location_id"}.get(name, name)


def snapshot(incident: Incident) -> dict:
    """What undoing a link, merge or split restores of `incident`: fields, links, proposals."""
    values = {_attname(n): getattr(incident, _attname(n)) for n in RECONCILED_FIELDS}
    return {
        "fields": {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()},
        "article": incident.article_id,
        "status": incident.status,
        "merged_into": incident.merged_into_id,
        "proposals": incident.proposals,
        "actors": sorted(IncidentActor.objects.filter(incident=incident).values_list("actor_id", "role")),
        "sources": sorted(
            IncidentSource.objects.filter(incident=incident).values_list("source_id", "article_id")
        ),
    }


def incidents_refresh(
    incidents: Sequence[Incident], added: dict[int, list[Report]], *, user=None, reason: str = ""
) -> None:
    """After reports joined or left `incidents` (rows locked by the caller): a draft takes the
    reconciled fields, actors and sources; a reviewed one gets proposals for what the `added`
    reports change, and their publishers as sources (adding a source overwrites nothing)."""
    reports = _reports_of([i.pk for i in incidents])
    drafts, reviewed = [], []
    for incident in incidents:
        own = reports.get(incident.pk, [])
        if not own:
            continue
        if incident.status == Incident.Status.DRAFT:
            _set_fields(incident, field_values(reconcile([facts_of(r) for r in own])))
            incident.article_id = own[0].article_id
            drafts.append(incident)
        else:
            new = added.get(incident.pk, [])
            _propose(incident, own, new)
            reviewed.append(incident)
    for incident in [*drafts, *reviewed]:
        incident.version += 1
        if reason:
            incident._change_reason = reason
    if drafts:
        fields = [_attname(n) for n in RECONCILED_FIELDS]
        bulk_update_with_history(
            drafts, Incident, [*fields, "article", "version", "updated_at"], default_user=user
        )
        _sync_actors(drafts, reports)
    if reviewed:
        bulk_update_with_history(
            reviewed, Incident, ["proposals", "version", "updated_at"], default_user=user
        )
    _sync_sources(incidents, reports, drafts_only=[i.pk for i in drafts])


def _reports_of(ids: list[int]) -> dict[int, list[Report]]:
    out: dict[int, list[Report]] = {}
    rows = Report.objects.filter(incident_id__in=ids).select_related("article__publisher")
    for report in rows.order_by("article__published", "pk"):
        out.setdefault(report.incident_id, []).append(report)
    return out


def _set_fields(incident: Incident, values: dict) -> None:
    from django.utils import timezone

    for name, value in values.items():
        setattr(incident, name, value)
    incident.updated_at = timezone.now()


def _propose(incident: Incident, own: list[Report], new: list[Report]) -> None:
    """Proposals for the field groups the `new` reports change (compared with the reconcile of
    the others), where that differs from what the incident says."""
    from django.utils import timezone

    incident.updated_at = timezone.now()
    if not new:
        return
    new_ids = {r.pk for r in new}
    without = [facts_of(r) for r in own if r.pk not in new_ids]
    after = field_values(reconcile([facts_of(r) for r in own]))
    before = field_values(reconcile(without)) if without else {}
    proposals = dict(incident.proposals or {})
    for group, names in PROPOSAL_GROUPS.items():
        keys = [_attname(n) for n in names]
        proposed = {k: after[k] for k in keys}
        current = {k: getattr(incident, k) for k in keys}
        if proposed == current or (before and all(before[k] == after[k] for k in keys)):
            continue
        proposals[group] = {
            "label": _LABELS[group],
            "values": {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in proposed.items()},
            "shown": _shown(group, proposed),
            "was": _shown(group, current),
            "report": new[-1].pk,
            "publisher": new[-1].article.publisher.name if new[-1].article.publisher_id else "",
        }
    incident.proposals = proposals


def _shown(group: str, values: dict) -> str:
    """A group's values as the review page says them ("150", "2024-03-02", "Hodan, Banadir")."""
    if group == "date":
        start, end = values["start_date"], values["end_date"]
        return f"{start} – {end}" if end else str(start or "—")
    if group == "type":
        return values["sub_event_type"] or "—"
    if group == "place":
        parts = [values["location_name"], values["admin1"], values["country_id"] or ""]
        return ", ".join(p for p in parts if p) or "—"
    low, best, high = values.values()
    if best is None:
        return "—"
    return f"{best} ({low}–{high})" if low is not None and high is not None and low != high else str(best)


def _sync_actors(drafts: list[Incident], reports: dict[int, list[Report]]) -> None:
    """A draft's perpetrators and targets are its reports' (associated actors are left alone)."""
    wanted: dict[int, set[tuple[str, str]]] = {}
    names: set[str] = set()
    for incident in drafts:
        rec_pairs = set()
        for report in reports.get(incident.pk, []):
            facts = facts_of(report)
            rec_pairs |= {(n, "actor1") for n in facts.actors1} | {(n, "actor2") for n in facts.actors2}
        wanted[incident.pk] = rec_pairs
        names |= {n for n, _ in rec_pairs}
    ids = dict(Actor.objects.filter(name__in=names).values_list("name", "pk")) if names else {}
    current = IncidentActor.objects.filter(incident_id__in=list(wanted), role__in=["actor1", "actor2"])
    have = {(row.incident_id, row.actor_id, row.role): row for row in current}
    want = {(pk, ids[n], role) for pk, pairs in wanted.items() for n, role in pairs if n in ids}
    gone = [row for key, row in have.items() if key not in want]
    for row in gone:
        row.delete()
    add = [IncidentActor(incident_id=i, actor_id=a, role=r) for i, a, r in sorted(want - set(have))]
    if add:
        bulk_create_with_history(add, IncidentActor, default_change_reason=None)


def _sync_sources(
    incidents: Sequence[Incident], reports: dict[int, list[Report]], drafts_only: list[int]
) -> None:
    """Sources are the union of the reports' publishers and cited organisations: added to every
    incident, and removed (when no report gives them any more) from drafts only."""
    wanted: dict[int, dict[str, int]] = {}
    for incident in incidents:
        names: dict[str, int] = {}
        for report in reports.get(incident.pk, []):
            if report.article.publisher_id:
                names.setdefault(report.article.publisher.name, report.article_id)
            for name in facts_of(report).sources:
                names.setdefault(name, report.article_id)
        wanted[incident.pk] = names
    all_names = {n for names in wanted.values() for n in names}
    ids = named_ids(Source, {name: {} for name in all_names}) if all_names else {}
    have = {
        (row.incident_id, row.source_id): row
        for row in IncidentSource.objects.filter(incident_id__in=[i.pk for i in incidents])
    }
    want = {(pk, ids[n]): article for pk, names in wanted.items() for n, article in names.items()}
    for key, row in have.items():
        if key not in want and key[0] in drafts_only:
            row.delete()
    add = [
        IncidentSource(incident_id=i, source_id=s, article_id=a)
        for (i, s), a in want.items()
        if (i, s) not in have
    ]
    if add:
        bulk_create_with_history(add, IncidentSource, default_change_reason=None)


def reports_joined(article: Article, pairs: list[tuple[Filing, Report]]) -> None:
    """The article's reports the linker filed under existing incidents: refresh those incidents
    (locked, in id order) and record each link, undoable (incidents.services.merging)."""
    if not pairs:
        return
    targets = sorted({filing.target for filing, _ in pairs})
    locked = {i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=targets).order_by("pk")}
    before = {pk: snapshot(incident) for pk, incident in locked.items()}
    added: dict[int, list[Report]] = {}
    for filing, report in pairs:
        added.setdefault(filing.target, []).append(report)
    publisher = article.publisher.name if article.publisher_id else f"article {article.pk}"
    incidents_refresh(list(locked.values()), added, reason=f"new report linked: {publisher}")
    LinkAction.objects.bulk_create(
        LinkAction(
            kind=LinkAction.Kind.LINK,
            incident_id=filing.target,
            reports=[report.pk],
            score=report.link_score,
            reasons=report.link_reasons,
            before={"target": before[filing.target]},
            versions={str(filing.target): locked[filing.target].version},
        )
        for filing, report in pairs
    )
