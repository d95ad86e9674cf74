"""Optimistic concurrency for incidents: a write names the version it was based on, and is refused
when the incident has changed since, instead of silently overwriting the other change.

Every writer locks the incident row first (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's
IMMEDIATE transactions take the database's write lock at BEGIN), compares the version under the
lock, and saves with the version plus one, so two writers from one base version never both win.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from incidents.models import Incident
from incidents.review.history import Change, changes_since

Expected = int | Collection[int] | None  # a version, any of several (If-Match lists), or no check


@dataclass
class Stale:
    """One incident a write was refused for: the version the writer saw, the one stored now (None:
    deleted since) and what changed in between."""

    incident_id: int
    expected: int | None
    current: int | None
    changes: list[Change] = field(default_factory=list)

    def message(self) -> str:
        if self.current is None:
            return f"Incident {self.incident_id} was deleted since you loaded it."
        head = (
            f"Incident {self.incident_id} was changed by someone else since you loaded it "
            f"(your version {self.expected}, now {self.current})"
        )
        if not self.changes:
            return head + "."
        parts = [f"{c.label}: “{c.old}” → “{c.new}” by {c.by}" for c in self.changes]
        return f"{head}: " + "; ".join(parts) + "."

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.incident_id,
            "your_version": self.expected,
            "current_version": self.current,
            "changes": [{"field": c.label, "from": c.old, "to": c.new, "by": c.by} for c in self.changes],
        }


class VersionConflict(Exception):
    """A write based on an old version of one or more incidents; nothing of it was saved."""

    def __init__(self, stale: list[Stale]) -> None:
        self.stale = stale
        super().__init__(" ".join(s.message() for s in stale))

    def as_dict(self) -> dict[str, object]:
        return {"detail": str(self), "conflicts": [s.as_dict() for s in self.stale]}


def _matches(version: int, expected: Expected) -> bool:
    if expected is None:
        return True
    if isinstance(expected, int):
        return version == expected
    return version in expected


def _stale(incident_id: int, expected: Expected, current: int | None) -> Stale:
    base = expected if isinstance(expected, int) else min(expected or [0], default=0)
    changes = changes_since(incident_id, base) if current is not None else []
    return Stale(incident_id, base, current, changes)


def lock_incident(incident: Incident, expected: Expected = None) -> Incident:
    """Reload `incident` from its row, locked until the transaction ends, and refuse (raise
    VersionConflict) when its version is not the expected one. Call inside `transaction.atomic`."""
    try:
        incident.refresh_from_db(from_queryset=Incident.objects.select_for_update())
    except Incident.DoesNotExist:
        raise VersionConflict([Stale(incident.pk, _first(expected), None)]) from None
    if not _matches(incident.version, expected):
        raise VersionConflict([_stale(incident.pk, expected, incident.version)])
    return incident


def _first(expected: Expected) -> int | None:
    if expected is None or isinstance(expected, int):
        return expected
    return min(expected, default=None)


def lock_incidents(ids: Collection[int], expected: Mapping[int, int] | None = None) -> list[Incident]:
    """The incidents with these ids, locked (in id order, so two writers never deadlock); when
    `expected` gives versions, any incident changed or deleted since refuses the whole write."""
    rows = list(Incident.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if expected:
        found = {row.pk: row.version for row in rows}
        stale = [
            _stale(pk, version, found.get(pk))
            for pk, version in sorted(expected.items())
            if found.get(pk) != version
        ]
        if stale:
            raise VersionConflict(stale)
    return rows
