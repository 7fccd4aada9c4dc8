"""Shared pieces of the simulator tests: the start time and seed, an HTTP
client, the API's timestamp format and a checker of job histories.

``ApiClient`` never follows redirects, so 307 responses can be checked as
sent.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

from sandbox.server import SandboxServer

START = datetime(2030, 1, 1, 12, 0, 0)
SEED = 1234

# The type of the start_server fixture: make_server's options in, a running server out.
ServerFactory = Callable[..., SandboxServer]

@dataclass
class ApiResponse:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class ApiClient:
    """Send requests to a simulator and return the raw responses.

    By default each request opens its own connection. With ``keep_alive``
    the client reuses one connection, which is faster for long loops but
    must not be shared between threads.
    """

    def __init__(self, url: str, timeout: float = 10.0, *, keep_alive: bool = False) -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        self.host = parts.hostname
        self.port = parts.port
        self.timeout = timeout
        self.keep_alive = keep_alive
        self._connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> ApiResponse:
        target = path
        if params:
            target += "?" + urlencode(params)
        connection = self._connection or http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, target, headers=headers or {})
            response = connection.getresponse()
            result = ApiResponse(response.status, response.headers, response.read())
        except BaseException:
            connection.close()
            self._connection = None
            raise
        if self.keep_alive and not response.will_close:
            self._connection = connection
        else:
            connection.close()
            self._connection = None
        return result

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def get(self, path: str, **params: Any) -> ApiResponse:
        return self.request("GET", path, params)

    def post(self, path: str, **params: Any) -> ApiResponse:
        return self.request("POST", path, params)

    def get_json(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status == 200, (path, response.status, response.body)
        return response.json()

    def create_job(self, **params: Any) -> dict[str, Any]:
        response = self.post("/job/new", **params)
        assert response.status == 200, response.body
        return response.json()


def stamp(moment: datetime) -> str:
    """Format a naive UTC time as the API writes it."""
    return moment.isoformat(timespec="microseconds")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def chain_problems(chain: list[dict[str, Any]], first_due: datetime | None) -> list[str]:
    """List every step of a job's chain of states that breaks the lifecycle rules.

    ``chain`` is the history sorted by job_history_id followed by the job
    itself. ``first_due`` is the next_attempt_at the job was created with;
    when it is None the delay of the first start is not checked.
    """
    problems: list[str] = []
    due: datetime | None = first_due
    for before, after in zip(chain, chain[1:]):
        step = f"{before['status']} -> {after['status']}"
        gap = (parse_stamp(after["status_at"]) - parse_stamp(before["status_at"])).total_seconds()
        if before["status"] == "PENDING" and after["status"] == "RUNNING":
            delay = (parse_stamp(after["status_at"]) - due).total_seconds() if due is not None else 1.0
            if not 0.25 <= delay <= 1.5 or after["message"] != "":
                problems.append(f"{step}: started {delay} s after due, message {after['message']!r}")
            due = None
        elif before["status"] == "PENDING" and after["status"] == "CANCELED":
            due = None
        elif before["status"] == "RUNNING" and after["status"] in {"DONE", "PENDING"}:
            expected_messages = {"DONE": {"", "Permanent failure"}, "PENDING": {"Temporary failure"}}
            if not 5 <= gap <= 15 or after["message"] not in expected_messages[after["status"]]:
                problems.append(f"{step}: finished {gap} s after start, message {after['message']!r}")
            due = parse_stamp(after["status_at"]) + timedelta(seconds=10) if after["status"] == "PENDING" else None
        else:
            problems.append(f"{step}: not a lifecycle transition")
    job = chain[-1]
    if (job["status"] == "PENDING") != (job["next_attempt_at"] is not None):
        problems.append(f"{job['status']} job with next_attempt_at {job['next_attempt_at']}")
    return problems
