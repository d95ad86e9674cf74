"""Upload an article from the command line, queued for the worker or parsed here (--sync)."""

import datetime as dt
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents.services import ArticleRejected, article_ingest, article_parse


class Command(BaseCommand):
    help = "Ingest a .txt or .html article. With --sync, parse it in this process instead of queueing it."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="Path to a .txt or .html file, or - for standard input (plain text)."
        )
        parser.add_argument("--published", required=True, help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--title", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--sync", action="store_true", help="Parse now, in this process; do not queue.")

    def handle(self, *args, file, published, publisher, title, url, sync, **options):
        try:
            published_date = dt.date.fromisoformat(published)
        except ValueError:
            raise CommandError(f"--published {published!r} is not a date in YYYY-MM-DD form.") from None
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
        article = result.article
        if not result.created:
            self.stdout.write(f"Article {article.pk} was uploaded before (status {article.status}).")
        if sync and result.created:
            outcome = article_parse(article.pk, time_limit=settings.PARSE_TIME_LIMIT)  # as in the worker
            article.refresh_from_db()
            if outcome == "failed":
                raise CommandError(f"Article {article.pk} failed: {article.error}")
        elif result.created:
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
        self.stdout.write(f"Article {article.pk}: {article.status}")
