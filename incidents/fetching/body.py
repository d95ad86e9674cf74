"""Reading a response body within the fetch's limits: size after decompression, and time.

httpx decompresses a whole network chunk at once: 64 KB of gzip can hold 64 MB of zeros. Here
the raw bytes are inflated with zlib's own output cap, so a compression bomb is stopped one byte
past the limit, whatever it would have grown to.
"""

from __future__ import annotations

import time
import zlib

import httpx

from .types import FetchError, FetchRefused, shown


def content_type(value: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"': lower-case, no other parameters."""
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, equals, given = param.partition("=")
        if equals and name.strip().lower() == "charset":
            charset = given.strip().strip("\"'").strip().lower() or None
    return media.strip().lower(), charset


class _Inflater:
    """Undoes one Content-Encoding a piece at a time, never giving more than it is asked for."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        # gzip: its own header (wbits 16+); deflate: zlib-wrapped as the RFC says, or raw as some
        # servers send it (tried when the zlib header is not there).
        self._raw_fallback = encoding == "deflate"
        wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def inflate(self, data: bytes, cap: int) -> bytes:
        """At most `cap` bytes (>= 1) of what `data` decodes to; a full cap means there may be more."""
        try:
            out = self._zlib.decompress(data, cap)
        except zlib.error:
            if self._started or not self._raw_fallback:
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, cap)
        self._started = True
        return out


def _inflater(value: str, url: str) -> _Inflater | None:
    """The decoder for a Content-Encoding header (None: identity); others are refused."""
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    codings = ["gzip" if c == "x-gzip" else c for c in codings]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in ("gzip", "deflate"):
        raise FetchRefused(f"{shown(url)} came in an encoding we did not ask for ({value}).")
    return _Inflater(codings[0])


def read_body(response: httpx.Response, url: str, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """The decoded body, refused past `max_bytes` (raw or decoded), failed past the `deadline`."""
    inflater = _inflater(response.headers.get("content-encoding", ""), url)
    body = bytearray()
    raw = 0
    for chunk in response.iter_raw():
        if time.monotonic() > deadline:
            raise FetchError(f"Fetching {shown(url)} took longer than {timeout:g} s.", transient=True)
        raw += len(chunk)
        if raw > max_bytes:  # compressed padding can be endless even when it decodes to nothing
            raise _too_big(url, max_bytes)
        if inflater is None:
            body += chunk
        else:
            try:
                body += inflater.inflate(chunk, max_bytes - len(body) + 1)
            except zlib.error:
                message = f"{shown(url)} sent a body that is not valid {inflater.encoding}."
                raise FetchError(message) from None
        if len(body) > max_bytes:
            raise _too_big(url, max_bytes)
    return bytes(body)


def _too_big(url: str, max_bytes: int) -> FetchRefused:
    return FetchRefused(f"{shown(url)} is larger than the {max_bytes:,} bytes a fetch may read.")
