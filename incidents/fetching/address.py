"""Which addresses a fetch may reach: the scheme and host rules, and the SSRF guard.

A URL from a news feed or an analyst must not make the worker talk to itself, the cloud metadata
service (169.254.169.254) or the office network. The host is resolved once here, every address it
resolves to is vetted, and the fetch then connects to a vetted address itself, so a DNS answer
that changes between the check and the connection (rebinding) cannot move it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .types import FetchError, FetchPolicy, FetchRefused, shown

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT: not ours to reach
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # an IPv4 address behind a NAT64 gateway
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._")  # of a host name after IDNA

# In order: the first that applies names the refusal. "not global" catches what the others miss
# (documentation and benchmarking ranges, 240/4 and the like).
_CATEGORIES: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", lambda ip: ip.is_unspecified),
    ("loopback", lambda ip: ip.is_loopback),
    ("link-local", lambda ip: ip.is_link_local),
    ("multicast", lambda ip: ip.is_multicast),
    ("shared (carrier-grade NAT)", lambda ip: ip.version == 4 and ip in _SHARED),
    ("reserved", lambda ip: ip.is_reserved),
    ("private", lambda ip: ip.is_private),
    ("site-local", lambda ip: ip.version == 6 and ip.is_site_local),
    ("non-public", lambda ip: not ip.is_global),
)


@dataclass(frozen=True)
class Target:
    """A vetted URL: where to connect (`addresses`, in the resolver's order) and what to call it."""

    url: httpx.URL  # as the page knows itself: the real host name
    host: str  # the host as sent on the wire (IDNA, lower-case, IPv6 without brackets)
    addresses: tuple[str, ...]


def address_refusal(address: str) -> str | None:
    """Why an address may not be fetched ("loopback", "private", ...), or None for a public one.

    An IPv6 address that carries an IPv4 one (::ffff:127.0.0.1, 6to4, NAT64) is judged by the
    IPv4 address, which is where the packets end up.
    """
    ip: IPAddress = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    for name, applies in _CATEGORIES:
        if applies(ip):
            return name
    return None


def parse_url(url: str) -> httpx.URL:
    """The URL if it is one we fetch at all (http or https, a host, no credentials)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchRefused(f"{shown(str(url))} is not a valid web address ({exc}).") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused(f"Only http and https addresses are fetched, and {shown(url)} is not one.")
    host = parsed.raw_host.decode("ascii").lower()
    if not host:
        raise FetchRefused(f"The address {shown(url)} names no host.")
    if ":" not in host and not _NAME_CHARACTERS.issuperset(host):  # an IPv6 host was checked by httpx
        raise FetchRefused(f"The address {shown(url)} names no valid host.")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchRefused(f"The address {shown(url)} names no valid port.")
    if parsed.userinfo:
        # Not echoed: the message would carry the password into logs and the analyst's screen.
        raise FetchRefused(
            f"The address for {parsed.host} carries a user name or password; such addresses are not fetched."
        )
    return parsed


def vet(url: httpx.URL, policy: FetchPolicy) -> Target:
    """Resolve the URL's host once and refuse it if any address is not public (unless allowed)."""
    host = url.raw_host.decode("ascii").lower()
    names = {host, url.host.lower()}
    addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80))
    exempt_name = not names.isdisjoint(policy.allowed_hosts)
    for address in addresses:
        if exempt_name or _allowed_address(address, policy.allowed_hosts):
            continue
        reason = address_refusal(address)
        if reason is not None:
            where = f"{host} is" if address == host else f"{host} resolves to {address},"
            article = "an" if reason[0] in "aeiou" else "a"
            raise FetchRefused(f"{where} {article} {reason} address, which is not fetched.")
    return Target(url=url, host=host, addresses=addresses)


def _allowed_address(address: str, allowed: frozenset[str]) -> bool:
    """Whether the operator exempted this address (an IPv4-mapped one counts as its IPv4 form)."""
    if address in allowed:
        return True
    ip = ipaddress.ip_address(address)
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return mapped is not None and str(mapped) in allowed


def _resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address the host resolves to, in order, once each (numeric forms included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"The host {host} could not be found ({exc.strerror}).", transient=True) from None
    except (UnicodeError, ValueError):
        raise FetchRefused(f"The host name {shown(host)} is not valid.") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 scope (fe80::1%eth0) is no part of it
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"The host {host} has no address.", transient=True)
    return tuple(addresses)
