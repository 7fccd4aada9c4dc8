"""Test doubles and HTTP helpers for the serve.py tests.

FakeUpstream replaces the jobs API in tests. It records every request it
receives and echoes it back as JSON, unless a test has canned a response for
the request's path. Client keeps one HTTP/1.1 connection, so tests can check
that a server still responds on the same connection after a bad request.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import serve

CONSOLE_TIMEOUT_SECONDS = 0.5
ALLOWED_ORIGIN = "http://localhost:5173"
# Every file that must never be served contains this marker.
SECRET_MARKER = "SECRET-NOT-PUBLIC"


# --- Fake upstream ---------------------------------------------------------


@dataclass
class CannedResponse:
    """A response that the fake upstream sends for one path instead of the echo."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Seconds to wait before responding. FakeUpstream.stop() ends the wait early.
    delay: float = 0.0
    # Number of requests for which the connection is closed with no response.
    drops: int = 0
    chunked: bool = False
    # Close the connection after the response without a Connection: close
    # header, the way a server drops an idle keep-alive connection.
    close_after: bool = False
    # Bytes written as the whole response, after which the connection closes.
    raw: bytes | None = None


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


class _FakeUpstreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes, which Nagle's algorithm
    # would hold back for a delayed ACK of about 40 ms on a reused connection.
    disable_nagle_algorithm = True
    server: _FakeUpstreamServer

    def setup(self) -> None:
        super().setup()
        self.server.fake.count_connection()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._respond()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _respond(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        fake.record(RecordedRequest(self.command, self.path, list(self.headers.items()), body))

        canned = fake.take_canned(self.path.partition("?")[0])
        if canned is None:
            self._send_echo(body)
        elif canned == "drop":
            self.close_connection = True
        else:
            if canned.delay:
                fake.stopping.wait(canned.delay)
            if canned.raw is not None:
                self.wfile.write(canned.raw)
                self.close_connection = True
                return
            self._send_canned(canned)
            if canned.close_after:
                self.close_connection = True

    def _send_echo(self, body: bytes) -> None:
        echo = {
            "method": self.command,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": body.decode("latin-1"),
        }
        payload = json.dumps(echo).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_canned(self, canned: CannedResponse) -> None:
        self.send_response_only(canned.status)
        for name, value in canned.headers:
            self.send_header(name, value)
        if canned.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = len(canned.body) // 2
            for part in (canned.body[:half], canned.body[half:]):
                if part:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        if canned.status not in (204, 304):
            self.send_header("Content-Length", str(len(canned.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(canned.body)


class _FakeUpstreamServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeUpstream

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        # The proxy closes its side when a delayed response exceeds its
        # timeout, so the late write fails. That is expected in these tests.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeUpstream:
    """A stand-in for the jobs API that tests script per path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._canned: dict[str, CannedResponse] = {}
        self.requests: list[RecordedRequest] = []
        self.connections_opened = 0
        self.stopping = threading.Event()
        self._server = _FakeUpstreamServer(("127.0.0.1", 0), _FakeUpstreamHandler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> FakeUpstream:
        self._thread = serve.serve_in_thread(self._server, name="fake-upstream")
        return self

    def stop(self) -> None:
        self.stopping.set()
        serve.stop_server(self._server)

    def can(self, path: str, response: CannedResponse) -> None:
        with self._lock:
            self._canned[path] = response

    def reset(self) -> None:
        with self._lock:
            self._canned.clear()
            self.requests.clear()

    def count_connection(self) -> None:
        with self._lock:
            self.connections_opened += 1

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path.partition("?")[0] == path]

    def take_canned(self, path: str) -> CannedResponse | str | None:
        with self._lock:
            canned = self._canned.get(path)
            if canned is not None and canned.drops > 0:
                canned.drops -= 1
                return "drop"
            return canned


# --- HTTP client helpers ---------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class Client:
    """One persistent HTTP/1.1 connection to a server, reopened when it closes."""

    def __init__(self, url: str) -> None:
        host_port = url.removeprefix("http://")
        host, _, port = host_port.rpartition(":")
        self.host = host
        self.port = int(port)
        self.connection = http.client.HTTPConnection(host, self.port, timeout=5)

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Reply:
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        payload = response.read()
        if response.will_close:
            self.connection.close()
        return Reply(response.status, response.headers, payload)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def local_port(self) -> int | None:
        sock = self.connection.sock
        return None if sock is None else sock.getsockname()[1]

    def close(self) -> None:
        self.connection.close()


def send_raw(port: int, request: bytes, method: str = "GET") -> Reply:
    """Send raw request bytes on a new connection and parse the one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        payload = response.read()
        return Reply(response.status, response.headers, payload)


class LogCapture(logging.Handler):
    """Collect serve.py log messages, which server threads write after each response."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []
        self._changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self._changed:
            self.messages.append(record.getMessage())
            self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 2.0) -> str:
        """Return the first message containing text, waiting up to timeout seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.messages:
                    if text in message:
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no log message contains {text!r}; got {self.messages!r}")
                self._changed.wait(remaining)
