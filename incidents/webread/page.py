"""Reading a news article out of the bytes of its web page: main text and metadata, no network.

trafilatura finds the article's text and its metadata (it asks htmldate for the date); this
module decides the character set, fixes up what trafilatura gets wrong on news sites
(`cleanup`), keeps paragraph breaks, and only trusts metadata an analyst can rely on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document

from incidents.webread.cleanup import drop_boxes, unwrap_layout_tables
from incidents.webread.decode import decode_html
from incidents.webread.feedcheck import FEED_ROOTS, HTML_ROOTS, root_element

EARLIEST = dt.date(1990, 1, 1)  # before the web: a date this old on a news page is a mistake
MIN_WORDS = 20  # fewer words than a one-paragraph wire flash is a menu or an error page, not an article
_HTML_MARKERS = ("<html", "<head", "<body", "<!doctype html", "<article", "<div", "<p>", "<p ", "<title")
_SNIFF_CHARS = 65_536


@dataclass
class PageArticle:
    title: str
    text: str  # the article's main text: paragraphs joined by "\n\n", no boilerplate
    published: dt.date | None  # publication date from the page's metadata; None if none or untrusted
    site_name: str  # the publisher as the page names itself; "" if it does not
    canonical_url: str  # <link rel=canonical> or og:url, absolute; "" if none
    language: str = ""  # primary language subtag ("en", "fr") the page declares; "" if none


class PageRejected(ValueError):
    """The bytes hold no article an analyst could use; the message says why, in a sentence."""


def page_read(content: bytes, url: str, *, charset: str | None = None) -> PageArticle:
    """Read the article of a page fetched from `url`; `charset` is the HTTP header's, if any."""
    text = decode_html(content, charset)
    _check_html(content, text, url)
    tree = _parse(text, url)
    unwrap_layout_tables(tree)
    drop_boxes(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_links=True,  # only to tell link-only blocks (see _paragraphs); the text has no links
        favor_precision=True,
        date_extraction_params=_date_params(),
    )
    title = _one_line(doc.title) if doc is not None else ""
    body = _paragraphs(doc.body, title) if doc is not None and doc.body is not None else ""
    if len(body.split()) < MIN_WORDS:
        raise PageRejected(f"no article text found on {url}")
    return PageArticle(
        title=title,
        text=body,
        published=trusted_date(doc.date),
        site_name=_site_name(doc),
        canonical_url=_canonical(tree, url),
        language=_language(tree),
    )


def _check_html(content: bytes, text: str, url: str) -> None:
    """Refuse bytes that are not an HTML page (nothing, binary data, plain text, a feed), saying so."""
    if not text.strip():
        raise PageRejected(f"{url} gave an empty response, not a web page")
    if "\x00" in text[:_SNIFF_CHARS]:
        raise PageRejected(f"{url} gives binary data, not a web page")
    root = root_element(content)
    if root in FEED_ROOTS:
        raise PageRejected(f"{url} gives a news feed, not a web page; add it as a feed instead")
    # some servers print warnings before the page: markup further in still makes it a page
    if root not in HTML_ROOTS and not any(marker in text[:_SNIFF_CHARS].lower() for marker in _HTML_MARKERS):
        raise PageRejected(f"{url} does not give an HTML page")


def _parse(text: str, url: str) -> lxml.html.HtmlElement:
    # the text is decoded already: the parser must not re-read a <meta charset> and decode twice
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise PageRejected(f"no article text found on {url}") from exc


def _date_params() -> dict[str, object]:
    """htmldate reads the page's metadata and markup only: its search of the visible text takes a
    footer's "© 2024" for the publication date, which is worse than no date."""
    return {
        "original_date": True,
        "extensive_search": False,
        "min_date": EARLIEST.isoformat(),
        "max_date": (dt.date.today() + dt.timedelta(days=1)).isoformat(),
    }


def trusted_date(value: str | None) -> dt.date | None:
    """An ISO date if it is plausible for a news item: from 1990 to tomorrow (a page's date is
    local; tomorrow allows for time zones ahead of ours). Otherwise None."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if EARLIEST <= day <= dt.date.today() + dt.timedelta(days=1) else None


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _paragraphs(body: lxml.etree._Element, title: str) -> str:
    """The text of trafilatura's body, one paragraph per block, without repeats of the headline and
    without blocks that are only a link (a pointer to another story, not this one's text)."""
    headline = title.casefold()
    paragraphs: list[str] = []
    for block in body:
        if block.tag == "list":
            lines = [_block_text(item) for item in block.iter("item") if not _only_link(item)]
        elif block.tag == "table":
            lines = [" | ".join(_block_text(cell) for cell in row.iter("cell")) for row in block.iter("row")]
        else:
            lines = [] if _only_link(block) else [_block_text(block)]
        text = "\n".join(line for line in lines if any(ch.isalnum() for ch in line))
        if text and text.casefold() != headline:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _only_link(element: lxml.etree._Element) -> bool:
    """True if nearly all of a block's letters are inside links (<ref>)."""
    letters = sum(ch.isalnum() for ch in "".join(element.itertext()))
    linked = sum(ch.isalnum() for ref in element.iter("ref") for ch in "".join(ref.itertext()))
    return letters > 0 and linked >= 0.9 * letters


def _block_text(element: lxml.etree._Element) -> str:
    """A block's text, whitespace collapsed; <lb/> (a <br> in the page) starts a new line."""
    lines: list[list[str]] = [[]]
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if node.tag == "lb":
                lines.append([])
            lines[-1].append(node.text or "")
        elif node is not element:
            lines[-1].append(node.tail or "")
    return "\n".join(" ".join("".join(parts).split()) for parts in lines if "".join(parts).strip())


def _site_name(doc: Document) -> str:
    """trafilatura's site name unless it is only the address's host name (its last resort) or a
    link (article:publisher is often a Facebook page): that is not how the page names itself."""
    name = _one_line(doc.sitename)
    if not name or name.startswith(("http:", "https:", "//")):
        return ""
    host = (urlsplit(doc.url or "").hostname or "").removeprefix("www.")
    return "" if host and name.lower() == host else name


def _canonical(tree: lxml.html.HtmlElement, url: str) -> str:
    """The address the page gives as its own, made absolute; only http(s)."""
    candidates = [
        link.get("href", "")
        for link in tree.iter("link")
        if "canonical" in link.get("rel", "").lower().split()
    ]
    candidates += [meta.get("content", "") for meta in tree.iter("meta") if meta.get("property") == "og:url"]
    for candidate in candidates:
        candidate = candidate.strip()
        if candidate:
            absolute = urljoin(url, candidate)
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return ""


def _language(tree: lxml.html.HtmlElement) -> str:
    """The primary subtag of <html lang>, else of Content-Language or og:locale ("fr_FR" -> "fr")."""
    labels = [tree.get("lang", "")]
    for meta in tree.iter("meta"):
        names = ((meta.get("http-equiv") or "").lower(), meta.get("property") or "")
        if "content-language" in names or "og:locale" in names:
            labels.append(meta.get("content", ""))
    for label in labels:
        primary = label.strip().replace("_", "-").split("-")[0].lower()
        if 2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha():
            return primary
    return ""
