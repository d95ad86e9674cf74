"""An incident's history as a list of entries, newest first, read in a fixed number of queries.

Each historical incident record is compared with the one before it (simple_history's
diff_against). Actor and source links have their own historical records; a link change joins
the incident change made by the same user within a few seconds (one Save writes both), and
otherwise stands as an entry of its own. Every link, merge and split (`LinkAction`) the incident
took part in, as the one that stands or the other, is an entry in words (incidents.review.links).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q

from incidents.models import Country, Incident, IncidentActor, IncidentSource, LinkAction, Location
from incidents.review.links import publishers_of, story, user_name

LIMIT = 200  # incident records shown; older ones are summarised as "earlier changes not shown"
SAME_SAVE = timedelta(seconds=5)
SYSTEM = "extractor/system"
_VERB = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class LinkChange:
    kind: str  # "actor" or "source"
    action: str  # "added", "removed" or "changed"
    text: str


@dataclass
class Entry:
    when: datetime
    who: str
    user_id: int | None
    action: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)
    story: str = ""  # a link, merge or split in words ("Merged incident 12 into this")
    undone: bool = False


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return SYSTEM
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


class _Labels:
    """Turns stored values into what an analyst reads; foreign keys looked up once per model."""

    def __init__(self, deltas: list) -> None:
        wanted: dict[str, set] = {"country": set(), "location": set(), "assigned_to": set()}
        for delta in deltas:
            for change in delta.changes:
                if change.field in wanted:
                    wanted[change.field].update(v for v in (change.old, change.new) if v is not None)
        users = get_user_model().objects.filter(pk__in=wanted["assigned_to"]) if wanted["assigned_to"] else []
        self.names = {
            "country": dict(Country.objects.filter(pk__in=wanted["country"]).values_list("pk", "name"))
            if wanted["country"]
            else {},
            "location": {loc.pk: str(loc) for loc in Location.objects.filter(pk__in=wanted["location"])}
            if wanted["location"]
            else {},
            "assigned_to": {u.pk: u.get_full_name() or u.get_username() for u in users},
        }

    def __call__(self, name: str, value) -> str:
        if value is None or value == "":
            return "—"
        if name in self.names:
            return self.names[name].get(value, str(value))
        if name in ("merged_into", "article"):
            return f"#{value}"
        choices = dict(Incident._meta.get_field(name).flatchoices)
        if value in choices:
            return str(choices[value])
        if isinstance(value, date | datetime):
            return value.isoformat()
        return str(value)


def _link_changes(incident: Incident) -> list[tuple[datetime, int | None, str, LinkChange]]:
    """(when, user id, who, change) for every actor or source link added to or removed from it."""
    out = []
    for model, kind, related in ((IncidentActor, "actor", "actor"), (IncidentSource, "source", "source")):
        records = (
            model.history.filter(incident_id=incident.pk)
            .select_related(related, "history_user")
            .order_by("-history_date")[: LIMIT * 5]
        )
        for rec in records:
            linked = getattr(rec, related)  # None once the actor or source itself was deleted
            text = str(linked) if linked is not None else f"#{getattr(rec, f'{related}_id')} (deleted)"
            if kind == "actor":
                text += (
                    f" ({IncidentActor.Role(rec.role).label})"
                    if rec.role in IncidentActor.Role.values
                    else ""
                )
            action = {"+": "added", "-": "removed"}.get(rec.history_type, "changed")
            out.append((rec.history_date, rec.history_user_id, _who(rec), LinkChange(kind, action, text)))
    return out


def _attach(entries: list[Entry], links: list[tuple]) -> list[Entry]:
    """Put each link change with the incident change of the same save, else in an entry of its own."""
    loose: list[Entry] = []
    for when, user_id, who, change in sorted(links, key=lambda item: item[0]):
        near = [e for e in entries if e.user_id == user_id and abs(e.when - when) <= SAME_SAVE]
        if near:
            min(near, key=lambda e: abs(e.when - when)).links.append(change)
            continue
        last = loose[-1] if loose else None
        if last and last.user_id == user_id and when - last.when <= SAME_SAVE:
            last.links.append(change)
        else:
            loose.append(Entry(when=when, who=who, user_id=user_id, action="changed links", links=[change]))
    return entries + loose


def incident_history(incident: Incident) -> tuple[list[Entry], bool]:
    """The entries (newest first) and whether older incident records were left out."""
    records = list(
        incident.history.select_related("history_user").order_by("-history_date", "-history_id")[: LIMIT + 1]
    )
    truncated = len(records) > LIMIT
    shown_records = records[:LIMIT]
    # each record against the one before it; the oldest record fetched is the creation (or the cut)
    deltas = {
        rec.pk: rec.diff_against(older, excluded_fields=["version"])
        for rec, older in zip(records, records[1:], strict=False)
    }
    label = _Labels(list(deltas.values()))
    entries = []
    for rec in shown_records:
        entry = Entry(
            when=rec.history_date,
            who=_who(rec),
            user_id=rec.history_user_id,
            action=_VERB.get(rec.history_type, "changed"),
            reason=rec.history_change_reason or "",
        )
        for change in deltas[rec.pk].changes if rec.pk in deltas else []:
            verbose = Incident._meta.get_field(change.field).verbose_name
            entry.changes.append(
                FieldChange(
                    change.field,
                    str(verbose),
                    label(change.field, change.old),
                    label(change.field, change.new),
                )
            )
        entries.append(entry)
    links = _link_changes(incident)
    if truncated and records:
        oldest = shown_records[-1].history_date - SAME_SAVE
        links = [item for item in links if item[0] >= oldest]
    entries = _attach(entries, links)
    for entry in entries:  # a save of links alone still moves the version on: it is a links entry
        if entry.action == "changed" and entry.links and not entry.changes:
            entry.action = "changed links"
    # a Save that changed nothing leaves a record with no differences: it is not a change
    shown = [e for e in entries if e.changes or e.links or e.action != "changed"]
    shown += _link_action_entries(incident)
    shown.sort(key=lambda e: e.when, reverse=True)
    return shown, truncated


def _link_action_entries(incident: Incident) -> list[Entry]:
    """Every link, merge and split the incident took part in, newest first (two queries)."""
    actions = list(
        LinkAction.objects.filter(Q(incident=incident) | Q(other=incident))
        .select_related("user", "undone_by")
        .order_by("-at", "-id")[:LIMIT]
    )
    publishers = publishers_of(actions)
    return [
        Entry(
            when=action.at,
            who=user_name(action.user),
            user_id=action.user_id,
            action=action.kind,
            story=story(action, incident.pk, publishers),
            undone=action.undone_at is not None,
        )
        for action in actions
    ]


@dataclass
class Change:
    """One field (or actor/source link) someone changed after a given version."""

    label: str
    old: str
    new: str
    by: str


def _link_changes_of(incident_id: int, saves: list, since: datetime) -> list[Change]:
    """Actor and source links added or removed by the given saves (a save writes its links just
    before its incident record, as the same user), oldest first."""
    found = []
    for when, user_id, who, change in _link_changes(Incident(pk=incident_id)):
        if when > since and any(
            rec.history_user_id == user_id and rec.history_date - SAME_SAVE <= when <= rec.history_date
            for rec in saves
        ):
            found.append((when, who, change))
    found.sort(key=lambda item: item[0])
    return [
        Change(f"{change.kind} {change.action}", "" if change.action == "added" else change.text,
               change.text if change.action == "added" else "", who)
        for _when, who, change in found
    ]  # fmt: skip


def changes_since(incident_id: int, version: int) -> list[Change]:
    """What was changed after `version`: each field from its value then to its value now, with who
    changed it, plus the actor and source links added or removed since (from the history records)."""
    records = Incident.history.filter(id=incident_id).select_related("history_user")
    records = records.order_by("history_date", "history_id")
    base = records.filter(version__lte=version).last()
    later = list(records.filter(version__gt=version))
    if base is None or not later:
        return []
    deltas, previous = [], base
    for record in later:
        deltas.append((record, record.diff_against(previous, excluded_fields=["version"])))
        previous = record
    label = _Labels([delta for _, delta in deltas])
    first_old: dict[str, object] = {}
    last_new: dict[str, object] = {}
    who: dict[str, list[str]] = {}
    for record, delta in deltas:
        for change in delta.changes:
            first_old.setdefault(change.field, change.old)
            last_new[change.field] = change.new
            names = who.setdefault(change.field, [])
            if _who(record) not in names:
                names.append(_who(record))
    out = [
        Change(
            str(Incident._meta.get_field(name).verbose_name),
            label(name, first_old[name]),
            label(name, last_new[name]),
            ", ".join(who[name]),
        )
        for name in last_new
        if first_old[name] != last_new[name]
    ]
    return out + _link_changes_of(incident_id, later, base.history_date)
