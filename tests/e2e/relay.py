"""A controllable relay between serve.py and the jobs API, for fault tests.

Tests stop it (the port then refuses connections, as a stopped API does),
start it again on the same port, make it respond slowly, or make it close the
connection after the API has handled a request, without touching the API
behind it, which may be a real sandbox shared by all tests.
"""

import http.client
import http.server
import socket
import threading
import time
import urllib.parse

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "transfer-encoding", "upgrade",
}


class _RelayHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def setup(self):
        super().setup()
        self.server.relay.track(self.connection, True)

    def finish(self):
        self.server.relay.track(self.connection, False)
        super().finish()

    def _relay(self):
        relay = self.server.relay
        relay.record(self.command, self.path)
        relay.enter()
        try:
            self._forward(relay)
        finally:
            relay.leave()

    def _forward(self, relay):
        delay = relay.delay
        if relay.path_delay is not None:
            delay += relay.path_delay(self.command, self.path)
        if delay:
            time.sleep(delay)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        target = urllib.parse.urlsplit(relay.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"}
            connection.request(self.command, target.path.rstrip("/") + self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        if relay.drop_replies:
            # The API has acted on the request, but its response never arrives.
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() not in ("content-length", "date", "server"):
                self.send_header(name, value)
        if relay.date_override is not None:
            self.send_header("Date", relay.date_override())
        else:
            self.send_header("Date", response.getheader("Date") or self.date_time_string())
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = _relay

    def send_response(self, code, message=None):
        # The upstream's Date header is relayed instead of this server's own.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", "test-relay")


class _RelayServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A stopped relay cuts connections on purpose; the resulting broken pipes are expected.
        pass


class Relay:
    """Forward requests to ``upstream``; ``stop``/``start``, ``delay``, ``path_delay`` and ``drop_replies`` make faults."""

    def __init__(self, upstream):
        self.upstream = upstream.rstrip("/")
        self.delay = 0.0
        # A function of (method, path) that returns extra seconds to wait, to slow some requests only.
        self.path_delay = None
        self.drop_replies = False
        self.date_override = None
        self.port = 0
        self.server = None
        self.requests = []
        self.sockets = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def track(self, sock, is_open):
        with self._lock:
            if is_open:
                self.sockets.add(sock)
            else:
                self.sockets.discard(sock)

    def enter(self):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self):
        with self._lock:
            self.in_flight -= 1

    def record(self, method, path):
        with self._lock:
            self.requests.append((method, path))

    def start(self):
        server = _RelayServer(("127.0.0.1", self.port), _RelayHandler)
        server.daemon_threads = True
        server.block_on_close = False
        server.relay = self
        self.port = server.server_address[1]
        self.server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        # Kept-alive connections would go on being served: cut them too.
        with self._lock:
            open_sockets = list(self.sockets)
        for sock in open_sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def posts(self):
        with self._lock:
            return [path for method, path in self.requests if method == "POST"]
