"""The review page's report actions: split a report out, accept or ignore a newer report's
proposal, and undo a link, merge or split.

Each is a POST from a plain form (it works without JavaScript) that calls one service and goes
back to a page; a refusal (ReviewRefused, VersionConflict) is shown there as a message, in the
service's own words.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from incidents import services
from incidents.access import analyst_required
from incidents.models import Incident, LinkAction, Report
from incidents.review.forms import posted_version
from incidents.review.links import done
from incidents.services import VersionConflict


def _review_url(pk: int, undo: int | None = None) -> str:
    url = reverse("incidents:incident_review", args=[pk])
    return f"{url}?undo={undo}" if undo else url


def _refused(request: HttpRequest, error: Exception) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


@require_POST
@analyst_required
def report_split(request: HttpRequest, pk: int, report: int) -> HttpResponse:
    """Move one report of incident `pk` out into an incident of its own."""
    row = get_object_or_404(Report, pk=report, incident_id=pk)
    try:
        action = services.report_split(row, user=request.user, expected_version=posted_version(request.POST))
    except (ValidationError, VersionConflict) as error:
        _refused(request, error)
        return redirect(_review_url(pk))
    return redirect(_review_url(pk, action.pk))


@require_POST
@analyst_required
def proposal_decide(request: HttpRequest, pk: int, group: str) -> HttpResponse:
    """Accept (the fields take the newer report's values) or ignore one proposal."""
    incident = get_object_or_404(Incident, pk=pk)
    accept = request.POST.get("decision") == "accept"
    label = (incident.proposals or {}).get(group, {}).get("label", group)
    try:
        services.proposal_decide(
            incident, group, accept, user=request.user, expected_version=posted_version(request.POST)
        )
    except (ValidationError, VersionConflict) as error:
        _refused(request, error)
    else:
        messages.success(request, f"New {label} {'accepted' if accept else 'ignored'}.")
    return redirect(_review_url(pk))


@require_POST
@analyst_required
def link_action_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a link, merge or split, then back to the page it was offered on."""
    action = get_object_or_404(LinkAction, pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = _review_url(action.incident_id)
    try:
        services.link_action_undo(action, user=request.user)
    except (ValidationError, VersionConflict) as error:
        _refused(request, error)
    else:
        messages.success(request, f"Undone: {done(action)}")
    return redirect(back)
