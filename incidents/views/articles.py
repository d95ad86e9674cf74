"""Article pages: upload articles and follow them until their drafts appear."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from incidents.forms import ArticleUploadForm
from incidents.models import Article, IncidentActor
from incidents.services import ArticleRejected, article_ingest_upload, article_requeue


@login_required
def article_list(request):
    page = Paginator(Article.objects.select_related("publisher"), 25).get_page(request.GET.get("page"))
    return render(request, "incidents/article_list.html", {"page": page})


@login_required
def article_upload(request):
    try:
        form = ArticleUploadForm(request.POST or None, request.FILES or None)
    except RequestDataTooBig:
        limit = settings.ARTICLE_MAX_BYTES / 1_048_576
        error = f"The pasted text is over the {limit:.0f} MB limit; upload a shorter article."
        context = {"form": ArticleUploadForm(), "upload_error": error}
        return render(request, "incidents/article_upload.html", context, status=413)
    if request.method == "POST" and form.is_valid():
        try:
            result = article_ingest_upload(form.cleaned_data, user=request.user)
        except ArticleRejected as exc:
            form.add_error(None, str(exc))
        else:
            if not result.created:
                messages.info(request, "This article was uploaded before; here it is.")
            return redirect("incidents:article_detail", pk=result.article.pk)
    return render(
        request, "incidents/article_upload.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("publisher", "uploaded_by"), pk=pk)
    incidents = (
        article.incidents.select_related("country")
        .prefetch_related(
            Prefetch("incident_actors", queryset=IncidentActor.objects.select_related("actor")),
            "incident_sources__source",
            "evidence",
        )
        .order_by("is_background", "sequence")
    )
    return render(request, "incidents/article_detail.html", {"article": article, "incidents": incidents})


@login_required
@require_POST
def article_retry(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    if article_requeue(article):
        messages.success(request, "Queued again.")
    return redirect("incidents:article_detail", pk=pk)
