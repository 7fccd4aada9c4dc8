"""console.counting against the simulator over HTTP: exact counts within the request bound.

Jobs are seeded through the store, not HTTP, so thousands of them take well
under a second. Each kind of seeded job ends in a known state on the first
request, and the fake clock does not move after that, so the counts cannot
change while the probes run:

- canceled: created PENDING, then canceled through the store;
- done: due a day before START, so the first request replays its whole life.
  Each run ends DONE with probability 0.7 and a retry cycle takes under 30 s,
  so a day has room for over 2,800 cycles and a job is left unfinished with
  probability below 0.3**2800;
- running: due 5 s before START, so it starts but does not finish;
- pending: due at START, within the 2 s grace, so it stays PENDING;
- future: due a year after START.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sandbox_test_support import START

from console import counting
from console.counting import CountProbe
from sandbox import FakeClock
from sandbox.server import SandboxServer

DUE_AT = {
    "done": START - timedelta(days=1),
    "running": START - timedelta(seconds=5),
    "pending": START,
    "future": START + timedelta(days=365),
}

# Mixes of seeded jobs, by kind. Their totals are 0, 1, 100, 1,000 and 5,000
# jobs, plus one mix of powers of two, where the request bound is tight.
MIXES = {
    "empty": {},
    "one done": {"done": 1},
    "100 mixed": {"canceled": 17, "done": 41, "running": 9, "pending": 20, "future": 13},
    "1,000 mixed": {"canceled": 250, "done": 400, "running": 50, "pending": 100, "future": 200},
    "5,000 mixed": {"canceled": 1023, "done": 2049, "running": 128, "pending": 300, "future": 1500},
    "powers of two": {"canceled": 1024, "done": 512, "future": 512},
}


class HttpLister:
    """GET /jobs with limit=1 over urllib, counting every request it sends."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.requests = 0

    def get_json(self, path: str, params: dict[str, Any]) -> Any:
        url = self.base_url + path + ("?" + urlencode(params) if params else "")
        self.requests += 1
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, (url, response.status)
            return json.loads(response.read())

    def rows_at(self, status: str | None, skip: int) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"skip": skip, "limit": 1}
        if status is not None:
            params["status"] = status
        rows = self.get_json("/jobs", params)
        assert len(rows) <= 1, rows
        return rows


def seed_jobs(server: SandboxServer, mix: dict[str, int]) -> None:
    """Create the mix's jobs in the store, interleaving kinds so each list spans the whole order."""
    store = server.store
    remaining = dict(mix)
    created = 0
    with store.transaction():
        while any(remaining.values()):
            for kind in sorted(remaining):
                if remaining[kind] == 0:
                    continue
                remaining[kind] -= 1
                created += 1
                # Distinct creation times, a millisecond apart, all before START.
                now = START - timedelta(milliseconds=created)
                if kind == "canceled":
                    job = store.create_job(now, message="to cancel", next_attempt_at=DUE_AT["future"])
                    store.cancel_job(now, job["job_id"], message="canceled by the test")
                else:
                    store.create_job(now, message=kind, next_attempt_at=DUE_AT[kind])


def count_over_http(lister: HttpLister, status: str | None, probe: CountProbe) -> int:
    """Drive one probe with real GET requests; return the requests it sent."""
    sent_before = lister.requests
    while not probe.done:
        skip = probe.next_skip()
        rows = lister.rows_at(status, skip)
        probe.feed(len(rows) > 0)
    return lister.requests - sent_before


def store_count(server: SandboxServer, status: str) -> int:
    return len(server.store.list_jobs(status=status, limit=10**9))


@pytest.mark.parametrize("mix_name", list(MIXES))
def test_counts_exact_within_bound(server: SandboxServer, clock: FakeClock, mix_name: str) -> None:
    mix = MIXES[mix_name]
    seed_jobs(server, mix)
    lister = HttpLister(server.url)
    # The first request advances every due job, so the counts are final after it.
    summary = lister.get_json("/", {})
    tasks = counting.plan_counts()

    for task in tasks:
        sent = count_over_http(lister, task.status, task.probe)

        assert sent == task.probe.requests, task.key
        assert sent <= counting.request_bound(task.probe.count), (task.key, task.probe.count, sent)

    counts = counting.merge_counts(summary, tasks)
    expected = {
        "PENDING": mix.get("pending", 0) + mix.get("future", 0),
        "RUNNING": mix.get("running", 0),
        "DONE": mix.get("done", 0),
        "CANCELED": mix.get("canceled", 0),
        "ALL": sum(mix.values()),
    }
    assert counts == expected
    assert counts["ALL"] == server.store.job_count()
    assert counts["DONE"] == store_count(server, "DONE")
    assert counts["CANCELED"] == store_count(server, "CANCELED")
    assert summary == server.store.counts()


def test_count_during_arrivals_within_sizes(server: SandboxServer) -> None:
    # Jobs created during a count make it a snapshot: it lies between the
    # sizes the list had when probing started and when it ended.
    seed_jobs(server, {"canceled": 300})
    lister = HttpLister(server.url)
    probe = CountProbe()
    size_at_start = store_count(server, "CANCELED")

    while not probe.done:
        rows = lister.rows_at("CANCELED", probe.next_skip())
        probe.feed(len(rows) > 0)
        for _ in range(5):
            job = server.store.create_job(START, message="arrived during the count", next_attempt_at=DUE_AT["future"])
            server.store.cancel_job(START, job["job_id"])

    size_at_end = store_count(server, "CANCELED")
    assert size_at_start <= probe.count <= size_at_end
    assert size_at_end - size_at_start == 5 * probe.requests
    assert probe.requests <= counting.request_bound(probe.count)
