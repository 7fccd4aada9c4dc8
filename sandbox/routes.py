"""The API's routes and the router that picks one, in the manner of Starlette.

``dispatch`` turns a request (method, target, Host header) into a
``Response``. Inside one store transaction it first advances every due job,
as the real server does at the start of every request, unknown paths
included, and then builds the response. Matching follows Starlette's router, which
explains some responses that look odd:

- the first route whose path and method both match wins, so ``GET /job/new``
  reaches ``GET /job/{job_id}`` and fails validation with a 422;
- a path that matches only under another method gives 405 with ``Allow``;
- a path that matches nothing, but would without its trailing slashes,
  gives a 307 to the stripped path on the host the client addressed;
- anything else gives 404 ``{"detail": "Not Found"}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from .store import JobNotCancelable, JobNotFound, JobStore
from .validation import Parameters

MAX_PAGE_SIZE = 100


@dataclass
class Response:
    """Status, headers and body of one response; the server sends no body to a HEAD request."""

    status: HTTPStatus
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: HTTPStatus, content: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    # Starlette's JSONResponse writes compact UTF-8 JSON and no charset parameter.
    body = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, [("Content-Type", "application/json"), *(headers or [])])


def validation_failed(parameters: Parameters) -> Response:
    return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, {"detail": parameters.errors})


def job_not_found(job_id: int) -> Response:
    return json_response(HTTPStatus.NOT_FOUND, {"detail": {"job_id": job_id, "message": "job not found"}})


Handler = Callable[[JobStore, datetime, Parameters], Response]


def get_counts(store: JobStore, now: datetime, parameters: Parameters) -> Response:
    return json_response(HTTPStatus.OK, store.counts())


def list_jobs(store: JobStore, now: datetime, parameters: Parameters) -> Response:
    status = parameters.query_status("status")
    # NOTE: A negative skip is rejected as "ge 0" because the real server
    # documents skip >= 0, but its 422 body for that case was never captured.
    skip = parameters.query_int("skip", 0, minimum=0)
    limit = parameters.query_int("limit", MAX_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE)
    if parameters.errors:
        return validation_failed(parameters)
    assert skip is not None
    assert limit is not None
    return json_response(HTTPStatus.OK, store.list_jobs(status=status, skip=skip, limit=limit))


def get_job(store: JobStore, now: datetime, parameters: Parameters) -> Response:
    job_id = parameters.path_int("job_id")
    if job_id is None:
        return validation_failed(parameters)
    try:
        return json_response(HTTPStatus.OK, store.get_job(job_id))
    except JobNotFound:
        return job_not_found(job_id)


def list_history(store: JobStore, now: datetime, parameters: Parameters) -> Response:
    job_id = parameters.path_int("job_id")
    skip = parameters.query_int("skip", 0, minimum=0)
    limit = parameters.query_int("limit", MAX_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE)
    if parameters.errors:
        return validation_failed(parameters)
    assert job_id is not None
    assert skip is not None
    assert limit is not None
    try:
        return json_response(HTTPStatus.OK, store.list_history(job_id, skip=skip, limit=limit))
    except JobNotFound:
        return job_not_found(job_id)


def create_job(store: JobStore, now: datetime, parameters: Parameters) -> Response:
    message = parameters.query_str("message")
    next_attempt_at = parameters.query_datetime("next_attempt_at")
    if parameters.errors:
        return validation_failed(parameters)
    job = store.create_job(now, message=message or "", next_attempt_at=next_attempt_at)
    return json_response(HTTPStatus.OK, job)


def cancel_job(store: JobStore, now: datetime, parameters: Parameters) -> Response:
    job_id = parameters.path_int("job_id")
    message = parameters.query_str("message")
    # The real server declares next_attempt_at here too, so a bad value is
    # rejected even though a good one is ignored.
    parameters.query_datetime("next_attempt_at")
    if parameters.errors:
        return validation_failed(parameters)
    assert job_id is not None
    try:
        job = store.cancel_job(now, job_id, message=message or "")
    except JobNotFound:
        return job_not_found(job_id)
    except JobNotCancelable as refused:
        detail = {"job": refused.job, "message": str(refused)}
        return json_response(HTTPStatus.CONFLICT, {"detail": detail})
    return json_response(HTTPStatus.OK, job)


@dataclass(frozen=True)
class Route:
    method: str
    path_pattern: re.Pattern[str]
    handler: Handler


def route(method: str, template: str, handler: Handler) -> Route:
    """Build a route from a template such as ``/job/{job_id}``; a parameter matches one path segment."""
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, re.compile(f"^{pattern}$"), handler)


ROUTES = (
    route("GET", "/", get_counts),
    route("GET", "/jobs", list_jobs),
    route("GET", "/job/{job_id}", get_job),
    route("GET", "/job/{job_id}/history", list_history),
    route("POST", "/job/new", create_job),
    route("POST", "/job/cancel/{job_id}", cancel_job),
)


def _path_matches(path: str) -> bool:
    return any(known.path_pattern.match(path) for known in ROUTES)


def _route_request(store: JobStore, now: datetime, method: str, path: str, query_string: str, host: str) -> Response:
    first_other_method: Route | None = None
    for known in ROUTES:
        match = known.path_pattern.match(path)
        if match is None:
            continue
        if known.method == method:
            query_values = dict(parse_qsl(query_string, keep_blank_values=True))
            return known.handler(store, now, Parameters(match.groupdict(), query_values))
        if first_other_method is None:
            first_other_method = known

    if first_other_method is not None:
        return json_response(
            HTTPStatus.METHOD_NOT_ALLOWED,
            {"detail": "Method Not Allowed"},
            [("Allow", first_other_method.method)],
        )

    if path != "/" and path.endswith("/") and _path_matches(path.rstrip("/")):
        # NOTE: Starlette puts the decoded path into Location. The path is
        # percent-encoded again here so that a decoded CR or LF cannot
        # inject a header.
        location = f"http://{host}{quote(path.rstrip('/'))}"
        if query_string:
            location += f"?{query_string}"
        return Response(HTTPStatus.TEMPORARY_REDIRECT, b"", [("Location", location)])

    return json_response(HTTPStatus.NOT_FOUND, {"detail": "Not Found"})


def dispatch(store: JobStore, now: datetime, method: str, target: str, host: str) -> Response:
    """Advance the jobs to ``now`` and build the response to one request.

    ``target`` is the request target (path and query string). ``host`` is the
    authority for redirects: the request's Host header, or the server's own
    address when the request had none.
    """
    raw_path, _, query_string = target.partition("?")
    path = unquote(raw_path)
    with store.transaction():
        store.advance(now)
        return _route_request(store, now, method, path, query_string, host)
