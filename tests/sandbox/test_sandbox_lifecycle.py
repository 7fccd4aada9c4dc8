"""How jobs move: due times, delay windows, retries, replays of past jobs, outcome shares."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sandbox_test_support import SEED, START, ApiClient, parse_stamp, stamp

from sandbox import FakeClock, make_server

START_DELAY = (0.25, 1.5)
RUN_DURATION = (5.0, 15.0)
OUTCOME_JOB_COUNT = 2500


def chain_of(api: ApiClient, job: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the job's states in the order they happened: history by id, then the job itself."""
    history = api.get_json(f"/job/{job['job_id']}/history", limit=100)
    assert len(history) < 100, "history longer than one page"
    return sorted(history, key=lambda entry: entry["job_history_id"]) + [job]


def all_jobs(api: ApiClient) -> list[dict[str, Any]]:
    """Read every job, page by page, oldest first."""
    jobs: list[dict[str, Any]] = []
    for page in range(10_000):
        batch = api.get_json("/jobs", skip=page * 100, limit=100)
        jobs.extend(batch)
        if len(batch) < 100:
            return sorted(jobs, key=lambda job: job["job_id"])
    raise AssertionError("more than a million jobs")


def seconds_between(earlier: str, later: str) -> float:
    return (parse_stamp(later) - parse_stamp(earlier)).total_seconds()


def test_pending_not_due_at_two_seconds(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="nightly report")
    clock.advance(2)
    assert api.get_json(f"/job/{job['job_id']}") == job


def test_pending_due_after_two_seconds(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="nightly report")
    clock.advance(2.000001)
    running = api.get_json(f"/job/{job['job_id']}")
    assert running["status"] == "RUNNING"
    assert running["message"] == ""
    assert running["next_attempt_at"] is None
    assert running["created_at"] == job["created_at"]
    delay = seconds_between(job["next_attempt_at"], running["status_at"])
    assert START_DELAY[0] <= delay <= START_DELAY[1]


def test_start_appends_creation_state(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="resize images batch 12")
    clock.advance(3)
    history = api.get_json(f"/job/{job['job_id']}/history")
    assert history == [
        {"job_history_id": 1, "status": "PENDING", "status_at": job["status_at"], "message": "resize images batch 12"}
    ]


def test_running_not_done_at_ten_seconds(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job()
    clock.advance(3)
    running = api.get_json(f"/job/{job['job_id']}")
    clock.set(parse_stamp(running["status_at"]) + timedelta(seconds=10))
    assert api.get_json(f"/job/{job['job_id']}") == running


def test_running_finishes_after_ten_seconds(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job()
    clock.advance(3)
    running = api.get_json(f"/job/{job['job_id']}")
    clock.set(parse_stamp(running["status_at"]) + timedelta(seconds=10.000001))
    finished = api.get_json(f"/job/{job['job_id']}")
    assert finished["status"] in {"DONE", "PENDING"}
    duration = seconds_between(running["status_at"], finished["status_at"])
    assert RUN_DURATION[0] <= duration <= RUN_DURATION[1]
    history = api.get_json(f"/job/{job['job_id']}/history")
    assert [(entry["status"], entry["status_at"]) for entry in history[:1]] == [("RUNNING", running["status_at"])]


def test_far_future_job_stays_pending(api: ApiClient, clock: FakeClock) -> None:
    job = api.create_job(message="yearly audit", next_attempt_at=stamp(START + timedelta(days=365)))
    for _ in range(10):
        clock.advance(30 * 24 * 3600)
        assert api.get_json(f"/job/{job['job_id']}") == job
    assert api.get_json(f"/job/{job['job_id']}/history") == []
    canceled = api.post(f"/job/cancel/{job['job_id']}", message="audit moved")
    assert canceled.status == 200
    assert canceled.json()["status"] == "CANCELED"


def test_future_job_runs_after_its_time(api: ApiClient, clock: FakeClock) -> None:
    due = START + timedelta(minutes=5)
    job = api.create_job(next_attempt_at=stamp(due))
    clock.set(due + timedelta(seconds=2))
    assert api.get_json(f"/job/{job['job_id']}")["status"] == "PENDING"
    clock.advance(0.5)
    running = api.get_json(f"/job/{job['job_id']}")
    assert running["status"] == "RUNNING"
    assert START_DELAY[0] <= seconds_between(stamp(due), running["status_at"]) <= START_DELAY[1]


def test_past_job_replays_on_next_request(api: ApiClient, clock: FakeClock) -> None:
    scheduled = START - timedelta(hours=1)
    job = api.create_job(message="backfill invoices", next_attempt_at=stamp(scheduled))
    assert job["status"] == "PENDING"

    clock.advance(0.1)
    finished = api.get_json(f"/job/{job['job_id']}")
    history = api.get_json(f"/job/{job['job_id']}/history")

    assert finished["status"] == "DONE"
    assert parse_stamp(finished["status_at"]) < parse_stamp(finished["created_at"])
    assert history[0] == {
        "job_history_id": min(entry["job_history_id"] for entry in history),
        "status": "PENDING",
        "status_at": job["created_at"],
        "message": "backfill invoices",
    }
    times = [parse_stamp(entry["status_at"]) for entry in history]
    assert times == sorted(times, reverse=True)
    by_event = sorted(history, key=lambda entry: entry["job_history_id"])
    assert by_event[1]["status"] == "RUNNING"
    started_after = seconds_between(stamp(scheduled), by_event[1]["status_at"])
    assert START_DELAY[0] <= started_after <= START_DELAY[1]


def test_history_same_time_newest_id_first(api: ApiClient, server: Any) -> None:
    job = api.create_job(message="first")
    api.post(f"/job/cancel/{job['job_id']}")
    # No lifecycle path writes two rows of one job at the same instant, so
    # the second row goes straight into the table.
    with server.store.transaction():
        server.store._connection.execute(
            "INSERT INTO job_history (job_id, status, status_at, message) VALUES (?, 'PENDING', ?, 'same time')",
            (job["job_id"], job["status_at"]),
        )
    history = api.get_json(f"/job/{job['job_id']}/history")
    assert [entry["job_history_id"] for entry in history] == [2, 1]
    assert history[0]["status_at"] == history[1]["status_at"]


def test_retry_scheduled_ten_seconds_later(api: ApiClient, clock: FakeClock, server: Any) -> None:
    for number in range(40):
        server.store.create_job(START, message=f"job {number}")
    clock.advance(3)
    api.get("/")
    clock.advance(16)
    retried = api.get_json("/jobs", status="PENDING")
    assert retried, "no temporary failure among 40 runs"
    for job in retried:
        assert job["message"] == "Temporary failure"
        assert seconds_between(job["status_at"], job["next_attempt_at"]) == 10


def test_retry_pending_is_cancelable(api: ApiClient, clock: FakeClock, server: Any) -> None:
    for number in range(40):
        server.store.create_job(START, message=f"job {number}")
    clock.advance(3)
    api.get("/")
    clock.advance(16)
    retried = api.get_json("/jobs", status="PENDING", limit=1)
    assert retried, "no temporary failure among 40 runs"
    job_id = retried[0]["job_id"]
    canceled = api.post(f"/job/cancel/{job_id}", message="give up")
    assert canceled.status == 200
    statuses = [entry["status"] for entry in chain_of(api, canceled.json())]
    assert statuses == ["PENDING", "RUNNING", "PENDING", "CANCELED"]


def replay_due_time(number: int) -> datetime:
    return START - timedelta(days=1) + timedelta(seconds=number)


@pytest.fixture(scope="module")
def replayed_chains() -> Iterator[list[list[dict[str, Any]]]]:
    """Run OUTCOME_JOB_COUNT jobs scheduled a day ago to the end and return each job's chain of states."""
    clock = FakeClock(START)
    server = make_server(port=0, seed=SEED, clock=clock, transition_delay=0.0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = ApiClient(server.url, keep_alive=True)
        for number in range(OUTCOME_JOB_COUNT):
            server.store.create_job(START, message=f"job {number}", next_attempt_at=replay_due_time(number))
        clock.advance(1)
        jobs = all_jobs(api)
        assert len(jobs) == OUTCOME_JOB_COUNT
        yield [chain_of(api, job) for job in jobs]
        api.close()
    finally:
        server.shutdown()
        server.server_close()


def run_outcomes(chains: list[list[dict[str, Any]]]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for chain in chains:
        for before, after in zip(chain, chain[1:]):
            if before["status"] != "RUNNING":
                continue
            outcomes[f"{after['status']} {after['message']!r}"] += 1
    return outcomes


def test_outcome_shares(replayed_chains: list[list[dict[str, Any]]]) -> None:
    outcomes = run_outcomes(replayed_chains)
    runs = sum(outcomes.values())
    assert set(outcomes) == {"DONE 'Permanent failure'", "PENDING 'Temporary failure'", "DONE ''"}
    for outcome, expected_share in [
        ("DONE 'Permanent failure'", 0.10),
        ("PENDING 'Temporary failure'", 0.30),
        ("DONE ''", 0.60),
    ]:
        # Four standard errors of a binomial share: a false alarm is about
        # one run in 15 000, while a share off by 3 points fails.
        tolerance = 4 * math.sqrt(expected_share * (1 - expected_share) / runs)
        share = outcomes[outcome] / runs
        assert abs(share - expected_share) <= tolerance, (outcome, share, runs)


def test_replayed_jobs_all_done(replayed_chains: list[list[dict[str, Any]]]) -> None:
    final_statuses = Counter(chain[-1]["status"] for chain in replayed_chains)
    assert final_statuses == Counter({"DONE": OUTCOME_JOB_COUNT})


def test_replayed_start_delays_within_window(replayed_chains: list[list[dict[str, Any]]]) -> None:
    delays = []
    for number, chain in enumerate(replayed_chains):
        for position, (before, after) in enumerate(zip(chain, chain[1:])):
            if before["status"] != "PENDING":
                continue
            if position == 0:
                due = replay_due_time(number)
            else:
                due = parse_stamp(before["status_at"]) + timedelta(seconds=10)
            assert after["status"] == "RUNNING"
            assert after["message"] == ""
            delays.append((parse_stamp(after["status_at"]) - due).total_seconds())
    assert min(delays) >= START_DELAY[0]
    assert max(delays) <= START_DELAY[1]
    # A uniform draw over the whole window comes close to both ends.
    assert min(delays) < START_DELAY[0] + 0.01
    assert max(delays) > START_DELAY[1] - 0.01


def test_replayed_run_durations_within_window(replayed_chains: list[list[dict[str, Any]]]) -> None:
    durations = [
        seconds_between(before["status_at"], after["status_at"])
        for chain in replayed_chains
        for before, after in zip(chain, chain[1:])
        if before["status"] == "RUNNING"
    ]
    assert min(durations) >= RUN_DURATION[0]
    assert max(durations) <= RUN_DURATION[1]
    assert min(durations) < RUN_DURATION[0] + 0.05
    assert max(durations) > RUN_DURATION[1] - 0.05
    mean = sum(durations) / len(durations)
    # U(5, 15) has mean 10 and standard deviation 10 / sqrt(12).
    assert abs(mean - 10) <= 4 * (10 / math.sqrt(12)) / math.sqrt(len(durations))


def test_replayed_next_attempt_only_when_pending(replayed_chains: list[list[dict[str, Any]]]) -> None:
    for chain in replayed_chains:
        job = chain[-1]
        assert job["next_attempt_at"] is None
        assert parse_stamp(job["status_at"]) < parse_stamp(job["created_at"])


def test_replayed_history_creation_entry_first(replayed_chains: list[list[dict[str, Any]]]) -> None:
    for chain in replayed_chains:
        creation = chain[0]
        assert creation["status_at"] == chain[-1]["created_at"]
        later_times = [parse_stamp(entry["status_at"]) for entry in chain[1:]]
        assert all(moment < parse_stamp(creation["status_at"]) for moment in later_times)
