"""Looking at a feed's bytes before any XML parser does: entity declarations, the root element,
and the feed a web page announces. Linear scans, no regex."""

from __future__ import annotations

import codecs
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from incidents.webread.decode import bom_charset, charset_of_media_type, decode_html

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf"})
# what a web page starts with when it is not <html> (the tags are optional) or an HTML doctype
HTML_ROOTS = frozenset(
    {"html", "!doctype html", "head", "body", "meta", "title", "link", "script", "style", "div", "p"}
)
_SNIFF_BYTES = 65_536  # the root element comes after at most a declaration, comments and a doctype
_NAME_ENDS = " \t\r\n/>"


def _wide_codec(content: bytes) -> str | None:
    """UTF-16 or UTF-32 from a byte-order mark, else from where the zero bytes of the first
    characters fall (markup starts with ASCII characters, which these encodings pad with zeros)."""
    bom, _ = bom_charset(content)
    if bom and bom != "utf-8":
        return bom
    zeros = [byte == 0 for byte in content[:4]]
    if zeros == [False, True, True, True]:
        return "utf-32-le"
    if zeros == [True, True, True, False]:
        return "utf-32-be"
    if zeros[:2] == [False, True]:
        return "utf-16-le"
    if zeros[:2] == [True, False]:
        return "utf-16-be"
    return None


def _declared_label(content: bytes) -> str:
    """The encoding named in an ASCII-readable <?xml ... encoding="..."?> declaration, or ""."""
    head = content[:200]
    if not head.startswith(b"<?xml"):
        return ""
    declaration = head[: head.find(b"?>") if b"?>" in head else len(head)]
    at = declaration.find(b"encoding")
    if at == -1:
        return ""
    rest = declaration[at + len(b"encoding") :].lstrip().lstrip(b"=").lstrip().lstrip(b"\"'")
    end = min((i for i, byte in enumerate(rest) if byte in b"\"' ?"), default=len(rest))
    return rest[:end].decode("ascii", "replace")


def _any_codec(label: str | None) -> str | None:
    """Python's codec for a label, any codec at all: the check must read what feedparser may read."""
    try:
        return codecs.lookup(label).name if label else None
    except LookupError:
        return None


def declares_entities(content: bytes, media_type: str = "") -> bool:
    """True if the document declares an entity (<!ENTITY) in any encoding feedparser could read it
    in: UTF-16 or UTF-32, the one the XML declaration names, or the Content-Type's charset. UTF-7
    writes "<" as "+ADw-", so a declaration hidden that way is invisible to a byte search."""
    if b"<!entity" in content.lower():
        return True
    labels = (_wide_codec(content), _declared_label(content), charset_of_media_type(media_type))
    for name in {_any_codec(label) for label in labels} - {None, "utf-8"}:
        try:
            text = content.decode(name, "replace")
        except (LookupError, UnicodeError):  # not a text encoding ("base64"): no parser reads it either
            continue
        if "<!entity" in text.lower():
            return True
    return False


def root_element(content: bytes) -> str:
    """The lower-cased name of the first element ("rss", "feed", "rdf:rdf", "html"), or
    "!doctype html" for an HTML doctype; "" if the bytes do not start with markup."""
    codec = _wide_codec(content)
    _, skip = bom_charset(content)
    sample = content[skip : skip + _SNIFF_BYTES * (4 if codec else 1)]
    # any ASCII-compatible encoding reads as Latin-1 well enough to see the markup
    text = sample.decode(codec, "replace") if codec else sample.decode("latin-1")
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if text.startswith("<?", pos):
            pos = _after(text, "?>", pos)
        elif text.startswith("<!--", pos):
            pos = _after(text, "-->", pos)
        elif text.startswith("<!", pos):
            if text[pos : pos + 14].lower() == "<!doctype html":
                return "!doctype html"
            pos = _after_doctype(text, pos)
        elif text.startswith("<", pos):
            end = pos + 1
            while end < len(text) and text[end] not in _NAME_ENDS:
                end += 1
            return text[pos + 1 : end].lower()
        else:
            return ""
    return ""


def _after(text: str, closing: str, pos: int) -> int:
    end = text.find(closing, pos)
    return len(text) if end == -1 else end + len(closing)


def _after_doctype(text: str, pos: int) -> int:
    """The end of <!DOCTYPE ...>, skipping an internal subset in [ ]."""
    bracket, close = text.find("[", pos), text.find(">", pos)
    if bracket != -1 and (close == -1 or bracket < close):
        return _after(text, ">", _after(text, "]", bracket))
    return len(text) if close == -1 else close + 1


def announced_feed(content: bytes, url: str, media_type: str = "") -> str:
    """The absolute address of the first feed a web page announces with
    <link rel="alternate" type="application/rss+xml|atom+xml" href=...>; "" if none."""
    text = decode_html(content, charset_of_media_type(media_type))
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            absolute = urljoin(url, href)
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return ""
