"""The HTTP server around the routes: threads, headers, logging and start-up.

Typical use, in a test fixture or in ``serve.py``::

    server = make_server(port=0, clock=FakeClock(), seed=1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ...  # talk to server.url
    server.shutdown()
    server.server_close()

Every response carries a ``Date`` header taken from the server's clock, so a
client that estimates its clock offset from ``Date`` agrees with the job
timestamps even under a ``FakeClock``.
"""

from __future__ import annotations

import email.utils
import logging
import random
import socket
import time
from datetime import timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .clock import Clock, SystemClock
from .demo import seed_demo
from .routes import Response, dispatch
from .store import JobStore

logger = logging.getLogger("sandbox")

# Measured on the real server: 300 jobs falling due at once made the next
# request take 3.6 s, about 12 ms per transition.
TRANSITION_DELAY = 0.012

# Seconds an idle keep-alive connection stays open before its handler
# thread ends.
IDLE_CONNECTION_TIMEOUT = 30

_CONTROL_CHARACTERS = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}


class SandboxRequestHandler(BaseHTTPRequestHandler):
    """Pass every request, whatever its method, to ``routes.dispatch``."""

    server: SandboxServer
    protocol_version = "HTTP/1.1"
    server_version = "sandbox-jobs-api"
    timeout = IDLE_CONNECTION_TIMEOUT
    # Headers and body go out in separate writes, and with Nagle's algorithm
    # a keep-alive client would wait for a delayed ACK (about 40 ms on
    # Linux) on every request.
    disable_nagle_algorithm = True

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler looks up do_<METHOD> and responds with 501
        # when it is missing, but the real server responds with 405.
        if name.startswith("do_"):
            return self.handle_request
        raise AttributeError(name)

    def handle_request(self) -> None:
        started = time.perf_counter()
        self._discard_request_body()
        host = self.headers.get("Host") or self.server.authority
        try:
            response = dispatch(self.server.store, self.server.clock.now(), self.command, self._request_target(), host)
        except Exception:
            logger.exception("request %s %s failed", self.command, self._loggable_path())
            response = Response(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                b"Internal Server Error",
                [("Content-Type", "text/plain; charset=utf-8")],
            )
        # The line is logged before sending, so a client that has read the
        # response knows the line is written, even if it stops the server next.
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info("%s %s %d %.1f ms", self.command, self._loggable_path(), response.status, elapsed_ms)
        try:
            self._send(response)
        except ConnectionError:
            # The client gave up, but the request's work is already committed.
            logger.info("client closed the connection before the response to %s %s", self.command, self._loggable_path())
            self.close_connection = True

    def _request_target(self) -> str:
        # http.server collapses a leading "//" in self.path to "/", but the
        # real server routes the target as sent, so "//" is an unknown path.
        words = self.requestline.split()
        return words[1] if len(words) == 3 else self.path

    def _discard_request_body(self) -> None:
        # Parameters travel in the query string, but a client may still send a
        # body, which must be read to keep the connection usable.
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return
        if length > 0:
            self.rfile.read(length)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        # RFC 9110 section 9.3.2: a response to HEAD has the headers of the
        # response to GET but no content.
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _loggable_path(self) -> str:
        return self._request_target().translate(_CONTROL_CHARACTERS)

    def version_string(self) -> str:
        return self.server_version

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # handle_request logs one line per request once the time is known.
        pass

    def log_message(self, format: str, *args: Any) -> None:
        logger.warning("%s - %s", self.address_string(), (format % args).translate(_CONTROL_CHARACTERS))

    def date_time_string(self, timestamp: float | None = None) -> str:
        if timestamp is None:
            timestamp = self.server.clock.now().replace(tzinfo=timezone.utc).timestamp()
        return email.utils.formatdate(timestamp, usegmt=True)


class SandboxServer(ThreadingHTTPServer):
    """A threading HTTP server that owns the job store and the clock.

    ``url`` is the base URL clients use, for example ``http://127.0.0.1:8000``.
    Closing the server closes the store.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, port: int, store: JobStore, clock: Clock) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.store = store
        self.clock = clock
        super().__init__((host, port), SandboxRequestHandler)
        bound_host, bound_port = self.server_address[:2]
        shown_host = f"[{bound_host}]" if ":" in str(bound_host) else str(bound_host)
        self.authority = f"{shown_host}:{bound_port}"
        self.url = f"http://{self.authority}"

    def serve_forever(self, poll_interval: float = 0.05) -> None:
        # A shorter poll than socketserver's 0.5 s default makes shutdown()
        # return quickly, which keeps test fixtures fast.
        super().serve_forever(poll_interval)

    def server_close(self) -> None:
        super().server_close()
        self.store.close()


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    db: str | None = None,
    seed: int | None = None,
    demo: bool = False,
    clock: Clock | None = None,
    *,
    transition_delay: float = TRANSITION_DELAY,
) -> SandboxServer:
    """Open the store and bind a server; call ``serve_forever`` to start serving.

    ``port`` 0 picks a free port. ``db`` is an SQLite file that keeps jobs
    across restarts; None keeps them in memory. ``seed`` makes the lifecycle's
    delays and outcomes repeatable. ``demo`` fills an empty store with a
    believable recent history. ``transition_delay`` is the real time, in
    seconds, that each job transition costs. Raises OSError when the address
    is in use.
    """
    clock = clock if clock is not None else SystemClock()
    store = JobStore(db, rng=random.Random(seed), transition_delay=transition_delay)
    try:
        if demo and store.job_count() == 0:
            seed_demo(store, clock.now())
        return SandboxServer(host, port, store, clock)
    except BaseException:
        store.close()
        raise
