"""A small news site on 127.0.0.1 for tests and benches: article pages and their RSS or Atom feeds.

Pages are shaped like a real outlet's: navigation, a cookie banner, share buttons, the article,
related stories and readers' comments, so that main-text extraction has boilerplate to drop.
Feeds answer conditional requests (ETag, Last-Modified) with 304 when nothing changed, and every
request is recorded with its headers. Extra routes serve anything else a test needs (a 404, HTML
where a feed was expected, an XML bomb, a slow drip).

The article texts are made up for the tests, in agency style: no real article is copied.
"""

from __future__ import annotations

import hashlib
import html
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PLACES = [
    ("Gwoza", "Borno State", "Nigeria"),
    ("Baidoa", "Bay region", "Somalia"),
    ("Kidal", "Kidal region", "Mali"),
    ("Beni", "North Kivu province", "Democratic Republic of the Congo"),
    ("Djibo", "Soum province", "Burkina Faso"),
    ("Tillaberi", "Tillaberi region", "Niger"),
    ("Kandahar", "Kandahar province", "Afghanistan"),
    ("Sirte", "Sirte district", "Libya"),
]


def story(n: int) -> tuple[str, list[str]]:
    """The n-th made-up story: (headline, paragraphs), varied in place, toll and wording."""
    town, region, country = PLACES[n % len(PLACES)]
    killed, wounded = 3 + n % 17, 2 + n % 11
    headline = f"Gunmen kill {killed} in attack near {town}"
    paragraphs = [
        f"{town.upper()}, {country} — Gunmen killed {killed} civilians and wounded {wounded} others in an "
        f"attack on a market near {town} in {region}, {country}, on Tuesday, a local official said.",
        "The attackers arrived on motorcycles in the early afternoon and opened fire on traders, the "
        "official told reporters by telephone, asking not to be named. Shops and vehicles were set on fire.",
        "No group has claimed responsibility for the attack. Security forces were deployed to the area "
        "and a search for the attackers was under way, the regional governor's office said in a statement.",
        f"Residents said it was the third attack on the area this year. (Reporting by desk {n}; editing by the test site)",
    ]
    return headline, paragraphs


@dataclass
class Item:
    slug: str
    title: str
    paragraphs: list[str]
    published: datetime | None = None
    raw_date: str | None = None  # a date written as is in the feed (e.g. a bad one)
    guid: str | None = None
    canonical: str | None = None  # the path the page names as canonical (default: its own)


@dataclass
class Feed:
    items: list[Item]
    kind: str = "rss"  # or "atom"
    title: str = "Test outlet"
    updated: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 8, 0, tzinfo=UTC))


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int


class NewsSite:
    """`with NewsSite() as site:` serves until the block ends; `site.url(path)` is a page's address."""

    def __init__(self, site_name: str = "The Test Herald", base: str = "") -> None:
        self.site_name = site_name
        self.base = base  # the address pages name when the site is not serving (benches render only)
        self.pages: dict[str, Item] = {}
        self.feeds: dict[str, Feed] = {}
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- content -----------------------------------------------------------------------------
    def add_feed(self, path: str, items: list[Item], kind: str = "rss") -> str:
        for item in items:
            self.pages[f"/news/{item.slug}"] = item
        self.feeds[path] = Feed(items=list(items), kind=kind)
        return self.url(path)

    def add_items(self, path: str, items: list[Item]) -> None:
        """New stories at the top of a feed (its ETag and Last-Modified change)."""
        feed = self.feeds[path]
        for item in items:
            self.pages[f"/news/{item.slug}"] = item
        feed.items = list(items) + feed.items
        feed.updated = datetime.now(UTC).replace(microsecond=0)

    def route(self, path: str, status: int, body: bytes | str, content_type: str = "text/html") -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body

        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler._send(status, data, content_type)

        self.routes[path] = answer
        return self.url(path)

    def url(self, path: str) -> str:
        if self._server is None:
            return f"{self.base}{path}"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- rendering ---------------------------------------------------------------------------
    def page_html(self, path: str, item: Item) -> str:
        when = item.published.isoformat() if item.published else ""
        meta = f'<meta property="article:published_time" content="{when}">' if when else ""
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in item.paragraphs)
        related = "".join(
            f'<li><a href="/news/related-{i}">Officials meet to discuss regional trade corridor {i}</a></li>'
            for i in range(5)
        )
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(item.title)} | {self.site_name}</title>
<meta property="og:site_name" content="{self.site_name}">
<meta property="og:title" content="{html.escape(item.title)}">
<link rel="canonical" href="{self.url(item.canonical or path)}">{meta}</head><body>
<div class="cookie-banner">We use cookies to improve your experience and to show personalised adverts.
Accept all cookies or manage your preferences.</div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/africa">Africa</a>
<a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{html.escape(item.title)}</h1>
<div class="byline">By Staff Reporter · {when[:10]}</div>
<div class="share">Share on Facebook · Share on X · Share on WhatsApp · Copy link</div>
<div class="article-body">{body}</div></article>
<aside><h2>Related stories</h2><ul>{related}</ul></aside>
<section class="comments"><h2>Comments (2)</h2>
<div class="comment">Reader123: Terrible news, thoughts with the families of everyone there.</div>
<div class="comment">Observer: The government must explain why nothing was done after last month.</div>
</section></main>
<footer>© 2026 {self.site_name}. All rights reserved. Terms · Privacy · Contact us</footer>
</body></html>"""

    def feed_xml(self, feed: Feed) -> str:
        entries = []
        for item in feed.items:
            link = html.escape(self.url(f"/news/{item.slug}"))
            guid = html.escape(item.guid or link)
            title = html.escape(item.title)
            summary = html.escape(item.paragraphs[0][:200])
            if feed.kind == "atom":
                date = item.raw_date or (item.published.isoformat() if item.published else "")
                entries.append(
                    f'<entry><id>{guid}</id><title>{title}</title><link href="{link}"/>'
                    + (f"<updated>{html.escape(date)}</updated>" if date else "")
                    + f"<summary>{summary}</summary></entry>"
                )
            else:
                date = item.raw_date or (format_datetime(item.published) if item.published else "")
                entries.append(
                    f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
                    + (f"<pubDate>{html.escape(date)}</pubDate>" if date else "")
                    + f"<description>{summary}</description></item>"
                )
        joined = "\n".join(entries)
        if feed.kind == "atom":
            return (
                '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>{html.escape(feed.title)}</title><id>{self.url('/')}</id>"
                f"<updated>{feed.updated.isoformat()}</updated>{joined}</feed>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(feed.title)}</title><link>{self.url('/')}</link>"
            f"<description>Latest news</description>{joined}</channel></rss>"
        )

    # -- serving -----------------------------------------------------------------------------
    def __enter__(self) -> NewsSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, data: bytes, content_type: str, extra: dict | None = None) -> None:
                # recorded before the answer leaves: a client that has its answer finds the request
                with site._lock:
                    site.requests.append(Request(self.path, dict(self.headers.items()), status))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path.split("?", 1)[0]
                if path in site.routes:
                    site.routes[path](self)
                elif path in site.feeds:
                    self._feed(site.feeds[path])
                elif path in site.pages:
                    page = site.page_html(path, site.pages[path]).encode("utf-8")
                    self._send(200, page, "text/html; charset=utf-8")
                else:
                    self._send(404, b"<h1>Not found</h1>", "text/html")

            def _feed(self, feed: Feed) -> None:
                body = site.feed_xml(feed).encode("utf-8")
                tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = format_datetime(feed.updated, usegmt=True)
                if self.headers.get("If-None-Match") == tag:
                    self._send(304, b"", "text/plain", {"ETag": tag, "Last-Modified": modified})
                    return
                kind = "application/atom+xml" if feed.kind == "atom" else "application/rss+xml"
                self._send(200, body, f"{kind}; charset=utf-8", {"ETag": tag, "Last-Modified": modified})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def drip(handler: BaseHTTPRequestHandler, seconds: float = 60.0, every: float = 0.3) -> None:
    """A route handler that sends a page one byte at a time, for `seconds` (a slow-drip server)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(every)
    except (BrokenPipeError, ConnectionResetError):
        pass


def items(
    start: int, count: int, *, published: datetime | None = None, undated: bool = False, prefix: str = "story"
) -> list[Item]:
    """`count` made-up stories numbered from `start`, dated `published` (default: a day of the last
    week of November 2026), or with no date anywhere (`undated`)."""
    made = []
    for n in range(start, start + count):
        title, paragraphs = story(n)
        when = None if undated else published or datetime(2026, 11, 24 + n % 5, 9, n % 60, tzinfo=UTC)
        made.append(Item(slug=f"{prefix}-{n}", title=title, paragraphs=paragraphs, published=when))
    return made
