"""Merging incidents, splitting a report out, deciding the "possible same event" queue, and
undoing any of them: each is one transaction and one `LinkAction` in the history.

A merge moves every report (with its evidence) of one incident into another and leaves the first
as a pointer (status merged, `merged_into`); a split moves one report into a new incident. The
incidents' fields follow their reports (incidents.services.linking.incidents_refresh), except
fields an analyst reviewed, which get proposals instead. Undoing restores what the action
replaced, and is refused when either incident changed since (then split or merge again).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from incidents.linking.reconcile import reconcile
from incidents.models import (
    Evidence,
    Incident,
    IncidentActor,
    IncidentSource,
    LinkAction,
    PossibleDuplicate,
    Report,
)
from incidents.services.linking import (
    PROPOSAL_GROUPS,
    facts_of,
    field_values,
    incidents_refresh,
    snapshot,
)
from incidents.services.review import ReviewRefused
from incidents.services.versions import Expected, VersionConflict, lock_incidents

_CLOSED = (Incident.Status.MERGED,)


def _lock_pair(first: int, second: int, expected: dict[int, int]) -> tuple[Incident, Incident]:
    rows = {row.pk: row for row in lock_incidents([first, second], expected)}
    if first not in rows or second not in rows:
        raise ReviewRefused("There is no incident with that id.")
    return rows[first], rows[second]


@transaction.atomic
def incidents_merge(
    incident: Incident | int,
    into: Incident | int,
    *,
    user=None,
    expected_version: Expected = None,
    score: float | None = None,
    reasons: list | None = None,
) -> LinkAction:
    """Merge `incident` into `into`: its reports (and their evidence) move there, it becomes a
    pointer (status merged, merged_into), and incidents merged into it earlier point on."""
    pk = incident.pk if isinstance(incident, Incident) else int(incident)
    into_pk = into.pk if isinstance(into, Incident) else int(into)
    if pk == into_pk:
        raise ReviewRefused("An incident cannot be merged into itself.")
    expected = {pk: expected_version} if isinstance(expected_version, int) else {}
    other, target = _lock_pair(pk, into_pk, expected)
    if target.status in _CLOSED:
        raise ReviewRefused(
            f"Incident {target.pk} was merged into incident {target.merged_into_id}; merge into that one."
        )
    if other.status in _CLOSED:
        raise ReviewRefused(f"Incident {other.pk} is already merged into incident {other.merged_into_id}.")
    before = {"target": snapshot(target), "other": snapshot(other)}
    moved = list(Report.objects.filter(incident=other).order_by("pk"))
    pointing = list(Incident.objects.filter(merged_into=other).values_list("pk", flat=True))
    before["pointing"] = pointing
    _move(moved, target, Report.LinkedBy.ANALYST)
    Incident.objects.filter(pk__in=pointing).update(merged_into=target)
    other.status, other.merged_into, other.proposals = Incident.Status.MERGED, target, {}
    _save(other, user, f"merged into incident {target.pk}")
    incidents_refresh([target], {target.pk: moved}, user=user, reason=f"incident {other.pk} merged in")
    _close_pairs(other.pk, target.pk, PossibleDuplicate.State.MERGED, user)
    return LinkAction.objects.create(
        kind=LinkAction.Kind.MERGE,
        incident=target,
        other=other,
        reports=[r.pk for r in moved],
        score=score,
        reasons=reasons or [],
        before=before,
        versions={str(target.pk): target.version, str(other.pk): other.version},
        user=_user(user),
    )


@transaction.atomic
def report_split(report: Report | int, *, user=None, expected_version: Expected = None) -> LinkAction:
    """Move one report out of its incident into a new draft incident of its own."""
    report = Report.objects.select_related("article__publisher").get(pk=getattr(report, "pk", report))
    expected = {report.incident_id: expected_version} if isinstance(expected_version, int) else {}
    (incident,) = lock_incidents([report.incident_id], expected)
    if Report.objects.filter(incident=incident).count() < 2:
        raise ReviewRefused("This is the incident's only report: there is nothing to split it from.")
    before = {"target": snapshot(incident)}
    new = _incident_from(report, user)
    _move([report], new, Report.LinkedBy.ANALYST)
    incident.proposals = {g: p for g, p in (incident.proposals or {}).items() if p.get("report") != report.pk}
    incidents_refresh([incident, new], {}, user=user, reason=f"report {report.pk} split out")
    return LinkAction.objects.create(
        kind=LinkAction.Kind.SPLIT,
        incident=incident,
        other=new,
        reports=[report.pk],
        before=before,
        versions={str(incident.pk): incident.version, str(new.pk): new.version},
        user=_user(user),
    )


def _incident_from(report: Report, user) -> Incident:
    """A new draft incident holding what one report drafted."""
    values = field_values(reconcile([facts_of(report)]))
    incident = Incident(
        article_id=report.article_id,
        confidence=report.confidence,
        is_background=bool(report.facts.get("background")),
        status=Incident.Status.DRAFT,
        **values,
    )
    if user is not None:
        incident._history_user = user
    incident._change_reason = f"split from incident {report.incident_id}"
    incident.save()
    return incident


def _move(reports: list[Report], target: Incident, how: str) -> None:
    ids = [r.pk for r in reports]
    Report.objects.filter(pk__in=ids).update(incident=target, linked_by=how)
    Evidence.objects.filter(report_id__in=ids).update(incident=target)
    for report in reports:
        report.incident_id = target.pk


def _save(incident: Incident, user, reason: str) -> None:
    incident.version += 1
    incident.updated_at = timezone.now()
    if user is not None:
        incident._history_user = user
    incident._change_reason = reason
    incident.save()


def _user(user):
    return user if getattr(user, "pk", None) else None


def _close_pairs(first: int, second: int, state: str, user) -> None:
    PossibleDuplicate.objects.filter(
        incident_id__in=[first, second], candidate_id__in=[first, second], state=PossibleDuplicate.State.OPEN
    ).update(state=state, decided_by=_user(user), decided_at=timezone.now())


@transaction.atomic
def possible_duplicate_decide(pair: PossibleDuplicate | int, same: bool, *, user=None) -> LinkAction | None:
    """An analyst's answer to the queue: the same event (merge the newer into the older) or not
    (the pair is closed and never asked again)."""
    pair = PossibleDuplicate.objects.select_for_update().get(pk=getattr(pair, "pk", pair))
    if pair.state != PossibleDuplicate.State.OPEN:
        raise ReviewRefused("This pair was already decided.")
    if not same:
        _close_pairs(pair.incident_id, pair.candidate_id, PossibleDuplicate.State.REJECTED, user)
        return None
    keep, fold = sorted([pair.incident_id, pair.candidate_id])
    return incidents_merge(fold, keep, user=user, score=pair.score, reasons=pair.reasons)


@transaction.atomic
def proposal_decide(
    incident: Incident, group: str, accept: bool, *, user=None, expected_version: Expected = None
) -> Incident:
    """Accept a newer report's proposal (the fields take its values) or ignore it."""
    from incidents.services.review import incident_update

    if group not in PROPOSAL_GROUPS:
        raise ReviewRefused(f"Unknown proposal {group!r}.")
    (locked,) = lock_incidents(
        [incident.pk], {incident.pk: expected_version} if isinstance(expected_version, int) else {}
    )
    proposal = (locked.proposals or {}).get(group)
    if proposal is None:
        raise ReviewRefused("There is no such proposal (it may have been decided already).")
    rest = {g: p for g, p in locked.proposals.items() if g != group}
    if not accept:
        locked.proposals = rest
        _save(locked, user, f"new report's {proposal.get('label', group)} ignored")
        return locked
    Incident.objects.filter(pk=locked.pk).update(proposals=rest)
    changes = {_field(name): _parsed(name, value) for name, value in proposal["values"].items()}
    return incident_update(locked, user=user, **changes)


def _field(attname: str) -> str:
    return {"country_id": "country", "location_id": "location"}.get(attname, attname)


def _parsed(name: str, value):
    if name in ("start_date", "end_date") and isinstance(value, str):
        return date.fromisoformat(value)
    return value


@transaction.atomic
def link_action_undo(action: LinkAction | int, *, user=None) -> None:
    """Undo a link, merge or split, refused when either incident changed since."""
    action = LinkAction.objects.select_for_update().get(pk=getattr(action, "pk", action))
    if action.undone_at is not None:
        raise ReviewRefused("This was already undone.")
    ids = sorted({action.incident_id, *(int(pk) for pk in action.versions)} | {action.other_id} - {None})
    rows = {row.pk: row for row in lock_incidents(ids)}
    recorded = {int(pk): version for pk, version in action.versions.items()}
    changed = [pk for pk in ids if pk not in rows or rows[pk].version != recorded.get(pk, rows[pk].version)]
    if changed:
        raise ReviewRefused(f"Incident {changed[0]} changed since; split or merge again instead of undoing.")
    target = rows[action.incident_id]
    reports = list(Report.objects.filter(pk__in=action.reports))
    if action.kind == LinkAction.Kind.MERGE:
        other = rows[action.other_id]
        _move(reports, other, Report.LinkedBy.DRAFTED)
        Incident.objects.filter(pk__in=action.before.get("pointing", [])).update(merged_into=other)
        _restore(other, action.before["other"], user, f"merge into incident {target.pk} undone")
        # a "same event" from the queue taken back: the pair asks its question again
        PossibleDuplicate.objects.filter(
            incident_id__in=[target.pk, other.pk],
            candidate_id__in=[target.pk, other.pk],
            state=PossibleDuplicate.State.MERGED,
        ).update(state=PossibleDuplicate.State.OPEN, decided_by=None, decided_at=None)
    elif action.kind == LinkAction.Kind.SPLIT:
        other = rows[action.other_id]
        _move(reports, target, Report.LinkedBy.ANALYST)
        # emptied: it stays, as a pointer back (API clients may have seen it), out of every list
        other.status, other.merged_into = Incident.Status.MERGED, target
        _save(other, user, f"split from incident {target.pk} undone")
    else:  # a worker's link: the report goes out into an incident of its own
        for report in reports:
            new = _incident_from(report, user)
            _move([report], new, Report.LinkedBy.ANALYST)
            incidents_refresh([new], {}, user=user, reason="link undone")
    if "target" in action.before:  # (merges the 0017 migration made from "duplicate of" left it as it was)
        _restore(target, action.before["target"], user, f"{action.get_kind_display().lower()} undone")
    action.undone_at, action.undone_by = timezone.now(), _user(user)
    action.save(update_fields=["undone_at", "undone_by"])


def _restore(incident: Incident, state: dict, user, reason: str) -> None:
    """Put back the fields, links and proposals `state` (a `snapshot`) recorded."""
    for name, value in state.get("fields", {}).items():
        field = Incident._meta.get_field(_field(name))
        setattr(incident, name, field.to_python(value) if value is not None else None)
    incident.status = state.get("status", incident.status)
    incident.merged_into_id = state.get("merged_into")
    incident.proposals = state.get("proposals") or {}
    if state.get("article"):
        incident.article_id = state["article"]
    _save(incident, user, reason)
    actors = {tuple(pair) for pair in state.get("actors", [])}
    sources = {tuple(pair) for pair in state.get("sources", [])}
    for row in IncidentActor.objects.filter(incident=incident):
        if (row.actor_id, row.role) not in actors:
            row.delete()
    have = set(IncidentActor.objects.filter(incident=incident).values_list("actor_id", "role"))
    new_actors = [IncidentActor(incident=incident, actor_id=a, role=r) for a, r in sorted(actors - have)]
    if new_actors:
        bulk_create_with_history(new_actors, IncidentActor, default_user=user)
    for row in IncidentSource.objects.filter(incident=incident):
        if row.source_id not in {s for s, _ in sources}:
            row.delete()
    have_sources = set(IncidentSource.objects.filter(incident=incident).values_list("source_id", flat=True))
    new_sources = [
        IncidentSource(incident=incident, source_id=s, article_id=a)
        for s, a in sorted(sources)
        if s not in have_sources
    ]
    if new_sources:
        bulk_create_with_history(new_sources, IncidentSource, default_user=user)


__all__ = [
    "VersionConflict",
    "incidents_merge",
    "link_action_undo",
    "possible_duplicate_decide",
    "proposal_decide",
    "report_split",
]
