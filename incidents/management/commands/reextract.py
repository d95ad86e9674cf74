"""Run the current extractor again on chosen articles; reviewed incidents are never touched."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from incidents import extraction
from incidents.models import Article
from incidents.services import article_parse, article_requeue, outbox


class Command(BaseCommand):
    help = (
        "Parse articles again with the current extractor. By default: every article parsed by "
        "another extractor version, and every failed one. Drafts are replaced; incidents an "
        "analyst has reviewed, published or rejected stay as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "ids", nargs="*", type=int, help="Article ids (default: outdated and failed ones)."
        )
        parser.add_argument(
            "--all", dest="every", action="store_true", help="Every article, whatever its version."
        )
        parser.add_argument(
            "--sync", action="store_true", help="Parse here, one by one, instead of queueing."
        )
        parser.add_argument("--dry-run", action="store_true", help="List the articles; change nothing.")
        parser.add_argument(
            "--stuck",
            action="store_true",
            help="Only send queued articles again now and take back claims of stopped workers "
            "(what the dispatcher does by itself every few seconds while beat runs).",
        )

    def handle(self, *args, ids, every, sync, dry_run, stuck, **options):
        if stuck:
            report = outbox.outbox_send_now()
            self.stdout.write(
                f"{report.sent} sent, {report.reclaimed} taken back from stopped workers, "
                f"{report.failed} failed after stopping their worker too often."
            )
            if report.broker_down:
                raise CommandError("The broker is unavailable: the articles stay queued.")
            return
        current = extraction.EXTRACTOR_VERSION
        # an article a live worker holds is left alone; one whose worker died is taken back
        live = Article.objects.filter(status=Article.Status.PROCESSING).exclude(pk__in=outbox.dead_claims())
        articles = Article.objects.exclude(pk__in=live).order_by("pk")
        if ids:
            articles = articles.filter(pk__in=ids)
            missing = set(ids) - set(articles.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No such article, or being parsed now: {sorted(missing)}")
        elif not every:
            articles = articles.filter(~Q(extractor_version=current) | Q(status=Article.Status.FAILED))
        chosen = list(articles)
        verb = "Would re-extract" if dry_run else "Re-extracting"
        self.stdout.write(f"{verb} {len(chosen)} article(s) with extractor {current}.")
        if dry_run:
            for article in chosen:
                self.stdout.write(f"  {article.pk}: {article} (extractor {article.extractor_version or '-'})")
            return
        outcomes: dict[str, int] = {}
        for article in chosen:
            if not article_requeue(article, enqueue=not sync):
                outcome = "skipped"
            elif sync:
                # the worker's limit, here too: one article never stalls the run
                outcome = article_parse(article.pk, time_limit=settings.PARSE_TIME_LIMIT)
            else:
                outcome = "queued"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        self.stdout.write(
            ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())) or "Nothing to do."
        )
