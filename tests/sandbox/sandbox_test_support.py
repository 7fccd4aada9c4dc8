"""Shared pieces of the simulator tests: the start time and seed, an HTTP
client, and the API's timestamp format.

``ApiClient`` sends one request per connection and never follows redirects,
so 307 answers can be checked as sent.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

START = datetime(2030, 1, 1, 12, 0, 0)
SEED = 1234

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
            answer = ApiResponse(response.status, response.headers, response.read())
        except BaseException:
            connection.close()
            self._connection = None
            raise
        if self.keep_alive and not response.will_close:
            self._connection = connection
        else:
            connection.close()
            self._connection = None
        return answer

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
