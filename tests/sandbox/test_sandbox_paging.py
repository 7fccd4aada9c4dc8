"""Ordering and paging of /jobs and /job/{id}/history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sandbox_test_support import START, ApiClient, stamp

from sandbox import FakeClock


def ids(jobs: list[dict[str, Any]]) -> list[int]:
    return [job["job_id"] for job in jobs]


def test_jobs_newest_created_first(api: ApiClient, clock: FakeClock) -> None:
    for _ in range(3):
        api.create_job()
        clock.advance(1)
    assert ids(api.get_json("/jobs")) == [3, 2, 1]


def test_jobs_same_created_at_by_id_descending(api: ApiClient) -> None:
    for _ in range(5):
        api.create_job()
    jobs = api.get_json("/jobs")
    assert {job["created_at"] for job in jobs} == {stamp(START)}
    assert ids(jobs) == [5, 4, 3, 2, 1]


def test_jobs_ordered_by_created_at_not_id(api: ApiClient, server: Any, clock: FakeClock) -> None:
    server.store.create_job(START + timedelta(minutes=5), message="created later, inserted first")
    server.store.create_job(START, message="created earlier, inserted second")
    assert ids(api.get_json("/jobs")) == [1, 2]


def test_jobs_order_ignores_status_at(api: ApiClient, clock: FakeClock) -> None:
    older = api.create_job(message="older")
    clock.advance(1)
    newer = api.create_job(message="newer")
    clock.advance(1)
    api.post(f"/job/cancel/{older['job_id']}")
    assert ids(api.get_json("/jobs")) == [newer["job_id"], older["job_id"]]


def test_jobs_default_limit_is_100(api: ApiClient, server: Any) -> None:
    for number in range(105):
        server.store.create_job(START, message=f"job {number}")
    jobs = api.get_json("/jobs")
    assert len(jobs) == 100
    assert jobs[0]["job_id"] == 105
    assert jobs[-1]["job_id"] == 6


def test_jobs_limit_bounds(api: ApiClient, server: Any) -> None:
    for number in range(105):
        server.store.create_job(START, message=f"job {number}")
    assert ids(api.get_json("/jobs", limit=1)) == [105]
    assert len(api.get_json("/jobs", limit=100)) == 100


def test_jobs_skip_pages(api: ApiClient, server: Any) -> None:
    for number in range(7):
        server.store.create_job(START, message=f"job {number}")
    assert ids(api.get_json("/jobs", skip=0, limit=3)) == [7, 6, 5]
    assert ids(api.get_json("/jobs", skip=3, limit=3)) == [4, 3, 2]
    assert ids(api.get_json("/jobs", skip=6, limit=3)) == [1]


def test_jobs_skip_beyond_end(api: ApiClient) -> None:
    api.create_job()
    assert api.get_json("/jobs", skip=1) == []
    assert api.get_json("/jobs", skip=1000) == []
    assert api.get_json("/jobs", skip=2**70) == []


def test_jobs_no_total_header(api: ApiClient) -> None:
    for _ in range(3):
        api.create_job()
    response = api.get("/jobs", limit=1)
    header_names = {name.lower() for name in response.headers}
    assert header_names == {"server", "date", "content-type", "content-length"}


def test_jobs_status_filter_pages(api: ApiClient, server: Any) -> None:
    for number in range(6):
        job = server.store.create_job(START, message=f"job {number}")
        if number % 2:
            server.store.cancel_job(START, job["job_id"])
    assert ids(api.get_json("/jobs", status="CANCELED", limit=2)) == [6, 4]
    assert ids(api.get_json("/jobs", status="CANCELED", skip=2, limit=2)) == [2]
    assert ids(api.get_json("/jobs", status="PENDING")) == [5, 3, 1]


def test_history_newest_status_at_first(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="resize images")
    clock.advance(3)
    api.get("/")
    clock.advance(20)
    history = api.get_json(f"/job/{job['job_id']}/history")
    assert [entry["status"] for entry in history] == ["RUNNING", "PENDING"]
    assert [entry["job_history_id"] for entry in history] == [2, 1]


def test_history_paging(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="resize images")
    clock.advance(3)
    api.get("/")
    clock.advance(20)
    full = api.get_json(f"/job/{job['job_id']}/history")
    assert api.get_json(f"/job/{job['job_id']}/history", limit=1) == full[:1]
    assert api.get_json(f"/job/{job['job_id']}/history", skip=1, limit=100) == full[1:]
    assert api.get_json(f"/job/{job['job_id']}/history", skip=2) == []


def test_history_only_of_its_job(api: ApiClient, clock: FakeClock) -> None:
    first = api.create_job(message="first")
    second = api.create_job(message="second")
    api.post(f"/job/cancel/{first['job_id']}")
    api.post(f"/job/cancel/{second['job_id']}", message="stop")
    history = api.get_json(f"/job/{second['job_id']}/history")
    assert [(entry["status"], entry["message"]) for entry in history] == [("PENDING", "second")]
