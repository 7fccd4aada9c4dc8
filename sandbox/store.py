"""Jobs and their history in SQLite, and the lazy advance that moves them.

The HTTP layer wraps each request in one transaction, advances every due job
to ``now`` and then runs the route's operation::

    store = JobStore(None, rng=random.Random(7))        # in memory
    with store.transaction():
        store.advance(now)
        job = store.create_job(now, message="nightly report")

Each public method also opens its own transaction, so tests may call them
directly while a server runs. The re-entrant lock serializes every request,
which is what keeps 20 polling and cancelling clients from losing a transition
or writing a history row twice.

Timestamps are stored as ISO 8601 text with six fraction digits, so text order
is time order and the API's output format comes straight from the column.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .clock import to_naive_utc
from .lifecycle import PENDING_GRACE, RUNNING_MIN_AGE, JobState, next_state

# SQLite integers are signed 64-bit. Larger ids and offsets match no row.
SQLITE_MAX_INTEGER = 2**63 - 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS job (
    job_id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    status_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT,
    message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS job_history (
    job_history_id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES job (job_id),
    status TEXT NOT NULL,
    status_at TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS job_by_created_at ON job (created_at, job_id);
CREATE INDEX IF NOT EXISTS job_by_status ON job (status, created_at, job_id);
CREATE INDEX IF NOT EXISTS job_history_by_job ON job_history (job_id, status_at, job_history_id);
"""

JOB_COLUMNS = "job_id, status, status_at, created_at, next_attempt_at, message"
HISTORY_COLUMNS = "job_history_id, status, status_at, message"


def format_timestamp(moment: datetime) -> str:
    """Write a time the way the real server does: naive UTC, 'T' separator, always six fraction digits.

    An aware datetime from a Python caller is converted to UTC first. Offsets
    in HTTP parameters never get here because validation drops them.
    """
    return to_naive_utc(moment).isoformat(timespec="microseconds")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


class JobNotFound(Exception):
    """No job has this id."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"job {job_id} not found")
        self.job_id = job_id


class JobNotCancelable(Exception):
    """Cancel was requested for a job that is no longer PENDING."""

    def __init__(self, job: dict[str, Any]) -> None:
        super().__init__(f"unable to cancel job in {job['status']} state")
        self.job = job


class JobStore:
    """The job and job_history tables, in memory (``path`` None) or in a file.

    ``rng`` draws every delay and outcome of the lifecycle. ``transition_delay``
    is a real sleep, in seconds, after each transition, so that a request
    which advances many jobs is as slow as on the real server.
    """

    def __init__(self, path: str | None, *, rng: random.Random | None = None, transition_delay: float = 0.0) -> None:
        self.rng = rng if rng is not None else random.Random()
        self.transition_delay = transition_delay
        self._lock = threading.RLock()
        self._depth = 0
        # Server threads take turns through self._lock, so sharing one
        # connection between threads is safe.
        self._connection = sqlite3.connect(path or ":memory:", check_same_thread=False)
        self._connection.row_factory = sqlite3.Row
        self._connection.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the store's lock and commit on leaving, or roll back on an exception.

        Nested transactions join the outermost one, which alone commits.
        """
        with self._lock:
            self._depth += 1
            try:
                yield
            except BaseException:
                if self._depth == 1:
                    self._connection.rollback()
                raise
            else:
                if self._depth == 1:
                    self._connection.commit()
            finally:
                self._depth -= 1

    def advance(self, now: datetime) -> int:
        """Move every due job, pass after pass until none is due, and return the number of moves.

        The loop ends because each move sets the job's time later, by at least
        5.25 s per run, and a job stops being due once its time comes within
        2 s (PENDING) or 10 s (RUNNING) of ``now``.
        """
        moves = 0
        pending_cutoff = format_timestamp(now - PENDING_GRACE)
        running_cutoff = format_timestamp(now - RUNNING_MIN_AGE)
        with self.transaction():
            while True:
                due_rows = self._connection.execute(
                    f"SELECT {JOB_COLUMNS} FROM job"
                    " WHERE (status = 'PENDING' AND next_attempt_at < ?)"
                    " OR (status = 'RUNNING' AND status_at < ?)"
                    " ORDER BY job_id",
                    (pending_cutoff, running_cutoff),
                ).fetchall()
                if not due_rows:
                    return moves
                for row in due_rows:
                    current = _state_from_row(row)
                    self._move(row["job_id"], current, next_state(current, self.rng))
                    moves += 1
                    if self.transition_delay > 0:
                        time.sleep(self.transition_delay)

    def _move(self, job_id: int, current: JobState, new: JobState) -> None:
        """Append the job's current state to its history and store the new one."""
        self._connection.execute(
            "INSERT INTO job_history (job_id, status, status_at, message) VALUES (?, ?, ?, ?)",
            (job_id, current.status, format_timestamp(current.status_at), current.message),
        )
        self._connection.execute(
            "UPDATE job SET status = ?, status_at = ?, next_attempt_at = ?, message = ? WHERE job_id = ?",
            (
                new.status,
                format_timestamp(new.status_at),
                format_timestamp(new.next_attempt_at) if new.next_attempt_at is not None else None,
                new.message,
                job_id,
            ),
        )

    def counts(self) -> dict[str, int]:
        with self.transaction():
            row = self._connection.execute(
                "SELECT"
                " COALESCE(SUM(status = 'PENDING'), 0) AS pending_count,"
                " COALESCE(SUM(status = 'RUNNING'), 0) AS running_count"
                " FROM job"
            ).fetchone()
        return {"pending_count": row["pending_count"], "running_count": row["running_count"]}

    def list_jobs(self, *, status: str | None = None, skip: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Return a page of jobs, newest first: created_at descending, then job_id descending."""
        where = "WHERE status = ?" if status is not None else ""
        parameters: tuple[Any, ...] = (status,) if status is not None else ()
        with self.transaction():
            rows = self._connection.execute(
                f"SELECT {JOB_COLUMNS} FROM job {where}"
                " ORDER BY created_at DESC, job_id DESC LIMIT ? OFFSET ?",
                (*parameters, limit, min(skip, SQLITE_MAX_INTEGER)),
            ).fetchall()
        return [dict(row) for row in rows]

    def get_job(self, job_id: int) -> dict[str, Any]:
        """Return the job, or raise JobNotFound."""
        if not -SQLITE_MAX_INTEGER <= job_id <= SQLITE_MAX_INTEGER:
            raise JobNotFound(job_id)
        with self.transaction():
            row = self._connection.execute(f"SELECT {JOB_COLUMNS} FROM job WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(job_id)
        return dict(row)

    def list_history(self, job_id: int, *, skip: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Return a page of the job's earlier states, newest status_at first, or raise JobNotFound."""
        with self.transaction():
            self.get_job(job_id)
            rows = self._connection.execute(
                f"SELECT {HISTORY_COLUMNS} FROM job_history WHERE job_id = ?"
                " ORDER BY status_at DESC, job_history_id DESC LIMIT ? OFFSET ?",
                (job_id, limit, min(skip, SQLITE_MAX_INTEGER)),
            ).fetchall()
        return [dict(row) for row in rows]

    def create_job(self, now: datetime, *, message: str = "", next_attempt_at: datetime | None = None) -> dict[str, Any]:
        """Insert a PENDING job created at ``now``, due at ``next_attempt_at`` (default ``now``)."""
        created_at = format_timestamp(now)
        attempt_at = format_timestamp(next_attempt_at if next_attempt_at is not None else now)
        with self.transaction():
            cursor = self._connection.execute(
                "INSERT INTO job (status, status_at, created_at, next_attempt_at, message)"
                " VALUES ('PENDING', ?, ?, ?, ?)",
                (created_at, created_at, attempt_at, message),
            )
            assert cursor.lastrowid is not None
            return self.get_job(cursor.lastrowid)

    def cancel_job(self, now: datetime, job_id: int, *, message: str = "") -> dict[str, Any]:
        """Move a PENDING job to CANCELED at ``now``; raise JobNotFound or JobNotCancelable."""
        with self.transaction():
            job = self.get_job(job_id)
            if job["status"] != "PENDING":
                raise JobNotCancelable(job)
            self._move(job_id, _state_from_row(job), JobState("CANCELED", now, None, message))
            return self.get_job(job_id)

    def job_count(self) -> int:
        with self.transaction():
            return self._connection.execute("SELECT COUNT(*) FROM job").fetchone()[0]


def _state_from_row(row: sqlite3.Row | dict[str, Any]) -> JobState:
    next_attempt_at = row["next_attempt_at"]
    return JobState(
        status=row["status"],
        status_at=parse_timestamp(row["status_at"]),
        next_attempt_at=parse_timestamp(next_attempt_at) if next_attempt_at is not None else None,
        message=row["message"],
    )
