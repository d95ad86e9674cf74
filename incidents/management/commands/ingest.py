"""Upload an article from the command line, or import it from its URL: queued for the worker, or
fetched and parsed here (--sync)."""

import datetime as dt
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents.services import ArticleRejected, article_ingest, article_parse
from incidents.services.fetching import article_ingest_url


class Command(BaseCommand):
    help = (
        "Ingest an article: a .txt, .html, .pdf or .docx file, - for standard input, or an http(s) URL "
        "(the page is fetched and its main text read). With --sync, fetch and parse it in this process "
        "instead of queueing it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="Path to a .txt, .html, .pdf or .docx file, - for standard input (plain text), or a URL.",
        )
        parser.add_argument(
            "--published",
            help="Publication date, YYYY-MM-DD; required for a file, optional for a URL (the page's date).",
        )
        parser.add_argument("--publisher", default="")
        parser.add_argument("--title", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--sync", action="store_true", help="Parse now, in this process; do not queue.")

    def handle(self, *args, file, published, publisher, title, url, sync, **options):
        published_date = None
        if published:
            try:
                published_date = dt.date.fromisoformat(published)
            except ValueError:
                raise CommandError(f"--published {published!r} is not a date in YYYY-MM-DD form.") from None
        if file.lower().startswith(("http://", "https://")):
            return self._from_url(file, published_date, publisher, title, sync)
        if published_date is None:
            raise CommandError("--published is required for a file (a URL's page may give its own date).")
        if file == "-":
            kwargs = {"text": sys.stdin.read()}
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"No such file: {file}")
            kwargs = {"file_name": path.name, "file_data": path.read_bytes()}
        try:
            result = article_ingest(
                published=published_date,
                publisher=publisher,
                title=title,
                url=url,
                enqueue=not sync,
                **kwargs,
            )
        except ArticleRejected as exc:
            raise CommandError(str(exc)) from None
        self._report(result.article, result.created, sync)

    def _from_url(self, url, published, publisher, title, sync) -> None:
        try:
            result = article_ingest_url(
                url, published=published, publisher=publisher, title=title, enqueue=not sync
            )
        except ArticleRejected as exc:
            raise CommandError(str(exc)) from None
        self._report(result.article, result.created, sync)

    def _report(self, article, created: bool, sync: bool) -> None:
        if not created:
            self.stdout.write(f"Article {article.pk} was uploaded before (status {article.status}).")
        if sync and created:
            outcome = article_parse(article.pk, time_limit=settings.PARSE_TIME_LIMIT)  # as in the worker
            article.refresh_from_db()
            if outcome in ("failed", "deferred"):
                raise CommandError(f"Article {article.pk} {outcome}: {article.error}")
            if outcome == "duplicate":
                self.stdout.write(f"Article {article.pk}: {article.error}")
        elif created:
            self.stdout.write(f"Article {article.pk} queued.")
        for report in article.reports.select_related("incident").order_by("sequence"):
            incident = report.incident
            joined = (
                " (another article's event: this article is a new report of it)"
                if (incident.article_id != article.pk)
                else ""
            )
            self.stdout.write(
                f"  incident {incident.pk}{joined}: {incident.start_date} "
                f"{incident.event_type} / {incident.sub_event_type}, "
                f"{incident.location_name or incident.admin1} {incident.country_id or ''}, "
                f"fatalities {incident.fatalities_best}"
            )
        if article.published_basis == article.DateBasis.FETCHED and article.fetched_at:
            self.stdout.write(
                f"  No publication date was given and the page shows none: {article.published} "
                "(the day it was fetched) is used."
            )
        self.stdout.write(f"Article {article.pk}: {article.status}")
