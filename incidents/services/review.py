"""An analyst's review of one incident: edit every field and its links, publish, reject, merge.

Link rows (actors, sources) are changed by difference, not replaced wholesale, so the history
shows exactly which actor or source an analyst added or removed. Every row written here gets
a historical record carrying the user: the one passed in, else the request's (middleware).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from incidents.models import Actor, Incident, IncidentActor, IncidentSource, Source
from incidents.services.incidents import incident_set_status
from incidents.services.reference import named_get_or_create
from incidents.services.review_checks import check_figures, resolve_typed_place
from incidents.services.versions import Expected, lock_incident

REVIEW_ACTIONS = {"approve": Incident.Status.PUBLISHED, "reject": Incident.Status.REJECTED}


class ReviewRefused(ValidationError, ValueError):
    """A review step that would leave the data inconsistent; both a ValidationError (forms show
    it) and a ValueError (callers passing bad arguments can catch that)."""


def _editable_fields() -> dict[str, models.Field]:
    return {f.name: f for f in Incident._meta.concrete_fields if f.editable and not f.primary_key}


def _set_field(incident: Incident, name: str, value) -> None:
    """Set a field; a foreign key takes an instance, a primary key value or None."""
    field = _editable_fields()[name]
    if field.is_relation and value is not None and not isinstance(value, models.Model):
        setattr(incident, field.attname, value)
    else:
        setattr(incident, name, value)


def _values(incident: Incident, names: Iterable[str]) -> dict[str, object]:
    """The stored values (foreign keys as ids) of the named fields; a typo is an error, not a no-op."""
    fields = _editable_fields()
    unknown = sorted(set(names) - set(fields))
    if unknown:
        raise ValueError(f"Incident has no editable field {', '.join(map(repr, unknown))}")
    return {name: getattr(incident, fields[name].attname) for name in names}


def _resolve_actor(actor: Actor | int | str) -> Actor:
    if isinstance(actor, Actor):
        return actor
    if isinstance(actor, int):
        return Actor.objects.get(pk=actor)
    name = " ".join(str(actor).split())
    found = Actor.objects.filter(name__iexact=name).first()
    if found is None:
        raise ValidationError({"actors": f"No actor is called “{name}”; add it to the actors first."})
    return found


def _actor_links(actors: Iterable[Mapping | tuple]) -> set[tuple[int, str]]:
    """{(actor id, role)} from [{"actor": ..., "role": ...}] or [(actor, role)]."""
    links = set()
    for item in actors:
        actor, role = (item["actor"], item["role"]) if isinstance(item, Mapping) else item
        if role not in IncidentActor.Role.values:
            raise ValidationError({"actors": f"Unknown actor role {role!r}."})
        links.add((_resolve_actor(actor).pk, role))
    return links


def sources_by_name(names: Iterable[Source | str]) -> list[Source]:
    """Sources for the names given (case-insensitive, in order, once each), created when new."""
    wanted: dict[str, str] = {}
    found: dict[str, Source] = {}
    for item in names:
        if isinstance(item, Source):
            found[item.name.casefold()] = item
            wanted.setdefault(item.name.casefold(), item.name)
            continue
        name = " ".join(str(item).split())[:200]
        if name:
            wanted.setdefault(name.casefold(), name)
    missing = [n for key, n in wanted.items() if key not in found]
    if missing:
        query = Q()
        for name in missing:
            query |= Q(name__iexact=name)
        for source in Source.objects.filter(query):
            found.setdefault(source.name.casefold(), source)
    for key, name in wanted.items():
        if key not in found:
            found[key] = named_get_or_create(Source, name)
    return [found[key] for key in wanted]


def _delete_links(links: Iterable[models.Model], user) -> None:
    """One by one, so each deletion's historical record carries the user."""
    for link in links:
        if user is not None:
            link._history_user = user
        link.delete()


def _replace_actors(incident: Incident, actors, user) -> bool:
    """Make the incident's actor links these; whether any link was added or removed."""
    wanted = _actor_links(actors)
    current = list(incident.incident_actors.all())
    _delete_links([link for link in current if (link.actor_id, link.role) not in wanted], user)
    have = {(link.actor_id, link.role) for link in current}
    new = [IncidentActor(incident=incident, actor_id=a, role=r) for a, r in sorted(wanted - have)]
    if new:
        bulk_create_with_history(new, IncidentActor, default_user=user)
    return bool(new) or have != wanted


def _replace_sources(incident: Incident, sources, user) -> bool:
    """Make the incident's sources these; whether any was added or removed."""
    wanted = {s.pk: s for s in sources_by_name(sources)}
    current = list(incident.incident_sources.all())
    _delete_links([link for link in current if link.source_id not in wanted], user)
    have = {link.source_id for link in current}
    new = [
        IncidentSource(incident=incident, source=s, article_id=incident.article_id)
        for pk, s in wanted.items()
        if pk not in have
    ]
    if new:
        bulk_create_with_history(new, IncidentSource, default_user=user)
    return bool(new) or have != set(wanted)


@transaction.atomic
def incident_update(
    incident: Incident,
    *,
    actors: Iterable[Mapping | tuple] | None = None,
    sources: Iterable[Source | str] | None = None,
    user=None,
    expected_version: Expected = None,
    **changes,
) -> Incident:
    """Change any fields of an incident (validated by the model) and replace its actor and source
    links (`None` leaves them alone); raises ValidationError keyed by field.

    The row is locked and re-read first, so fields not named here keep what is stored now (a
    PATCH of one field never writes back stale values of the others); with `expected_version`,
    a write based on an older version raises VersionConflict. An analyst's edit (`user` given) of
    a draft makes it *reviewed* unless it sets the status itself, whichever door it came through,
    so a re-parse keeps it. Saves, and adds one to the version, only when something changed."""
    if incident.pk is not None:
        lock_incident(incident, expected_version)
        if user is not None and "status" not in changes and incident.status == Incident.Status.DRAFT:
            changes["status"] = Incident.Status.REVIEWED
    resolve_typed_place(incident, changes)
    before = _values(incident, changes)
    for name, value in changes.items():
        _set_field(incident, name, value)
    try:
        check_figures(incident, changes)  # before the model's rule: its message names the numbers
        incident.full_clean()
    except ValidationError:
        for name, value in before.items():  # the caller's instance stays as stored
            setattr(incident, _editable_fields()[name].attname, value)
        raise
    changed, creating = _values(incident, changes) != before, incident.pk is None
    if creating:
        _save(incident, user)
    if actors is not None:
        changed |= _replace_actors(incident, actors, user)
    if sources is not None:
        changed |= _replace_sources(incident, sources, user)
    if changed and not creating:
        incident.version += 1  # links count too: a stale form would put removed actors back
        _save(incident, user)
    return incident


def _save(incident: Incident, user) -> None:
    if user is not None:
        incident._history_user = user
    incident.save()


def incident_review(
    incident: Incident, action: str, *, user=None, expected_version: Expected = None
) -> Incident:
    """Approve (publish) or reject an incident, with a historical record of who did it; refused
    (VersionConflict) when `expected_version` is given and the incident changed since."""
    try:
        status = REVIEW_ACTIONS[action]
    except KeyError:
        raise ValueError(f"Unknown review action {action!r}; use approve or reject.") from None
    with transaction.atomic():
        lock_incident(incident, expected_version)
        if incident.status == Incident.Status.MERGED:
            raise ReviewRefused(
                f"Incident {incident.pk} was merged into incident {incident.merged_into_id}: review that one."
            )
        incident_set_status([incident], status, user=user)
    incident.status = status
    return incident


def previous_status(incident: Incident) -> str:
    """The status the incident had before its current rejection (its history, newest first)."""
    statuses = incident.history.order_by("-history_date", "-history_id").values_list("status", flat=True)
    for status in statuses:
        if status != Incident.Status.REJECTED:
            return status
    return Incident.Status.DRAFT


def incident_reject_undo(incident: Incident, *, user=None, expected_version: Expected = None) -> Incident:
    """Take back a rejection: the incident gets the status it had just before (draft, reviewed or
    published), as a new historical record, so the history shows both the rejection and its undo.
    Refused when the incident is not rejected, or (`expected_version`) changed since."""
    with transaction.atomic():
        lock_incident(incident, expected_version)
        if incident.status != Incident.Status.REJECTED:
            raise ReviewRefused(f"Incident {incident.pk} is not rejected: there is no rejection to undo.")
        status = previous_status(incident)
        incident_set_status([incident], status, user=user)
    incident.status = status
    return incident
