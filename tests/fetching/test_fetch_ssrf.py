"""The SSRF guard: no fetch reaches a private, loopback or otherwise internal address, however
the address is written, wherever a redirect points, and whatever DNS says the second time."""

from __future__ import annotations

import time

import pytest

from incidents.fetching import FetchPolicy, FetchRefused, address_refusal, fetch
from incidents.fetching.address import parse_url, vet
from tests.support.web_server import LocalWebServer, redirect

STRICT = FetchPolicy(timeout=2.0, connect_timeout=0.5)  # nothing exempt


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "0.0.0.0",  # Linux connects 0.0.0.0 to the machine itself
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f.1",  # 127.0.0.1 in hex, short form
        "0177.0.0.1",  # octal (httpx already calls it no valid address)
        "127.1",
        "[::ffff:127.0.0.1]",
        "LOCALHOST",
    ],
)
def test_every_form_of_this_machine_is_refused_before_connecting(server, host):
    server.routes["/"] = (200, {}, b"secret")
    with pytest.raises(FetchRefused) as caught:
        fetch(f"http://{host}:{server.port}/", STRICT)
    message = str(caught.value)
    assert "address, which is not fetched" in message or "not a valid web address" in message
    assert server.connections == 0


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://[::1]/", "a loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1:8080/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),  # the cloud metadata service
        ("http://100.64.0.1/", "shared (carrier-grade NAT)"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[::]/", "an unspecified"),
        ("http://[fd00::1]/", "private"),
        ("http://[fe80::1]/", "link-local"),
        ("https://240.0.0.1/", "reserved"),
    ],
)
def test_internal_addresses_are_refused_at_once(url, kind):
    started = time.monotonic()
    with pytest.raises(FetchRefused) as caught:
        fetch(url, STRICT)
    assert f" {kind} address, which is not fetched" in str(caught.value)
    assert time.monotonic() - started < 0.4  # refused, not a connection attempt timing out


def test_a_name_is_refused_when_any_of_its_addresses_is_internal(dns):
    dns.answers["mixed.test"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(FetchRefused, match=r"mixed.test resolves to 127.0.0.1, a loopback address"):
        fetch("http://mixed.test/", STRICT)


def test_a_public_name_is_vetted_and_its_addresses_kept(dns):
    dns.answers["public.test"] = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    target = vet(parse_url("https://public.test/a?b=c"), STRICT)
    assert target.addresses == ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    assert target.host == "public.test"


def test_allowed_hosts_exempt_a_name_or_an_address(dns):
    dns.answers["feeds.intranet"] = ["10.1.2.3"]
    by_name = FetchPolicy(allowed_hosts=frozenset({"feeds.intranet"}))
    assert vet(parse_url("http://feeds.intranet:8080/rss"), by_name).addresses == ("10.1.2.3",)
    by_address = FetchPolicy(allowed_hosts=frozenset({"10.1.2.3"}))
    assert vet(parse_url("http://feeds.intranet/rss"), by_address).addresses == ("10.1.2.3",)
    with pytest.raises(FetchRefused):
        vet(parse_url("http://10.1.2.4/"), by_address)


def test_dns_is_asked_once_and_the_vetted_address_is_the_one_connected(dns, server):
    """DNS rebinding: the second answer would be internal; it is never asked for."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    dns.answers["rebind.test"] = lambda: next(answers)
    server.routes["/"] = (200, {}, b"public page")
    policy = FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"}), timeout=3.0, connect_timeout=0.5)
    assert fetch(f"http://rebind.test:{server.port}/", policy).content == b"public page"
    assert dns.asked == ["rebind.test"]
    assert server.requests[0].headers["Host"] == f"rebind.test:{server.port}"


def test_a_redirect_to_an_address_not_allowed_is_refused(server, policy):
    with LocalWebServer(host="127.0.0.2") as inner:
        inner.routes["/admin"] = (200, {}, b"secret")
        server.routes["/"] = redirect(inner.url("/admin"))
        with pytest.raises(FetchRefused, match="127.0.0.2 is a loopback address"):
            fetch(server.url("/"), policy)  # allowed: 127.0.0.1 only
        assert inner.connections == 0


def test_a_redirect_to_an_internal_name_is_refused(dns, server, policy):
    dns.answers["metadata.test"] = ["169.254.169.254"]
    server.routes["/"] = redirect("http://metadata.test/latest/")
    with pytest.raises(FetchRefused, match="metadata.test resolves to 169.254.169.254, a link-local"):
        fetch(server.url("/"), policy)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/file",
        "gopher://example.com:70/_",
        "javascript:alert(1)",
        "//example.com/no-scheme",
        "example.com/no-scheme",
        "http:///no-host",
        "http://",
    ],
)
def test_only_http_and_https_with_a_host_are_fetched(url):
    with pytest.raises(FetchRefused) as caught:
        fetch(url, STRICT)
    assert not caught.value.transient


def test_credentials_in_the_url_are_refused_without_repeating_them(server, policy):
    with pytest.raises(FetchRefused) as caught:
        fetch(f"http://admin:hunter2@127.0.0.1:{server.port}/", policy)
    assert "user name or password" in str(caught.value) and "hunter2" not in str(caught.value)
    assert server.connections == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://exa mple.com/", "names no valid host"),
        ("http://example.com:99999999/", "names no valid port"),
        ("http://example.com:0/", "names no valid port"),
        ("http://[::1/", "not a valid web address"),
        ("http://a\x00b.com/", "not a valid web address"),
    ],
)
def test_a_malformed_address_is_refused(url, reason):
    with pytest.raises(FetchRefused, match=reason):
        fetch(url, STRICT)


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:8.8.8.8", None),
        ("2002:7f00:1::1", "loopback"),  # 6to4 carrying 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 carrying 169.254.169.254
        ("10.255.0.1", "private"),
        ("192.168.0.1", "private"),
        ("100.127.255.255", "shared (carrier-grade NAT)"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fec0::1", "site-local"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("255.255.255.255", "reserved"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.1", "private"),  # documentation range
        ("198.18.0.1", "private"),  # benchmarking range
        ("::127.0.0.1", "reserved"),  # IPv4-compatible (deprecated)
    ],
)
def test_address_refusal_names_the_kind(address, refusal):
    assert address_refusal(address) == refusal
