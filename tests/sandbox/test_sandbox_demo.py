"""The --demo seed: a recent history with every kind of state."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sandbox_test_support import START, ApiClient, ServerFactory, chain_problems, parse_stamp

from sandbox import FakeClock


def read_demo(api: ApiClient) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    jobs = api.get_json("/jobs", limit=100)
    return [(job, api.get_json(f"/job/{job['job_id']}/history")) for job in jobs]


@pytest.mark.parametrize("seed", [None, 7])
def test_demo_has_every_kind_of_state(start_server: ServerFactory, seed: int | None) -> None:
    api = ApiClient(start_server(demo=True, seed=seed, clock=FakeClock(START)).url)
    demo = read_demo(api)
    kinds = Counter((job["status"], job["message"]) for job, _ in demo)

    assert 30 <= len(demo) <= 40
    assert kinds[("DONE", "")] >= 5
    assert kinds[("DONE", "Permanent failure")] >= 1
    assert sum(count for (status, _), count in kinds.items() if status == "CANCELED") >= 2
    assert sum(count for (status, _), count in kinds.items() if status == "RUNNING") >= 1
    retried = [job for job, history in demo if any(entry["message"] == "Temporary failure" for entry in history)]
    assert retried


def test_demo_scheduled_jobs_ahead(start_server: ServerFactory) -> None:
    api = ApiClient(start_server(demo=True, clock=FakeClock(START)).url)
    pending = api.get_json("/jobs", status="PENDING")
    ahead = [
        job for job in pending
        if timedelta(minutes=1) <= parse_stamp(job["next_attempt_at"]) - START <= timedelta(minutes=10)
    ]
    assert len(ahead) >= 3


def test_demo_created_within_last_hour(start_server: ServerFactory) -> None:
    api = ApiClient(start_server(demo=True, clock=FakeClock(START)).url)
    for job, _ in read_demo(api):
        age = START - parse_stamp(job["created_at"])
        assert timedelta(0) <= age <= timedelta(hours=1), job


def test_demo_messages_varied(start_server: ServerFactory) -> None:
    api = ApiClient(start_server(demo=True, clock=FakeClock(START)).url)
    creation_messages = set()
    for job, history in read_demo(api):
        first = min(history, key=lambda entry: entry["job_history_id"]) if history else job
        creation_messages.add(first["message"])
    assert len(creation_messages) >= 25


def test_demo_histories_follow_lifecycle(start_server: ServerFactory) -> None:
    api = ApiClient(start_server(demo=True, clock=FakeClock(START)).url)
    for job, history in read_demo(api):
        chain = sorted(history, key=lambda entry: entry["job_history_id"]) + [job]
        assert chain_problems(chain, None) == [], job["job_id"]


def test_demo_includes_job_replayed_from_past(start_server: ServerFactory) -> None:
    api = ApiClient(start_server(demo=True, clock=FakeClock(START)).url)
    replayed = [job for job, _ in read_demo(api) if parse_stamp(job["status_at"]) < parse_stamp(job["created_at"])]
    assert replayed


def test_demo_running_jobs_finish(start_server: ServerFactory) -> None:
    clock = FakeClock(START)
    api = ApiClient(start_server(demo=True, clock=clock).url)
    running = api.get_json("/jobs", status="RUNNING")
    assert running
    clock.advance(30)
    for job in running:
        assert api.get_json(f"/job/{job['job_id']}")["status"] in {"DONE", "PENDING"}
