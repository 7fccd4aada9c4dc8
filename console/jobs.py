"""What a job means to a reader: its outcome, attempts and time in each state.

The API's ``DONE`` covers both success and permanent failure, and a retry is a
``PENDING`` job whose message is ``Temporary failure``. This module turns the
raw job and its history into the words and facts the console shows.
"""

from console import timefmt

STATUSES = ("PENDING", "RUNNING", "DONE", "CANCELED")
FAILED_MESSAGE = "Permanent failure"
RETRY_MESSAGE = "Temporary failure"

# Keys of the outcome a row shows; each has a label and a CSS class of the same name.
OUTCOME_LABELS = {
    "pending": "Pending",
    "retrying": "Retrying",
    "running": "Running",
    "succeeded": "Done",
    "failed": "Failed",
    "canceled": "Canceled",
}


def outcome(job):
    """Return the outcome key of a job: pending, retrying, running, succeeded, failed or canceled."""
    status = job.get("status")
    message = job.get("message") or ""
    if status == "PENDING":
        # A new job's status_at equals its created_at until its first change, so a
        # "Temporary failure" it still has then is the message it was created with.
        never_changed = job.get("created_at") is not None and job.get("status_at") == job.get("created_at")
        return "retrying" if message == RETRY_MESSAGE and not never_changed else "pending"
    if status == "RUNNING":
        return "running"
    if status == "DONE":
        return "failed" if message == FAILED_MESSAGE else "succeeded"
    if status == "CANCELED":
        return "canceled"
    return "unknown"


# A job's state as a phrase for a sentence, by outcome key.
STATE_PHRASES = {
    "pending": "is pending",
    "retrying": "is waiting to run again",
    "running": "is running",
    "succeeded": "has finished",
    "failed": "has failed",
    "canceled": "is canceled",
}


def state_phrase(job):
    """Return a job's state as a phrase for a sentence: ``has failed``, ``is running``."""
    return STATE_PHRASES.get(outcome(job), "is %s" % job.get("status"))


def job_problem(job):
    """Return what makes a job from the API unreadable for the console, or None when it is readable."""
    if not isinstance(job, dict):
        return "an entry is not a job object"
    job_id = job.get("job_id")
    if not isinstance(job_id, int) or isinstance(job_id, bool):
        return "a job has no valid job_id"
    if not isinstance(job.get("status"), str):
        return "job %d has no status" % job_id
    message = job.get("message")
    if message is not None and not isinstance(message, str):
        return "job %d has a message that is not text" % job_id
    for field in ("created_at", "status_at", "next_attempt_at"):
        value = job.get(field)
        if value is None and field == "next_attempt_at":
            continue
        try:
            timefmt.parse_api_time(value)
        except ValueError:
            return "job %d has no valid %s" % (job_id, field)
    return None


def history_problem(history):
    """Return what makes a job's history from the API unreadable for the console, or None."""
    for entry in history:
        if not isinstance(entry, dict):
            return "an entry is not a history object"
        entry_id = entry.get("job_history_id")
        if not isinstance(entry_id, int) or isinstance(entry_id, bool):
            return "an entry has no valid job_history_id"
        if not isinstance(entry.get("status"), str):
            return "entry %d has no status" % entry_id
        message = entry.get("message")
        if message is not None and not isinstance(message, str):
            return "entry %d has a message that is not text" % entry_id
        try:
            timefmt.parse_api_time(entry.get("status_at"))
        except ValueError:
            return "entry %d has no valid status_at" % entry_id
    return None


def list_problem(job_list, checked):
    """Return the first problem of a job list, or None.

    ``checked(job_id)`` returns the job of that id already found readable, or
    None. A job equal to it is not checked again, so an unchanged list costs little.
    """
    for job in job_list:
        if isinstance(job, dict) and checked(job.get("job_id")) == job:
            continue
        problem = job_problem(job)
        if problem is not None:
            return problem
    return None


def is_cancelable(job):
    """Return True when the API would accept a cancel: only pending jobs."""
    return job.get("status") == "PENDING"


def history_in_event_order(history):
    """Return history rows in the order things happened.

    The API sorts history by ``status_at``, which puts a job scheduled in the
    past out of order, so ``job_history_id`` decides here.
    """
    return sorted(history, key=lambda row: row["job_history_id"])


def attempt_count(job, history):
    """Return how many times the job has run or is running.

    Each RUNNING period is one attempt: the finished ones are in the history,
    and the job itself adds one while it is RUNNING.
    """
    count = 0
    for row in history:
        if row.get("status") == "RUNNING":
            count += 1
    if job.get("status") == "RUNNING":
        count += 1
    return count


def state_periods(job, history, now):
    """Return one dict per state the job has been in, oldest first.

    Each has ``status``, ``message``, ``start`` and ``end`` (epoch seconds;
    ``end`` is None for the current state) and ``seconds`` spent in it, the
    current state counted up to ``now``. A period's start is its ``status_at``
    and it ends when the next one starts.
    """
    rows = history_in_event_order(history)
    entries = [(row["status"], row.get("message") or "", row["status_at"]) for row in rows]
    entries.append((job["status"], job.get("message") or "", job["status_at"]))
    periods = []
    for index, (status, message, status_at) in enumerate(entries):
        start = timefmt.parse_api_time(status_at)
        if index + 1 < len(entries):
            end = timefmt.parse_api_time(entries[index + 1][2])
            seconds = end - start
        else:
            end = None
            seconds = now - start if job["status"] in ("PENDING", "RUNNING") else 0.0
        periods.append({
            "status": status,
            "message": message,
            "start": start,
            "end": end,
            "seconds": max(seconds, 0.0),
        })
    return periods


def job_key(job):
    """Return the API's list order key: newest first by (created_at, job_id)."""
    return (timefmt.parse_api_time(job["created_at"]), job["job_id"])


# The largest id the API's SQLite INTEGER column can hold.
MAX_JOB_ID = 9223372036854775807


def parse_job_id(text):
    """Return the job id typed in a form, or raise ValueError with a sentence.

    Only a positive whole number is a job id; the form rejects anything else
    before any request is sent.
    """
    value = (text or "").strip()
    if value.startswith("#"):
        value = value[1:].strip()
    if not value:
        raise ValueError("Enter a job id, such as 42.")
    # Only ASCII digits count, because CPython's isdigit() also accepts "²", which int() rejects.
    if not all("0" <= char <= "9" for char in value):
        # Not %r: MicroPython's repr writes "é" as "\xe9", and users read this sentence.
        raise ValueError("\"%s\" is not a job id: enter a positive whole number, such as 42." % value)
    number = int(value)
    if number < 1:
        raise ValueError("Job ids start at 1: enter a positive whole number.")
    if number > MAX_JOB_ID:
        raise ValueError("%s is too large to be a job id." % value)
    return number


def history_is_ahead(job, history):
    """Return True when history lists job's own state as an earlier one: the job changed after it was read.

    Every change moves status_at, so a current state never has the same status
    and status_at as an entry of its history.
    """
    for entry in history:
        if not isinstance(entry, dict):
            continue
        if entry.get("status") == job.get("status") and entry.get("status_at") == job.get("status_at"):
            return True
    return False
