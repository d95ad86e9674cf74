"""Reading an RSS 2.0, RSS 1.0 or Atom feed into entries, or a clear refusal. No network.

feedparser does the parsing. Before it sees the bytes they are checked here: a document that
declares XML entities is refused outright (the "billion laughs" and external-entity attacks
both need a declaration), and a web page given instead of a feed is told apart, with the feed
it announces if any. feedparser is handed a stream, never the bytes: given bytes, it treats
them as a file name or an address and would read that file or fetch that address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import xml.sax
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser

from incidents.webread.feedcheck import (
    FEED_ROOTS,
    HTML_ROOTS,
    announced_feed,
    declares_entities,
    root_element,
)
from incidents.webread.page import trusted_date
from incidents.webread.plain import plain_text

MAX_GUID = 500  # longer ids are replaced by their hash, so they fit an indexed column


@dataclass
class FeedEntry:
    guid: str  # the entry's id, else its link (entries without a link are skipped): stable across polls
    url: str  # the item's link, absolute
    title: str
    summary: str  # plain text
    published: dt.date | None  # None when missing, unparseable or implausible


@dataclass
class FeedDocument:
    title: str
    link: str
    entries: list[FeedEntry]
    kind: str  # "rss" (2.0, 0.9x and 1.0), "atom", or "" when feedparser cannot tell
    version: str = ""  # feedparser's exact version: "rss20", "rss10", "atom10", ...
    skipped: int = 0  # entries left out: no usable link, or a repeat of an earlier entry
    problem: str = ""  # what feedparser found wrong in a feed it could still read


class FeedRejected(ValueError):
    """The bytes are not a feed we can read; the message says why. `page_feed_url` is the feed
    a web page announces when a page was given instead of a feed, else ""."""

    def __init__(self, message: str, *, page_feed_url: str = "") -> None:
        super().__init__(message)
        self.page_feed_url = page_feed_url


def feed_read(content: bytes, url: str, *, media_type: str = "") -> FeedDocument:
    """The feed fetched from `url`; `media_type` is the response's Content-Type, if known."""
    if not content.strip():
        raise FeedRejected(f"{url} gave an empty response, not a feed")
    if declares_entities(content, media_type):
        raise FeedRejected(
            "the feed declares XML entities (<!ENTITY>), which feeds do not need and attacks use; "
            "it was not read"
        )
    root = root_element(content)
    is_html_type = media_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")
    if root in HTML_ROOTS or (is_html_type and root not in FEED_ROOTS):
        raise _page_not_feed(content, url, media_type)
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-location": url, "content-type": media_type or "application/xml"},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    entries, skipped = _entries(parsed.entries, url)
    problem = _problem(parsed)
    if not entries and (problem or not parsed.version):
        reason = "the response is not XML" if not root else problem or "the XML is not RSS or Atom"
        raise FeedRejected(f"{url} does not give a readable feed: {reason}")
    version = parsed.version or ""
    return FeedDocument(
        title=plain_text(parsed.feed.get("title", "")),
        link=_absolute(parsed.feed.get("link", ""), url),
        entries=entries,
        kind="atom" if version.startswith("atom") else "rss" if version.startswith("rss") else "",
        version=version,
        skipped=skipped,
        problem=problem,
    )


def _page_not_feed(content: bytes, url: str, media_type: str) -> FeedRejected:
    feed_url = announced_feed(content, url, media_type)
    if feed_url:
        return FeedRejected(
            f"the address gives a web page, not a feed; try {feed_url}", page_feed_url=feed_url
        )
    return FeedRejected("the address gives a web page, not a feed, and the page announces no feed")


def _problem(parsed: feedparser.FeedParserDict) -> str:
    """feedparser's complaint, in words, when it had one (a "bozo" feed)."""
    if not parsed.get("bozo"):
        return ""
    exc = parsed.get("bozo_exception")
    if isinstance(exc, xml.sax.SAXParseException):
        return f"the XML is malformed ({exc.getMessage()}, line {exc.getLineNumber()})"
    return f"feedparser reports: {exc}" if exc is not None else "feedparser reports a problem"


def _entries(raw: list, base: str) -> tuple[list[FeedEntry], int]:
    """The entries with a usable link, each guid once, in the feed's order; and how many were not."""
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in raw:
        entry = _entry(item, base)
        if entry is None or entry.guid in seen:
            continue
        seen.add(entry.guid)
        entries.append(entry)
    return entries, len(raw) - len(entries)


def _entry(item: feedparser.FeedParserDict, base: str) -> FeedEntry | None:
    link = _absolute(item.get("link", ""), base)
    if not link:
        return None
    title = plain_text(item.get("title", ""))
    published = _published(item)
    summary = item.get("summary") or next((c.get("value", "") for c in item.get("content", [])), "")
    return FeedEntry(
        guid=_guid(item.get("id", ""), link),
        url=link,
        title=title,
        summary=plain_text(summary),
        published=published,
    )


def _published(item: feedparser.FeedParserDict) -> dt.date | None:
    """The entry's date (published, else updated); a bad or implausible date is None, not an error."""
    # dict.get: feedparser's own get() answers "updated_parsed" with the published date, warning
    parsed = item.get("published_parsed") or dict.get(item, "updated_parsed")
    if not parsed:
        return None
    try:
        return trusted_date(dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat())
    except (ValueError, OverflowError):
        return None


def _guid(raw_id: str, link: str) -> str:
    guid = " ".join(str(raw_id).split()) or link
    if len(guid) > MAX_GUID:
        guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    return guid


def _absolute(link: str, base: str) -> str:
    """The link resolved against the feed's address; "" unless it is http(s) with a host."""
    link = " ".join(str(link or "").split())
    if not link:
        return ""
    absolute = urljoin(base, link)
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.hostname else ""
