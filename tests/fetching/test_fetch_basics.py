"""fetch() against a live local server: answers, statuses, redirects, content types, validators."""

from __future__ import annotations

import socket

import pytest

from incidents.fetching import FetchError, FetchPolicy, FetchRefused, fetch
from tests.support.web_server import redirect

HTML = {"Content-Type": "text/html; charset=ISO-8859-1"}


def test_a_page_comes_back_with_its_type_charset_and_validators(server, policy):
    headers = {**HTML, "ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
    server.routes["/news"] = (200, headers, "<p>café</p>".encode("latin-1"))
    result = fetch(server.url("/news"), policy, accept={"text/html"})
    assert result.status == 200 and not result.not_modified
    assert result.content == "<p>café</p>".encode("latin-1")
    assert (result.media_type, result.charset) == ("text/html", "iso-8859-1")
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    assert result.url == result.final_url == server.url("/news")


def test_the_user_agent_and_host_are_always_sent(server, policy):
    server.routes["/"] = (200, {}, b"x")
    result = fetch(server.url("/"), policy)
    (request,) = server.requests
    assert request.headers["User-Agent"] == policy.user_agent
    assert request.headers["Host"] == f"127.0.0.1:{server.port}"
    assert request.headers["Accept"] == "*/*"
    assert result.media_type == "" and result.charset is None


def test_a_missing_page_is_a_lasting_error_with_its_status(server, policy):
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/gone"), policy)
    assert not isinstance(caught.value, FetchRefused)
    assert (caught.value.status, caught.value.transient) == (404, False)
    assert str(caught.value) == f"The page {server.url('/gone')} answered 404 Not Found."


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_trouble_and_throttling_are_transient(server, policy, status):
    server.routes["/busy"] = (status, {}, b"")
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/busy"), policy)
    assert (caught.value.status, caught.value.transient) == (status, True)
    assert f"answered {status} " in str(caught.value)


def test_the_server_reason_text_is_not_repeated(server, policy):
    def rude(handler):
        handler.send_response(403, "Go away <script>")
        handler.end_headers()

    server.routes["/x"] = rude
    with pytest.raises(FetchError, match="403 Forbidden") as caught:
        fetch(server.url("/x"), policy)
    assert "script" not in str(caught.value)


def test_a_redirect_chain_within_the_limit_is_followed(server, policy):
    server.routes["/a"] = redirect(server.url("/b"), 301)
    server.routes["/b"] = redirect("/c?x=1", 307)  # relative
    server.routes["/c"] = (200, {"Content-Type": "text/plain"}, b"here")
    result = fetch(server.url("/a"), policy)
    assert result.content == b"here"
    assert (result.url, result.final_url) == (server.url("/a"), server.url("/c?x=1"))
    assert [r.path for r in server.requests] == ["/a", "/b", "/c?x=1"]


def test_too_many_redirects_are_refused(server, policy):
    for hop in range(7):
        server.routes[f"/{hop}"] = redirect(f"/{hop + 1}")
    server.routes["/7"] = (200, {}, b"too far")
    with pytest.raises(FetchRefused, match="redirected more than 5 times"):
        fetch(server.url("/0"), policy)
    assert len(server.requests) == 6  # the first ask and five redirects, no seventh


def test_exactly_the_limit_of_redirects_is_followed(server, policy):
    for hop in range(5):
        server.routes[f"/{hop}"] = redirect(f"/{hop + 1}")
    server.routes["/5"] = (200, {}, b"arrived")
    assert fetch(server.url("/0"), policy).content == b"arrived"


def test_a_redirect_that_says_nowhere_is_an_error(server, policy):
    server.routes["/r"] = (302, {}, b"")
    with pytest.raises(FetchError, match="without saying where to") as caught:
        fetch(server.url("/r"), policy)
    assert caught.value.status == 302 and not caught.value.transient


def test_a_redirect_to_another_scheme_is_refused(server, policy):
    server.routes["/r"] = redirect("file:///etc/passwd")
    with pytest.raises(FetchRefused, match="Only http and https"):
        fetch(server.url("/r"), policy)


def test_a_type_not_asked_for_is_refused_naming_what_came(server, policy):
    server.routes["/feed"] = (200, {"Content-Type": "application/pdf"}, b"%PDF")
    with pytest.raises(FetchRefused) as caught:
        fetch(server.url("/feed"), policy, accept={"text/html", "application/xhtml+xml"})
    assert "is application/pdf, not application/xhtml+xml or text/html" in str(caught.value)
    assert server.requests[0].headers["Accept"] == "application/xhtml+xml, text/html"


def test_an_accepted_type_matches_without_case_or_parameters(server, policy):
    server.routes["/feed"] = (200, {"Content-Type": "Application/RSS+XML; charset=utf-8"}, b"<rss/>")
    result = fetch(server.url("/feed"), policy, accept=["application/rss+xml"])
    assert (result.media_type, result.charset) == ("application/rss+xml", "utf-8")


def test_a_conditional_hit_is_not_modified_and_sends_both_validators(server, policy):
    server.routes["/feed"] = (304, {"ETag": '"v2"'}, b"")
    since = "Tue, 02 Jan 2024 10:00:00 GMT"
    result = fetch(server.url("/feed"), policy, etag='"v2"', last_modified=since)
    assert result.not_modified and result.status == 304 and result.content == b""
    assert (result.etag, result.last_modified) == ('"v2"', since)  # kept when the 304 omits one
    (request,) = server.requests
    assert request.headers["If-None-Match"] == '"v2"'
    assert request.headers["If-Modified-Since"] == since


def test_no_validators_are_sent_unless_given(server, policy):
    server.routes["/"] = (200, {}, b"x")
    fetch(server.url("/"), policy)
    assert server.requests[0].headers["If-None-Match"] is None
    assert server.requests[0].headers["If-Modified-Since"] is None


def test_a_closed_port_is_a_transient_connection_error(policy):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        with pytest.raises(FetchError, match="Could not connect to 127.0.0.1") as caught:
            fetch(f"http://127.0.0.1:{port}/", policy)
    assert caught.value.transient and caught.value.status is None
    assert not isinstance(caught.value, FetchRefused)


def test_a_name_that_does_not_resolve_is_transient(dns, policy):
    dns.answers["nowhere.test"] = []
    with pytest.raises(FetchError, match="The host nowhere.test could not be found") as caught:
        fetch("http://nowhere.test/", policy)
    assert caught.value.transient and not isinstance(caught.value, FetchRefused)


def test_a_second_address_is_tried_when_the_first_refuses(dns, server):
    """A host with several addresses: the first that takes the connection answers."""
    dns.answers["two.test"] = ["127.0.0.3", "127.0.0.1"]  # nothing listens on 127.0.0.3
    server.routes["/"] = (200, {}, b"second")
    policy = FetchPolicy(allowed_hosts=frozenset({"two.test"}), timeout=3.0, connect_timeout=1.0)
    assert fetch(f"http://two.test:{server.port}/", policy).content == b"second"
    assert server.requests[0].headers["Host"] == f"two.test:{server.port}"


def test_one_accepted_type_may_be_given_as_a_string(server, policy):
    server.routes["/"] = (200, {"Content-Type": "text/html"}, b"x")
    assert fetch(server.url("/"), policy, accept="text/html").media_type == "text/html"


def test_cookies_follow_a_redirect_on_one_host_but_not_to_another(dns, server):
    """Sites on one (CDN) address are still different sites: no cookie crosses between them."""
    dns.answers["a.test"] = dns.answers["b.test"] = ["127.0.0.1"]
    policy = FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"}), timeout=3.0, connect_timeout=1.0)
    server.routes["/consent"] = (302, {"Set-Cookie": "consent=yes; Path=/", "Location": "/again"}, b"")
    server.routes["/again"] = (302, {"Location": f"http://b.test:{server.port}/other"}, b"")
    server.routes["/other"] = (200, {}, b"b")
    assert fetch(f"http://a.test:{server.port}/consent", policy).content == b"b"
    consent, again, other = server.requests
    assert again.headers["Cookie"] == "consent=yes"
    assert other.headers["Cookie"] is None
