"""fetch(): one GET under the policy's rules, redirects followed here, hop by hop.

Each hop is vetted (scheme, host, addresses, robots.txt) before a byte is sent, then sent to the
vetted address itself: the URL carries the IP, the Host header and TLS's SNI the real name, so
the certificate is checked against the name and DNS is asked once per hop.
"""

from __future__ import annotations

import contextlib
import functools
import ssl
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx

from .address import Target, parse_url, vet
from .body import content_type, read_body
from .transport import DeadlineTransport
from .types import FetchError, FetchPolicy, FetchRefused, FetchResult, shown

if TYPE_CHECKING:
    from .robots import RobotsCache

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class _Ask:
    """One call's question, handed down to the helpers that answer it."""

    url: str
    policy: FetchPolicy
    accept: frozenset[str]
    etag: str | None
    last_modified: str | None
    deadline: float  # time.monotonic() value


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    accept: Collection[str] = (),
    etag: str | None = None,
    last_modified: str | None = None,
    robots: RobotsCache | None = None,
) -> FetchResult:
    """GET `url`; raise FetchRefused when our rules forbid it, FetchError when it fails.

    `accept`: the media types wanted (empty: any); `etag` / `last_modified`: what an earlier
    fetch gave, sent as If-None-Match / If-Modified-Since (a 304 result then says not_modified);
    `robots`: when given and the policy respects robots.txt, every hop's origin is asked first.
    """
    deadline = time.monotonic() + policy.timeout
    wanted = (accept,) if isinstance(accept, str) else accept  # "text/html" is one type, not nine
    ask = _Ask(url, policy, frozenset(a.strip().lower() for a in wanted), etag, last_modified, deadline)
    current = parse_url(url)
    transport = DeadlineTransport(ask.deadline, _ssl_context(policy.ca_file))
    timeouts = httpx.Timeout(policy.timeout, connect=policy.connect_timeout)
    with httpx.Client(
        transport=transport, trust_env=False, follow_redirects=False, timeout=timeouts
    ) as client:
        host = ""
        for _hop in range(policy.max_redirects + 1):
            target = vet(current, policy)
            _check_robots(target, ask, robots)
            if target.host != host:  # a shared (CDN) address must not carry one site's cookies to another
                client.cookies.clear()
                host = target.host
            with _failures(target, ask):
                response = _send(client, target, _headers(ask))
                try:
                    following = _redirect(response, current)
                    if following is None:
                        return _conclude(response, ask, current)
                finally:
                    response.close()
            current = following
    raise FetchRefused(f"{shown(url)} redirected more than {policy.max_redirects} times.")


@functools.lru_cache(maxsize=8)
def _ssl_context(ca_file: str | None) -> ssl.SSLContext:
    """Built once per bundle: loading the CA certificates costs more than a small fetch."""
    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    return httpx.create_ssl_context()


def _headers(ask: _Ask) -> dict[str, str]:
    headers = {
        "User-Agent": ask.policy.user_agent,
        "Accept": ", ".join(sorted(ask.accept)) or "*/*",
        "Accept-Encoding": "gzip, deflate",  # what body.py can inflate within the size limit
    }
    if ask.etag:
        headers["If-None-Match"] = ask.etag
    if ask.last_modified:
        headers["If-Modified-Since"] = ask.last_modified
    return headers


def _check_robots(target: Target, ask: _Ask, robots: RobotsCache | None) -> None:
    """Refuse a URL the site's robots.txt disallows; its fetch spends this fetch's time."""
    if robots is None or not ask.policy.respect_robots:
        return
    left = replace(ask.policy, timeout=max(ask.deadline - time.monotonic(), 0.001))
    if not robots.allowed(str(target.url), left):
        raise FetchRefused(f"robots.txt of {target.host} disallows {shown(str(target.url))}.")


def _send(client: httpx.Client, target: Target, headers: dict[str, str]) -> httpx.Response:
    """The response's head from the first vetted address that takes the connection."""
    headers = {**headers, "Host": target.url.netloc.decode("ascii")}
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    last = len(target.addresses) - 1
    for index, address in enumerate(target.addresses):
        pinned = target.url.copy_with(host=address)
        request = client.build_request("GET", pinned, headers=headers, extensions=extensions)
        try:
            return client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            if index == last:
                raise
    raise AssertionError("vet() gives at least one address")


def _redirect(response: httpx.Response, current: httpx.URL) -> httpx.URL | None:
    """The next hop when the response is a redirect that says where to, else None."""
    location = response.headers.get("location")
    if response.status_code not in _REDIRECTS or not location:
        return None
    try:
        following = current.join(location)
    except httpx.InvalidURL:
        raise FetchRefused(f"{shown(str(current))} redirected to an invalid address.") from None
    return parse_url(str(following.copy_with(fragment=None)))


def _conclude(response: httpx.Response, ask: _Ask, current: httpx.URL) -> FetchResult:
    """The result of the last hop, or the error its status or content calls for."""
    status, final = response.status_code, str(current)
    media, charset = content_type(response.headers.get("content-type", ""))
    content = b""
    if status != 304:
        if not 200 <= status < 300:
            raise _status_error(status, final)
        _check_content(response, ask, final, media)
        content = read_body(response, final, ask.policy.max_bytes, ask.deadline, ask.policy.timeout)
    kept = status == 304  # a 304 may leave out the validators: ours still hold
    return FetchResult(
        url=ask.url,
        final_url=final,
        status=status,
        content=content,
        media_type=media,
        charset=charset,
        etag=response.headers.get("etag", ask.etag if kept else None),
        last_modified=response.headers.get("last-modified", ask.last_modified if kept else None),
    )


def _check_content(response: httpx.Response, ask: _Ask, url: str, media: str) -> None:
    """Refuse, before reading the body, a type not asked for or a declared size over the limit."""
    if ask.accept and media not in ask.accept:
        wanted = " or ".join(sorted(ask.accept))
        raise FetchRefused(f"{shown(url)} is {media or 'of no stated type'}, not {wanted}.")
    length = response.headers.get("content-length", "")
    limit = ask.policy.max_bytes
    if length.isdigit() and int(length) > limit:
        raise FetchRefused(
            f"{shown(url)} is {int(length):,} bytes, more than the {limit:,} a fetch may read."
        )


def _status_error(status: int, url: str) -> FetchError:
    # The standard phrase, not the server's: its reason text is nobody's to put on our screens.
    said = f"The page {shown(url)} answered {status} {httpx.codes.get_reason_phrase(status)}".rstrip()
    if status == 429 or status >= 500:
        return FetchError(f"{said}; it may work later.", transient=True, status=status)
    if status in _REDIRECTS:
        return FetchError(f"{said} without saying where to.", status=status)
    return FetchError(f"{said}.", status=status)


@contextlib.contextmanager
def _failures(target: Target, ask: _Ask) -> Iterator[None]:
    """httpx's transport errors as FetchError sentences naming the host."""
    try:
        yield
    except httpx.TimeoutException as exc:
        if isinstance(exc, httpx.ConnectTimeout) and time.monotonic() < ask.deadline:
            wait = ask.policy.connect_timeout
            raise FetchError(
                f"{target.host} did not accept a connection within {wait:g} s.", transient=True
            ) from exc
        raise FetchError(
            f"Fetching {shown(ask.url)} took longer than {ask.policy.timeout:g} s.", transient=True
        ) from exc
    except httpx.ConnectError as exc:
        problem = _certificate_problem(exc)
        if problem:
            raise FetchError(f"The certificate of {target.host} could not be verified ({problem}).") from exc
        raise FetchError(f"Could not connect to {target.host} ({exc}).", transient=True) from exc
    except httpx.TransportError as exc:
        message = f"The connection to {target.host} failed while fetching {shown(ask.url)} ({exc})."
        raise FetchError(message, transient=True) from exc


def _certificate_problem(exc: BaseException) -> str | None:
    """What TLS said was wrong with the certificate, if that is why the connection failed."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or str(seen)
        seen = seen.__cause__ or seen.__context__
    return None
