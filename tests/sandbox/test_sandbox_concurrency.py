"""Twenty clients polling and cancelling at once while the clock moves.

A lost transition shows up as a state that some client read but that is
missing from the job's final history. A duplicated or interleaved history
row shows up as a step between consecutive states that the lifecycle does
not allow, such as RUNNING -> RUNNING.
"""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sandbox_test_support import START, ApiClient, chain_problems, parse_stamp, stamp

from sandbox import FakeClock
from sandbox.server import SandboxServer

CLIENT_COUNT = 20
ROUNDS_PER_CLIENT = 25
JOB_COUNT = 60
CLOCK_STEPS = 150
CLOCK_STEP_SECONDS = 0.4


def state_key(job: dict[str, Any]) -> tuple[str, str, str]:
    return (job["status"], job["status_at"], job["message"])


def test_concurrent_clients_keep_history_whole(server: SandboxServer, clock: FakeClock) -> None:
    setup = ApiClient(server.url)
    created = [
        setup.create_job(message=f"job {number}", next_attempt_at=stamp(START + timedelta(seconds=number % 20)))
        for number in range(JOB_COUNT)
    ]
    first_due = {job["job_id"]: parse_stamp(job["next_attempt_at"]) for job in created}
    job_ids = sorted(first_due)

    observed: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    cancel_messages: dict[int, list[str]] = defaultdict(list)
    conflicts: list[dict[str, Any]] = []
    failures: list[BaseException] = []
    results_lock = threading.Lock()
    clients_done = threading.Event()

    def move_clock() -> None:
        for _ in range(CLOCK_STEPS):
            if clients_done.wait(0.004):
                return
            clock.advance(CLOCK_STEP_SECONDS)

    def poll_and_cancel(client_number: int) -> None:
        rng = random.Random(client_number)
        api = ApiClient(server.url, keep_alive=True)
        try:
            for round_number in range(ROUNDS_PER_CLIENT):
                job_id = rng.choice(job_ids)
                job = api.get_json(f"/job/{job_id}")
                page = api.get_json("/jobs", limit=100)
                api.get_json(f"/job/{job_id}/history")
                with results_lock:
                    observed[job_id].add(state_key(job))
                    for listed in page:
                        observed[listed["job_id"]].add(state_key(listed))
                if rng.random() < 0.3:
                    message = f"client {client_number} round {round_number}"
                    response = api.post(f"/job/cancel/{job_id}", message=message)
                    with results_lock:
                        if response.status == 200:
                            cancel_messages[job_id].append(message)
                            observed[job_id].add(state_key(response.json()))
                        elif response.status == 409:
                            conflicts.append(response.json()["detail"]["job"])
                        else:
                            raise AssertionError(f"cancel returned {response.status}: {response.body!r}")
        except BaseException as error:
            # The test thread re-raises the first failure after the join.
            with results_lock:
                failures.append(error)
        finally:
            api.close()

    clock_thread = threading.Thread(target=move_clock)
    clients = [threading.Thread(target=poll_and_cancel, args=(number,)) for number in range(CLIENT_COUNT)]
    clock_thread.start()
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=60)
    clients_done.set()
    clock_thread.join(timeout=10)

    assert not any(client.is_alive() for client in clients)
    if failures:
        raise failures[0]

    history_ids: list[int] = []
    canceled_ids = []
    for job_id in job_ids:
        history = setup.get_json(f"/job/{job_id}/history")
        job = setup.get_json(f"/job/{job_id}")
        history_ids.extend(entry["job_history_id"] for entry in history)
        chain = sorted(history, key=lambda entry: entry["job_history_id"]) + [job]

        assert chain_problems(chain, first_due[job_id]) == [], job_id
        recorded = {state_key(entry) for entry in chain}
        assert observed[job_id] - recorded == set(), f"job {job_id}: a state seen by a client is missing from its history"
        assert len(cancel_messages[job_id]) <= 1, f"job {job_id} canceled twice"
        if cancel_messages[job_id]:
            assert job["status"] == "CANCELED"
            assert job["message"] == cancel_messages[job_id][0]
            canceled_ids.append(job_id)
        else:
            assert job["status"] != "CANCELED"

    assert len(history_ids) == len(set(history_ids))
    assert sorted(history_ids) == list(range(1, len(history_ids) + 1))
    assert all(conflict["status"] != "PENDING" for conflict in conflicts)
    assert len(setup.get_json("/jobs", status="CANCELED", limit=100)) == len(canceled_ids)
    # The run must have exercised both outcomes of cancel and real movement.
    assert canceled_ids
    assert conflicts
    assert any(len(observed[job_id]) > 2 for job_id in job_ids)
