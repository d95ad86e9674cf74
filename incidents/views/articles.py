"""Article pages: upload articles and follow them until their drafts appear."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from incidents.access import analyst_required, published_only
from incidents.forms import MAX_FILES_PER_UPLOAD, ArticleUploadForm
from incidents.models import Article, Incident, IncidentActor
from incidents.plaintext import unwrap
from incidents.services import ArticleRejected, article_ingest_upload, article_requeue
from incidents.services.articles import article_set_published
from incidents.services.batch import articles_ingest_files
from incidents.services.outbox import outbox_send_now


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.select_related("publisher").defer("text")  # texts may be megabytes
    page = Paginator(articles, 25).get_page(request.GET.get("page"))
    return render(request, "incidents/article_list.html", {"page": page})


@analyst_required
def article_upload(request: HttpRequest) -> HttpResponse:
    """Pasted text becomes one article (its page follows it); files become one article each,
    followed together on the batch status page. Analysts only, as in the API."""
    try:
        form = ArticleUploadForm(request.POST or None, request.FILES or None)
    except RequestDataTooBig:
        limit = settings.ARTICLE_MAX_BYTES / 1_048_576
        error = f"The pasted text is over the {limit:.0f} MB limit; upload a shorter article."
        context = {"form": ArticleUploadForm(), "upload_error": error}
        return render(request, "incidents/article_upload.html", context, status=413)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["files"]:
            response = _ingest_files(request, form)
            if response:
                return response
        else:
            try:
                result = article_ingest_upload(data, user=request.user)
            except ArticleRejected as exc:
                form.add_error(None, str(exc))
            else:
                if not result.created:
                    messages.info(request, "This article was uploaded before; here it is.")
                return redirect("incidents:article_detail", pk=result.article.pk)
    return render(
        request, "incidents/article_upload.html", {"form": form}, status=400 if form.errors else 200
    )


def _ingest_files(request: HttpRequest, form: ArticleUploadForm) -> HttpResponse | None:
    """Store each file; report refused ones and duplicates; None when nothing was stored."""
    data = form.cleaned_data
    outcomes = articles_ingest_files(
        data["files"],
        published=data["published"],
        publisher=data.get("publisher", ""),
        title=data.get("title", ""),
        url=data.get("url", ""),
        user=request.user,
    )
    if not any(o.article for o in outcomes):
        for outcome in outcomes:
            form.add_error(None, outcome.error)
        return None
    for outcome in outcomes:
        if outcome.error:
            messages.error(request, f"Not stored: {outcome.error}")
        elif outcome.duplicate:
            messages.info(request, f"“{outcome.name}” was uploaded before, as article {outcome.article.pk}.")
    ids = ",".join(str(pk) for pk in dict.fromkeys(o.article.pk for o in outcomes if o.article))
    return redirect(f"{reverse('incidents:article_batch')}?ids={ids}")


def _with_draft_counts(articles, user):
    """Each article with how many of its incidents `user` may see: viewers learn of published
    incidents only, not how many drafts an article produced."""
    counted = Q(incidents__status=Incident.Status.PUBLISHED) if published_only(user) else None
    return (
        articles.select_related("publisher")
        .defer("text")
        .annotate(incident_count=Count("incidents", filter=counted))
    )


@login_required
def article_batch(request: HttpRequest) -> HttpResponse:
    """The articles of one upload (`?ids=3,4,5`), each row following its article live."""
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip().isdigit()]
    ids = list(dict.fromkeys(ids))[:MAX_FILES_PER_UPLOAD]
    found = {a.pk: a for a in _with_draft_counts(Article.objects.filter(pk__in=ids), request.user)}
    articles = [found[pk] for pk in ids if pk in found]
    return render(request, "incidents/article_batch.html", {"articles": articles})


@login_required
def article_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row of the batch table; htmx polls it until the article is parsed or has failed."""
    article = get_object_or_404(_with_draft_counts(Article.objects.all(), request.user), pk=pk)
    return render(request, "incidents/_article_row.html", {"article": article})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article, its status and its drafts. htmx polls the status card every 2 s while the
    article waits for the worker; once it is parsed or failed, the page reloads with its drafts."""
    article = get_object_or_404(Article.objects.select_related("publisher", "uploaded_by"), pk=pk)
    # the incidents its reports are in: its own drafts, and events it was filed under as a report
    # (marked on the page as a later report of an event another article reported first); a
    # merged-away pointer is left out, the incident it went into is listed
    incidents = (
        Incident.objects.filter(Q(article=article) | Q(pk__in=article.reports.values("incident_id")))
        .exclude(status=Incident.Status.MERGED)
        .annotate(report_total=Count("reports"))
        .select_related("country", "article__publisher")
        .prefetch_related(
            Prefetch("incident_actors", queryset=IncidentActor.objects.select_related("actor")),
            "incident_sources__source",
            "evidence",
        )
        .order_by("is_background", "pk")
    )
    incidents = incidents.visible_to(request.user)  # viewers see what has been published, not drafts
    context = {"article": article, "incidents": incidents, "text": unwrap(article.text)}
    if request.htmx:
        response = render(request, "incidents/_article_status.html", context)
        if article.status in (Article.Status.PARSED, Article.Status.FAILED, Article.Status.DUPLICATE):
            response["HX-Refresh"] = "true"
    else:
        response = render(request, "incidents/article_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@analyst_required
def article_retry(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    if article_requeue(article):
        messages.success(request, "Queued again.")
    return redirect("incidents:article_detail", pk=pk)


@require_POST
@analyst_required
def outbox_send(request: HttpRequest) -> HttpResponse:
    """The operator's "send again": dead workers' claims taken back, every queued article sent."""
    report = outbox_send_now()
    if report.broker_down:
        messages.error(
            request, "The broker is still unavailable: the articles stay queued and are sent when it is back."
        )
    else:
        taken = f"; {report.reclaimed} taken back from stopped workers" if report.reclaimed else ""
        messages.success(request, f"{report.sent} article(s) sent to the workers{taken}.")
    return redirect("incidents:dashboard")


@require_POST
@analyst_required
def article_set_date(request: HttpRequest, pk: int) -> HttpResponse:
    """The analyst gives the publication date the page lacked; the article is parsed again."""
    article = get_object_or_404(Article, pk=pk)
    try:
        published = date.fromisoformat(request.POST.get("published", ""))
    except ValueError:
        messages.error(request, "Give the date as YYYY-MM-DD.")
        return redirect("incidents:article_detail", pk=pk)
    if article_set_published(article, published):
        messages.success(request, f"Publication date set to {published:%Y-%m-%d}; parsing again.")
    else:
        messages.error(request, "A worker is parsing this article right now; try again in a moment.")
    return redirect("incidents:article_detail", pk=pk)


@login_required
def article_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The page as fetched, shown as plain text: its scripts never run on the desk's origin."""
    article = get_object_or_404(Article, pk=pk, origin__in=[Article.Origin.URL, Article.Origin.FEED])
    if not article.original_file:
        raise Http404("No page was kept for this article.")
    with article.original_file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="article-{article.pk}.html.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
