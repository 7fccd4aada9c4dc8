"""Fixtures that run the simulator on a free port with a fake clock and a fixed seed.

Each test gets its own server and in-memory store, so no test reads another's
jobs. ``api`` is a ``sandbox_test_support.ApiClient`` for the test's server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_test_support import SEED, START, ApiClient, ServerFactory

from sandbox import FakeClock, make_server
from sandbox.server import SandboxServer


@pytest.fixture
def start_server() -> Iterator[ServerFactory]:
    """Start servers with ``make_server`` options; all are stopped when the test ends.

    Unless the test passes other options, a server gets a fixed seed, no transition
    delay and a fake clock at START.
    """
    running: list[SandboxServer] = []

    def start(**options: Any) -> SandboxServer:
        options.setdefault("port", 0)
        options.setdefault("seed", SEED)
        options.setdefault("transition_delay", 0.0)
        options.setdefault("clock", FakeClock(START))
        server = make_server(**options)
        # A short poll interval lets shutdown() return within 10 ms.
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        running.append(server)
        return server

    yield start
    for server in running:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def server(start_server: ServerFactory, clock: FakeClock) -> SandboxServer:
    return start_server(clock=clock)


@pytest.fixture
def api(server: SandboxServer) -> ApiClient:
    return ApiClient(server.url)
