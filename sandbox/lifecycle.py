"""The rules by which a job moves between states, with no storage attached.

``JobStore.advance`` applies ``next_state`` to every due job, again and again
until none is due, at the start of each request. The numbers are the ones
measured on the real server:

- a ``PENDING`` job whose ``next_attempt_at`` is more than 2 s in the past
  starts ``RUNNING`` 0.25 to 1.5 s after ``next_attempt_at``, its message cleared;
- a ``RUNNING`` job whose ``status_at`` is more than 10 s in the past
  finishes 5 to 15 s after its start. The outcome is ``DONE`` with
  "Permanent failure" in 10 % of runs, ``PENDING`` with "Temporary failure"
  and a retry 10 s later in 30 %, and ``DONE`` with an empty message in 60 %.

The finish time is drawn up to 15 s after a start that need only be 10 s
old, so a finished job's ``status_at`` can lie up to 5 s in the future.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

PENDING_GRACE = timedelta(seconds=2)
RUNNING_MIN_AGE = timedelta(seconds=10)
START_DELAY_SECONDS = (0.25, 1.5)
RUN_DURATION_SECONDS = (5.0, 15.0)
RETRY_DELAY = timedelta(seconds=10)

PERMANENT_FAILURE_SHARE = 0.10
TEMPORARY_FAILURE_SHARE = 0.30
PERMANENT_FAILURE_MESSAGE = "Permanent failure"
TEMPORARY_FAILURE_MESSAGE = "Temporary failure"


@dataclass(frozen=True)
class JobState:
    """The mutable part of a job: what a transition reads and writes."""

    status: str
    status_at: datetime
    next_attempt_at: datetime | None
    message: str


def next_state(state: JobState, rng: random.Random) -> JobState:
    """Return the state a due job moves to, drawing the delays and outcome from ``rng``."""
    if state.status == "PENDING":
        assert state.next_attempt_at is not None
        started_at = state.next_attempt_at + timedelta(seconds=rng.uniform(*START_DELAY_SECONDS))
        return JobState("RUNNING", started_at, None, "")

    if state.status != "RUNNING":
        raise ValueError(f"a job in state {state.status} never moves by itself")

    finished_at = state.status_at + timedelta(seconds=rng.uniform(*RUN_DURATION_SECONDS))
    draw = rng.random()
    if draw < PERMANENT_FAILURE_SHARE:
        return JobState("DONE", finished_at, None, PERMANENT_FAILURE_MESSAGE)
    if draw < PERMANENT_FAILURE_SHARE + TEMPORARY_FAILURE_SHARE:
        return JobState("PENDING", finished_at, finished_at + RETRY_DELAY, TEMPORARY_FAILURE_MESSAGE)
    return JobState("DONE", finished_at, None, "")
