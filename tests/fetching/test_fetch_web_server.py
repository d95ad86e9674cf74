"""The test web server other tests build on: routing, recording, counting, handler errors."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.support.web_server import LocalWebServer


def _get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=3) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_routes_match_with_the_query_first_then_without_it():
    routes = {"/a?x=1": (200, {}, b"with query"), "/a": (201, {"X-Kind": "plain"}, b"without")}
    with LocalWebServer(routes) as server:
        assert _get(server.url("/a?x=1")) == (200, b"with query")
        assert _get(server.url("/a?x=2")) == (201, b"without")
        assert _get(server.url("/b")) == (404, b"not found")
        assert [r.path for r in server.requests] == ["/a?x=1", "/a?x=2", "/b"]
        assert server.connections == 3


def test_requests_are_recorded_with_headers_and_body():
    with LocalWebServer({"/hook": (204, {}, b"")}) as server:
        request = urllib.request.Request(server.url("/hook"), data=b'{"a": 1}', headers={"X-Token": "t"})
        with urllib.request.urlopen(request, timeout=3) as response:
            assert response.status == 204
        (recorded,) = server.requests_to("/hook")
        assert (recorded.method, recorded.body, recorded.headers["x-token"]) == ("POST", b'{"a": 1}', "t")


def test_a_handler_writes_its_own_answer_and_its_errors_are_kept():
    def teapot(handler):
        handler.send_response(418)
        handler.send_header("Content-Length", "3")
        handler.end_headers()
        handler.wfile.write(b"tea")

    def broken(handler):
        raise ValueError("handler bug")

    with LocalWebServer({"/tea": teapot, "/broken": broken}) as server:
        assert _get(server.url("/tea")) == (418, b"tea")
        with pytest.raises(ConnectionError):  # no answer: the connection just closes
            _get(server.url("/broken"))
        assert [type(e) for e in server.errors] == [ValueError]


def test_a_second_loopback_address_and_ipv6_urls():
    with LocalWebServer(host="127.0.0.2") as server:
        assert server.url("/p") == f"http://127.0.0.2:{server.port}/p"
        assert server.url("/p", host="::1") == f"http://[::1]:{server.port}/p"
        server.routes["/p"] = (200, {}, b"ok")
        assert _get(server.url("/p")) == (200, b"ok")
