"""Every error response: 404 of both kinds, 405, 409, 422 and the trailing-slash 307."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_test_support import START, ApiClient, stamp

from sandbox import FakeClock
from sandbox.server import SandboxServer

STATUS_ENUM_ERROR = {
    "msg": "value is not a valid enumeration member; permitted: 'PENDING', 'RUNNING', 'DONE', 'CANCELED'",
    "type": "type_error.enum",
    "ctx": {"enum_values": ["PENDING", "RUNNING", "DONE", "CANCELED"]},
}
INTEGER_ERROR = {"msg": "value is not a valid integer", "type": "type_error.integer"}
DATETIME_ERROR = {"msg": "invalid datetime format", "type": "value_error.datetime"}


def not_ge(limit: int) -> dict[str, Any]:
    return {
        "msg": f"ensure this value is greater than or equal to {limit}",
        "type": "value_error.number.not_ge",
        "ctx": {"limit_value": limit},
    }


def not_le(limit: int) -> dict[str, Any]:
    return {
        "msg": f"ensure this value is less than or equal to {limit}",
        "type": "value_error.number.not_le",
        "ctx": {"limit_value": limit},
    }


def entry(location: str, name: str, error: dict[str, Any]) -> dict[str, Any]:
    return {"loc": [location, name], **error}


@pytest.mark.parametrize("path", ["/job/7", "/job/7/history"])
def test_unknown_job_get(api: ApiClient, path: str) -> None:
    response = api.get(path)
    assert response.status == 404
    assert response.json() == {"detail": {"job_id": 7, "message": "job not found"}}


def test_unknown_job_cancel(api: ApiClient) -> None:
    response = api.post("/job/cancel/7", message="stop")
    assert response.status == 404
    assert response.json() == {"detail": {"job_id": 7, "message": "job not found"}}


def test_unknown_job_negative_id(api: ApiClient) -> None:
    response = api.get("/job/-3")
    assert response.status == 404
    assert response.json() == {"detail": {"job_id": -3, "message": "job not found"}}


def test_unknown_job_id_beyond_64_bits(api: ApiClient) -> None:
    response = api.get("/job/99999999999999999999")
    assert response.status == 404
    assert response.json() == {"detail": {"job_id": 99999999999999999999, "message": "job not found"}}


@pytest.mark.parametrize("path", ["/nowhere", "/job", "/job/1/history/extra", "/jobs/1", "//"])
def test_unknown_path(api: ApiClient, path: str) -> None:
    response = api.get(path)
    assert response.status == 404
    assert response.json() == {"detail": "Not Found"}


def test_unknown_path_for_post(api: ApiClient) -> None:
    response = api.post("/job/new/extra")
    assert response.status == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/", "GET"),
        ("POST", "/jobs", "GET"),
        ("DELETE", "/job/1", "GET"),
        ("PUT", "/job/1/history", "GET"),
        ("GET", "/job/cancel/1", "POST"),
        # Allow names the first route whose path matches, as in Starlette, and
        # GET /job/{job_id} comes before POST /job/new.
        ("PATCH", "/job/new", "GET"),
        ("PATCH", "/job/cancel/1", "POST"),
        ("OPTIONS", "/jobs", "GET"),
        ("POST", "/job/abc", "GET"),
    ],
)
def test_wrong_method(api: ApiClient, method: str, path: str, allowed: str) -> None:
    response = api.request(method, path)
    assert response.status == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert response.headers["Allow"] == allowed


@pytest.mark.parametrize("path", ["/", "/jobs", "/job/1", "/job/1/history"])
def test_head_is_not_allowed(api: ApiClient, path: str) -> None:
    response = api.request("HEAD", path)
    assert response.status == 405
    assert response.body == b""
    assert response.headers["Content-Length"] == str(len(b'{"detail":"Method Not Allowed"}'))
    assert response.headers["Content-Type"] == "application/json"


def test_head_keeps_connection_usable(server: SandboxServer) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    try:
        connection.request("HEAD", "/jobs")
        head = connection.getresponse()
        head.read()
        connection.request("GET", "/")
        follow_up = connection.getresponse()
        assert head.status == 405
        assert follow_up.status == 200
        assert follow_up.read() == b'{"pending_count":0,"running_count":0}'
    finally:
        connection.close()


def test_get_job_new_reaches_job_route(api: ApiClient) -> None:
    # The router tries GET /job/{job_id} first, as Starlette does, so "new"
    # is a job id that fails integer validation.
    response = api.get("/job/new")
    assert response.status == 422
    assert response.json() == {"detail": [entry("path", "job_id", INTEGER_ERROR)]}


def make_running_job(api: ApiClient, clock: FakeClock) -> dict[str, Any]:
    job = api.create_job(message="transcode video")
    clock.advance(3.6)
    running = api.get_json(f"/job/{job['job_id']}")
    assert running["status"] == "RUNNING"
    return running


def make_done_job(api: ApiClient, clock: FakeClock) -> dict[str, Any]:
    for _ in range(50):
        job = make_running_job(api, clock)
        clock.advance(16)
        finished = api.get_json(f"/job/{job['job_id']}")
        if finished["status"] == "DONE":
            return finished
        api.post(f"/job/cancel/{job['job_id']}")
    raise AssertionError("no job finished DONE in 50 runs")


def make_canceled_job(api: ApiClient, clock: FakeClock) -> dict[str, Any]:
    job = api.create_job()
    return api.post(f"/job/cancel/{job['job_id']}", message="superseded").json()


@pytest.mark.parametrize(
    ("make_job", "state"),
    [(make_running_job, "RUNNING"), (make_done_job, "DONE"), (make_canceled_job, "CANCELED")],
)
def test_cancel_conflict(api: ApiClient, clock: FakeClock, make_job: Any, state: str) -> None:
    job = make_job(api, clock)
    assert job["status"] == state
    response = api.post(f"/job/cancel/{job['job_id']}", message="too late")
    assert response.status == 409
    assert response.json() == {"detail": {"job": job, "message": f"unable to cancel job in {state} state"}}
    assert api.get_json(f"/job/{job['job_id']}") == job


def test_cancel_conflict_leaves_history(api: ApiClient, clock: FakeClock) -> None:
    job = make_running_job(api, clock)
    before = api.get_json(f"/job/{job['job_id']}/history")
    api.post(f"/job/cancel/{job['job_id']}")
    assert api.get_json(f"/job/{job['job_id']}/history") == before


@pytest.mark.parametrize(
    ("method", "path", "params", "errors"),
    [
        ("GET", "/jobs", {"limit": "0"}, [entry("query", "limit", not_ge(1))]),
        ("GET", "/jobs", {"limit": "101"}, [entry("query", "limit", not_le(100))]),
        ("GET", "/jobs", {"limit": "ten"}, [entry("query", "limit", INTEGER_ERROR)]),
        ("GET", "/jobs", {"limit": "1.5"}, [entry("query", "limit", INTEGER_ERROR)]),
        ("GET", "/jobs", {"limit": ""}, [entry("query", "limit", INTEGER_ERROR)]),
        ("GET", "/jobs", {"skip": "-1"}, [entry("query", "skip", not_ge(0))]),
        ("GET", "/jobs", {"skip": "x"}, [entry("query", "skip", INTEGER_ERROR)]),
        ("GET", "/jobs", {"status": "pending"}, [entry("query", "status", STATUS_ENUM_ERROR)]),
        ("GET", "/jobs", {"status": "FAILED"}, [entry("query", "status", STATUS_ENUM_ERROR)]),
        ("GET", "/jobs", {"status": ""}, [entry("query", "status", STATUS_ENUM_ERROR)]),
        ("GET", "/job/abc", {}, [entry("path", "job_id", INTEGER_ERROR)]),
        ("GET", "/job/1.0/history", {}, [entry("path", "job_id", INTEGER_ERROR)]),
        ("GET", "/job/1/history", {"limit": "101"}, [entry("query", "limit", not_le(100))]),
        ("GET", "/job/1/history", {"skip": "-5"}, [entry("query", "skip", not_ge(0))]),
        ("POST", "/job/cancel/abc", {}, [entry("path", "job_id", INTEGER_ERROR)]),
        ("POST", "/job/new", {"next_attempt_at": "tomorrow"}, [entry("query", "next_attempt_at", DATETIME_ERROR)]),
        ("POST", "/job/new", {"next_attempt_at": "2030-13-01T00:00:00"}, [entry("query", "next_attempt_at", DATETIME_ERROR)]),
        ("POST", "/job/new", {"next_attempt_at": "2030-01-01"}, [entry("query", "next_attempt_at", DATETIME_ERROR)]),
        ("POST", "/job/cancel/1", {"next_attempt_at": "soon"}, [entry("query", "next_attempt_at", DATETIME_ERROR)]),
    ],
)
def test_invalid_parameter(api: ApiClient, method: str, path: str, params: dict[str, str], errors: list[dict[str, Any]]) -> None:
    response = api.request(method, path, params)
    assert response.status == 422
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"detail": errors}


def test_invalid_parameters_all_reported(api: ApiClient) -> None:
    response = api.get("/jobs", status="done", skip="-1", limit="0")
    assert response.status == 422
    assert response.json() == {
        "detail": [
            entry("query", "status", STATUS_ENUM_ERROR),
            entry("query", "skip", not_ge(0)),
            entry("query", "limit", not_ge(1)),
        ]
    }


def test_invalid_path_reported_before_query(api: ApiClient) -> None:
    response = api.get("/job/x/history", limit="1000", skip="y")
    assert response.json() == {
        "detail": [
            entry("path", "job_id", INTEGER_ERROR),
            entry("query", "skip", INTEGER_ERROR),
            entry("query", "limit", not_le(100)),
        ]
    }


def test_invalid_cancel_creates_nothing(api: ApiClient) -> None:
    job = api.create_job()
    response = api.post(f"/job/cancel/{job['job_id']}", next_attempt_at="never")
    assert response.status == 422
    assert api.get_json(f"/job/{job['job_id']}")["status"] == "PENDING"


def test_invalid_create_creates_nothing(api: ApiClient) -> None:
    api.post("/job/new", next_attempt_at="not a date")
    assert api.get_json("/jobs") == []


def test_invalid_status_case_sensitive(api: ApiClient) -> None:
    assert api.get("/jobs", status="Pending").status == 422
    assert api.get("/jobs", status="PENDING").status == 200


@pytest.mark.parametrize("path", ["/jobs/", "/job/1/", "/job/1/history/", "/jobs//"])
def test_trailing_slash_redirect(server: SandboxServer, api: ApiClient, path: str) -> None:
    response = api.get(path)
    assert response.status == 307
    assert response.body == b""
    assert response.headers["Location"] == f"{server.url}{path.rstrip('/')}"


def test_trailing_slash_redirect_keeps_query(server: SandboxServer, api: ApiClient) -> None:
    response = api.request("GET", "/jobs/?status=DONE&limit=5")
    assert response.status == 307
    assert response.headers["Location"] == f"{server.url}/jobs?status=DONE&limit=5"


def test_trailing_slash_redirect_uses_host_header(api: ApiClient) -> None:
    response = api.request("GET", "/jobs/", headers={"Host": "jobs.example.test:8000"})
    assert response.headers["Location"] == "http://jobs.example.test:8000/jobs"


def test_trailing_slash_redirect_any_method(server: SandboxServer, api: ApiClient) -> None:
    response = api.request("POST", "/job/new/?message=hi")
    assert response.status == 307
    assert response.headers["Location"] == f"{server.url}/job/new?message=hi"
    assert api.get_json("/jobs") == []


def test_trailing_slash_redirect_before_validation(server: SandboxServer, api: ApiClient) -> None:
    response = api.get("/job/abc/")
    assert response.status == 307
    assert response.headers["Location"] == f"{server.url}/job/abc"


def test_error_requests_still_advance_jobs(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(next_attempt_at=stamp(START))
    clock.advance(5)
    api.get("/nowhere")
    history = api.get_json(f"/job/{job['job_id']}/history")
    assert [entry["status"] for entry in history] == ["PENDING"]
