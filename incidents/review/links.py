"""Links, merges and splits (`LinkAction`) said in words, from one incident's point of view.

The history page and the undo notice both use these, so an analyst reads the same sentence for
the same action wherever it appears ("Merged incident 12 into this", "… undone by ana").
"""

from __future__ import annotations

from collections.abc import Iterable

from incidents.models import LinkAction, Report
from incidents.review.reports import reasons_plain

WORKER = "the worker"


def user_name(user) -> str:
    """A user as the desk names them; no user is the worker."""
    if user is None:
        return WORKER
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def publishers_of(actions: Iterable[LinkAction]) -> dict[int, str]:
    """{report id: publisher name} for every report the actions moved (one query)."""
    ids = {int(pk) for action in actions for pk in action.reports or []}
    rows = Report.objects.filter(pk__in=ids).select_related("article__publisher")
    return {
        row.pk: (row.article.publisher.name if row.article.publisher_id else "")
        or row.facts.get("publisher", "")
        or "an unknown publisher"
        for row in rows
    }


def _why(action: LinkAction) -> str:
    """ " (score 0.91: same day; both in Banadir)" when the action has a score or reasons."""
    said = reasons_plain(action.reasons)
    if action.score is None and not said:
        return ""
    score = f"score {action.score:.2f}" if action.score is not None else ""
    return " (" + ": ".join(part for part in (score, "; ".join(said)) if part) + ")"


def _reports(action: LinkAction) -> str:
    ids = [str(pk) for pk in action.reports or []]
    return ("report " if len(ids) == 1 else "reports ") + ", ".join(ids) if ids else "a report"


def story(action: LinkAction, pk: int, publishers: dict[int, str]) -> str:
    """What `action` did, seen from incident `pk` (the one that stands or the other)."""
    here = pk == action.incident_id
    if action.kind == LinkAction.Kind.LINK:
        names = sorted({publishers.get(int(r), "an unknown publisher") for r in action.reports or []})
        who = "the worker" if action.user_id is None else user_name(action.user)
        text = f"Report from {', '.join(names) or 'an unknown publisher'} linked by {who}{_why(action)}"
    elif action.kind == LinkAction.Kind.MERGE:
        text = (
            f"Merged incident {action.other_id} into this"
            if here
            else f"Merged into incident {action.incident_id}"
        )
        text += _why(action)
    else:
        report = _reports(action)
        text = (
            f"{report.capitalize()} split out into incident {action.other_id}"
            if here
            else f"{report.capitalize()} split out of incident {action.incident_id} into this"
        )
    if action.undone_at is not None:
        text += f" — undone by {user_name(action.undone_by)}"
    return text


def done(action: LinkAction) -> str:
    """The notice right after an action, with its Undo button beside it."""
    if action.kind == LinkAction.Kind.MERGE:
        return f"Incident {action.other_id} merged into incident {action.incident_id}."
    if action.kind == LinkAction.Kind.SPLIT:
        return f"{_reports(action).capitalize()} split out into incident {action.other_id}."
    return f"{_reports(action).capitalize()} linked into incident {action.incident_id}."


def undoable(raw: str | None, user) -> LinkAction | None:
    """The action named by a page's `?undo=` if this user did it and it is not undone yet."""
    if not raw or not str(raw).isdigit() or not getattr(user, "pk", None):
        return None
    return LinkAction.objects.filter(pk=int(raw), user=user, undone_at__isnull=True).first()
