"""The "possible same event" queue: the linker's uncertain pairs, best score first, for an
analyst to confirm (merge) or reject, with the keys j/k, y and n.

A decision is a POST (htmx swaps the queue in place and keeps the focus at the same position, so
the next pair is under the keys; without JavaScript the page reloads). A pair where either side
was merged away or rejected meanwhile is left out: it no longer asks a question.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from incidents import services
from incidents.access import analyst_required
from incidents.models import Incident, PossibleDuplicate, Report
from incidents.review.links import done, undoable
from incidents.review.reports import reasons_said

SHOWN = 100  # pairs on the page; the count says how many wait in all
_GONE = (Incident.Status.MERGED, Incident.Status.REJECTED)


def open_pairs() -> QuerySet[PossibleDuplicate]:
    """Open pairs whose two incidents both still stand, best score first."""
    return (
        PossibleDuplicate.objects.filter(state=PossibleDuplicate.State.OPEN)
        .exclude(incident__status__in=_GONE)
        .exclude(candidate__status__in=_GONE)
        .order_by("-score", "id")
    )


def _incident_card(incident: Incident) -> dict:
    publishers = sorted({r.article.publisher.name for r in incident.reports.all() if r.article.publisher_id})
    return {"incident": incident, "publishers": publishers, "reports": len(incident.reports.all())}


def _queue_context(action=None, error: str = "") -> dict:
    reports = Report.objects.select_related("article__publisher")
    pairs = list(
        open_pairs()
        .select_related("incident__country", "candidate__country")
        .prefetch_related(
            Prefetch("incident__reports", queryset=reports),
            Prefetch("candidate__reports", queryset=reports),
        )[:SHOWN]
    )
    rows = [
        {
            "pair": pair,
            "left": _incident_card(pair.candidate),  # the older incident the newer one may be
            "right": _incident_card(pair.incident),
            "reasons": reasons_said(pair.reasons),
        }
        for pair in pairs
    ]
    undo = None
    if action is not None:
        undo = {"action": action, "text": done(action), "next": reverse("incidents:possible_duplicates")}
    return {"rows": rows, "count": open_pairs().count(), "undo": undo, "error": error}


@analyst_required
def possible_duplicates(request: HttpRequest) -> HttpResponse:
    """The queue page; `?undo=` offers to undo the analyst's last merge from it."""
    action = undoable(request.GET.get("undo"), request.user)
    return render(request, "incidents/possible_duplicates.html", _queue_context(action))


@analyst_required
def possible_duplicate_count(request: HttpRequest) -> HttpResponse:
    """The number beside the queue's link in the header (fetched by nav.js after the page)."""
    return HttpResponse(str(open_pairs().count()), content_type="text/plain; charset=utf-8")


@require_POST
@analyst_required
def possible_duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """y: the same event (the newer incident is merged into the older); n: not the same."""
    pair = get_object_or_404(PossibleDuplicate, pk=pk)
    same = request.POST.get("same") == "yes"
    action, error = None, ""
    try:
        action = services.possible_duplicate_decide(pair, same, user=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        context = _queue_context(action, error)
        if not same and not error:
            context["notice"] = f"Incidents {pair.candidate_id} and {pair.incident_id}: not the same event."
        return render(request, "incidents/_possible_duplicate_queue.html", context)
    if error:
        messages.error(request, error)
    elif not same:
        messages.success(
            request, f"Incidents {pair.candidate_id} and {pair.incident_id}: not the same event."
        )
    url = reverse("incidents:possible_duplicates")
    return redirect(f"{url}?undo={action.pk}" if action is not None else url)
