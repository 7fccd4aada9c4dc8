"""Host checks, CORS, malformed requests and the per-request log line."""

from __future__ import annotations

import http.client
import json
import socket

import pytest

import serve
from serve_testkit import ALLOWED_ORIGIN, CannedResponse, Client, FakeUpstream, send_raw


def assert_still_serving(client: Client) -> None:
    reply = client.get("/index.html")
    assert reply.status == 200
    assert b"Jobs console" in reply.body


# --- Host header ------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
        "evil-localhost",
        "10.0.0.1",
        "192.168.1.20:8080",
        "0.0.0.0",
        "[::2]",
        "[::ffff:10.0.0.1]:80",
        "localhost:http",
        "localhost:99999",
        "[::1",
        "",
    ],
)
@pytest.mark.parametrize("path", ["/", "/index.html", "/api/jobs"])
def test_foreign_host_rejected(client, fake_upstream, host, path):
    reply = client.get(path, headers={"Host": host})

    assert reply.status == 403
    assert reply.header("Content-Type") == "application/json"
    assert "DNS rebinding" in reply.json()["detail"]
    assert fake_upstream.requests == []
    assert_still_serving(client)


@pytest.mark.parametrize(
    "host",
    ["localhost", "LocalHost:8080", "127.0.0.1", "127.0.0.1:8080", "127.1.2.3:80", "[::1]", "[::1]:8080"],
)
def test_loopback_host_accepted(client, host):
    assert client.get("/", headers={"Host": host}).status == 200
    assert client.get("/api/jobs", headers={"Host": host}).status == 200


def test_missing_host_rejected(console, client):
    reply = send_raw(console.port, b"GET / HTTP/1.0\r\n\r\n")

    assert reply.status == 403
    assert_still_serving(client)


@pytest.mark.parametrize(
    ("host_value", "configured_host", "allowed"),
    [
        ("devbox.lan:8080", "devbox.lan", True),
        ("DEVBOX.LAN", "devbox.lan", True),
        ("other.lan:8080", "devbox.lan", False),
        ("192.168.1.20:8080", "192.168.1.20", True),
        ("192.168.1.21:8080", "192.168.1.20", False),
        ("[fe80::1]:8080", "fe80::1", True),
        ("localhost:8080", "devbox.lan", True),
    ],
)
def test_configured_host_accepted(host_value, configured_host, allowed):
    assert serve.is_allowed_host(host_value, configured_host) is allowed


# --- CORS -----------------------------------------------------------------------


def own_origins(console) -> list[str]:
    return [f"http://127.0.0.1:{console.port}", f"http://localhost:{console.port}", f"http://[::1]:{console.port}"]


def test_own_origin_allowed(console, client):
    for origin in own_origins(console):
        reply = client.request("POST", "/api/job/new?message=x", headers={"Origin": origin})

        assert reply.status == 200
        assert reply.header("Access-Control-Allow-Origin") == origin
        assert reply.header("Access-Control-Expose-Headers") == "Date"
        assert "Origin" in reply.header("Vary")


def test_listed_origin_allowed(client):
    reply = client.get("/api/jobs", headers={"Origin": ALLOWED_ORIGIN})

    assert reply.status == 200
    assert reply.header("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert reply.header("Access-Control-Expose-Headers") == "Date"
    assert reply.header("Vary") == "Origin"


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1:1",
        "http://localhost:5174",
        "https://localhost:5173",
        "null",
        "not an origin",
    ],
)
def test_foreign_origin_rejected(console, client, fake_upstream, origin):
    origin = origin.format(port=console.port)

    reply = client.request("POST", "/api/job/new?message=csrf", headers={"Origin": origin})

    assert reply.status == 403
    assert reply.header("Access-Control-Allow-Origin") is None
    assert reply.header("Vary") == "Origin"
    assert "--allow-origin" in reply.json()["detail"]
    assert fake_upstream.requests == []
    assert_still_serving(client)


def test_request_without_origin_has_no_cors(client):
    reply = client.get("/api/jobs")

    assert reply.status == 200
    assert reply.header("Access-Control-Allow-Origin") is None
    assert reply.header("Vary") == "Origin"


def test_upstream_cors_headers_replaced(client, fake_upstream):
    fake_upstream.can(
        "/jobs",
        CannedResponse(
            200,
            b"[]",
            [
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Accept-Encoding"),
            ],
        ),
    )

    without_origin = client.get("/api/jobs")
    with_origin = client.get("/api/jobs", headers={"Origin": ALLOWED_ORIGIN})

    assert without_origin.header("Access-Control-Allow-Origin") is None
    assert without_origin.header("Access-Control-Allow-Credentials") is None
    assert without_origin.header("Vary") == "Accept-Encoding, Origin"
    assert with_origin.headers.get_all("Access-Control-Allow-Origin") == [ALLOWED_ORIGIN]


def test_cors_headers_on_proxy_errors(client):
    reply = client.request(
        "POST",
        "/api/job/new",
        headers={"Origin": ALLOWED_ORIGIN},
        body=b"x" * (serve.MAX_REQUEST_BODY_BYTES + 1),
    )

    assert reply.status == 413
    assert reply.header("Access-Control-Allow-Origin") == ALLOWED_ORIGIN


def test_preflight_allowed(client, fake_upstream):
    reply = client.request(
        "OPTIONS",
        "/api/job/new?message=x",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-request-id",
        },
    )

    assert reply.status == 204
    assert reply.body == b""
    assert reply.header("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert reply.header("Access-Control-Allow-Methods") == "GET, HEAD, POST, OPTIONS"
    assert reply.header("Access-Control-Allow-Headers") == "content-type, x-request-id"
    assert reply.header("Access-Control-Max-Age") == str(serve.CORS_MAX_AGE_SECONDS)
    assert "Origin" in reply.header("Vary")
    assert fake_upstream.requests == []
    assert_still_serving(client)


def test_preflight_for_own_origin_allowed(console, client):
    origin = f"http://localhost:{console.port}"

    reply = client.request(
        "OPTIONS", "/api/jobs", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
    )

    assert reply.status == 204
    assert reply.header("Access-Control-Allow-Origin") == origin
    assert reply.header("Access-Control-Allow-Headers") is None


def test_preflight_foreign_origin_rejected(client, fake_upstream):
    reply = client.request(
        "OPTIONS",
        "/api/job/new",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )

    assert reply.status == 403
    assert reply.header("Access-Control-Allow-Origin") is None
    assert reply.header("Access-Control-Allow-Methods") is None
    assert "http://evil.example" in reply.json()["detail"]
    assert fake_upstream.requests == []
    assert_still_serving(client)


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH"])
def test_preflight_other_method_rejected(client, method):
    reply = client.request(
        "OPTIONS",
        "/api/job/1",
        headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": method},
    )

    assert reply.status == 403
    assert reply.header("Access-Control-Allow-Origin") is None
    assert "GET, HEAD, POST, OPTIONS" in reply.json()["detail"]


def test_allow_origin_validated(site_root, fake_upstream):
    for origin in ("localhost:5173", "http://localhost:5173/app", "ftp://localhost"):
        with pytest.raises(ValueError, match="invalid origin"):
            serve.make_console_server("127.0.0.1", 0, fake_upstream.url, allow_origins=[origin], root=site_root)


# --- malformed requests -----------------------------------------------------


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
        (b"GET / HTTP/x\r\nHost: 127.0.0.1\r\n\r\n", 400),
        (b"BREW /pot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", 431),
    ],
)
def test_malformed_request_gets_json_error(console, client, request_bytes, status):
    reply = send_raw(console.port, request_bytes)

    assert reply.status == status
    assert reply.header("Content-Type") == "application/json"
    assert reply.header("Connection") == "close"
    assert "detail" in reply.json()
    assert_still_serving(client)


def test_folded_header_joined_with_space(console, fake_upstream):
    request = (
        b"GET /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: first\r\n  second\r\n"
        b"Connection: close\r\n\r\n"
    )

    reply = send_raw(console.port, request)

    received = dict(reply.json()["headers"])
    assert received["X-Folded"] == "first second"


def test_expect_continue_answered_before_body(console, fake_upstream):
    head = (
        b"POST /api/job/new HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
        b"Expect: 100-continue\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", console.port), timeout=5) as sock:
        sock.sendall(head)
        interim = sock.recv(1024)
        sock.sendall(b"hello")
        final = http.client.HTTPResponse(sock, method="POST")
        final.begin()
        body = final.read()

    assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
    assert final.status == 200
    assert json.loads(body)["body"] == "hello"


def test_connection_close_request_honoured(console):
    reply = send_raw(console.port, b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

    assert reply.status == 200
    assert reply.headers.get("Content-Length") == str(len(reply.body))


# --- log line ---------------------------------------------------------------


def test_log_line_per_api_request(client, log_capture):
    client.get("/api/jobs?limit=3&logcheck=1")

    line = log_capture.wait_for("logcheck=1")
    method, path, status, total, unit, label, upstream_ms, upstream_unit = line.split(" ")
    assert (method, path, status) == ("GET", "/api/jobs?limit=3&logcheck=1", "200")
    assert float(total) >= float(upstream_ms) >= 0
    assert (unit, label, upstream_unit) == ("ms", "upstream", "ms")


def test_log_line_per_static_request(client, log_capture):
    client.get("/static/style.css?logcheck=2")

    line = log_capture.wait_for("logcheck=2")
    assert line.startswith("GET /static/style.css?logcheck=2 200 ")
    assert line.endswith(" ms upstream -")


def test_log_line_for_rejected_request(client, log_capture):
    client.get("/serve.py?logcheck=3", headers={"Host": "evil.example"})

    assert log_capture.wait_for("logcheck=3").startswith("GET /serve.py?logcheck=3 403 ")


def test_log_line_escapes_control_characters(console, log_capture):
    send_raw(console.port, b"GET /\x1b[31mred\x07 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

    line = log_capture.wait_for("red")
    assert "\x1b" not in line
    assert "\x07" not in line
    assert "/\\x1b[31mred\\x07 404 " in line


def test_upstream_failure_logged(site_root, log_capture):
    upstream = FakeUpstream().start()
    upstream.stop()
    server = serve.make_console_server("127.0.0.1", 0, upstream.url, timeout=0.5, root=site_root)
    serve.serve_in_thread(server)
    client = Client(server.url)
    try:
        assert client.get("/api/jobs?logcheck=4").status == 503

        assert "connection refused" in log_capture.wait_for("GET /jobs?logcheck=4 failed")
        assert log_capture.wait_for("GET /api/jobs?logcheck=4 503 ")
    finally:
        client.close()
        serve.stop_server(server)
