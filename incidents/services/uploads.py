"""Turning an uploaded file or pasted text into clean article text, or a clear refusal.

Plain text and HTML are decoded here; PDF and Word files are read by `incidents.services.documents`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from html.parser import HTMLParser

TEXT_EXTENSIONS = (".txt", ".text", ".html", ".htm")
DOCUMENT_EXTENSIONS = (".pdf", ".docx")
ALLOWED_EXTENSIONS = TEXT_EXTENSIONS + DOCUMENT_EXTENSIONS
ALLOWED_TYPES = ".txt, .html, .pdf or .docx"


class ArticleRejected(ValueError):
    """The upload cannot become an article; the message says why, for the user, and
    nothing was stored. `too_large` selects HTTP 413."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML page, one block element per paragraph."""

    _SKIP = {"script", "style", "noscript", "template", "head", "svg"}
    _BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "blockquote",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Return (title, text) of an HTML document."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.title_parts).split()), "".join(parser.parts)


def clean_text(text: str) -> str:
    """Normalise Unicode and line ends, drop trailing spaces and runs of blank lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def content_hash(text: str) -> str:
    """SHA-256 of the text with whitespace collapsed: the same article pasted or uploaded is one."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bool(sample) and controls / len(sample) > 0.05


def decode_upload(name: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """Return (title, text) of an uploaded .txt, .html, .pdf or .docx file, or raise ArticleRejected."""
    lower = (name or "").lower()
    if not lower.endswith(ALLOWED_EXTENSIONS):
        raise ArticleRejected(f"“{name}” is not a {ALLOWED_TYPES} file; upload one of those.")
    if len(data) > max_bytes:
        raise ArticleRejected(
            f"“{name}” is {len(data) / 1_048_576:.1f} MB; the limit is {max_bytes / 1_048_576:.0f} MB.",
            too_large=True,
        )
    if lower.endswith(DOCUMENT_EXTENSIONS):
        from incidents.services.documents import read_document

        return read_document(name, data, max_bytes)
    if _looks_binary(data):
        raise ArticleRejected(f"“{name}” looks like a binary file, not text; upload plain text or HTML.")
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            decoded = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ArticleRejected(f"“{name}” is not UTF-8 or Windows-1252 text.") from None
    if lower.endswith((".html", ".htm")):
        return html_to_text(decoded)
    return "", decoded
