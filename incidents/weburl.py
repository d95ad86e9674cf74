"""One key per web page, however its address is written: what makes a fetched page one article.

Pure Python (no Django). Two addresses get the same key when they differ only in what does not
change the page: the scheme (http/https), a leading "www.", the default port, letter case of the
host, a trailing slash, the fragment, the order of query parameters, and tracking parameters
(`utm_*`, `fbclid`, ...). Anything else in the path or query keeps pages apart.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit

# Query parameters added by newsletters, social sites and ad networks, never by the page itself.
TRACKING_PARAMS = frozenset(
    [
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref_src",
        "cmpid",
        "ocid",
        "at_medium",
        "at_campaign",
        "_ga",
        "_gl",
        "smid",
        "soc_src",
        "soc_trk",
    ]
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class BadUrl(ValueError):
    """The address is not an http or https URL with a host; the message says which."""


def url_check(url: str, max_length: int = 1000) -> str:
    """The URL stripped, or BadUrl with a sentence an analyst can act on."""
    url = (url or "").strip()
    if not url:
        raise BadUrl("Give the article's URL.")
    if len(url) > max_length:
        raise BadUrl(f"The URL is longer than {max_length} characters.")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise BadUrl("The URL contains spaces or control characters.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS:
        raise BadUrl(f"Only http and https addresses can be fetched, not “{parts.scheme or url}”.")
    if not parts.hostname:
        raise BadUrl("The URL has no host name.")
    if parts.username or parts.password:
        raise BadUrl("The URL carries a user name or password; give the plain address.")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number or out of range
    except ValueError:
        raise BadUrl("The URL's port is not a valid number.") from None
    return url


def url_normal(url: str) -> str:
    """The address in its one comparable form (see the module's docstring); BadUrl if not http(s)."""
    parts = urlsplit(url_check(url))
    host = parts.hostname.rstrip(".").lower()
    host = host.removeprefix("www.")
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[parts.scheme.lower()]) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMS
    )
    return f"{netloc}{path}" + (f"?{urlencode(query)}" if query else "")


def url_key(url: str) -> str:
    """SHA-256 (hex) of `url_normal(url)`: fixed-length, indexable, unique per page."""
    return hashlib.sha256(url_normal(url).encode("utf-8")).hexdigest()


def url_key_or_none(url: str) -> str | None:
    """`url_key`, or None for an address that is not an http(s) URL (kept as given, not matched)."""
    try:
        return url_key(url)
    except BadUrl:
        return None
