"""What a fetch is asked with, what it gives back, and how it fails (no Django here).

The policy is passed in by the caller (settings live in Django, this package does not import it),
so one worker can fetch under different rules, and a test under its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FetchPolicy:
    """The rules every outbound request obeys; frozen so a policy can be shared between threads."""

    # Host names or IP addresses (lower-case) exempt from the private-address refusal, any port:
    # an intranet feed the operator trusts, or a test server on 127.0.0.1.
    allowed_hosts: frozenset[str] = frozenset()
    user_agent: str = "IncidentDesk/1.0 (+news monitoring; contact: admin)"
    max_redirects: int = 5
    timeout: float = 20.0  # total seconds for one fetch, redirects included (a slow drip ends)
    connect_timeout: float = 5.0
    max_bytes: int = 5 * 1024 * 1024  # body size after decompression
    respect_robots: bool = True
    # A PEM bundle of certificate authorities to trust instead of the default (certifi) one: an
    # internal CA, or a test's own. None: the default bundle.
    ca_file: str | None = None


@dataclass
class FetchResult:
    """One fetched page or feed, decoded from its transfer encoding but not from its charset."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int  # 2xx, or 304 for a conditional hit
    content: bytes  # the decompressed body, b"" for 304
    media_type: str  # e.g. "text/html": lower-case, no parameters; "" when none was given
    charset: str | None  # from Content-Type (lower-case), if any
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True when the server said our copy (the etag or date we sent) is still current."""
        return self.status == 304


class FetchError(Exception):
    """A fetch failed; str(exc) is a full sentence an analyst can read, naming the URL or host.

    `transient` says whether trying again later may succeed (timeouts, connection errors, 5xx,
    429), so a worker knows whether to retry or to report; `status` is the HTTP status, if any.
    """

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


class FetchRefused(FetchError):
    """Our own rules stopped the fetch (scheme, private address, robots.txt, content type, size,
    redirects): asking again gives the same answer, so it is never transient."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, transient=False, status=status)


def shown(url: str, limit: int = 200) -> str:
    """A URL short enough for a message (a crafted URL can be megabytes long)."""
    return url if len(url) <= limit else url[: limit - 1] + "…"
