"""Clocks that tell the simulator what time it is.

Every time the simulator stores or compares is a naive datetime in UTC, the
same convention the real server uses. The server reads its clock once per
request, so a test that injects a ``FakeClock`` controls exactly which jobs are
due::

    clock = FakeClock(datetime(2030, 1, 1))
    server = make_server(clock=clock)
    clock.advance(12.5)   # the next request reads a time 12.5 s later
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Anything with a ``now()`` that returns naive UTC."""

    def now(self) -> datetime: ...


def to_naive_utc(moment: datetime) -> datetime:
    """Convert an aware datetime to naive UTC; a naive one is taken as UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


class SystemClock:
    """The machine's wall clock, in naive UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None)


class FakeClock:
    """A clock that moves only when a test moves it.

    It starts at ``start`` (default: the current UTC time) and is safe to read
    and move from several threads.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = to_naive_utc(start) if start is not None else SystemClock().now()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by ``seconds`` (backward if negative) and return the new time."""
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``; an aware datetime is converted to UTC first."""
        with self._lock:
            self._now = to_naive_utc(moment)
