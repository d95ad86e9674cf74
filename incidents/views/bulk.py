"""The incident list's bulk actions: on the rows ticked on the page, or on every incident its
filter matches (incidents.services.bulk; large runs go to the worker and this page follows them)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from incidents.access import analyst_required, analyst_users
from incidents.models import BulkAction, Incident
from incidents.services import VersionConflict, incident_assign, incident_set_status
from incidents.services.bulk import BulkRefused, bulk_action_start


class _BulkActionForm(forms.Form):
    """What to do in bulk: publish, reject, or assign (to an analyst, or "nobody")."""

    action = forms.ChoiceField(choices=BulkAction.Action.choices)
    assignee = forms.CharField(required=False)  # a user's id, or "nobody" to unassign

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") != "assign":
            cleaned["assignee"] = None
            return cleaned
        value = cleaned.get("assignee") or ""
        if value == "nobody":
            cleaned["assignee"] = None
        elif value.isdigit() and (user := analyst_users().filter(pk=int(value)).first()):
            cleaned["assignee"] = user
        else:
            raise forms.ValidationError("Choose the analyst to assign the incidents to.")
        return cleaned


class IncidentBulkForm(_BulkActionForm):
    """The action on the incidents ticked on the page."""

    ids = forms.ModelMultipleChoiceField(
        queryset=Incident.objects.all(),
        error_messages={"required": "Select at least one incident."},
    )


class IncidentBulkFilterForm(_BulkActionForm):
    """The action on every incident the list's filter matches ("select all N matching")."""

    query = forms.CharField(required=False)


def _plural(count: int) -> str:
    return f"{count} incident{'' if count == 1 else 's'}"


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _seen_versions(request: HttpRequest, chosen) -> dict[int, int]:
    """The version of each ticked row as the list showed it (a hidden field per row)."""
    seen = {}
    for incident in chosen:
        raw = request.POST.get(f"version-{incident.pk}", "")
        if raw.isdigit():
            seen[incident.pk] = int(raw)
    return seen


@require_POST
@analyst_required
def incident_bulk(request: HttpRequest) -> HttpResponse:
    """Publish, reject or assign the incidents ticked on the list, or all that match its filter.

    Ticked rows carry the version the list showed: a selection with a row changed since is refused
    as a whole (nothing changes) and the message says which rows changed and how. A selection by
    filter acts on what matches when it runs, as a filter means.
    """
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("incidents:incident_list")
    if request.POST.get("scope") == "filter":
        return _bulk_by_filter(request, back)
    form = IncidentBulkForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    chosen, action = form.cleaned_data["ids"], form.cleaned_data["action"]
    seen = _seen_versions(request, chosen)
    try:
        if action == "assign":
            count = incident_assign(
                chosen, form.cleaned_data["assignee"], by=request.user, expected_versions=seen
            )
        else:
            status = Incident.Status.PUBLISHED if action == "publish" else Incident.Status.REJECTED
            todo = chosen.exclude(status=status)
            wanted = {pk: v for pk, v in seen.items() if pk in {i.pk for i in todo}}
            count = incident_set_status(todo, status, user=request.user, expected_versions=wanted)
    except VersionConflict as conflict:
        messages.error(request, f"Nothing was changed. {conflict} Reload the list and select again.")
        return redirect(back)
    messages.success(request, _done_message(action, form.cleaned_data["assignee"], count, len(chosen)))
    return redirect(back)


def _done_message(action: str, assignee, count: int, matched: int) -> str:
    """ "Published 3 incidents. 2 incidents already published." and the like."""
    if action == "assign":
        if assignee:
            name = assignee.get_username()
            done, already = f"Assigned {_plural(count)} to {name}.", f"with {name}"
        else:
            done, already = f"Unassigned {_plural(count)}.", "unassigned"
    else:
        status = Incident.Status.PUBLISHED if action == "publish" else Incident.Status.REJECTED
        done, already = f"{status.label} {_plural(count)}.", status.label.lower()
    unchanged = matched - count
    return done + (f" {_plural(unchanged)} already {already}." if unchanged else "")


def _bulk_by_filter(request: HttpRequest, back: str) -> HttpResponse:
    """The action on every match of the posted filter: done now if small, else queued and followed."""
    form = IncidentBulkFilterForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    data = form.cleaned_data
    try:
        job = bulk_action_start(
            query=data["query"], action=data["action"], assignee=data["assignee"], user=request.user
        )
    except BulkRefused as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if job.state == BulkAction.State.DONE:
        messages.success(request, _done_message(job.action, job.assignee, job.changed, job.processed))
        return redirect(back)
    return redirect("incidents:incident_bulk_status", pk=job.pk)


@require_GET
@analyst_required
def incident_bulk_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A queued bulk action's progress; htmx polls the progress part until it is finished."""
    job = get_object_or_404(BulkAction, pk=pk)
    context = {"job": job, "list_url": f"{reverse('incidents:incident_list')}?{job.query}"}
    if request.htmx:
        return render(request, "incidents/_bulk_progress.html", context)
    return render(request, "incidents/bulk_status.html", context)
