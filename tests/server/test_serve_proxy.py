"""Forwarding of /api/ requests to the upstream: paths, bodies, headers, errors."""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import time

import pytest

import serve
from serve_testkit import CONSOLE_TIMEOUT_SECONDS, CannedResponse, Client, FakeUpstream, send_raw


def echoed(reply) -> dict:
    assert reply.status == 200, reply.body
    return reply.json()


def echoed_header(echo: dict, name: str) -> list[str]:
    return [value for header, value in echo["headers"] if header.lower() == name.lower()]


def assert_still_serving(client: Client) -> None:
    reply = client.get("/index.html")
    assert reply.status == 200
    assert b"Jobs console" in reply.body


@pytest.fixture
def private_pair(site_root):
    """A fresh fake upstream and console, for tests that count connections."""
    upstream = FakeUpstream().start()
    server = serve.make_console_server(
        "127.0.0.1", 0, upstream.url, timeout=CONSOLE_TIMEOUT_SECONDS, root=site_root
    )
    serve.serve_in_thread(server)
    yield upstream, server
    serve.stop_server(server)
    upstream.stop()


# --- paths, methods and bodies ----------------------------------------------


@pytest.mark.parametrize(
    ("request_path", "upstream_path"),
    [
        ("/api/jobs?status=PENDING&skip=0&limit=25", "/jobs?status=PENDING&skip=0&limit=25"),
        ("/api/job/7/history?skip=10&limit=5", "/job/7/history?skip=10&limit=5"),
        ("/api/jobs?message=a%20b%2Fc&x=%E2%9C%93&x=2", "/jobs?message=a%20b%2Fc&x=%E2%9C%93&x=2"),
        ("/api/job/abc", "/job/abc"),
        ("/api/jobs/", "/jobs/"),
        ("/api", "/"),
        ("/api/", "/"),
        ("/api?probe=1", "/?probe=1"),
        ("/api/?probe=1", "/?probe=1"),
    ],
)
def test_get_forwards_path_and_query(client, request_path, upstream_path):
    echo = echoed(client.get(request_path))

    assert echo["method"] == "GET"
    assert echo["path"] == upstream_path


def test_head_forwards_without_body(client, fake_upstream):
    reply = client.request("HEAD", "/api/jobs?limit=3")

    assert reply.status == 200
    assert reply.body == b""
    assert int(reply.header("Content-Length")) > 0
    recorded = fake_upstream.requests_to("/jobs")
    assert [request.method for request in recorded] == ["HEAD"]
    assert recorded[0].path == "/jobs?limit=3"
    assert_still_serving(client)


def test_post_forwards_query_and_body(client):
    body = b'{"note": "kept as sent"}'
    reply = client.request(
        "POST",
        "/api/job/new?message=hello%20world&next_attempt_at=2030-01-01T00%3A00%3A00",
        headers={"Content-Type": "application/json", "X-Request-Id": "abc-123"},
        body=body,
    )
    echo = echoed(reply)

    assert echo["method"] == "POST"
    assert echo["path"] == "/job/new?message=hello%20world&next_attempt_at=2030-01-01T00%3A00%3A00"
    assert echo["body"].encode("latin-1") == body
    assert echoed_header(echo, "Content-Type") == ["application/json"]
    assert echoed_header(echo, "X-Request-Id") == ["abc-123"]
    assert echoed_header(echo, "Content-Length") == [str(len(body))]


def test_post_without_body_sends_zero_length(client):
    echo = echoed(client.request("POST", "/api/job/cancel/3"))

    assert echo["method"] == "POST"
    assert echo["body"] == ""
    assert echoed_header(echo, "Content-Length") == ["0"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_pass_through(client, fake_upstream, method):
    echo = echoed(client.request(method, "/api/job/5"))

    assert echo["method"] == method
    assert echo["path"] == "/job/5"


def test_upstream_host_header_replaces_client_host(client, fake_upstream):
    echo = echoed(client.get("/api/jobs", headers={"Host": "localhost"}))

    assert echoed_header(echo, "Host") == [f"127.0.0.1:{fake_upstream.port}"]


def test_chunked_request_body_forwarded_with_length(console, fake_upstream):
    request = (
        b"POST /api/job/new?message=chunked HTTP/1.1\r\n"
        b"Host: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n"
        b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: dropped\r\n\r\n"
    )
    reply = send_raw(console.port, request, method="POST")
    echo = echoed(reply)

    assert echo["body"] == "hello world"
    assert echoed_header(echo, "Content-Length") == ["11"]
    assert echoed_header(echo, "Transfer-Encoding") == []


# --- upstream responses pass through --------------------------------------


ERROR_BODIES = {
    404: b'{"detail":{"job_id":7,"message":"job not found"}}',
    409: b'{"detail":{"job":{"job_id":3,"status":"RUNNING"},"message":"unable to cancel job in RUNNING state"}}',
    422: b'{"detail":[{"loc":["query","limit"],"msg":"ensure this value is less than or equal to 100",'
    b'"type":"value_error.number.not_le","ctx":{"limit_value":100}}]}',
}


@pytest.mark.parametrize("status", sorted(ERROR_BODIES))
def test_error_status_and_body_unchanged(client, fake_upstream, status):
    fake_upstream.can(
        "/job/7",
        CannedResponse(status, ERROR_BODIES[status], [("Content-Type", "application/json")]),
    )

    reply = client.get("/api/job/7")

    assert reply.status == status
    assert reply.body == ERROR_BODIES[status]
    assert reply.header("Content-Type") == "application/json"
    assert int(reply.header("Content-Length")) == len(ERROR_BODIES[status])
    assert_still_serving(client)


def test_redirect_passed_through_not_followed(client, fake_upstream):
    fake_upstream.can("/jobs/", CannedResponse(307, b"", [("Location", f"{fake_upstream.url}/jobs")]))

    reply = client.get("/api/jobs/")

    assert reply.status == 307
    assert reply.header("Location") == "/api/jobs"
    assert reply.body == b""
    assert reply.header("Content-Length") == "0"
    assert len(fake_upstream.requests) == 1
    assert_still_serving(client)


# The fake upstream listens at http://127.0.0.1:{port}, so these Locations are on its origin.
@pytest.mark.parametrize(
    ("upstream_location", "expected"),
    [
        ("http://127.0.0.1:{port}/jobs", "/api/jobs"),
        ("http://127.0.0.1:{port}/jobs?status=PENDING&limit=25", "/api/jobs?status=PENDING&limit=25"),
        ("HTTP://127.0.0.1:{port}/job/7/history#top", "/api/job/7/history#top"),
        ("http://127.0.0.1:{port}", "/api/"),
        ("//127.0.0.1:{port}/jobs", "/api/jobs"),
        ("/jobs?limit=2", "/api/jobs?limit=2"),
        ("/", "/api/"),
    ],
)
def test_redirect_to_upstream_rewritten(client, fake_upstream, upstream_location, expected):
    location = upstream_location.format(port=fake_upstream.port)
    fake_upstream.can("/jobs/", CannedResponse(307, b"", [("Location", location)]))

    reply = client.get("/api/jobs/")

    assert reply.status == 307
    assert reply.headers.get_all("Location") == [expected]


@pytest.mark.parametrize(
    "upstream_location",
    [
        "https://127.0.0.1:{port}/jobs",
        "http://localhost:{port}/jobs",
        "http://127.0.0.1:1/jobs",
        "http://example.com/jobs",
        "//example.com/jobs",
        "jobs?limit=2",
    ],
)
def test_redirect_elsewhere_kept(client, fake_upstream, upstream_location):
    location = upstream_location.format(port=fake_upstream.port)
    fake_upstream.can("/jobs/", CannedResponse(307, b"", [("Location", location)]))

    reply = client.get("/api/jobs/")

    assert reply.status == 307
    assert reply.headers.get_all("Location") == [location]


def test_upstream_date_kept(client, fake_upstream):
    upstream_date = "Tue, 01 Jan 2030 00:00:00 GMT"
    fake_upstream.can("/", CannedResponse(200, b"{}", [("Date", upstream_date)]))

    reply = client.get("/api/")

    assert reply.headers.get_all("Date") == [upstream_date]


def test_upstream_end_to_end_headers_kept(client, fake_upstream):
    headers = [
        ("Server", "uvicorn"),
        ("Content-Type", "application/json"),
        ("X-Request-Id", "r-1"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Cache-Control", "private"),
    ]
    fake_upstream.can("/jobs", CannedResponse(200, b"[]", headers))

    reply = client.get("/api/jobs")

    assert reply.header("Server") == "uvicorn"
    assert reply.header("X-Request-Id") == "r-1"
    assert reply.headers.get_all("Set-Cookie") == ["a=1", "b=2"]
    assert reply.header("Cache-Control") == "private"
    assert reply.body == b"[]"


def test_chunked_upstream_response_gets_length(client, fake_upstream):
    body = json.dumps([{"job_id": index} for index in range(50)]).encode()
    fake_upstream.can("/jobs", CannedResponse(200, body, [("Content-Type", "application/json")], chunked=True))

    reply = client.get("/api/jobs")

    assert reply.body == body
    assert reply.header("Content-Length") == str(len(body))
    assert reply.header("Transfer-Encoding") is None
    assert_still_serving(client)


def test_no_content_response_has_no_length(client, fake_upstream):
    fake_upstream.can("/ping", CannedResponse(204))

    reply = client.get("/api/ping")

    assert reply.status == 204
    assert reply.header("Content-Length") is None
    assert reply.body == b""
    assert_still_serving(client)


@pytest.mark.parametrize(
    ("raw_response", "status", "body"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread until close", 200, b"read until close"),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, b"ok"),
        (
            b"HTTP/1.1 103 Early Hints\r\nLink: </static/style.css>\r\n\r\n"
            b"HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\ncreated",
            201,
            b"created",
        ),
    ],
)
def test_upstream_framing_variants_read(client, fake_upstream, raw_response, status, body):
    fake_upstream.can("/raw", CannedResponse(0, raw=raw_response))

    reply = client.get("/api/raw")

    assert reply.status == status
    assert reply.body == body
    assert reply.header("Content-Length") == str(len(body))
    assert_still_serving(client)


def test_folded_upstream_header_joined(client, fake_upstream):
    raw = b"HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\nContent-Length: 0\r\n\r\n"
    fake_upstream.can("/raw", CannedResponse(0, raw=raw))

    assert client.get("/api/raw").header("X-Folded") == "one two"


@pytest.mark.parametrize(
    ("raw_response", "reason"),
    [
        (b"", "closed the connection without a response"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "invalid status line"),
        (b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", "invalid header line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "before the end of the body"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "invalid Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size"),
    ],
)
def test_invalid_upstream_response_gives_502(client, fake_upstream, raw_response, reason):
    fake_upstream.can("/raw", CannedResponse(0, raw=raw_response))

    reply = client.get("/api/raw")

    assert reply.status == 502
    detail = reply.json()["detail"]
    assert fake_upstream.url in detail
    assert reason in detail
    assert_still_serving(client)


# --- hop-by-hop headers -------------------------------------------------------


def test_hop_by_hop_request_headers_dropped(client):
    headers = {
        "Connection": "keep-alive, X-Private-Hop",
        "X-Private-Hop": "secret",
        "Keep-Alive": "timeout=5",
        "TE": "trailers",
        "Trailer": "Expires",
        "Upgrade": "websocket",
        "Proxy-Authorization": "Basic Zm9vOmJhcg==",
        "Proxy-Connection": "keep-alive",
        "X-End-To-End": "kept",
        "Authorization": "Bearer kept",
    }
    echo = echoed(client.get("/api/jobs", headers=headers))

    received = {name.lower() for name, _ in echo["headers"]}
    for dropped in (
        "connection",
        "x-private-hop",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
    ):
        assert dropped not in received
    assert echoed_header(echo, "X-End-To-End") == ["kept"]
    assert echoed_header(echo, "Authorization") == ["Bearer kept"]


def test_hop_by_hop_response_headers_dropped(client, fake_upstream):
    headers = [
        ("Connection", "X-Upstream-Hop"),
        ("X-Upstream-Hop", "1"),
        ("Keep-Alive", "timeout=5, max=100"),
        ("Proxy-Authenticate", 'Basic realm="api"'),
        ("Trailer", "Expires"),
        ("Upgrade", "h2c"),
        ("X-Kept", "yes"),
    ]
    fake_upstream.can("/jobs", CannedResponse(200, b"[]", headers))

    reply = client.get("/api/jobs")

    for dropped in ("X-Upstream-Hop", "Keep-Alive", "Proxy-Authenticate", "Trailer", "Upgrade", "Connection"):
        assert reply.header(dropped) is None, dropped
    assert reply.header("X-Kept") == "yes"
    assert_still_serving(client)


# --- failures ----------------------------------------------------------------


def test_stopped_upstream_gives_503(site_root):
    upstream = FakeUpstream().start()
    upstream.stop()
    server = serve.make_console_server("127.0.0.1", 0, upstream.url, timeout=CONSOLE_TIMEOUT_SECONDS, root=site_root)
    serve.serve_in_thread(server)
    client = Client(server.url)
    try:
        for method in ("GET", "POST"):
            reply = client.request(method, "/api/jobs")

            # 503, not 502: nothing reached the API, so the console can conclude that a POST had no effect.
            assert reply.status == 503
            assert reply.header("Content-Type") == "application/json"
            detail = reply.json()["detail"]
            assert upstream.url in detail
            assert "connection refused" in detail
            assert "--api" in detail
            assert_still_serving(client)
    finally:
        client.close()
        serve.stop_server(server)


def test_hanging_upstream_gives_504(client, fake_upstream):
    fake_upstream.can("/slow", CannedResponse(200, b"late", delay=3.0))

    started = time.monotonic()
    reply = client.get("/api/slow")
    elapsed = time.monotonic() - started

    assert reply.status == 504
    assert CONSOLE_TIMEOUT_SECONDS <= elapsed < CONSOLE_TIMEOUT_SECONDS + 1.0
    detail = reply.json()["detail"]
    assert fake_upstream.url in detail
    assert "--timeout" in detail
    assert echoed(client.get("/api/jobs"))["path"] == "/jobs"


def test_body_at_limit_forwarded(client, fake_upstream):
    body = b"x" * serve.MAX_REQUEST_BODY_BYTES

    reply = client.request("POST", "/api/job/new", body=body)

    assert reply.status == 200
    assert len(fake_upstream.requests_to("/job/new")[0].body) == serve.MAX_REQUEST_BODY_BYTES


def test_body_over_limit_gives_413(client, fake_upstream):
    body = b"x" * (serve.MAX_REQUEST_BODY_BYTES + 1)

    reply = client.request("POST", "/api/job/new", body=body)

    assert reply.status == 413
    assert reply.header("Content-Type") == "application/json"
    assert str(serve.MAX_REQUEST_BODY_BYTES) in reply.json()["detail"]
    assert fake_upstream.requests_to("/job/new") == []
    assert_still_serving(client)


def test_chunked_body_over_limit_gives_413(console, fake_upstream):
    chunk = b"y" * 40_000
    request = (
        b"POST /api/job/new HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n%s\r\n" % (len(chunk), chunk) * 2
        + b"0\r\n\r\n"
    )

    reply = send_raw(console.port, request, method="POST")

    assert reply.status == 413
    assert fake_upstream.requests_to("/job/new") == []


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: gzip\r\n",
        b"Content-Length: 5\r\nContent-Length: 6\r\n",
        b"Content-Length: -1\r\n",
        b"Content-Length: five\r\n",
    ],
)
def test_ambiguous_body_framing_gives_400(console, fake_upstream, framing):
    request = b"POST /api/job/new HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing + b"\r\nhello"

    reply = send_raw(console.port, request, method="POST")

    assert reply.status == 400
    assert reply.header("Connection") is None or reply.header("Connection") == "close"
    assert fake_upstream.requests_to("/job/new") == []


# --- upstream connection reuse ---------------------------------------------


def test_upstream_connection_reused(private_pair):
    upstream, server = private_pair
    first = Client(server.url)
    second = Client(server.url)
    try:
        for index in range(20):
            client = first if index % 2 else second
            assert echoed(client.get(f"/api/jobs?skip={index}"))["path"] == f"/jobs?skip={index}"
        assert upstream.connections_opened == 1
    finally:
        first.close()
        second.close()


def test_concurrent_requests_get_own_responses(private_pair):
    upstream, server = private_pair

    def fetch_many(worker: int) -> list[str]:
        client = Client(server.url)
        try:
            return [echoed(client.get(f"/api/jobs?w={worker}&i={index}"))["path"] for index in range(10)]
        finally:
            client.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch_many, range(8)))

    for worker, paths in enumerate(results):
        assert paths == [f"/jobs?w={worker}&i={index}" for index in range(10)]
    assert upstream.connections_opened <= 8


def test_stale_connection_get_resent_once(private_pair, log_capture):
    upstream, server = private_pair
    client = Client(server.url)
    try:
        echoed(client.get("/api/warm-up"))
        upstream.can("/flaky", CannedResponse(200, b"recovered", drops=1))

        reply = client.get("/api/flaky")

        assert reply.status == 200
        assert reply.body == b"recovered"
        assert len(upstream.requests_to("/flaky")) == 2
        assert upstream.connections_opened == 2
        log_capture.wait_for("Resending GET /flaky")
    finally:
        client.close()


def test_stale_connection_post_not_resent(private_pair):
    upstream, server = private_pair
    client = Client(server.url)
    try:
        echoed(client.get("/api/warm-up"))
        upstream.can("/job/new", CannedResponse(200, b"{}", drops=1))

        reply = client.request("POST", "/api/job/new?message=once")

        assert reply.status == 502
        assert "closed the connection" in reply.json()["detail"]
        assert len(upstream.requests_to("/job/new")) == 1
        assert_still_serving(client)
    finally:
        client.close()


def test_fresh_connection_failure_not_resent(private_pair):
    upstream, server = private_pair
    client = Client(server.url)
    try:
        upstream.can("/jobs", CannedResponse(200, b"[]", drops=1))

        reply = client.get("/api/jobs")

        assert reply.status == 502
        assert len(upstream.requests_to("/jobs")) == 1
    finally:
        client.close()


def test_connection_closed_while_idle_replaced(private_pair):
    upstream, server = private_pair
    client = Client(server.url)
    try:
        # The fake closes this connection after its response without saying
        # so, the way a server drops an idle keep-alive connection.
        upstream.can("/closing", CannedResponse(200, b"ok", close_after=True))
        assert client.get("/api/closing").status == 200

        reply = client.request("POST", "/api/job/new?message=after-close")

        assert echoed(reply)["method"] == "POST"
        assert len(upstream.requests_to("/job/new")) == 1
        assert upstream.connections_opened == 2
    finally:
        client.close()


def test_upstream_connection_close_honoured(private_pair):
    upstream, server = private_pair
    client = Client(server.url)
    try:
        upstream.can("/jobs", CannedResponse(200, b"[]", [("Connection", "close")]))
        for _ in range(3):
            assert client.get("/api/jobs").body == b"[]"
        assert upstream.connections_opened == 3
        assert client.get("/api/jobs").header("Connection") is None
    finally:
        client.close()


def test_invalid_upstream_url_rejected():
    for url in ("ftp://127.0.0.1:21", "127.0.0.1:8000", "http://"):
        with pytest.raises(ValueError, match="invalid API URL"):
            serve.make_console_server("127.0.0.1", 0, url)


def test_upstream_base_path_prefixed(site_root, fake_upstream):
    server = serve.make_console_server("127.0.0.1", 0, fake_upstream.url + "/v1/", root=site_root)
    serve.serve_in_thread(server)
    client = Client(server.url)
    try:
        assert echoed(client.get("/api/jobs?limit=1"))["path"] == "/v1/jobs?limit=1"
        assert echoed(client.get("/api"))["path"] == "/v1/"
    finally:
        client.close()
        serve.stop_server(server)


def test_redirect_under_base_path_rewritten(site_root, fake_upstream):
    server = serve.make_console_server("127.0.0.1", 0, fake_upstream.url + "/v1", root=site_root)
    serve.serve_in_thread(server)
    client = Client(server.url)
    cases = [
        (f"{fake_upstream.url}/v1/jobs?limit=2", "/api/jobs?limit=2"),
        ("/v1", "/api/"),
        # No path under /api/ reaches an upstream path outside the base path.
        (f"{fake_upstream.url}/v2/jobs", f"{fake_upstream.url}/v2/jobs"),
        ("/v10/jobs", "/v10/jobs"),
    ]
    try:
        for upstream_location, expected in cases:
            fake_upstream.can("/v1/jobs/", CannedResponse(307, b"", [("Location", upstream_location)]))
            reply = client.get("/api/jobs/")
            assert reply.status == 307
            assert reply.header("Location") == expected, upstream_location
    finally:
        client.close()
        serve.stop_server(server)


def test_control_character_in_api_path_gives_400(console, fake_upstream):
    reply = send_raw(console.port, b"GET /api/jobs\x01x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

    assert reply.status == 400
    assert fake_upstream.requests == []


def test_http_client_reads_every_response(console):
    # http.client raises when a Content-Length disagrees with the bytes that
    # follow, so a clean run over one connection checks the framing.
    connection = http.client.HTTPConnection("127.0.0.1", console.port, timeout=5)
    try:
        for method, path in [
            ("GET", "/api/jobs"),
            ("HEAD", "/api/jobs"),
            ("GET", "/missing"),
            ("HEAD", "/missing"),
            ("GET", "/"),
            ("HEAD", "/static/style.css"),
            ("POST", "/api/job/new"),
            ("GET", "/api/jobs"),
        ]:
            connection.request(method, path)
            response = connection.getresponse()
            response.read()
            assert not response.will_close, (method, path)
    finally:
        connection.close()
