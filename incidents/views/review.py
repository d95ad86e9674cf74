"""The review page of one incident: its reports (each article with its evidence) beside the
editable incident.

An incident of one report shows that article; one of several shows every report side by side
with what each drafted, why the worker linked it, and a "Split out" button, and above the form
the newer reports' proposals for reviewed fields. Analysts edit, approve, reject or merge any
incident; other users read published ones. Every write goes through the services; a refused
change re-renders the form (400) with the input kept.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from incidents import services
from incidents.access import is_analyst
from incidents.extraction.taxonomy import EVENT_TYPES
from incidents.models import Evidence, Incident, IncidentActor, IncidentSource, Report
from incidents.review.forms import IncidentReviewForm, actor_formset, actor_links, posted_version
from incidents.review.highlight import highlight
from incidents.review.links import done, undoable
from incidents.review.queue import review_queue
from incidents.review.reports import proposal_rows, report_cards
from incidents.services import VersionConflict

SHORTCUTS = [
    ("Ctrl+Enter / Alt+S", "save"),
    ("a", "approve (save and publish)"),
    ("r", "reject (asks first: Enter confirms, Esc cancels)"),
    ("d", "merge into another incident: type its id, then Enter (asks first)"),
    ("u", "undo the reject or merge just done"),
    ("j / k", "next / previous draft"),
]


def _incident(pk: int) -> Incident:
    queryset = Incident.objects.select_related(
        "article__publisher", "country", "location", "assigned_to", "merged_into"
    ).prefetch_related(
        Prefetch(
            "incident_actors", queryset=IncidentActor.objects.select_related("actor").order_by("role", "id")
        ),
        Prefetch("incident_sources", queryset=IncidentSource.objects.select_related("source").order_by("id")),
        "evidence",
        Prefetch(
            "reports",
            queryset=Report.objects.select_related("article__publisher")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("start")))
            .order_by("article__published", "pk"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def _neighbour_draft(pk: int, *, after: bool) -> int | None:
    """The draft just after (or before) this one in the review queue: oldest first, by id."""
    drafts = review_queue()
    drafts = drafts.filter(pk__gt=pk).order_by("pk") if after else drafts.filter(pk__lt=pk).order_by("-pk")
    return drafts.values_list("pk", flat=True).first()


def _oldest_waiting(incident: Incident) -> int | None:
    """The oldest draft still waiting for review, other than `incident`."""
    return review_queue().exclude(pk=incident.pk).order_by("pk").values_list("pk", flat=True).first()


def _after_reject(incident: Incident):
    """On to the oldest draft still waiting (else back to the rejected one), with the Undo offer."""
    next_pk = _oldest_waiting(incident) or incident.pk
    return redirect(f"{reverse('incidents:incident_review', args=[next_pk])}?rejected={incident.pk}")


def _undo_reject(request: HttpRequest, incident: Incident, seen: int | None) -> HttpResponse:
    """The rejection taken back (the toast's Undo): the incident's page, with its status as before."""
    try:
        services.incident_reject_undo(incident, user=request.user, expected_version=seen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Rejection of incident {incident.pk} undone: it is {incident.status} again."
        )
    return redirect("incidents:incident_review", pk=incident.pk)


def _reject_notice(request: HttpRequest) -> dict | None:
    """The Undo offer for `?rejected=<id>`: shown while that incident is still rejected and the
    rejection (its latest record) was this analyst's."""
    raw = request.GET.get("rejected", "")
    if not raw.isdigit():
        return None
    rejected = Incident.objects.filter(pk=int(raw), status=Incident.Status.REJECTED).first()
    last = rejected.history.order_by("-history_date", "-history_id").first() if rejected else None
    if last is None or last.history_user_id != request.user.pk:
        return None
    return {"incident": rejected, "text": f"Incident {rejected.pk} rejected."}


def _say_place(request: HttpRequest, incident: Incident, before: str) -> None:
    """Tell the analyst what became of a place name typed without picking a suggestion."""
    name = incident.location_name
    if name.casefold() == before.casefold() or not name:
        return
    if incident.location_id is not None or incident.latitude is not None:
        where = ", ".join(p for p in (name, incident.admin1, incident.country_id or "") if p)
        messages.info(
            request, f"Place: “{name}” is placed at {where} ({incident.latitude}, {incident.longitude})."
        )
        return
    messages.warning(
        request,
        f"Place: “{name}” matches no known place, so it is kept as free text with no coordinates "
        "(not on the map). Pick a suggestion, or give coordinates, to place it.",
    )


def _after_review(incident: Incident):
    """The oldest draft still waiting, else the incident's article, else the list."""
    next_pk = _oldest_waiting(incident)
    if next_pk is not None:
        return redirect("incidents:incident_review", pk=next_pk)
    if incident.article_id:
        return redirect("incidents:article_detail", pk=incident.article_id)
    return redirect("incidents:incident_list")


def _duplicate_candidates(incident: Incident) -> list[Incident]:
    """Likely originals: the article's other incidents, and the nearest in date in the same country
    within a week on either side (two short walks along the country/date index)."""
    queryset = (
        Incident.objects.exclude(pk=incident.pk)
        .exclude(status__in=[Incident.Status.REJECTED, Incident.Status.MERGED])
        .select_related("country")
    )
    found = []
    if incident.article_id:
        found += queryset.filter(article_id=incident.article_id).order_by("pk")[:8]
    if incident.country_id:
        week, day = timedelta(days=7), incident.start_date
        same = queryset.filter(country_id=incident.country_id)
        found += same.filter(start_date__range=(day - week, day)).order_by("-start_date", "-pk")[:5]
        found += same.filter(start_date__gt=day, start_date__lte=day + week).order_by("start_date", "pk")[:3]
    return list({other.pk: other for other in found}.values())[:12]


def _show_errors(form, error: ValidationError) -> None:
    """A model ValidationError on the form: by field where the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _context(incident: Incident, *, editable: bool, form=None, actors=None, **extra) -> dict:
    text = incident.article.text if incident.article_id else ""
    spans = [(ev.field, ev.start, ev.end) for ev in incident.evidence.all()]
    reports = list(incident.reports.all())
    context = {
        "incident": incident,
        "segments": highlight(text, spans, words=True),
        "evidence_fields": sorted({field for field, _, _ in spans}),
        "report_cards": report_cards(reports) if len(reports) > 1 else [],
        "report_count": len(reports),
        "proposals": proposal_rows(incident),
        "sources": [link.source for link in incident.incident_sources.all()],
        "actor_links": list(incident.incident_actors.all()),
        "can_edit": False,
        **extra,
    }
    if editable:
        context.update(
            can_edit=True,
            form=form
            or IncidentReviewForm(instance=incident, source_names=[s.name for s in context["sources"]]),
            actors=actors or actor_formset(incident=incident),
            event_types={event: list(subs) for event, subs in EVENT_TYPES.items()},
            next_draft=_neighbour_draft(incident.pk, after=True),
            previous_draft=_neighbour_draft(incident.pk, after=False),
            candidates=_duplicate_candidates(incident),
            shortcuts=SHORTCUTS,
        )
    return context


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(pk)
    analyst = is_analyst(request.user)
    if not analyst and incident.status != Incident.Status.PUBLISHED:
        raise Http404("No such incident.")
    if request.method == "POST":
        if not analyst:
            raise PermissionDenied("Only analysts change incidents.")
        try:
            return _act(request, incident)
        except VersionConflict as conflict:
            return _conflict(request, incident.pk, conflict)
    context = _context(incident, editable=analyst)
    if analyst:
        context["undo"] = _undo_notice(request)
        context["rejected"] = _reject_notice(request)
    return render(request, "incidents/incident_review.html", context)


def _undo_notice(request: HttpRequest) -> dict | None:
    """The Undo offer for the action named by `?undo=` (the analyst's own, not yet undone)."""
    action = undoable(request.GET.get("undo"), request.user)
    if action is None:
        return None
    return {"action": action, "text": done(action), "next": request.path}


def _conflict(request: HttpRequest, pk: int, conflict: VersionConflict) -> HttpResponse:
    """Refused as stale: the page again with what changed (field, from, to, by whom) and the
    analyst's typed values kept; the form now carries the current version, so saving again
    applies them deliberately."""
    stale = conflict.stale[0]
    if stale.current is None:
        messages.error(request, str(conflict))
        return redirect("incidents:incident_list")
    incident = _incident(pk)
    data = request.POST.copy()
    data["version"] = str(stale.current)
    sources = [link.source.name for link in incident.incident_sources.all()]
    form = IncidentReviewForm(data, instance=incident, source_names=sources)
    actors = actor_formset(data, incident=incident)
    form.is_valid(), actors.is_valid()  # show the typed values, and any errors they have
    context = _context(incident, editable=True, form=form, actors=actors, conflict=stale)
    return render(request, "incidents/incident_review.html", context, status=409)


def _act(request: HttpRequest, incident: Incident) -> HttpResponse:
    action = request.POST.get("action", "save")
    seen = posted_version(request.POST)
    if action == "reject":
        services.incident_review(incident, "reject", user=request.user, expected_version=seen)
        return _after_reject(incident)  # the next page says so, in its Undo offer
    if action == "unreject":
        return _undo_reject(request, incident, seen)
    if action == "duplicate":
        return _mark_duplicate(request, incident, seen)
    if action not in ("save", "approve"):
        return HttpResponse("Unknown action.", status=400)
    form = IncidentReviewForm(
        request.POST,
        instance=incident,
        source_names=[link.source.name for link in incident.incident_sources.all()],
    )
    actors = actor_formset(request.POST, incident=incident)
    if form.is_valid() and actors.is_valid():
        changes = form.changes()
        if action == "approve":  # the edits and the decision in one step (one history record)
            changes["status"] = Incident.Status.PUBLISHED
        try:
            with transaction.atomic():
                services.incident_update(  # an analyst's save of a draft makes it reviewed
                    incident,
                    actors=actor_links(actors),
                    sources=form.cleaned_data["sources"],
                    user=request.user,
                    expected_version=seen,
                    **changes,
                )
                if action == "approve":
                    services.incident_review(incident, "approve", user=request.user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            _say_place(request, incident, form.initial.get("location_name") or "")
            if action == "approve":
                messages.success(request, f"Incident {incident.pk} published.")
                return _after_review(incident)
            messages.success(request, "Saved.")
            return redirect("incidents:incident_review", pk=incident.pk)
    incident = _incident(incident.pk)  # the services may have changed the instance before refusing
    context = _context(incident, editable=True, form=form, actors=actors)
    return render(request, "incidents/incident_review.html", context, status=400)


def _mark_duplicate(request: HttpRequest, incident: Incident, seen: int | None) -> HttpResponse:
    """Merge this incident into the one whose id was typed (the "d" key's box)."""
    raw = request.POST.get("duplicate_of", "").strip().lstrip("#")
    try:
        if not raw.isdigit():
            raise ValidationError("Give the id of the incident to merge this one into (a number).")
        action = services.incidents_merge(incident, int(raw), user=request.user, expected_version=seen)
    except ValidationError as exc:
        incident = _incident(incident.pk)
        context = _context(
            incident, editable=True, duplicate_error=" ".join(exc.messages), duplicate_input=raw
        )
        return render(request, "incidents/incident_review.html", context, status=400)
    # on to the incident it went into: its reports side by side, and the Undo offer
    return redirect(f"{reverse('incidents:incident_review', args=[action.incident_id])}?undo={action.pk}")
