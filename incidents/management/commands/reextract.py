"""Run the current extractor again on chosen articles; reviewed incidents are never touched."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from incidents import extraction
from incidents.models import Article
from incidents.services import article_parse, article_requeue, outbox
from incidents.services.reextract import Progress, reextract_progress, reextract_request


class Command(BaseCommand):
    help = (
        "Parse articles again with the current extractor. By default: every article parsed by "
        "another extractor version, and every failed one. Drafts are replaced; incidents an "
        "analyst has reviewed, published or rejected stay as they are. The articles are queued "
        "in the re-extraction lane (its own Celery queue, a window at a time), so fresh uploads "
        "are never kept waiting; --status shows its progress."
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
            "--status",
            action="store_true",
            help="Show the re-extraction's progress: done, failed, in flight, waiting, and the rate.",
        )
        parser.add_argument(
            "--stuck",
            action="store_true",
            help="Only send queued articles again now and take back claims of stopped workers "
            "(what the dispatcher does by itself every few seconds while beat runs).",
        )

    def handle(self, *args, ids, every, sync, dry_run, status, stuck, **options):
        if stuck:
            return self._stuck()
        if status:
            return self._status()
        current = extraction.EXTRACTOR_VERSION
        articles = self._chosen(ids, every, current)
        count = articles.count()
        verb = "Would re-extract" if dry_run else "Re-extracting"
        self.stdout.write(f"{verb} {count} article(s) with extractor {current}.")
        if dry_run:
            for article in articles.only("pk", "title", "file_name", "extractor_version").iterator():
                self.stdout.write(f"  {article.pk}: {article} (extractor {article.extractor_version or '-'})")
            return
        if sync:
            return self._sync(articles)
        report = reextract_request(articles)
        skipped = f", {count - report.queued} skipped (being parsed or already queued)"
        self.stdout.write(f"{report.queued} queued{skipped if count > report.queued else ''}.")
        if report.queued:
            self.stdout.write(
                f"Re-extraction {report.run.pk}: {report.run.total} article(s) in all. "
                f"Workers parse them from the '{settings.REEXTRACT_QUEUE}' queue after fresh uploads; "
                "`manage.py reextract --status` shows the progress."
            )

    def _chosen(self, ids, every, current):
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
        return articles

    def _sync(self, articles):
        """Parse here, one by one (for scripts and small sets): each article in the fresh lane."""
        outcomes: dict[str, int] = {}
        for article in list(articles.defer("text")):
            if not article_requeue(article, enqueue=False):
                outcome = "skipped"
            else:
                # the worker's limit, here too: one article never stalls the run
                outcome = article_parse(article.pk, time_limit=settings.PARSE_TIME_LIMIT)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        self.stdout.write(
            ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())) or "Nothing to do."
        )

    def _stuck(self):
        report = outbox.outbox_send_now()
        self.stdout.write(
            f"{report.sent} sent, {report.reclaimed} taken back from stopped workers, "
            f"{report.failed} failed after stopping their worker too often."
        )
        if report.broker_down:
            raise CommandError("The broker is unavailable: the articles stay queued.")

    def _status(self):
        progress = reextract_progress()
        if progress is None:
            self.stdout.write("No re-extraction has been requested.")
            return
        self.stdout.write(status_lines(progress))


def status_lines(p: Progress) -> str:
    """The progress as the command prints it."""
    run = p.run
    by = f" by {run.requested_by}" if run.requested_by else ""
    head = (
        f"Re-extraction {run.pk} (extractor {run.extractor_version or '-'}), "
        f"started {timesince(run.created_at)} ago{by}"
    )
    head += f", finished {timesince(run.finished_at)} ago." if p.finished else ", running."
    figures = (
        f"  {p.done} done, {p.failed} failed, {p.in_flight} in flight, {p.waiting} waiting "
        f"of {p.total} ({p.percent}%)."
    )
    rate = f"  {p.rate:.1f} articles/s" if p.rate is not None else "  rate: not measured yet"
    if p.time_left_until is not None:
        finish = timezone.localtime(p.time_left_until).strftime("%H:%M")
        rate += f"; about {timeuntil(p.time_left_until)} left (done near {finish})"
    return "\n".join([head, figures, rate + "."])
