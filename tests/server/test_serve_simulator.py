"""The proxy in front of the bundled jobs API simulator (the sandbox package).

The simulator runs on a frozen FakeClock, so no job moves between a request
through the proxy and the same request sent straight to the simulator, and
the two responses must be byte-identical.
"""

from __future__ import annotations

import socket
from datetime import datetime

import pytest

import serve
from serve_testkit import Client

sandbox = pytest.importorskip("sandbox")

FROZEN_NOW = datetime(2030, 1, 1, 12, 0, 0)


@pytest.fixture(scope="module")
def simulator():
    server = sandbox.make_server(port=0, seed=7, clock=sandbox.FakeClock(FROZEN_NOW))
    serve.serve_in_thread(server, name="simulator")
    yield server
    serve.stop_server(server)


@pytest.fixture(scope="module")
def simulator_console(simulator, site_root):
    server = serve.make_console_server("127.0.0.1", 0, simulator.url, timeout=5.0, root=site_root)
    serve.serve_in_thread(server)
    yield server
    serve.stop_server(server)


@pytest.fixture
def proxied(simulator_console):
    client = Client(simulator_console.url)
    yield client
    client.close()


@pytest.fixture
def direct(simulator):
    client = Client(simulator.url)
    yield client
    client.close()


def assert_same_response(through_proxy, straight) -> None:
    assert through_proxy.status == straight.status
    assert through_proxy.body == straight.body
    assert through_proxy.header("Content-Type") == straight.header("Content-Type")


def test_counts_match_direct(proxied, direct):
    assert_same_response(proxied.get("/api/"), direct.get("/"))
    assert set(proxied.get("/api").json()) == {"pending_count", "running_count"}


def test_created_job_readable_through_proxy(proxied, direct):
    created = proxied.request("POST", "/api/job/new?message=through%20the%20proxy")

    assert created.status == 200
    job = created.json()
    assert job["status"] == "PENDING"
    assert job["message"] == "through the proxy"
    assert_same_response(proxied.get(f"/api/job/{job['job_id']}"), direct.get(f"/job/{job['job_id']}"))
    assert_same_response(proxied.get("/api/jobs?limit=5"), direct.get("/jobs?limit=5"))


@pytest.mark.parametrize(
    "path",
    [
        "/job/999999",
        "/job/999999/history",
        "/job/abc",
        "/jobs?limit=0",
        "/jobs?limit=101",
        "/jobs?status=pending",
        "/no/such/route",
    ],
)
def test_error_responses_match_direct(proxied, direct, path):
    through_proxy = proxied.get("/api" + path)
    straight = direct.get(path)

    assert through_proxy.status in (404, 422)
    assert_same_response(through_proxy, straight)


def test_cancel_conflict_matches_direct(proxied, direct):
    job_id = proxied.request("POST", "/api/job/new?message=cancel%20me").json()["job_id"]

    first = proxied.request("POST", f"/api/job/cancel/{job_id}")
    second = proxied.request("POST", f"/api/job/cancel/{job_id}")
    straight = direct.request("POST", f"/job/cancel/{job_id}")

    assert first.status == 200
    assert first.json()["status"] == "CANCELED"
    assert second.status == 409
    assert_same_response(second, straight)


def test_trailing_slash_redirect_stays_on_proxy(proxied, direct, simulator):
    through_proxy = proxied.get("/api/jobs/?limit=2")
    straight = direct.get("/jobs/?limit=2")

    assert straight.status == 307
    assert straight.header("Location") == simulator.url + "/jobs?limit=2"
    assert through_proxy.status == 307
    assert through_proxy.header("Location") == "/api/jobs?limit=2"


def test_head_gives_upstream_405(proxied, direct):
    through_proxy = proxied.request("HEAD", "/api/jobs")
    straight = direct.request("HEAD", "/jobs")

    assert through_proxy.status == 405
    assert through_proxy.body == b""
    assert through_proxy.header("Content-Length") == straight.header("Content-Length")
    assert through_proxy.header("Allow") == straight.header("Allow")


def test_simulator_date_passed_through(proxied):
    reply = proxied.get("/api/")

    assert reply.header("Date") == "Tue, 01 Jan 2030 12:00:00 GMT"


def test_start_simulator_and_stop(site_root):
    simulator = serve.start_simulator(demo=True, seed=3)
    console = serve.make_console_server("127.0.0.1", 0, simulator.url, root=site_root)
    serve.serve_in_thread(console)
    client = Client(console.url)
    try:
        jobs = client.get("/api/jobs?limit=100").json()
        assert len(jobs) > 0
    finally:
        client.close()
        serve.stop_server(console)
        serve.stop_server(simulator)

    host, port = simulator.server_address[:2]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=1).close()
