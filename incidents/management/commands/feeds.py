"""Watch news feeds from the shell: `feeds add URL`, `feeds list`, `feeds poll [--sync]`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from incidents.models import Article, Source
from incidents.services import article_parse
from incidents.services.feeds import FeedRefused, feed_poll, feed_save, feed_send, feeds_with_counts


class Command(BaseCommand):
    help = "Add, list and poll the RSS and Atom feeds the desk watches."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,list,poll}")
        add = actions.add_parser("add", help="Watch a feed: its new items become articles.")
        add.add_argument("url", help="The feed's address (RSS or Atom).")
        add.add_argument("--name", default="", help="A name for the feed (default: the publisher or host).")
        add.add_argument("--publisher", default="", help="The publisher its articles are credited to.")
        add.add_argument(
            "--scale", default="", choices=["", *Source.Scale.values], help="ACLED source scale."
        )
        add.add_argument("--words", default="", help="Only items mentioning one of these (comma-separated).")
        add.add_argument("--interval", type=int, default=15, help="Minutes between polls (default 15).")
        add.add_argument("--off", action="store_true", help="Add it turned off.")
        actions.add_parser("list", help="Each feed with its last poll, counts, errors and next poll.")
        poll = actions.add_parser("poll", help="Poll every feed that is on now (or the ones named).")
        poll.add_argument("ids", nargs="*", type=int, help="Feed ids (default: every feed that is on).")
        poll.add_argument(
            "--sync",
            action="store_true",
            help="Poll, fetch and parse here, in this process (for scripts), instead of by the workers.",
        )

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _add(self, *, url, name, publisher, scale, words, interval, off, **_):
        try:
            feed = feed_save(
                url=url,
                name=name,
                publisher=publisher,
                scale=scale,
                words=words,
                interval=interval,
                enabled=not off,
            )
        except FeedRefused as exc:
            raise CommandError(str(exc)) from None
        state = "off" if off else "on; first poll within a minute (with beat running: make run)"
        self.stdout.write(f"Feed {feed.pk} “{feed.name}” added ({state}).")

    def _list(self, **_):
        feeds = list(feeds_with_counts())
        if not feeds:
            self.stdout.write("No feeds yet: manage.py feeds add URL")
        for feed in feeds:
            state = "on" if feed.enabled else "off"
            polled, due = _when(feed.last_polled_at), _when(feed.next_poll_at)
            self.stdout.write(
                f"{feed.pk:>4}  {feed.name}  [{state}]  {feed.url}\n"
                f"      last poll {polled} ({feed.get_last_status_display()}); next {due}; "
                f"items {feed.items_found or 0}, articles {feed.articles_made or 0}, "
                f"incidents {feed.incidents_drafted or 0}; errors {feed.error_count}"
                + (f" ({feed.failures} in a row)" if feed.failures else "")
            )
            reason = feed.disabled_reason or feed.last_error
            if reason:
                self.stdout.write(f"      {reason}")

    def _poll(self, *, ids, sync, **_):
        feeds = feeds_with_counts().filter(pk__in=ids) if ids else feeds_with_counts().filter(enabled=True)
        missing = set(ids) - {f.pk for f in feeds}
        if missing:
            raise CommandError(f"No feed with id {', '.join(map(str, sorted(missing)))}.")
        for feed in feeds:
            if not sync:
                sent = feed_send(feed.pk)
                self.stdout.write(f"Feed {feed.pk}: " + ("sent to the workers." if sent else "broker away."))
                continue
            report = feed_poll(feed.pk, enqueue=False)
            line = f"Feed {feed.pk} “{feed.name}”: {report.status}, {report.items} items, {report.new} new"
            self.stdout.write(line + (f": {report.error}" if report.error else ""))
            for article_id in report.articles:
                outcome = article_parse(article_id, time_limit=settings.PARSE_TIME_LIMIT)
                article = Article.objects.get(pk=article_id)
                drafted = article.reports.count()
                reason = f" ({article.error})" if article.error else ""
                self.stdout.write(f"  article {article_id}: {outcome}, {drafted} incident(s){reason}")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"
