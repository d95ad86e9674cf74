"""Turning an uploaded file or pasted text into clean article text, or a clear refusal.

Plain text and HTML are decoded here, in the request; PDF and Word files are only checked here
and read by the worker (`incidents.services.documents`).
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


def is_document(name: str) -> bool:
    """A PDF or Word file: read by the worker, not in the request."""
    return (name or "").lower().endswith(DOCUMENT_EXTENSIONS)


def check_upload(name: str, data: bytes, max_bytes: int) -> None:
    """Refuse a file of another type, or over the size limit."""
    if not (name or "").lower().endswith(ALLOWED_EXTENSIONS):
        raise ArticleRejected(f"“{name}” is not a {ALLOWED_TYPES} file; upload one of those.")
    if len(data) > max_bytes:
        raise ArticleRejected(
            f"“{name}” is {len(data) / 1_048_576:.1f} MB; the limit is {max_bytes / 1_048_576:.0f} MB.",
            too_large=True,
        )


def decode_text(name: str, data: bytes) -> str:
    """The text of a .txt or .html file, decoded in the request (it is cheap), or ArticleRejected.

    Policy: UTF-8 (with or without a BOM) is read as UTF-8. A file with no valid UTF-8 multi-byte
    character at all is an old Windows file and is read as Windows-1252. A file mixing valid UTF-8
    with invalid bytes is damaged: guessing would garble it, so it is refused with the byte's
    position. A NUL anywhere (not only in the first 8 KB) means binary: refused.
    """
    if _looks_binary(data):
        raise ArticleRejected(f"“{name}” looks like a binary file, not text; upload plain text or HTML.")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ArticleRejected(
            f"“{name}” contains a NUL byte at byte {nul}: it is a binary file, not text; "
            "upload plain text or HTML."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if any(ord(c) > 0x7F and c != "\ufffd" for c in data.decode("utf-8", "replace")):
        raise ArticleRejected(
            f"“{name}” is not valid UTF-8: byte {bad} (0x{data[bad]:02x}) breaks a character; "
            "save it as UTF-8 and upload it again."
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ArticleRejected(f"“{name}” is not UTF-8 or Windows-1252 text.") from None


def decode_upload(name: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """Return (title, text) of an uploaded .txt or .html file, or raise ArticleRejected."""
    check_upload(name, data, max_bytes)
    decoded = decode_text(name, data)
    if (name or "").lower().endswith((".html", ".htm")):
        return html_to_text(decoded)
    return "", decoded
