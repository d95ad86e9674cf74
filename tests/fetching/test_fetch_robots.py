"""robots.txt through RobotsCache: rules honoured, absence allows, trouble waits (RFC 9309)."""

from __future__ import annotations

import dataclasses

import pytest

from incidents.fetching import FetchError, FetchRefused, RobotsCache, fetch
from tests.support.web_server import LocalWebServer, redirect

RULES = b"""User-agent: *
Disallow: /

User-agent: IncidentDesk
Disallow: /private
Allow: /
"""


def _pages(server):
    server.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, RULES)
    server.routes["/news/1"] = (200, {"Content-Type": "text/html"}, b"news")
    server.routes["/private/x"] = (200, {"Content-Type": "text/html"}, b"secret")


def test_our_group_of_rules_allows_and_disallows(server, policy):
    _pages(server)
    robots = RobotsCache()
    assert fetch(server.url("/news/1"), policy, robots=robots).content == b"news"
    with pytest.raises(FetchRefused) as caught:
        fetch(server.url("/private/x"), policy, robots=robots)
    assert str(caught.value) == f"robots.txt of 127.0.0.1 disallows {server.url('/private/x')}."
    assert server.requests_to("/private/x") == []
    assert len(server.requests_to("/robots.txt")) == 1  # kept for the second ask
    assert robots.allowed(server.url("/news/2"), policy)
    assert not robots.allowed(server.url("/private/y"), policy)


def test_a_robots_txt_for_others_only_does_not_bind_us(server, policy):
    server.routes["/robots.txt"] = (200, {}, b"User-agent: OtherBot\nDisallow: /\n")
    assert RobotsCache().allowed(server.url("/anything"), policy)


def test_the_rules_name_our_product_token_not_the_whole_user_agent(server, policy):
    _pages(server)
    other = dataclasses.replace(policy, user_agent="SomeoneElse/2.0 (+https://example.org)")
    assert not RobotsCache().allowed(server.url("/news/1"), other)  # falls under "*": Disallow /


def test_no_robots_txt_allows_everything(server, policy):
    server.routes["/page"] = (200, {}, b"page")
    assert fetch(server.url("/page"), policy, robots=RobotsCache()).content == b"page"
    assert [r.path for r in server.requests] == ["/robots.txt", "/page"]  # robots.txt was 404


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_robots_txt_in_trouble_disallows_for_now(server, policy, status):
    server.routes["/robots.txt"] = (status, {}, b"")
    server.routes["/page"] = (200, {}, b"page")
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/page"), policy, robots=RobotsCache())
    assert caught.value.transient and not isinstance(caught.value, FetchRefused)
    assert str(caught.value).startswith(f"robots.txt of 127.0.0.1:{server.port} could not be read")
    assert server.requests_to("/page") == []


def test_robots_is_not_asked_when_the_policy_ignores_it(server, policy):
    _pages(server)
    ignoring = dataclasses.replace(policy, respect_robots=False)
    assert fetch(server.url("/private/x"), ignoring, robots=RobotsCache()).content == b"secret"
    assert server.requests_to("/robots.txt") == []


def test_the_cache_forgets_after_its_ttl(server, policy):
    _pages(server)
    robots = RobotsCache(ttl=0)
    robots.allowed(server.url("/news/1"), policy)
    robots.allowed(server.url("/news/1"), policy)
    assert len(server.requests_to("/robots.txt")) == 2


def test_each_origin_has_its_own_rules(server, policy):
    _pages(server)
    with LocalWebServer() as other:
        other.routes["/private/x"] = (200, {}, b"theirs")
        robots = RobotsCache()
        assert not robots.allowed(server.url("/private/x"), policy)
        assert robots.allowed(other.url("/private/x"), policy)  # other port, no robots.txt


def test_a_redirect_target_is_checked_against_its_own_robots_txt(server, policy):
    _pages(server)
    with LocalWebServer() as front:
        front.routes["/go"] = redirect(server.url("/private/x"))
        with pytest.raises(FetchRefused, match="disallows"):
            fetch(front.url("/go"), policy, robots=RobotsCache())
    assert server.requests_to("/private/x") == []


def test_a_robots_txt_redirected_too_often_counts_as_absent(server, policy):
    for hop in range(10):
        server.routes["/robots.txt" if hop == 0 else f"/r{hop}"] = redirect(f"/r{hop + 1}")
    server.routes["/page"] = (200, {}, b"page")
    assert fetch(server.url("/page"), policy, robots=RobotsCache()).content == b"page"
