"""Turning the bytes of a web page into text, the way browsers pick the character set.

Order: a byte-order mark (it cannot lie), the HTTP header's charset, the page's own
<meta charset> / <meta http-equiv="Content-Type">, strict UTF-8, then statistical detection.
A declared charset that cannot decode the bytes is taken as wrong and the next source is tried:
servers and templates often claim UTF-8 for Windows-1252 pages.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as Windows-1252 (WHATWG Encoding), and so do the pages that use them.
_AS_WINDOWS_1252 = {"ascii", "us-ascii", "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1", "cp819"}
_META_SCAN_BYTES = 4096  # where browsers look for <meta charset> (the spec says 1024; pages exceed it)
_DETECT_BYTES = 200_000  # enough for the detector to decide, bounded for huge pages


def charset_of_media_type(media_type: str) -> str | None:
    """The `charset` parameter of a Content-Type value such as "text/html; charset=UTF-8"."""
    for part in media_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def codec_name(label: str | None) -> str | None:
    """Python's codec for a charset label, or None if the label names no usable codec."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_WINDOWS_1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # a page cannot sensibly declare these in its markup; "utf-7" has been used to smuggle script
    return None if name in ("utf-7", "rot-13") else name


def bom_charset(content: bytes) -> tuple[str | None, int]:
    """(codec, length of the mark) when the bytes start with a byte-order mark, else (None, 0)."""
    for mark, name in _BOMS:
        if content.startswith(mark):
            return name, len(mark)
    return None, 0


def meta_charset(content: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its start (read as ASCII, no regex)."""
    head = content[:_META_SCAN_BYTES].lower()
    start = head.find(b"<meta")
    while start != -1:
        end = head.find(b">", start)
        tag = head[start : end if end != -1 else len(head)]
        at = tag.find(b"charset")
        if at != -1:
            value = _attribute_value(tag, at + len(b"charset"))
            if value:
                return value.decode("ascii", "replace")
        start = head.find(b"<meta", start + 5)
    return None


def _attribute_value(tag: bytes, at: int) -> bytes:
    """The value after `charset` in a meta tag: `charset="x"` or `content="...; charset=x"`."""
    rest = tag[at:].lstrip()
    if not rest.startswith(b"="):
        return b""
    rest = rest[1:].lstrip().lstrip(b"\"'")
    value = bytearray()
    for byte in rest:
        if byte in b"\"'; \t\r\n/>":
            break
        value.append(byte)
    return bytes(value)


def decode_html(content: bytes, charset: str | None = None) -> str:
    """The page's text: see the module docstring for the order of the sources."""
    bom, skip = bom_charset(content)
    if bom:
        return content[skip:].decode(bom, "replace")
    declared = [name for name in (codec_name(charset), codec_name(meta_charset(content))) if name]
    for name in [*declared, "utf-8"]:
        try:
            return content.decode(name)
        except UnicodeDecodeError:
            continue
    best = from_bytes(content[:_DETECT_BYTES]).best()
    name = codec_name(best.encoding) if best is not None else None
    return content.decode(name or (declared or ["cp1252"])[0], "replace")
