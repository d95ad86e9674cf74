"""The desk's front page: what waits for an analyst, and the week's and year's figures.

Every figure is an aggregate query in SQL over a bounded window, so the page costs the same
however many years of incidents the database holds: this week's counts read the (start_date, id)
index, the chart groups at most 52 weeks or 12 months (when that year is empty, one indexed
aggregate finds the latest incident and the chart ends with its week or month), and the drafts waiting longest
are the lowest ids among drafts, in the order the review queue takes them (background incidents,
which an article only recalls, left out: incidents.review.queue). Viewers see published incidents
only, as in the API.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from incidents.access import is_analyst
from incidents.models import Article, Feed, Incident
from incidents.review.queue import drafts_waiting, drafts_waiting_url
from incidents.services.feeds import feeds_state
from incidents.services.outbox import outbox_state
from incidents.services.reextract import Progress, reextract_progress

CHART_WEEKS = 52
CHART_MONTHS = 12
QUEUE_SIZE = 5
# A finished re-extraction stays on the dashboard this long.
REEXTRACT_SHOWN = timedelta(days=1)
# What analysts count as incidents: everything not thrown out. Viewers count published ones.
ANALYST_COUNTED = [Incident.Status.DRAFT, Incident.Status.REVIEWED, Incident.Status.PUBLISHED]


def counted_incidents(user) -> QuerySet[Incident]:
    statuses = ANALYST_COUNTED if is_analyst(user) else [Incident.Status.PUBLISHED]
    return Incident.objects.filter(status__in=statuses)


def week_figures(incidents: QuerySet[Incident], today: date) -> dict:
    """Incidents of the current week (Monday to Sunday, by event date) by event type and country."""
    monday = today - timedelta(days=today.weekday())
    week = incidents.filter(start_date__gte=monday, start_date__lte=monday + timedelta(days=6))
    by_type = list(week.values("event_type").annotate(n=Count("id")).order_by("-n", "event_type"))
    by_country = list(
        week.values("country_id", "country__name").annotate(n=Count("id")).order_by("-n", "country__name")
    )
    return {
        "start": monday,
        "end": monday + timedelta(days=6),
        "total": sum(row["n"] for row in by_type),
        "by_type": by_type,
        "by_country": by_country,
        "countries": sum(1 for row in by_country if row["country_id"]),
    }


def _month_starts(last: date, count: int) -> list[date]:
    months = []
    year, month = last.year, last.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _buckets(last: date, period: str) -> tuple[list[date], date]:
    """The chart's bucket starts ending with `last`'s week or month, and the day after the last."""
    if period == "month":
        buckets = _month_starts(last, CHART_MONTHS)
        return buckets, (buckets[-1] + timedelta(days=31)).replace(day=1)
    monday = last - timedelta(days=last.weekday())
    return [monday - timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)], monday + timedelta(days=7)


def _chart_rows(incidents: QuerySet[Incident], first: date, after: date, period: str) -> dict:
    """{bucket start: (incidents, fatalities)} for the buckets with incidents from `first` to `after`."""
    trunc = TruncMonth("start_date") if period == "month" else TruncWeek("start_date")
    rows = (
        # the current week or month whole, as in the week's figures
        incidents.filter(start_date__gte=first, start_date__lt=after)
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(n=Count("id"), dead=Coalesce(Sum("fatalities_best"), 0))
        .order_by()
    )
    return {row["bucket"]: (row["n"], row["dead"]) for row in rows}


def chart_series(incidents: QuerySet[Incident], today: date, period: str = "week") -> dict:
    """Incidents and fatalities (best estimates) per week or month, oldest first, gaps as zeros.

    The chart covers the period the data covers: the 52 weeks (12 months) to today, unless no
    incident falls in them; then it ends with the latest incident's week (month), so an archive of
    older events shows its last year rather than a flat line (`ends_early` says so)."""
    period = "month" if period == "month" else "week"
    buckets, after = _buckets(today, period)
    found, latest = _chart_rows(incidents, buckets[0], after, period), None
    if not found:  # an empty year: ask for the latest incident only then (one indexed aggregate)
        latest = incidents.filter(start_date__lt=after).aggregate(last=Max("start_date"))["last"]
        if latest is not None:
            buckets, after = _buckets(latest, period)
            found = _chart_rows(incidents, buckets[0], after, period)
    counts = [found.get(b, (0, 0))[0] for b in buckets]
    deaths = [found.get(b, (0, 0))[1] for b in buckets]
    return {
        "period": period,
        "labels": [b.isoformat() for b in buckets],
        "incidents": counts,
        "fatalities": deaths,
        "start": buckets[0],
        "end": after - timedelta(days=1),
        "total": sum(counts),
        "total_fatalities": sum(deaths),
        "latest": latest,
        "ends_early": latest is not None,
    }


def work_queues() -> dict:
    """What waits for analysts: drafts to review (first drafted first, background ones left out,
    as in the list the links open), articles queued or failed."""
    drafts = drafts_waiting()
    articles = Article.objects.defer("text")  # an article's text may be megabytes
    # the fresh lane's queue, and every parse under way; a re-extraction's backlog has its own panel
    pending = articles.filter(
        Q(status=Article.Status.QUEUED, reextract_run__isnull=True) | Q(status=Article.Status.PROCESSING)
    )
    failed = articles.filter(status=Article.Status.FAILED)
    return {
        "draft_count": drafts.count(),
        "oldest_drafts": list(drafts.select_related("country").order_by("id")[:QUEUE_SIZE]),
        "drafts_url": drafts_waiting_url(),
        "least_sure_url": drafts_waiting_url("confidence"),
        "pending_count": pending.count(),
        "pending": list(pending.order_by("created_at", "id")[: QUEUE_SIZE * 2]),
        "failed_count": failed.count(),
        "failed": list(failed.order_by("-updated_at", "-id")[: QUEUE_SIZE * 2]),
        "outbox": outbox_state(),
        "fetching": fetching_state(),
        "reextract": recent_reextract(),
    }


def fetching_state() -> dict:
    """Pages waiting to be fetched, and the feeds that fail or were turned off (with why): two
    queries, a third for the list only when a feed is in trouble."""
    state = feeds_state()
    problems = []
    if state.failing or state.turned_off:
        troubled = Feed.objects.filter(Q(enabled=True, failures__gt=0) | ~Q(disabled_reason=""))
        problems = list(troubled.order_by("-last_polled_at")[:QUEUE_SIZE])
    return {
        "feeds": state.feeds,
        "waiting_fetch": state.waiting_fetch,
        "failing": state.failing,
        "turned_off": state.turned_off,
        "problems": problems,
    }


def recent_reextract() -> Progress | None:
    """The re-extraction running, or the last one if it finished within REEXTRACT_SHOWN."""
    progress = reextract_progress()
    if progress is None or (
        progress.finished and progress.run.finished_at < timezone.now() - REEXTRACT_SHOWN
    ):
        return None
    return progress


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    period = "month" if request.GET.get("by") == "month" else "week"
    incidents = counted_incidents(request.user)
    analyst = is_analyst(request.user)
    context = {
        "analyst": analyst,
        "week": week_figures(incidents, today),
        "chart": chart_series(incidents, today, period),
        "queues": work_queues() if analyst else None,
    }
    return render(request, "incidents/dashboard.html", context)
