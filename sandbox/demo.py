"""A believable recent history for ``--demo``, so that a first screen looks alive.

``seed_demo`` replays about an hour of requests against the store: jobs
created at past times, some scheduled for later, some canceled before they
ran. Before each replayed request the store advances its jobs to that
moment, exactly as the server would have, so every history follows the
lifecycle rules. The result always contains successes, permanent failures,
retries, cancellations, a job scheduled in the past (whose ``status_at``
precedes its ``created_at``), jobs running right now and jobs scheduled
1 to 10 minutes ahead.

The replay draws from its own fixed seed, so the demo looks the same on
every start, shifted to the current time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .store import JobStore

DEMO_SEED = 20261204

PAST_JOB_MESSAGES = (
    "nightly report",
    "resize images batch 12",
    "resize images batch 13",
    "resize images batch 14",
    "sync CRM contacts",
    "rebuild search index",
    "send weekly digest",
    "export orders to CSV",
    "",
    "refresh exchange rates",
    "generate invoice PDFs",
    "purge expired sessions",
    "thumbnail upload 8841",
    "import supplier catalog",
    "recompute recommendations",
    "backup customer database",
    "transcode video 3307",
    "",
    "send password reset emails",
    "warm CDN cache",
    "archive audit logs",
    "validate address book",
    "nightly report (EU)",
    "compress log files",
    "update sitemap",
    "reconcile payments",
)
CANCELED_JOBS = (
    ("migrate legacy attachments", "no longer needed"),
    ("reindex product photos", "duplicate of an earlier request"),
    ("bulk email: spring sale", "campaign postponed"),
    ("recalculate loyalty points", ""),
)
BACKFILLED_JOB_MESSAGE = "backfill March invoices"
RUNNING_JOBS = (
    ("render dashboard snapshots", timedelta(seconds=4)),
    ("fetch partner feeds", timedelta(seconds=6.5)),
)
SCHEDULED_JOB_MESSAGES = (
    "resize images batch 15",
    "send reminder emails",
    "rotate API keys",
    "hourly stock sync",
)


CREATE, CANCEL = 0, 1


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


@dataclass
class PlannedJob:
    message: str
    created_at: datetime
    next_attempt_at: datetime
    canceled_at: datetime | None = None
    cancel_message: str = ""


def plan_jobs(now: datetime, rng: random.Random) -> list[PlannedJob]:
    """Lay out the demo's jobs relative to ``now``."""
    planned: list[PlannedJob] = []

    for message in PAST_JOB_MESSAGES:
        created_at = now - minutes(rng.uniform(3, 60))
        delay = minutes(rng.uniform(0.5, 2)) if rng.random() < 0.2 else timedelta(0)
        planned.append(PlannedJob(message, created_at, created_at + delay))

    for message, cancel_message in CANCELED_JOBS:
        created_at = now - minutes(rng.uniform(10, 55))
        next_attempt_at = created_at + minutes(rng.uniform(6, 9))
        canceled_at = created_at + minutes(rng.uniform(0.5, 5))
        planned.append(PlannedJob(message, created_at, next_attempt_at, canceled_at, cancel_message))

    # Created a few minutes ago for a time long gone, so the whole life is
    # replayed at once and status_at ends up before created_at.
    planned.append(PlannedJob(BACKFILLED_JOB_MESSAGE, now - minutes(4), now - minutes(45)))

    for message, started_ago in RUNNING_JOBS:
        planned.append(PlannedJob(message, now - minutes(rng.uniform(1, 3)), now - started_ago))

    for message in SCHEDULED_JOB_MESSAGES:
        created_at = now - minutes(rng.uniform(0.5, 5))
        planned.append(PlannedJob(message, created_at, now + minutes(rng.uniform(1, 10))))

    return planned


def seed_demo(store: JobStore, now: datetime) -> None:
    """Create the demo's jobs in ``store`` as if their requests had happened before ``now``.

    While replaying, the store draws from the demo's own seed and skips its
    transition delay; both settings are restored afterwards.
    """
    rng = random.Random(DEMO_SEED)
    planned = plan_jobs(now, rng)
    events: list[tuple[datetime, int, int]] = []
    for index, job in enumerate(planned):
        events.append((job.created_at, CREATE, index))
        if job.canceled_at is not None:
            events.append((job.canceled_at, CANCEL, index))
    events.sort()

    saved_rng, saved_delay = store.rng, store.transition_delay
    store.rng, store.transition_delay = rng, 0.0
    try:
        job_ids: dict[int, int] = {}
        with store.transaction():
            for moment, kind, index in events:
                job = planned[index]
                store.advance(moment)
                if kind == CREATE:
                    created = store.create_job(moment, message=job.message, next_attempt_at=job.next_attempt_at)
                    job_ids[index] = created["job_id"]
                else:
                    store.cancel_job(moment, job_ids[index], message=job.cancel_message)
            store.advance(now)
    finally:
        store.rng, store.transition_delay = saved_rng, saved_delay
