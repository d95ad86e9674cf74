"""A real HTTP(S) server in a thread, for tests of anything that fetches over the network.

    with LocalWebServer({"/": (200, {"Content-Type": "text/html"}, b"<p>hi</p>")}) as server:
        fetch(server.url("/"), policy)
        assert server.requests[0].headers["User-Agent"].startswith("IncidentDesk")

`routes` maps a path to its answer. The request's path with its query is looked up first, then
without it; anything else answers 404. An answer is either

- canned: `(status, headers, body)`; Content-Length is added when the headers do not give one;
- a callable taking the `http.server.BaseHTTPRequestHandler` and writing the whole answer itself
  (`send_response`, `send_header`, `end_headers`, `wfile.write`): slow drips, compression bombs,
  broken framing. The connection closes after each answer (HTTP/1.0), so a body may simply run to
  the close. When the client goes away, the callable's next write raises, which ends it quietly.

`routes` can be changed while the server runs (`server.routes["/x"] = ...`). Every request is
recorded in `requests` (method, path, headers, body) before it is answered; `connections` counts
accepted TCP connections, so a test can assert that nothing connected at all; `errors` keeps what
a callable raised other than the client leaving. `host` may be any loopback address (127.0.0.2
too, or ::1); `tls` (a server-side ssl.SSLContext, see `make_certificates`) serves https.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Handler = Callable[[BaseHTTPRequestHandler], None]
Route = tuple[int, Mapping[str, str], bytes] | Handler

_CLIENT_LEFT = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, ssl.SSLError, TimeoutError)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # as sent, query included
    headers: Message  # case-insensitive: headers["user-agent"] == headers["User-Agent"]
    body: bytes


def redirect(location: str, status: int = 302) -> Route:
    """A canned redirect to `location` (absolute or relative)."""
    return (status, {"Location": location}, b"")


class LocalWebServer:
    """One server on `host`, a free port, serving `routes` from a daemon thread until closed."""

    def __init__(
        self,
        routes: Mapping[str, Route] | None = None,
        *,
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self.connections = 0
        self.host = host
        self.scheme = "https" if tls else "http"
        self._lock = threading.Lock()
        self._httpd = _Server(self, (host, 0), _RequestHandler)
        if tls is not None:
            # The handshake happens in the request's thread, so one stalled client blocks no other.
            self._httpd.socket = tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/", host: str | None = None) -> str:
        """The address of `path` here; `host` names the server otherwise (e.g. "localhost")."""
        name = host or self.host
        if ":" in name:
            name = f"[{name}]"
        return f"{self.scheme}://{name}:{self.port}{path}"

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The recorded requests whose path (query included) is `path`."""
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalWebServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _route(self, path: str) -> Route | None:
        return self.routes.get(path) or self.routes.get(path.split("?", 1)[0])

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _count_connection(self) -> None:
        with self._lock:
            self.connections += 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: LocalWebServer, address: tuple[str, int], handler: type) -> None:
        self.owner = owner
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)

    def verify_request(self, request: object, client_address: object) -> bool:
        self.owner._count_connection()
        return True

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, _CLIENT_LEFT):
            self.owner.errors.append(error)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner._record(RecordedRequest(self.command, self.path, self.headers, body))
        route = owner._route(self.path)
        if route is None:
            route = (404, {"Content-Type": "text/plain"}, b"not found")
        if callable(route):
            route(self)
            return
        status, headers, content = route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name in headers):
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


def make_certificates(directory: Path, names: list[str]) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate it signed for `names` (DNS names or IPs), made
    with the openssl command: (ca_file, cert_file, key_file), PEM, valid for two days."""
    ca_key, ca_file = directory / "ca.key", directory / "ca.pem"
    key_file, csr, cert_file = directory / "server.key", directory / "server.csr", directory / "server.pem"
    extensions = directory / "server.ext"
    alt = ",".join(f"IP:{n}" if n.replace(".", "").isdigit() or ":" in n else f"DNS:{n}" for n in names)
    extensions.write_text(
        f"subjectAltName={alt}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["req", "-x509", *ec, "-keyout", ca_key, "-out", ca_file, "-days", "2", "-subj", "/CN=Test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", *ec, "-keyout", key_file, "-out", csr, "-subj", f"/CN={names[0]}"],
        ["x509", "-req", "-in", csr, "-CA", ca_file, "-CAkey", ca_key, "-CAcreateserial", "-out", cert_file,
         "-days", "2", "-extfile", extensions],
    ]  # fmt: skip
    for command in commands:
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
    return ca_file, cert_file, key_file


def server_tls(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """The server side of `make_certificates`' certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context
