"""Limits a hostile or broken server cannot talk its way past: total time, size after
decompression, encodings we did not ask for."""

from __future__ import annotations

import time
import tracemalloc
import zlib

import pytest

from incidents.fetching import FetchError, FetchPolicy, FetchRefused, fetch
from tests.support.web_server import redirect

MB = 1024 * 1024


def _policy(**changes) -> FetchPolicy:
    settings = {"allowed_hosts": frozenset({"127.0.0.1"}), "timeout": 1.0, "connect_timeout": 0.5}
    return FetchPolicy(**{**settings, **changes})


def _compressed(data_blocks, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(packer.compress(block) for block in data_blocks) + packer.flush()


def _gzip_zeros(size: int) -> bytes:
    """`size` zero bytes gzipped a megabyte at a time (50 MB make about 50 KB)."""
    return _compressed((bytes(MB) for _ in range(size // MB)), 16 + zlib.MAX_WBITS)


def _answer(body: bytes, **headers: str):
    """A handler that sends `body` with `headers` and no Content-Length (the body runs to the close)."""

    def handler(request):
        request.send_response(200)
        for name, value in headers.items():
            request.send_header(name.replace("_", "-"), value)
        request.end_headers()
        request.wfile.write(body)

    return handler


def _drip_body(request):
    request.send_response(200)
    request.send_header("Content-Type", "text/plain")
    request.end_headers()
    while True:  # one byte every 0.3 s, forever: no read ever waits long enough to time out
        request.wfile.write(b"x")
        time.sleep(0.3)


def _drip_head(request):
    request.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
    while True:
        request.wfile.write(b"a")
        time.sleep(0.3)


@pytest.mark.parametrize("handler", [_drip_body, _drip_head], ids=["body", "headers"])
def test_a_slow_drip_ends_at_the_total_timeout(server, handler):
    server.routes["/slow"] = handler
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1 s") as caught:
        fetch(server.url("/slow"), _policy())
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 1.5
    assert caught.value.transient and not isinstance(caught.value, FetchRefused)


def test_the_timeout_covers_all_redirects_together(server):
    def slow_redirect(to):
        def handler(request):
            time.sleep(0.6)  # each hop alone is within the second; two are not
            request.send_response(302)
            request.send_header("Location", to)
            request.end_headers()

        return handler

    server.routes["/1"] = slow_redirect("/2")
    server.routes["/2"] = slow_redirect("/3")
    server.routes["/3"] = (200, {}, b"late")
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch(server.url("/1"), _policy())
    assert time.monotonic() - started < 1.5


def test_a_gzip_bomb_is_refused_without_inflating_it(server):
    bomb = _gzip_zeros(50 * MB)
    assert len(bomb) < 100_000
    server.routes["/bomb"] = _answer(bomb, Content_Encoding="gzip", Content_Type="text/html")
    tracemalloc.start()
    try:
        with pytest.raises(FetchRefused, match="larger than the 1,048,576 bytes"):
            fetch(server.url("/bomb"), _policy(max_bytes=MB))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB  # inflating a whole network read would take 64 MB


@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [
        ("gzip", 16 + zlib.MAX_WBITS),
        ("x-gzip", 16 + zlib.MAX_WBITS),
        ("deflate", zlib.MAX_WBITS),
        ("deflate", -zlib.MAX_WBITS),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw"],
)
def test_compressed_bodies_are_inflated(server, encoding, wbits):
    text = b"<p>" + b"incident report " * 5000 + b"</p>"
    server.routes["/"] = _answer(_compressed([text], wbits), Content_Encoding=encoding)
    result = fetch(server.url("/"), _policy())
    assert result.content == text
    assert server.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_a_body_of_exactly_the_limit_is_read(server):
    server.routes["/"] = _answer(_compressed([b"y" * 4096], 16 + zlib.MAX_WBITS), Content_Encoding="gzip")
    assert len(fetch(server.url("/"), _policy(max_bytes=4096)).content) == 4096
    with pytest.raises(FetchRefused):
        fetch(server.url("/"), _policy(max_bytes=4095))


def test_a_plain_body_over_the_limit_is_refused(server):
    server.routes["/big"] = _answer(b"z" * (2 * MB))  # no Content-Length: only reading tells
    with pytest.raises(FetchRefused, match="larger than the 1,048,576 bytes"):
        fetch(server.url("/big"), _policy(max_bytes=MB))


def test_endless_compressed_padding_is_refused_by_its_raw_size(server):
    """Empty deflate blocks inflate to nothing, so the raw bytes are counted too."""
    empty_block = b"\x00\x00\x00\xff\xff"  # not final, stored, length 0 (and its complement)
    padding = b"\x78\x9c" + empty_block * 50_000  # a zlib header, then 250 KB of nothing
    assert zlib.decompressobj().decompress(padding) == b""
    server.routes["/pad"] = _answer(padding, Content_Encoding="deflate")
    with pytest.raises(FetchRefused, match="larger than the 100,000 bytes"):
        fetch(server.url("/pad"), _policy(max_bytes=100_000))


def test_a_declared_length_over_the_limit_is_refused_before_reading(server):
    def huge(request):
        request.send_response(200)
        request.send_header("Content-Length", str(10**9))
        request.end_headers()
        while True:
            request.wfile.write(b"x" * 1024)
            time.sleep(0.2)  # reading it would take far longer than the test waits

    server.routes["/huge"] = huge
    started = time.monotonic()
    with pytest.raises(FetchRefused, match="is 1,000,000,000 bytes, more than the 1,048,576"):
        fetch(server.url("/huge"), _policy(max_bytes=MB))
    assert time.monotonic() - started < 0.5


def test_an_encoding_we_did_not_ask_for_is_refused(server):
    server.routes["/br"] = _answer(b"\x1b\x00\x00", Content_Encoding="br")
    with pytest.raises(FetchRefused, match=r"an encoding we did not ask for \(br\)"):
        fetch(server.url("/br"), _policy())


def test_a_corrupt_compressed_body_is_an_error(server):
    server.routes["/bad"] = _answer(b"this is not gzip at all", Content_Encoding="gzip")
    with pytest.raises(FetchError, match="not valid gzip") as caught:
        fetch(server.url("/bad"), _policy())
    assert not caught.value.transient


def test_redirects_can_be_turned_off(server):
    server.routes["/r"] = redirect("/x")
    server.routes["/x"] = (200, {}, b"x")
    with pytest.raises(FetchRefused, match="redirected more than 0 times"):
        fetch(server.url("/r"), _policy(max_redirects=0))
