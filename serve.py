"""Serve the jobs console and proxy the jobs API under /api/.

The jobs API sends no CORS headers, so a page can only call it through a
server on the page's own origin. This dev server is that server:

    python serve.py                      # built-in simulator with demo jobs
    python serve.py --api http://127.0.0.1:8000

It serves the console's public files (index.html, main.py, pyscript.toml,
console/*.py and static/**) and forwards every request under /api/ to the
jobs API unchanged, minus hop-by-hop headers. It never follows the API's
redirects, but rewrites a Location on the API's own origin to the matching
path under /api/, so the browser stays on this server. Requests must name a
loopback host or the --host value in their Host header, which blocks DNS
rebinding. Only the standard library is used.

Tests and scripts build the server with make_console_server() and run it with
serve_in_thread(). start_simulator() runs the bundled API simulator in the
same process.
"""

from __future__ import annotations

import argparse
import email.utils
import errno
import functools
import http.client
import ipaddress
import json
import logging
import os
import re
import shutil
import signal
import socket
import stat
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_TIMEOUT_SECONDS = 10.0

API_PREFIX = "/api"
MAX_REQUEST_BODY_BYTES = 64 * 1024
# A rejected body up to this size is read and discarded so that the
# connection stays usable. Closing a socket with unread input makes the
# kernel send a reset, which can destroy the 413 response before the client
# reads it.
MAX_DISCARDED_BODY_BYTES = 1024 * 1024

# Seconds a browser connection may stay idle, or stall mid-request, before
# its handler thread closes it.
CLIENT_IDLE_TIMEOUT_SECONDS = 60.0
# Idle upstream connections older than this are closed instead of reused.
# It stays below uvicorn's default keep-alive timeout (timeout_keep_alive=5 s
# in uvicorn.Config), so the proxy rarely sends a request on a connection
# that the API is closing.
MAX_UPSTREAM_IDLE_SECONDS = 4.0
MAX_IDLE_UPSTREAM_CONNECTIONS = 64
# Limits on a request or response head, the same as http.server's and
# http.client's.
MAX_REQUEST_LINE_BYTES = 65536
MAX_REQUEST_HEADERS = 100
MAX_UPSTREAM_LINE_BYTES = 65536
MAX_UPSTREAM_HEADERS = 100

CORS_ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
CORS_MAX_AGE_SECONDS = 600
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})

# Hop-by-hop headers apply to one connection only, so a proxy must not
# forward them (RFC 9110 section 7.6.1, RFC 7230 section 6.1). Headers named
# in Connection are dropped as well. Proxy-Connection is a non-standard
# variant that some clients still send.
HOP_BY_HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)

TOP_LEVEL_PUBLIC_FILES = frozenset({"index.html", "main.py", "pyscript.toml"})
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".ico": "image/x-icon",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".mjs": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".py": "text/x-python; charset=utf-8",
    ".svg": "image/svg+xml",
    ".toml": "application/toml",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# Files in static/vendor/<package>-<version>/ never change under their URL,
# because a new version gets a new folder.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Browsers revalidate app files on every load, so an edit shows on reload.
REVALIDATE_CACHE_CONTROL = "no-cache"
READ_CHUNK_BYTES = 64 * 1024

# A percent-encoded slash, backslash or NUL can only be an attempt to smuggle
# a path separator past the segment checks below.
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Spaces and control characters would end or split the request line.
_REQUEST_TARGET = re.compile(r"[^\x00-\x20\x7f]+")
_FORBIDDEN_IN_HEADER_VALUE = re.compile(r"[\r\n\x00]")
_HEADER_TOKEN_LIST = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z, \t]*")
_CONTROL_CHARACTERS = str.maketrans(
    {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
)

logger = logging.getLogger("serve")


# --- Public file selection -------------------------------------------------


def public_file_segments(url_path: str) -> tuple[str, ...] | None:
    """Map a URL path to the path segments of a public file, or None.

    The path is the request target without its query. Only index.html ("/"
    too), main.py, pyscript.toml, console/*.py and files under static/ are
    public. Any encoded separator, backslash, NUL, empty or dot-leading
    segment (".", "..", ".git", dotfiles) returns None, and so does a
    ".gz" name, because gzip siblings are sent only through Accept-Encoding.
    """
    if not url_path.startswith("/") or _ENCODED_SEPARATOR.search(url_path):
        return None
    try:
        decoded = urllib.parse.unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if decoded == "/":
        return ("index.html",)
    return _public_segments(decoded[1:].split("/"))


def _public_segments(segments: list[str]) -> tuple[str, ...] | None:
    for segment in segments:
        if not segment or segment.startswith("."):
            return None
        if segment != segment.translate(_CONTROL_CHARACTERS):
            return None
        if "\\" in segment or ":" in segment:
            return None
    if segments[-1].endswith(".gz"):
        return None

    if len(segments) == 1:
        return tuple(segments) if segments[0] in TOP_LEVEL_PUBLIC_FILES else None
    if segments[0] == "console":
        return tuple(segments) if len(segments) == 2 and segments[1].endswith(".py") else None
    if segments[0] == "static":
        return tuple(segments)
    return None


def resolve_public_file(root: Path, url_path: str) -> Path | None:
    """Return the regular file that a URL path names under root, or None.

    The resolved path is checked again after following symlinks, so a link
    cannot expose a file outside the public set.
    """
    segments = public_file_segments(url_path)
    if segments is None:
        return None
    real_root = Path(os.path.realpath(root))
    real_path = Path(os.path.realpath(real_root.joinpath(*segments)))
    try:
        relative = real_path.relative_to(real_root)
    except ValueError:
        return None
    if _public_segments(list(relative.parts)) is None:
        return None
    try:
        mode = real_path.stat().st_mode
    except OSError:
        return None
    return real_path if stat.S_ISREG(mode) else None


def content_type_for(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), DEFAULT_CONTENT_TYPE)


def cache_control_for(segments: tuple[str, ...]) -> str:
    # static/vendor/VERSIONS itself is not in a versioned folder.
    if len(segments) >= 4 and segments[:2] == ("static", "vendor"):
        return IMMUTABLE_CACHE_CONTROL
    return REVALIDATE_CACHE_CONTROL


def accepts_gzip(accept_encoding: str) -> bool:
    """Return whether an Accept-Encoding value allows gzip (RFC 9110 section 12.5.3)."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding] = weight
    for coding in ("gzip", "x-gzip"):
        if coding in weights:
            return weights[coding] > 0
    return weights.get("*", 0.0) > 0


def entity_tag(file_stat: os.stat_result, suffix: str = "") -> str:
    return f'"{file_stat.st_size:x}-{file_stat.st_mtime_ns:x}{suffix}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Apply the weak comparison that If-None-Match uses (RFC 9110 section 13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        if candidate.strip().removeprefix("W/") == opaque:
            return True
    return False


# --- Host and origin checks ------------------------------------------------


def split_host_header(value: str) -> tuple[str, int | None] | None:
    """Split a Host value into a lower-case host and an optional port, or None."""
    value = value.strip().lower()
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:]
    else:
        host, _, port_text = value.partition(":")
    if not host:
        return None
    if not port_text:
        return host, None
    if not port_text.isdigit() or int(port_text) > 65535:
        return None
    return host, int(port_text)


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@functools.lru_cache(maxsize=256)
def is_allowed_host(host_value: str, configured_host: str) -> bool:
    """Return whether a Host header names a loopback host or configured_host.

    A page on another site can resolve its own name to 127.0.0.1 (DNS
    rebinding), but its requests still carry that name in Host.
    """
    parsed = split_host_header(host_value)
    if parsed is None:
        return False
    host, _ = parsed
    return is_loopback_host(host) or host == configured_host.lower().strip("[]")


def normalize_origin(origin: str) -> str:
    """Return an origin as browsers serialize it, or raise ValueError."""
    if origin == "null":
        return origin
    parts = urllib.parse.urlsplit(origin)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ValueError(
            f"invalid origin {origin!r}: expected scheme://host[:port], "
            "for example http://localhost:5173"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


# --- Upstream connections --------------------------------------------------


class UpstreamError(Exception):
    """A failed exchange with the jobs API, with the status to send for it."""

    def __init__(self, status: HTTPStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class InvalidForwardRequest(Exception):
    """A client request that cannot be forwarded as HTTP/1.1, so the client gets a 400."""


class UpstreamProtocolError(Exception):
    """An upstream response that breaks HTTP/1.1 framing."""


class _ClosedWithoutResponse(ConnectionError):
    """The upstream closed the connection before sending a status line."""


class _ConnectFailed(Exception):
    """Wrap an OSError from connect(), which proves that no request was sent."""


@dataclass
class UpstreamResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


class UpstreamConnection:
    """One HTTP/1.1 connection to the upstream, with its buffered reader.

    The proxy parses responses itself instead of using http.client, which
    parses every header block with the email package and opens a new file
    object per response. Against the simulator on a 2-CPU machine with
    CPython 3.11, that took 0.1 to 0.3 ms off each request (an estimate from
    a few runs of a loop of GET /jobs?limit=100).
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.will_close = False

    @classmethod
    def open(cls, host: str, port: int, timeout: float) -> UpstreamConnection:
        sock = socket.create_connection((host, port), timeout=timeout)
        # The request head and body leave in one send(), so Nagle's algorithm
        # only delays small writes and is disabled.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(sock)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()

    def exchange(self, request: bytes, method: str, deadline: float) -> UpstreamResponse:
        """Send request bytes and read the whole response before the deadline."""
        self.sock.settimeout(_seconds_left(deadline))
        self.sock.sendall(request)

        while True:
            version, status, reason = self._read_status_line(deadline)
            headers = self._read_header_block()
            # Interim responses such as 103 Early Hints precede the final one.
            if not 100 <= status < 200 or status == HTTPStatus.SWITCHING_PROTOCOLS:
                break

        connection_tokens = _header_tokens(headers, "connection")
        if version == "HTTP/1.0":
            self.will_close = "keep-alive" not in connection_tokens
        else:
            self.will_close = "close" in connection_tokens
        body = self._read_body(method, status, headers, deadline)
        return UpstreamResponse(status=status, reason=reason, headers=headers, body=body)

    def _readline(self) -> bytes:
        line = self.reader.readline(MAX_UPSTREAM_LINE_BYTES + 1)
        if len(line) > MAX_UPSTREAM_LINE_BYTES:
            raise UpstreamProtocolError(f"a line longer than {MAX_UPSTREAM_LINE_BYTES} bytes")
        return line

    def _read_status_line(self, deadline: float) -> tuple[str, int, str]:
        # One timeout covers the response head, because its lines usually
        # arrive in the same segment.
        self.sock.settimeout(_seconds_left(deadline))
        line = self._readline()
        if not line:
            raise _ClosedWithoutResponse("it closed the connection without a response")
        text = line.decode("latin-1").rstrip("\r\n")
        version, _, rest = text.partition(" ")
        status_text, _, reason = rest.partition(" ")
        if version not in ("HTTP/1.0", "HTTP/1.1") or len(status_text) != 3 or not status_text.isdigit():
            raise UpstreamProtocolError(f"invalid status line {text[:100]!r}")
        return version, int(status_text), reason

    def _read_header_block(self) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = []
        while True:
            line = self._readline()
            if line in (b"\r\n", b"\n"):
                return headers
            if not line:
                raise UpstreamProtocolError("the connection closed inside the response headers")
            if len(headers) >= MAX_UPSTREAM_HEADERS:
                raise UpstreamProtocolError(f"more than {MAX_UPSTREAM_HEADERS} response headers")
            text = line.decode("latin-1").rstrip("\r\n")
            if text.startswith((" ", "\t")) and headers:
                # An obsolete line folding continues the previous value
                # (RFC 9112 section 5.2), and is replaced by a space.
                name, value = headers[-1]
                headers[-1] = (name, f"{value} {text.strip()}")
                continue
            name, colon, value = text.partition(":")
            if not colon or not _HEADER_NAME.fullmatch(name):
                raise UpstreamProtocolError(f"invalid header line {text[:100]!r}")
            headers.append((name, value.strip(" \t")))

    def _read_body(self, method: str, status: int, headers: list[tuple[str, str]], deadline: float) -> bytes:
        # Message body length rules of RFC 9112 section 6.3, in order.
        if method == "HEAD" or status in (204, 304) or status < 200:
            return b""
        transfer_codings = _header_tokens(headers, "transfer-encoding")
        if transfer_codings and transfer_codings[-1] == "chunked":
            return self._read_chunked_body(deadline)
        if transfer_codings:
            return self._read_until_close(deadline)

        lengths = {value.strip() for name, value in headers if name.lower() == "content-length"}
        if not lengths:
            return self._read_until_close(deadline)
        if len(lengths) > 1 or not next(iter(lengths)).isdigit():
            raise UpstreamProtocolError(f"invalid Content-Length {sorted(lengths)!r}")
        return self._read_exactly(int(next(iter(lengths))), deadline)

    def _read_exactly(self, length: int, deadline: float) -> bytes:
        chunks = []
        remaining = length
        while remaining > 0:
            self.sock.settimeout(_seconds_left(deadline))
            chunk = self.reader.read1(min(remaining, READ_CHUNK_BYTES))
            if not chunk:
                raise UpstreamProtocolError(f"the connection closed {remaining} bytes before the end of the body")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_chunked_body(self, deadline: float) -> bytes:
        chunks = []
        while True:
            self.sock.settimeout(_seconds_left(deadline))
            size_line = self._readline()
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise UpstreamProtocolError(f"invalid chunk size {size_text[:20]!r}") from None
            if size == 0:
                break
            chunks.append(self._read_exactly(size, deadline))
            self._readline()
        # Trailer fields end with an empty line, and the proxy drops them.
        self.sock.settimeout(_seconds_left(deadline))
        while self._readline() not in (b"\r\n", b"\n", b""):
            pass
        return b"".join(chunks)

    def _read_until_close(self, deadline: float) -> bytes:
        self.will_close = True
        chunks = []
        while True:
            self.sock.settimeout(_seconds_left(deadline))
            chunk = self.reader.read1(READ_CHUNK_BYTES)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


class UpstreamPool:
    """Keep-alive connections to one upstream, shared by all handler threads.

    A request takes the most recently used idle connection or opens a new
    one. A GET or HEAD that fails on a reused connection, because the
    upstream had closed it, is sent once more on a new connection. Other
    methods are never resent, because the upstream may already have acted.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(
                f"invalid API URL {base_url!r}: expected http://host[:port], "
                "for example http://127.0.0.1:8000"
            )
        try:
            port = parts.port or 80
        except ValueError as error:
            raise ValueError(f"invalid API URL {base_url!r}: {error}") from None
        if timeout <= 0:
            raise ValueError(f"invalid timeout {timeout!r}: expected a number of seconds above 0")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._base_path = parts.path.rstrip("/")
        self._netloc = parts.netloc
        self._hostname = parts.hostname
        self._port = port
        self._idle: list[tuple[UpstreamConnection, float]] = []
        self._lock = threading.Lock()

    def target_for(self, rest: str) -> str:
        """Return the upstream request target for the part after /api."""
        return self._base_path + rest

    def proxy_location(self, location: str) -> str:
        """Map a Location on the upstream's origin to the same resource under /api.

        The API redirects to its own host, for example /jobs/ to
        http://127.0.0.1:8000/jobs, which a page on the proxy's origin cannot
        call. A Location on another origin, or outside the base path of the
        API URL, is returned unchanged. So is a relative path such as "jobs",
        because the browser resolves it against its /api/ URL.
        """
        parts = urllib.parse.urlsplit(location)
        if parts.netloc:
            try:
                port = parts.port or 80
            except ValueError:
                return location
            # A scheme-relative Location uses the scheme of the upstream request, always http.
            scheme = (parts.scheme or "http").lower()
            if scheme != "http" or parts.hostname != self._hostname or port != self._port:
                return location
        elif parts.scheme or not parts.path.startswith("/"):
            return location

        path = parts.path or "/"
        if path != self._base_path and not path.startswith(self._base_path + "/"):
            return location
        rest = path[len(self._base_path) :] or "/"
        return urllib.parse.urlunsplit(("", "", API_PREFIX + rest, parts.query, parts.fragment))

    def send(
        self,
        method: str,
        target: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
    ) -> UpstreamResponse:
        """Send one request and return the whole response.

        Raises InvalidForwardRequest when the request cannot be written as
        HTTP/1.1, and UpstreamError when the exchange fails.
        """
        request = self._serialize(method, target, headers, body)
        deadline = time.monotonic() + self.timeout
        for attempt in (1, 2):
            connection, reused = self._acquire()
            # _exchange() closes the connection on any error.
            try:
                return self._exchange(connection, request, method, deadline)
            except _ConnectFailed as error:
                raise self._failure(error) from error.__cause__
            except ConnectionError as error:
                if reused and attempt == 1 and method in IDEMPOTENT_METHODS:
                    logger.info(
                        "Resending %s %s on a new connection: the reused one failed (%s)",
                        method,
                        target,
                        error,
                    )
                    continue
                raise self._failure(error) from error
            except (OSError, UpstreamProtocolError) as error:
                raise self._failure(error) from error
        raise AssertionError("unreachable: the second attempt returns or raises")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.close()

    def _serialize(self, method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes) -> bytes:
        if not _REQUEST_TARGET.fullmatch(target):
            raise InvalidForwardRequest(f"invalid request target {target!r}")
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self._netloc}"]
        for name, value in headers:
            if not _HEADER_NAME.fullmatch(name) or _FORBIDDEN_IN_HEADER_VALUE.search(value):
                raise InvalidForwardRequest(f"invalid header {name!r}")
            lines.append(f"{name}: {value}")
        if body or method not in IDEMPOTENT_METHODS:
            lines.append(f"Content-Length: {len(body)}")
        try:
            head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        except UnicodeEncodeError:
            raise InvalidForwardRequest("a request header is not Latin-1 text") from None
        return head + body

    def _acquire(self) -> tuple[UpstreamConnection | None, bool]:
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._idle:
                    return None, False
                connection, idle_since = self._idle.pop()
            if now - idle_since < MAX_UPSTREAM_IDLE_SECONDS and not _is_closed_by_peer(connection.sock):
                return connection, True
            connection.close()

    def _release(self, connection: UpstreamConnection) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE_UPSTREAM_CONNECTIONS:
                self._idle.append((connection, time.monotonic()))
                return
        connection.close()

    def _exchange(
        self,
        connection: UpstreamConnection | None,
        request: bytes,
        method: str,
        deadline: float,
    ) -> UpstreamResponse:
        if connection is None:
            try:
                connection = UpstreamConnection.open(self._hostname, self._port, _seconds_left(deadline))
            except TimeoutError:
                raise
            except OSError as error:
                raise _ConnectFailed() from error
        try:
            response = connection.exchange(request, method, deadline)
        except BaseException:
            connection.close()
            raise
        if connection.will_close:
            connection.close()
        else:
            self._release(connection)
        return response

    def _failure(self, error: BaseException) -> UpstreamError:
        if isinstance(error, TimeoutError):
            return UpstreamError(
                HTTPStatus.GATEWAY_TIMEOUT,
                f"The jobs API at {self.base_url} did not respond within {self.timeout:g} s. "
                "It may be busy advancing many due jobs: retry, "
                "or restart serve.py with a larger --timeout.",
            )
        if isinstance(error, _ConnectFailed):
            # 503 lets the console conclude that nothing reached the API. After 502 and 504 the
            # request was sent, so a POST may have taken effect.
            cause = error.__cause__
            if isinstance(cause, ConnectionRefusedError):
                reason = "connection refused"
            elif isinstance(cause, socket.gaierror):
                reason = f"host name {self._hostname!r} could not be resolved"
            else:
                reason = str(cause)
            return UpstreamError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"Could not connect to the jobs API at {self.base_url}: {reason}. "
                "Start it (tox -e run) or pass --api with its URL.",
            )
        if isinstance(error, UpstreamProtocolError):
            reason = f"invalid response: {error}"
        else:
            reason = str(error) or type(error).__name__
        return UpstreamError(
            HTTPStatus.BAD_GATEWAY,
            f"The jobs API at {self.base_url} failed to respond: {reason}. "
            "Check the API's log, or restart it.",
        )


def _header_tokens(headers: list[tuple[str, str]], name: str) -> list[str]:
    """Return the lower-case comma-separated tokens of every header with this name."""
    tokens = []
    for header_name, value in headers:
        if header_name.lower() == name:
            tokens.extend(token.strip().lower() for token in value.split(",") if token.strip())
    return tokens


def _seconds_left(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the upstream deadline passed")
    return remaining


def _is_closed_by_peer(sock: socket.socket) -> bool:
    """Return whether an idle connection has been closed, or has unread input."""
    try:
        # exchange() sets the real timeout before the connection is used.
        sock.settimeout(0)
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return False
    except OSError:
        return True
    # End of file means the peer closed the connection. Bytes that no request
    # asked for make it unusable as well, so any readable data counts.
    return True


# --- Request handling ------------------------------------------------------


class ConsoleRequestHandler(BaseHTTPRequestHandler):
    """Serve public console files and forward /api/ requests upstream."""

    server: ConsoleServer
    protocol_version = "HTTP/1.1"
    server_version = "serve.py"
    timeout = CLIENT_IDLE_TIMEOUT_SECONDS
    disable_nagle_algorithm = True
    # Buffered writes let the headers and a small body leave in one segment.
    # BaseHTTPRequestHandler flushes wfile after each request.
    wbufsize = READ_CHUNK_BYTES

    def do_GET(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_PUT(self) -> None:
        self._route()

    def do_PATCH(self) -> None:
        self._route()

    def do_DELETE(self) -> None:
        self._route()

    def do_OPTIONS(self) -> None:
        self._route()

    # One log line per request: handle_one_request() writes it once the
    # response status is known, including for errors sent by the base class.
    def handle_one_request(self) -> None:
        self._started = time.perf_counter()
        self._response_status: int | None = None
        self._upstream_ms: float | None = None
        super().handle_one_request()
        if self._response_status is not None:
            self._log_request_line()

    def parse_request(self) -> bool:
        """Parse the request line and headers, or send an error and return False.

        This keeps the checks, limits and status codes of CPython 3.11's
        BaseHTTPRequestHandler.parse_request(), but splits header lines
        itself. The base class parses them with the email package, which
        took about a fifth of the proxy's CPU time per request in a cProfile
        run of GET /api/jobs requests.
        """
        self._started = time.perf_counter()
        self.command = None
        self.request_version = self.default_request_version
        self.close_connection = True
        if not self._parse_request_line():
            return False

        headers = self._read_request_headers()
        if headers is None:
            return False
        self.headers = headers

        connection_tokens = {token.strip().lower() for token in headers.get("Connection", "").split(",")}
        if "close" in connection_tokens:
            self.close_connection = True
        elif "keep-alive" in connection_tokens and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False

        expect = headers.get("Expect", "")
        if (
            expect.lower() == "100-continue"
            and self.protocol_version >= "HTTP/1.1"
            and self.request_version >= "HTTP/1.1"
        ):
            return self.handle_expect_100()
        return True

    def handle_expect_100(self) -> bool:
        # The base class writes 100 Continue into the buffered wfile, and the
        # client waits for it before sending the body.
        accepted = super().handle_expect_100()
        self.wfile.flush()
        return accepted

    def _parse_request_line(self) -> bool:
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if not words:
            return False

        if len(words) >= 3:
            version = words[-1]
            major, dot, minor = version.removeprefix("HTTP/").partition(".")
            if (
                not version.startswith("HTTP/")
                or not dot
                or not (major.isdigit() and minor.isdigit())
                or len(major) > 10
                or len(minor) > 10
            ):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            version_number = (int(major), int(minor))
            if version_number >= (1, 1) and self.protocol_version >= "HTTP/1.1":
                self.close_connection = False
            if version_number >= (2, 0):
                self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({major}.{minor})")
                return False
            self.request_version = version

        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        # A target starting with // reads as a scheme-relative URL to other
        # hosts, which CPython reduces to one slash against open redirects.
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")
        return True

    def _read_request_headers(self) -> http.client.HTTPMessage | None:
        headers = http.client.HTTPMessage()
        previous: tuple[str, str] | None = None
        count = 0
        while True:
            line = self.rfile.readline(MAX_REQUEST_LINE_BYTES + 1)
            if len(line) > MAX_REQUEST_LINE_BYTES:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
                return None
            if line in (b"\r\n", b"\n", b""):
                break
            count += 1
            if count > MAX_REQUEST_HEADERS:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
                return None

            text = line.decode("iso-8859-1").rstrip("\r\n")
            if text.startswith((" ", "\t")) and previous is not None:
                # An obsolete line folding continues the previous value and
                # is replaced by a space (RFC 9112 section 5.2).
                previous = (previous[0], f"{previous[1]} {text.strip()}")
                continue
            if previous is not None:
                headers[previous[0]] = previous[1]
            name, colon, value = text.partition(":")
            # Whitespace before the colon must be rejected (RFC 9112 section 5.1).
            if not colon or not _HEADER_NAME.fullmatch(name):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Invalid header line {text[:100]!r}")
                return None
            previous = (name, value.strip(" \t"))
        if previous is not None:
            headers[previous[0]] = previous[1]
        return headers

    def send_response_only(self, code: int, message: str | None = None) -> None:
        if code >= 200:
            self._response_status = int(code)
        super().send_response_only(code, message)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing here, because handle_one_request() writes the request line."""

    def log_message(self, format: str, *args: object) -> None:
        message = (format % args).translate(_CONTROL_CHARACTERS)
        logger.debug("%s: %s", self.address_string(), message)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Send a JSON error for requests that BaseHTTPRequestHandler rejects itself."""
        status = HTTPStatus(code)
        detail = explain or message or status.phrase
        # A request line that failed to parse leaves the default version
        # HTTP/0.9, which would suppress the status line and headers.
        if self.request_version in ("HTTP/0.9", ""):
            self.request_version = "HTTP/1.0"
        self.close_connection = True
        self._send_json(status, detail, [("Connection", "close")])

    def _log_request_line(self) -> None:
        total_ms = (time.perf_counter() - self._started) * 1000
        upstream = "-" if self._upstream_ms is None else f"{self._upstream_ms:.1f} ms"
        method = self.command or "-"
        path = getattr(self, "path", None) or "-"
        line = f"{method} {path} {self._response_status} {total_ms:.1f} ms upstream {upstream}"
        logger.info("%s", line.translate(_CONTROL_CHARACTERS))

    # --- routing ---

    def _route(self) -> None:
        self._request_body_read = False
        try:
            self._dispatch()
        finally:
            # A body left unread would be parsed as the next request on this
            # connection, for example after a 403 or a POST to a static file.
            if not self._request_body_read:
                self._discard_unread_body()

    def _dispatch(self) -> None:
        host_value = self.headers.get("Host", "")
        if not self.server.is_allowed_host(host_value):
            self._send_json(
                HTTPStatus.FORBIDDEN,
                f"The Host header {host_value!r} names neither a loopback address nor "
                f"{self.server.configured_host}, so the request is rejected to block DNS "
                f"rebinding. Open the console at {self.server.url}/.",
            )
            return
        if not self.path.startswith("/"):
            self._send_json(
                HTTPStatus.BAD_REQUEST,
                f"Invalid request target {self.path!r}: expected a path starting with /.",
            )
            return

        path, _, _ = self.path.partition("?")
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self._handle_api()
        else:
            self._handle_static(path)

    # --- API proxy ---

    def _handle_api(self) -> None:
        origin = self.headers.get("Origin")
        origin_allowed = origin is not None and self.server.is_allowed_origin(origin)
        cors_headers = self._cors_headers(origin if origin_allowed else None)

        is_preflight = (
            self.command == "OPTIONS"
            and origin is not None
            and "Access-Control-Request-Method" in self.headers
        )
        if is_preflight:
            self._answer_preflight(origin, origin_allowed)
            return
        if origin is not None and not origin_allowed:
            self._send_json(HTTPStatus.FORBIDDEN, self._origin_rejection(origin), cors_headers)
            return

        body = self._read_request_body(cors_headers)
        if body is None:
            return

        path, question_mark, query = self.path.partition("?")
        rest = path[len(API_PREFIX) :] or "/"
        target = self.server.upstream.target_for(rest) + question_mark + query
        forwarded = _without_hop_by_hop(self.headers.items(), also_drop={"host", "content-length", "expect"})

        started = time.perf_counter()
        try:
            response = self.server.upstream.send(self.command, target, forwarded, body)
        except UpstreamError as error:
            logger.warning("%s %s failed: %s", self.command, target, error.detail)
            self._send_json(error.status, error.detail, cors_headers)
            return
        except InvalidForwardRequest as error:
            self._send_json(HTTPStatus.BAD_REQUEST, f"Cannot forward the request to the jobs API: {error}.", cors_headers)
            return
        finally:
            self._upstream_ms = (time.perf_counter() - started) * 1000

        self._send_upstream_response(response, cors_headers)

    def _send_upstream_response(self, response: UpstreamResponse, cors_headers: list[tuple[str, str]]) -> None:
        # The proxy owns the CORS policy, so upstream CORS headers are dropped,
        # and its Vary: Origin merges into the upstream's Vary.
        lines = [f"{self.protocol_version} {response.status} {response.reason}"]
        vary = []
        has_date = False
        has_nosniff = False
        content_length = None
        for name, value in _without_hop_by_hop(response.headers):
            lower = name.lower()
            if lower.startswith("access-control-"):
                continue
            if lower == "content-length":
                content_length = value
                continue
            if lower == "vary":
                vary.append(value)
                continue
            if lower == "location":
                value = self.server.upstream.proxy_location(value)
            elif lower == "date":
                has_date = True
            elif lower == "x-content-type-options":
                has_nosniff = True
            lines.append(f"{name}: {value}")

        status = response.status
        bodiless = status in (204, 304) or status < 200
        if self.command == "HEAD" or status == 304:
            if content_length is not None:
                lines.append(f"Content-Length: {content_length}")
        elif not bodiless:
            lines.append(f"Content-Length: {len(response.body)}")
        if not has_date:
            lines.append(f"Date: {self.date_time_string()}")
        for name, value in cors_headers:
            if name == "Vary":
                vary.append(value)
            else:
                lines.append(f"{name}: {value}")
        lines.append(f"Vary: {', '.join(vary)}")
        if not has_nosniff:
            lines.append("X-Content-Type-Options: nosniff")

        # The head is composed as one string instead of through send_header(),
        # which saves time on every proxied response. Upstream names and
        # values were parsed line by line, so they contain no line breaks.
        self._response_status = status
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        send_body = self.command != "HEAD" and not bodiless
        if self.request_version == "HTTP/0.9":
            head = b""
        self.wfile.write(head + response.body if send_body else head)

    def _answer_preflight(self, origin: str, origin_allowed: bool) -> None:
        vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        requested_method = self.headers.get("Access-Control-Request-Method", "").strip()
        requested_headers = self.headers.get("Access-Control-Request-Headers", "").strip()

        if not origin_allowed:
            detail = self._origin_rejection(origin)
        elif requested_method not in CORS_ALLOWED_METHODS:
            detail = (
                f"Method {requested_method!r} is not allowed for cross-origin requests; "
                f"allowed methods are {', '.join(CORS_ALLOWED_METHODS)}."
            )
        elif not _HEADER_TOKEN_LIST.fullmatch(requested_headers):
            detail = f"Invalid Access-Control-Request-Headers value {requested_headers!r}."
        else:
            self.send_response(HTTPStatus.NO_CONTENT)
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Methods", ", ".join(CORS_ALLOWED_METHODS))
            if requested_headers:
                self.send_header("Access-Control-Allow-Headers", requested_headers)
            self.send_header("Access-Control-Max-Age", str(CORS_MAX_AGE_SECONDS))
            self.send_header("Vary", vary)
            self.end_headers()
            return
        self._send_json(HTTPStatus.FORBIDDEN, detail, [("Vary", vary)])

    def _origin_rejection(self, origin: str) -> str:
        return (
            f"Origin {origin!r} may not call the jobs API through this server. "
            f"Open the console at {self.server.url}/ or restart serve.py with "
            f"--allow-origin {origin}."
        )

    def _cors_headers(self, allowed_origin: str | None) -> list[tuple[str, str]]:
        headers = [("Vary", "Origin")]
        if allowed_origin is not None:
            headers.append(("Access-Control-Allow-Origin", allowed_origin))
            # Date is not a CORS-safelisted response header, and the console
            # reads it to estimate the clock skew between browser and API.
            headers.append(("Access-Control-Expose-Headers", "Date"))
        return headers

    def _read_request_body(self, cors_headers: list[tuple[str, str]]) -> bytes | None:
        """Read the request body, or send an error response and return None."""
        self._request_body_read = True
        transfer_encoding = self.headers.get("Transfer-Encoding")
        lengths = self.headers.get_all("Content-Length") or []

        if transfer_encoding is not None:
            # A request with both headers can smuggle a second request past
            # a front-end server (RFC 9112 section 6.1).
            if lengths or transfer_encoding.strip().lower() != "chunked":
                self.close_connection = True
                self._send_json(
                    HTTPStatus.BAD_REQUEST,
                    f"Unsupported Transfer-Encoding {transfer_encoding!r}: "
                    "send a Content-Length or chunked alone.",
                    cors_headers,
                )
                return None
            return self._read_chunked_body(cors_headers)

        if not lengths:
            return b""
        if len(set(lengths)) > 1 or not lengths[0].strip().isdigit():
            self.close_connection = True
            self._send_json(
                HTTPStatus.BAD_REQUEST,
                f"Invalid Content-Length {', '.join(lengths)!r}: expected one number of bytes.",
                cors_headers,
            )
            return None

        length = int(lengths[0])
        if length > MAX_REQUEST_BODY_BYTES:
            self._discard_body(length)
            self._send_body_too_large(f"{length} bytes", cors_headers)
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            # The client closed the connection before sending the whole body.
            self.close_connection = True
            return None
        return body

    def _read_chunked_body(self, cors_headers: list[tuple[str, str]]) -> bytes | None:
        chunks = []
        size = 0
        while True:
            line = self.rfile.readline(1024)
            size_text = line.split(b";", 1)[0].strip()
            try:
                chunk_size = int(size_text, 16)
            except ValueError:
                self.close_connection = True
                self._send_json(HTTPStatus.BAD_REQUEST, "Invalid chunked request body.", cors_headers)
                return None
            if chunk_size == 0:
                break
            size += chunk_size
            if size > MAX_REQUEST_BODY_BYTES:
                self.close_connection = True
                self._send_body_too_large("more than that", cors_headers)
                return None
            chunks.append(self.rfile.read(chunk_size))
            self.rfile.readline(1024)
        # Trailer fields end with an empty line, and the proxy drops them.
        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
            pass
        return b"".join(chunks)

    def _discard_unread_body(self) -> None:
        if "Transfer-Encoding" in self.headers:
            self.close_connection = True
            return
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            return
        if len(set(lengths)) > 1 or not lengths[0].strip().isdigit():
            self.close_connection = True
            return
        self._discard_body(int(lengths[0]))

    def _discard_body(self, length: int) -> None:
        if length > MAX_DISCARDED_BODY_BYTES:
            self.close_connection = True
            return
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, READ_CHUNK_BYTES))
            if not chunk:
                self.close_connection = True
                return
            remaining -= len(chunk)

    def _send_body_too_large(self, size: str, cors_headers: list[tuple[str, str]]) -> None:
        self._send_json(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"The request body is {size}, but the jobs API proxy accepts at most "
            f"{MAX_REQUEST_BODY_BYTES} bytes.",
            cors_headers,
        )

    # --- static files ---

    def _handle_static(self, url_path: str) -> None:
        file_path = resolve_public_file(self.server.root, url_path)
        if file_path is None:
            self._send_json(HTTPStatus.NOT_FOUND, f"Not found: {url_path}")
            return
        if self.command not in ("GET", "HEAD"):
            self._send_json(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"Method {self.command} is not allowed for static files: use GET or HEAD.",
                [("Allow", "GET, HEAD")],
            )
            return

        segments = public_file_segments(url_path) or ()
        gzip_path = file_path.with_name(file_path.name + ".gz")
        has_gzip = gzip_path.is_file()
        send_gzip = has_gzip and accepts_gzip(self.headers.get("Accept-Encoding", ""))
        sent_path = gzip_path if send_gzip else file_path

        try:
            sent_file = sent_path.open("rb")
        except OSError:
            self._send_json(HTTPStatus.NOT_FOUND, f"Not found: {url_path}")
            return
        with sent_file:
            file_stat = os.fstat(sent_file.fileno())
            etag = entity_tag(file_stat, "-gzip" if send_gzip else "")
            headers = [
                ("Cache-Control", cache_control_for(segments)),
                ("ETag", etag),
                ("Last-Modified", email.utils.formatdate(file_stat.st_mtime, usegmt=True)),
                ("X-Content-Type-Options", "nosniff"),
            ]
            if has_gzip:
                headers.append(("Vary", "Accept-Encoding"))

            if self._is_not_modified(etag, file_stat.st_mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                return

            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type_for(file_path))
            self.send_header("Content-Length", str(file_stat.st_size))
            if send_gzip:
                self.send_header("Content-Encoding", "gzip")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(sent_file, self.wfile, READ_CHUNK_BYTES)

    def _is_not_modified(self, etag: str, mtime: float) -> bool:
        # If-Modified-Since counts only without If-None-Match (RFC 9110 section 13.1.3).
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag_matches(if_none_match, etag)
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None:
            return False
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.timestamp() >= int(mtime)

    # --- responses ---

    def _send_json(
        self,
        status: HTTPStatus,
        detail: str,
        extra_headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        body = json.dumps({"detail": detail}).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _without_hop_by_hop(
    headers: Iterable[tuple[str, str]],
    also_drop: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Return headers minus hop-by-hop ones, those named in Connection and also_drop."""
    headers = list(headers)
    dropped = set(HOP_BY_HOP_HEADERS) | {name.lower() for name in also_drop}
    for name, value in headers:
        if name.lower() == "connection":
            dropped.update(token.strip().lower() for token in value.split(","))
    return [(name, value) for name, value in headers if name.lower() not in dropped]


# --- Server ----------------------------------------------------------------


class ConsoleServer(ThreadingHTTPServer):
    """The console's HTTP server, with its upstream pool and access rules."""

    daemon_threads = True
    # server_close() must not wait for idle keep-alive connections.
    block_on_close = False
    # socketserver's default listen backlog of 5 drops connections when a
    # page or a test opens many at once, and the client retries after 1 s.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        upstream: UpstreamPool,
        *,
        allow_origins: Iterable[str],
        root: Path,
    ) -> None:
        self.upstream = upstream
        self.root = Path(root)
        self.configured_host = address[0].lower().strip("[]")
        self.allowed_origins = frozenset(normalize_origin(origin) for origin in allow_origins)
        super().__init__(address, ConsoleRequestHandler)
        self.port = self.server_address[1]
        url_host = f"[{self.configured_host}]" if ":" in self.configured_host else self.configured_host
        self.url = f"http://{url_host}:{self.port}"

    def is_allowed_host(self, host_value: str) -> bool:
        return is_allowed_host(host_value, self.configured_host)

    def is_allowed_origin(self, origin: str) -> bool:
        """Return whether origin is the console's own (any loopback name) or allowed by --allow-origin."""
        try:
            normalized = normalize_origin(origin)
        except ValueError:
            return False
        if normalized in self.allowed_origins:
            return True
        parts = urllib.parse.urlsplit(normalized)
        if parts.scheme != "http" or (parts.port or 80) != self.port:
            return False
        host = (parts.hostname or "").lower()
        return is_loopback_host(host) or host == self.configured_host

    def server_close(self) -> None:
        super().server_close()
        self.upstream.close()

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("Client %s disconnected: %s", client_address[0], error)
            return
        logger.exception("Unexpected error while handling a request from %s", client_address[0])


class ConsoleServerIPv6(ConsoleServer):
    address_family = socket.AF_INET6


def make_console_server(
    host: str,
    port: int,
    api_url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    allow_origins: Iterable[str] = (),
    root: Path = ROOT,
) -> ConsoleServer:
    """Bind a console server on host:port (0 picks a free port) that proxies to api_url.

    The server is bound but not serving: call serve_forever(), or
    serve_in_thread(). Raises OSError when the address is unavailable and
    ValueError for an invalid api_url, timeout or origin.
    """
    upstream = UpstreamPool(api_url, timeout)
    server_class = ConsoleServerIPv6 if ":" in host else ConsoleServer
    return server_class((host.strip("[]"), port), upstream, allow_origins=allow_origins, root=root)


def serve_in_thread(
    server: ThreadingHTTPServer,
    name: str = "console-server",
    poll_interval: float = 0.05,
) -> threading.Thread:
    """Run server.serve_forever() in a daemon thread and return the thread.

    The short poll interval, in seconds, makes stop_server() return quickly.
    """
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": poll_interval},
        name=name,
        daemon=True,
    )
    thread.start()
    return thread


def stop_server(server: ThreadingHTTPServer) -> None:
    """Stop a server started with serve_in_thread() and release its socket."""
    server.shutdown()
    server.server_close()


def start_simulator(*, demo: bool = True, seed: int | None = None) -> ThreadingHTTPServer:
    """Start the bundled jobs API simulator on a free loopback port, in a thread.

    Raises ImportError when the sandbox package is missing. Stop it with
    stop_server().
    """
    from sandbox import make_server

    simulator = make_server(host="127.0.0.1", port=0, demo=demo, seed=seed)
    serve_in_thread(simulator, name="jobs-api-simulator")
    return simulator


# --- Command line ----------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Serve the jobs console and proxy the jobs API under /api/. "
            "Without --api, a built-in simulator with demo jobs is started."
        )
    )

    parser.add_argument(
        "--api",
        metavar="URL",
        help="URL of a running jobs API, for example http://127.0.0.1:8000 (default: start the built-in simulator)",
    )

    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=(
            f"address to listen on (default: {DEFAULT_HOST}). Requests must name a "
            "loopback host or this value in their Host header."
        ),
    )

    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"TCP port to listen on, 0 for a free one (default: {DEFAULT_PORT})",
    )

    parser.add_argument(
        "--empty",
        action="store_true",
        help="start the built-in simulator without demo jobs (ignored with --api)",
    )

    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help=(
            "seconds to wait for a jobs API response before sending 504 Gateway Timeout "
            f"(default: {DEFAULT_TIMEOUT_SECONDS:g})"
        ),
    )

    parser.add_argument(
        "--allow-origin",
        dest="allow_origins",
        action="append",
        default=[],
        metavar="ORIGIN",
        help=(
            "another origin allowed to call /api/ from a browser, for example "
            "http://localhost:5173 (repeatable; the console's own origin is always allowed)"
        ),
    )

    args = parser.parse_args(argv)

    if not 0 <= args.port <= 65535:
        parser.error(f"invalid --port {args.port}: expected 0 to 65535")
    if args.timeout <= 0:
        parser.error(f"invalid --timeout {args.timeout:g}: expected a number of seconds above 0")
    for origin in args.allow_origins:
        if origin == "*":
            parser.error("--allow-origin '*' is not supported: list each origin that may call the API")
        try:
            normalize_origin(origin)
        except ValueError as error:
            parser.error(f"--allow-origin: {error}")
    return args


def _bind_failure_message(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"Port {port} on {host} is already in use. Stop the program that uses it, "
            "or pick another port with --port (0 picks a free one)."
        )
    if error.errno == errno.EACCES:
        return f"Permission denied to listen on {host}:{port}. Pick a port above 1023 with --port."
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return f"Cannot listen on {host!r}: {error.strerror or error}. Pass a local address with --host."
    return f"Cannot listen on {host}:{port}: {error}."


def _warn_if_unreachable(api_url: str) -> None:
    """Warn when nothing accepts TCP connections at api_url, without sending a request.

    A plain connect is used because every request to the jobs API advances
    its due jobs.
    """
    parts = urllib.parse.urlsplit(api_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=1.0).close()
    except OSError as error:
        print(
            f"Warning: the jobs API at {api_url} is not reachable ({error}). "
            "The console will show errors until it starts.",
            file=sys.stderr,
        )


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    # The log format uses none of these record fields, and collecting them
    # costs time on every request (see "Optimization" in the logging HOWTO).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None

    # SIGTERM stops the server the same way as Ctrl+C, from start-up on.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        return _run(args)
    except KeyboardInterrupt:
        # _run() has closed the server and stopped the simulator on its way out.
        print("Stopped.", flush=True)
        return 0


def _run(args: argparse.Namespace) -> int:
    simulator = None
    if args.api:
        api_url = args.api.rstrip("/")
        api_description = f"{api_url} (--api)"
    else:
        try:
            simulator = start_simulator(demo=not args.empty)
        except ImportError as error:
            print(
                f"Cannot start the built-in simulator: {error}. "
                "Run serve.py from the repository that contains sandbox/, or pass --api URL.",
                file=sys.stderr,
            )
            return 1
        api_url = simulator.url.rstrip("/")
        jobs = "no jobs" if args.empty else "demo jobs"
        api_description = f"built-in simulator at {api_url} ({jobs})"

    try:
        try:
            server = make_console_server(
                args.host,
                args.port,
                api_url,
                timeout=args.timeout,
                allow_origins=args.allow_origins,
            )
        except ValueError as error:
            print(f"Cannot start: {error}.", file=sys.stderr)
            return 1
        except OSError as error:
            print(_bind_failure_message(error, args.host, args.port), file=sys.stderr)
            return 1

        try:
            if simulator is None:
                _warn_if_unreachable(api_url)
            print(f"Serving the jobs console at {server.url}/", flush=True)
            print(f"Jobs API: {api_description}", flush=True)
            if not is_loopback_host(server.configured_host):
                # The console and its proxy have no login: anyone who can reach the address can cancel jobs.
                print(f"Warning: {args.host} is reachable from other machines, and the console has no "
                      "login. Use --host 127.0.0.1 unless that is intended.", file=sys.stderr, flush=True)
            print("Press Ctrl+C to stop.", flush=True)
            server.serve_forever()
        finally:
            server.server_close()
    finally:
        if simulator is not None:
            stop_server(simulator)
    return 0


if __name__ == "__main__":
    sys.exit(main())
