"""Each route's success response: status, headers and body shape."""

from __future__ import annotations

import email.utils
import re
from datetime import timedelta, timezone

from sandbox import FakeClock

from sandbox_test_support import START, ApiClient, stamp

TIMESTAMP_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$")
JOB_KEYS = ["job_id", "status", "status_at", "created_at", "next_attempt_at", "message"]
HISTORY_KEYS = ["job_history_id", "status", "status_at", "message"]


def test_counts_of_empty_store(api: ApiClient) -> None:
    response = api.get("/")
    assert response.status == 200
    assert response.json() == {"pending_count": 0, "running_count": 0}


def test_counts_pending_and_running(api: ApiClient, clock: FakeClock) -> None:
    api.create_job(message="will run")
    clock.advance(3)
    api.create_job(message="waits")
    api.create_job(message="waits too", next_attempt_at=stamp(START + timedelta(hours=1)))
    assert api.get_json("/") == {"pending_count": 2, "running_count": 1}


def test_create_job_shape(api: ApiClient) -> None:
    response = api.post("/job/new", message="nightly report")
    assert response.status == 200
    job = response.json()
    assert list(job) == JOB_KEYS
    assert job == {
        "job_id": 1,
        "status": "PENDING",
        "status_at": "2030-01-01T12:00:00.000000",
        "created_at": "2030-01-01T12:00:00.000000",
        "next_attempt_at": "2030-01-01T12:00:00.000000",
        "message": "nightly report",
    }


def test_create_job_without_message(api: ApiClient) -> None:
    job = api.create_job()
    assert job["message"] == ""


def test_create_job_ids_increase(api: ApiClient) -> None:
    ids = [api.create_job()["job_id"] for _ in range(3)]
    assert ids == [1, 2, 3]


def test_create_job_keeps_microseconds(api: ApiClient, clock: FakeClock) -> None:
    clock.advance(0.469)
    job = api.create_job(next_attempt_at="2030-06-01T08:00:00.5")
    assert job["created_at"] == "2030-01-01T12:00:00.469000"
    assert job["next_attempt_at"] == "2030-06-01T08:00:00.500000"
    assert TIMESTAMP_FORMAT.match(job["status_at"])


def test_get_job(api: ApiClient) -> None:
    created = api.create_job(message="resize images batch 12")
    response = api.get(f"/job/{created['job_id']}")
    assert response.status == 200
    assert response.json() == created


def test_get_job_id_with_leading_zeros(api: ApiClient) -> None:
    created = api.create_job()
    assert api.get_json("/job/001") == created


def test_new_job_history_is_empty(api: ApiClient) -> None:
    job = api.create_job()
    response = api.get(f"/job/{job['job_id']}/history")
    assert response.status == 200
    assert response.json() == []


def test_history_entry_shape(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="sync CRM contacts")
    clock.advance(3)
    history = api.get_json(f"/job/{job['job_id']}/history")
    assert len(history) == 1
    assert list(history[0]) == HISTORY_KEYS
    assert history[0]["job_history_id"] == 1
    assert history[0]["status"] == "PENDING"
    assert history[0]["status_at"] == job["status_at"]
    assert history[0]["message"] == "sync CRM contacts"


def test_list_jobs(api: ApiClient) -> None:
    first = api.create_job(message="a")
    second = api.create_job(message="b")
    response = api.get("/jobs")
    assert response.status == 200
    assert response.json() == [second, first]


def test_list_jobs_by_status(api: ApiClient) -> None:
    pending = api.create_job(message="stays pending")
    canceled = api.create_job(message="canceled")
    api.post(f"/job/cancel/{canceled['job_id']}")
    assert [job["job_id"] for job in api.get_json("/jobs", status="PENDING")] == [pending["job_id"]]
    assert [job["job_id"] for job in api.get_json("/jobs", status="CANCELED")] == [canceled["job_id"]]
    assert api.get_json("/jobs", status="DONE") == []


def test_cancel_pending_job(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="send weekly digest")
    clock.advance(1.5)
    response = api.post(f"/job/cancel/{job['job_id']}", message="no longer needed")
    assert response.status == 200
    canceled = response.json()
    assert canceled == {
        "job_id": job["job_id"],
        "status": "CANCELED",
        "status_at": "2030-01-01T12:00:01.500000",
        "created_at": job["created_at"],
        "next_attempt_at": None,
        "message": "no longer needed",
    }
    history = api.get_json(f"/job/{job['job_id']}/history")
    assert [(entry["status"], entry["status_at"], entry["message"]) for entry in history] == [
        ("PENDING", job["status_at"], "send weekly digest")
    ]


def test_cancel_without_message_clears_it(api: ApiClient) -> None:
    job = api.create_job(message="export orders")
    canceled = api.post(f"/job/cancel/{job['job_id']}").json()
    assert canceled["message"] == ""


def test_cancel_ignores_next_attempt_at(api: ApiClient) -> None:
    job = api.create_job()
    response = api.post(f"/job/cancel/{job['job_id']}", next_attempt_at="2031-01-01T00:00:00")
    assert response.status == 200
    assert response.json()["next_attempt_at"] is None
    assert response.json()["status"] == "CANCELED"


def test_json_content_type(api: ApiClient) -> None:
    job = api.create_job()
    for path in ["/", "/jobs", f"/job/{job['job_id']}", f"/job/{job['job_id']}/history", "/nowhere"]:
        assert api.get(path).headers["Content-Type"] == "application/json", path


def test_no_cors_headers(api: ApiClient) -> None:
    job = api.create_job()
    origin = {"Origin": "http://127.0.0.1:9999"}
    responses = [
        api.request("GET", "/jobs", headers=origin),
        api.request("POST", "/job/new", headers=origin),
        api.request("OPTIONS", "/jobs", headers={**origin, "Access-Control-Request-Method": "GET"}),
        api.request("POST", f"/job/cancel/{job['job_id']}", headers=origin),
    ]
    for response in responses:
        cors_headers = [name for name in response.headers if name.lower().startswith("access-control-")]
        assert cors_headers == []


def test_date_header_follows_server_clock(api: ApiClient, clock: FakeClock) -> None:
    clock.advance(3600)
    date = email.utils.parsedate_to_datetime(api.get("/").headers["Date"])
    assert date == (START + timedelta(hours=1)).replace(tzinfo=timezone.utc)


def test_unicode_message_round_trip(api: ApiClient) -> None:
    job = api.create_job(message="rapport nocturne – été ✓")
    assert api.get_json(f"/job/{job['job_id']}")["message"] == "rapport nocturne – été ✓"


def test_repeated_parameter_uses_last_value(api: ApiClient) -> None:
    api.create_job()
    api.create_job()
    response = api.request("GET", "/jobs?limit=100&limit=1")
    assert response.status == 200
    assert len(response.json()) == 1
