"""Fixtures for the fetcher's tests: a live local web server, a policy that may reach it, and a
stand-in for DNS (the one part outside the machine: names resolve as a test says)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from incidents.fetching import FetchPolicy
from tests.support.web_server import LocalWebServer


@pytest.fixture
def server() -> Iterator[LocalWebServer]:
    with LocalWebServer() as running:
        yield running


@pytest.fixture
def policy() -> FetchPolicy:
    """The test server's address is exempt from the private-address refusal; short waits."""
    return FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"}), timeout=3.0, connect_timeout=1.0)


class FakeDNS:
    """Names in `answers` resolve to the listed addresses (a callable answers per lookup);
    anything else goes to the real resolver. `asked` lists the names looked up here."""

    def __init__(self, real) -> None:
        self.answers: dict[str, object] = {}
        self.asked: list[str] = []
        self._real = real

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's names
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.answers:
            return self._real(host, port, family, type, proto, flags)
        self.asked.append(name)
        answer = self.answers[name]
        addresses = answer() if callable(answer) else answer
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]


@pytest.fixture
def dns(monkeypatch) -> FakeDNS:
    fake = FakeDNS(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake
