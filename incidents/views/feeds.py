"""The feeds page: watch outlets' RSS and Atom feeds, see what each poll found, poll one now.

Analysts only (feeds make articles). The table refreshes itself every few seconds (htmx), so a
poll's outcome, and the articles and incidents it brings, show while the page is open.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from incidents.access import analyst_required
from incidents.forms import FeedForm
from incidents.models import Feed, FeedItem
from incidents.services import feeds as service

TABLE_REFRESH_SECONDS = 5


def _feeds():
    return service.feeds_with_counts().order_by("name", "pk")


@analyst_required
def feed_list(request: HttpRequest) -> HttpResponse:
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feed = service.feed_save(**form.cleaned_data, user=request.user)
        except service.FeedRefused as exc:
            form.add_error(None, str(exc))
        else:
            when = "its first poll is on its way" if feed.enabled else "it is off"
            messages.success(request, f"Feed “{feed.name}” added: {when}.")
            if feed.enabled:
                service.feed_poll_now(feed)
            return redirect("incidents:feed_list")
    context = {"form": form, "feeds": _feeds(), "refresh": TABLE_REFRESH_SECONDS}
    return render(request, "incidents/feed_list.html", context, status=400 if form.errors else 200)


@analyst_required
def feed_table(request: HttpRequest) -> HttpResponse:
    """The table alone, for htmx's refresh."""
    context = {"feeds": _feeds(), "refresh": TABLE_REFRESH_SECONDS}
    return render(request, "incidents/_feed_table.html", context)


@analyst_required
def feed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One feed: change it, and the items its polls found, with what became of each."""
    feed = get_object_or_404(_feeds(), pk=pk)
    initial = {
        "url": feed.url,
        "name": feed.name,
        "publisher": feed.publisher.name if feed.publisher else "",
        "scale": feed.publisher.scale if feed.publisher else "",
        "words": feed.words,
        "interval": feed.interval,
        "enabled": feed.enabled,
    }
    form = FeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.feed_save(**form.cleaned_data, user=request.user, feed=feed)
        except service.FeedRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Feed saved.")
            return redirect("incidents:feed_detail", pk=pk)
    items = FeedItem.objects.filter(feed=feed).select_related("article")[:100]
    context = {"feed": feed, "form": form, "items": items}
    return render(request, "incidents/feed_detail.html", context, status=400 if form.errors else 200)


@require_POST
@analyst_required
def feed_poll_now(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=pk)
    if service.feed_poll_now(feed):
        messages.success(request, f"“{feed.name}” is being polled.")
    else:
        messages.error(request, "The broker is unavailable: the feed is polled when it is back.")
    return redirect(request.POST.get("next") or "incidents:feed_list")


@require_POST
@analyst_required
def feed_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=pk)
    service.feed_set_enabled(feed, not feed.enabled)
    messages.success(request, f"“{feed.name}” is {'on' if not feed.enabled else 'off'}.")
    return redirect("incidents:feed_list")


@require_POST
@analyst_required
def feed_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The feed and its item log go; the articles it brought stay (they may be incidents' reports)."""
    feed = get_object_or_404(Feed, pk=pk)
    name = feed.name
    feed.delete()
    messages.success(request, f"Feed “{name}” removed; its articles are kept.")
    return redirect("incidents:feed_list")


@analyst_required
def feeds_card(request: HttpRequest) -> HttpResponse:
    """The dashboard's feeds-and-fetching card alone, for htmx's refresh."""
    from incidents.views.dashboard import fetching_state

    return render(request, "incidents/_feeds_card.html", {"fetching": fetching_state()})
