"""robots.txt, read once per origin and kept for a while (RFC 9309).

The file is fetched through the same safe fetch() as any page. What its answer means follows the
RFC: rules when it is there, no rules when it is not (4xx, or unavailable through too many
redirects), and nothing at all for now when the site is in trouble (5xx, 429, network): a site
that cannot serve its robots.txt cannot tell us what it forbids.
"""

from __future__ import annotations

import threading
import time
from urllib.robotparser import RobotFileParser

from .address import parse_url
from .net import fetch
from .types import FetchError, FetchPolicy, FetchRefused

_PRUNE_ABOVE = 1024  # origins kept before expired ones are dropped on the next store


class RobotsCache:
    """robots.txt per scheme+host+port, kept `ttl` seconds in memory (thread-safe).

    Two threads asking about a new origin at once may both fetch its robots.txt: harmless, and
    no thread waits on another's download.
    """

    def __init__(self, ttl: float = 3600.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._rules: dict[str, tuple[float, RobotFileParser | None]] = {}  # None: no rules

    def allowed(self, url: str, policy: FetchPolicy) -> bool:
        """Whether the policy's user agent may fetch `url`.

        Raises FetchError (transient) when robots.txt cannot be read for now (5xx, 429, network
        failure, time out): the RFC's "disallow everything" until it can, told apart from a
        rule so the caller retries later instead of giving up. A refused URL raises FetchRefused.
        """
        parsed = parse_url(url)
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        rules = self._lookup(origin)
        if rules is False:
            rules = self._download(origin, policy)
            self._store(origin, rules)
        return rules is None or rules.can_fetch(_agent(policy.user_agent), url)

    def _lookup(self, origin: str) -> RobotFileParser | None | bool:
        """The cached rules (None: none), or False when there is no fresh entry."""
        with self._lock:
            entry = self._rules.get(origin)
        if entry is None or entry[0] <= time.monotonic():
            return False
        return entry[1]

    def _store(self, origin: str, rules: RobotFileParser | None) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._rules) >= _PRUNE_ABOVE:
                self._rules = {key: entry for key, entry in self._rules.items() if entry[0] > now}
            self._rules[origin] = (now + self.ttl, rules)

    @staticmethod
    def _download(origin: str, policy: FetchPolicy) -> RobotFileParser | None:
        """The origin's rules, None when it has none; FetchError while it cannot say."""
        host = origin.split("://", 1)[1]
        try:
            result = fetch(f"{origin}/robots.txt", policy)
        except FetchRefused:
            # Too many redirects, a hop we may not follow, larger than any page we read: the RFC's
            # "unavailable", which leaves the site's pages to the fetch's own rules.
            return None
        except FetchError as exc:
            if not exc.transient:
                return None  # 4xx and the like: the site has no robots.txt
            why = str(exc).rstrip(".")
            raise FetchError(
                f"robots.txt of {host} could not be read ({why}), so nothing is fetched from it for now.",
                transient=True,
                status=exc.status,
            ) from exc
        rules = RobotFileParser()
        rules.parse(result.content.decode("utf-8", "replace").splitlines())
        return rules


def _agent(user_agent: str) -> str:
    """The product token robots.txt groups name ("IncidentDesk" of "IncidentDesk/1.0 (+...)")."""
    return user_agent.split("/", 1)[0].split(None, 1)[0] if user_agent.strip() else "*"
