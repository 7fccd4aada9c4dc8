"""What the console has seen since it opened: active counts over time and finished jobs.

The API keeps no statistics, so the page records them itself: a sample of
the pending and running counts whenever they change, and a finish whenever
a job it saw pending or running shows up DONE. Jobs that finish while off
screen are not seen, so the finished-per-minute figures are a lower bound.
"""

from console import jobs as jobmodel
from console import timefmt

MAX_SAMPLES = 1000
# finished_per_minute returns at most this many minutes, ending with the current one.
HISTORY_MINUTES = 60
MAX_TRACKED_JOBS = 5000


class ActivityLog:
    def __init__(self, opened_at):
        self.opened_at = opened_at
        # Samples are (at, pending, running), or (at, pending, running, known_until) for the first
        # read after an outage, where known_until ends what the previous samples tell.
        self.samples = []
        # When the counts were last read, and when the reads stopped (None while they go on).
        self.read_until = None
        self.unread_since = None
        self.finished = {}
        self.last_status = {}
        self.version = 0

    def add_counts(self, at, pending, running):
        """Record the active counts; return True when the charts have news to draw."""
        self.read_until = at
        if self.unread_since is not None:
            # Nothing is known between the last read before the outage and this one.
            self.samples.append((at, pending, running, self.unread_since))
            self.unread_since = None
        elif self.samples and self.samples[-1][1] == pending and self.samples[-1][2] == running:
            return False
        else:
            self.samples.append((at, pending, running))
        if len(self.samples) > MAX_SAMPLES:
            # Halve the resolution of the older half rather than forget the start.
            half = len(self.samples) // 2
            self.samples = self.samples[:half:2] + self.samples[half:]
        self.version += 1
        return True

    def mark_unread(self):
        """Note that a read of the counts failed; return True when that starts a gap in the samples."""
        if self.unread_since is not None or self.read_until is None:
            return False
        self.unread_since = self.read_until
        self.version += 1
        return True

    def observe(self, job_list):
        """Record finishes among the jobs, by comparing with their last seen status."""
        changed = False
        for job in job_list:
            job_id = job["job_id"]
            before = self.last_status.get(job_id)
            status = job["status"]
            if before in ("PENDING", "RUNNING") and status == "DONE":
                minute = int(timefmt.parse_api_time(job["status_at"]) // 60)
                counts = self.finished.get(minute)
                if counts is None:
                    counts = [0, 0]
                    self.finished[minute] = counts
                counts[1 if jobmodel.outcome(job) == "failed" else 0] += 1
                changed = True
            self.last_status[job_id] = status
        if len(self.last_status) > MAX_TRACKED_JOBS:
            self.last_status = {}
        if changed:
            self.version += 1
        return changed

    def finished_per_minute(self, now):
        """Return [(minute_start_epoch, succeeded, failed)] from the opening minute to now."""
        first = int(self.opened_at // 60)
        last = int(now // 60)
        if last - first >= HISTORY_MINUTES:
            first = last - HISTORY_MINUTES + 1
        rows = []
        for minute in range(first, last + 1):
            counts = self.finished.get(minute, (0, 0))
            rows.append((minute * 60, counts[0], counts[1]))
        return rows

    def totals(self):
        succeeded = 0
        failed = 0
        for minute in self.finished:
            succeeded += self.finished[minute][0]
            failed += self.finished[minute][1]
        return succeeded, failed
