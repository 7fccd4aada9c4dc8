"""console.jobs: outcomes, attempts, time in each state and job id parsing.

Jobs and histories are built the way the API returns them: naive UTC times
with microseconds, history newest first by ``status_at``.
"""

from datetime import datetime, timedelta

import pytest

from console import jobs

CREATED = datetime(2026, 12, 4, 19, 37, 31, 469000)


def stamp(moment):
    return moment.isoformat(timespec="microseconds")


def at(seconds):
    """Return the API timestamp ``seconds`` after CREATED."""
    return stamp(CREATED + timedelta(seconds=seconds))


def epoch_at(seconds):
    return (CREATED + timedelta(seconds=seconds) - datetime(1970, 1, 1)).total_seconds()


def make_job(status, message="", status_at=0, job_id=7, created_at=0):
    return {
        "job_id": job_id,
        "status": status,
        "status_at": at(status_at),
        "created_at": at(created_at),
        "next_attempt_at": at(status_at + 10) if status == "PENDING" else None,
        "message": message,
    }


def history_row(history_id, status, seconds, message=""):
    return {"job_history_id": history_id, "status": status, "status_at": at(seconds), "message": message}


def api_order(history):
    """Sort history rows as the API does: status_at descending, then job_history_id descending."""
    return sorted(history, key=lambda row: (row["status_at"], row["job_history_id"]), reverse=True)


# A job that ran, failed temporarily and is running its second attempt.
RETRIED_HISTORY = [
    history_row(1, "PENDING", 0, "nightly report"),
    history_row(2, "RUNNING", 3),
    history_row(3, "PENDING", 15, "Temporary failure"),
]
RETRIED_JOB = make_job("RUNNING", status_at=28)


# --- outcome -----------------------------------------------------------------


@pytest.mark.parametrize("status, message, expected", [
    ("PENDING", "", "pending"),
    ("PENDING", "nightly report", "pending"),
    ("PENDING", "Temporary failure", "retrying"),
    ("PENDING", None, "pending"),
    ("RUNNING", "", "running"),
    ("DONE", "", "succeeded"),
    ("DONE", "nightly report", "succeeded"),
    ("DONE", "Permanent failure", "failed"),
    ("DONE", "Temporary failure", "succeeded"),
    ("DONE", None, "succeeded"),
    ("CANCELED", "", "canceled"),
    ("CANCELED", "Permanent failure", "canceled"),
    ("done", "", "unknown"),
    ("ARCHIVED", "", "unknown"),
])
def test_outcome_of_status_and_message(status, message, expected):
    assert jobs.outcome({"status": status, "message": message}) == expected


def test_outcome_new_job_with_retry_message_is_pending():
    # A user can create a job whose message is "Temporary failure"; it has never run.
    new = {"status": "PENDING", "message": "Temporary failure",
           "created_at": "2026-12-04T19:37:31.469000", "status_at": "2026-12-04T19:37:31.469000"}
    retried = dict(new, status_at="2026-12-04T19:37:46.469000")

    assert jobs.outcome(new) == "pending"
    assert jobs.outcome(retried) == "retrying"


def test_history_is_ahead_of_stale_job():
    job = {"status": "RUNNING", "status_at": "2026-12-04T19:37:34.469000"}
    later_history = [
        {"job_history_id": 2, "status": "RUNNING", "status_at": "2026-12-04T19:37:34.469000", "message": ""},
        {"job_history_id": 1, "status": "PENDING", "status_at": "2026-12-04T19:37:31.469000", "message": ""},
    ]

    assert jobs.history_is_ahead(job, later_history) is True
    assert jobs.history_is_ahead(job, later_history[1:]) is False
    assert jobs.history_is_ahead(job, []) is False
    assert jobs.history_is_ahead(dict(job, status="DONE"), later_history) is False


def test_outcome_failure_messages_exact():
    # Only the API's exact messages count: a user's message that merely looks similar does not.
    assert jobs.outcome({"status": "DONE", "message": "permanent failure"}) == "succeeded"
    assert jobs.outcome({"status": "PENDING", "message": "Temporary failure "}) == "pending"


def test_outcome_keys_have_labels():
    for status in jobs.STATUSES:
        for message in ("", jobs.FAILED_MESSAGE, jobs.RETRY_MESSAGE):
            key = jobs.outcome({"status": status, "message": message})
            assert key in jobs.OUTCOME_LABELS, (status, message)


@pytest.mark.parametrize("status, message, expected", [
    ("PENDING", "", "is pending"),
    ("PENDING", "Temporary failure", "is waiting to run again"),
    ("RUNNING", "", "is running"),
    ("DONE", "", "has finished"),
    ("DONE", "Permanent failure", "has failed"),
    ("CANCELED", "", "is canceled"),
    ("ARCHIVED", "", "is ARCHIVED"),
])
def test_state_phrase_per_outcome(status, message, expected):
    assert jobs.state_phrase({"status": status, "message": message}) == expected


@pytest.mark.parametrize("status, message, expected", [
    ("PENDING", "", True),
    ("PENDING", "Temporary failure", True),
    ("RUNNING", "", False),
    ("DONE", "", False),
    ("DONE", "Permanent failure", False),
    ("CANCELED", "", False),
])
def test_is_cancelable_only_pending(status, message, expected):
    assert jobs.is_cancelable({"status": status, "message": message}) is expected


# --- history order and attempts ----------------------------------------------


def test_history_event_order_by_id():
    # A job scheduled in the past: its creation entry has the latest status_at,
    # so the API lists it first although it happened first.
    history = [
        history_row(1, "PENDING", 0, "backfill"),
        history_row(2, "RUNNING", -3600),
        history_row(3, "PENDING", -3590, "Temporary failure"),
        history_row(4, "RUNNING", -3579),
    ]
    from_api = api_order(history)

    ordered = jobs.history_in_event_order(from_api)

    assert [row["job_history_id"] for row in from_api] == [1, 4, 3, 2]
    assert [row["job_history_id"] for row in ordered] == [1, 2, 3, 4]


def test_history_event_order_keeps_input():
    from_api = api_order(RETRIED_HISTORY)
    before = list(from_api)

    jobs.history_in_event_order(from_api)

    assert from_api == before


def test_attempt_count_running_retry():
    assert jobs.attempt_count(RETRIED_JOB, api_order(RETRIED_HISTORY)) == 2


def test_attempt_count_new_job():
    assert jobs.attempt_count(make_job("PENDING"), []) == 0


def test_attempt_count_first_run():
    assert jobs.attempt_count(make_job("RUNNING", status_at=3), [history_row(1, "PENDING", 0)]) == 1


def test_attempt_count_finished_job():
    history = RETRIED_HISTORY + [history_row(4, "RUNNING", 28)]
    job = make_job("DONE", "Permanent failure", status_at=40)

    assert jobs.attempt_count(job, history) == 2


def test_attempt_count_retry_waiting():
    job = make_job("PENDING", "Temporary failure", status_at=15)

    assert jobs.attempt_count(job, RETRIED_HISTORY[:2]) == 1


def test_attempt_count_canceled_unrun():
    job = make_job("CANCELED", status_at=5)

    assert jobs.attempt_count(job, [history_row(1, "PENDING", 0)]) == 0


# --- state_periods ------------------------------------------------------------


def test_state_periods_running_retry():
    periods = jobs.state_periods(RETRIED_JOB, api_order(RETRIED_HISTORY), now=epoch_at(31))

    assert [period["status"] for period in periods] == ["PENDING", "RUNNING", "PENDING", "RUNNING"]
    assert [period["message"] for period in periods] == ["nightly report", "", "Temporary failure", ""]
    assert [period["start"] for period in periods] == pytest.approx(
        [epoch_at(0), epoch_at(3), epoch_at(15), epoch_at(28)], abs=1e-6)
    assert [period["end"] for period in periods[:-1]] == pytest.approx(
        [epoch_at(3), epoch_at(15), epoch_at(28)], abs=1e-6)
    assert periods[-1]["end"] is None
    assert [period["seconds"] for period in periods] == pytest.approx([3, 12, 13, 3], abs=1e-6)


def test_state_periods_fractional_seconds():
    job = make_job("RUNNING", status_at=0.75)

    periods = jobs.state_periods(job, [history_row(1, "PENDING", 0)], now=epoch_at(1.0))

    assert [period["seconds"] for period in periods] == pytest.approx([0.75, 0.25], abs=1e-6)


def test_state_periods_final_state_zero():
    job = make_job("DONE", status_at=20)
    history = [history_row(1, "PENDING", 0), history_row(2, "RUNNING", 4)]

    periods = jobs.state_periods(job, history, now=epoch_at(5000))

    assert periods[-1]["status"] == "DONE"
    assert periods[-1]["seconds"] == 0.0
    assert periods[-1]["end"] is None


def test_state_periods_canceled_zero():
    job = make_job("CANCELED", status_at=9)

    periods = jobs.state_periods(job, [history_row(1, "PENDING", 0)], now=epoch_at(600))

    assert [period["seconds"] for period in periods] == pytest.approx([9, 0], abs=1e-6)


def test_state_periods_past_schedule_clamped():
    # Created now with a time in the past: the simulated run lies before the
    # creation entry, so that gap is negative and shows as zero, never below.
    history = [history_row(1, "PENDING", 0, "backfill"), history_row(2, "RUNNING", -3600)]
    job = make_job("DONE", status_at=-3590)

    periods = jobs.state_periods(job, api_order(history), now=epoch_at(1))

    assert [period["status"] for period in periods] == ["PENDING", "RUNNING", "DONE"]
    assert [period["seconds"] for period in periods] == pytest.approx([0, 10, 0], abs=1e-6)


def test_state_periods_future_status_at():
    # A browser clock behind the server's makes now earlier than the job's status_at.
    job = make_job("PENDING", status_at=60)

    periods = jobs.state_periods(job, [], now=epoch_at(30))

    assert periods[0]["seconds"] == 0.0


def test_state_periods_new_job_counts_to_now():
    periods = jobs.state_periods(make_job("PENDING"), [], now=epoch_at(42.5))

    assert len(periods) == 1
    assert periods[0]["seconds"] == pytest.approx(42.5, abs=1e-6)


# --- job_key ------------------------------------------------------------------


def test_job_key_orders_newest_first():
    older = make_job("DONE", job_id=9, created_at=0)
    newer = make_job("DONE", job_id=3, created_at=0.000001)

    assert jobs.job_key(newer) > jobs.job_key(older)


def test_job_key_tie_breaks_by_id():
    first = make_job("DONE", job_id=4, created_at=0)
    second = make_job("DONE", job_id=5, created_at=0)

    assert jobs.job_key(second) > jobs.job_key(first)


# --- parse_job_id -------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("42", 42),
    (" 42 ", 42),
    ("#42", 42),
    ("# 42", 42),
    (" #7\n", 7),
    ("007", 7),
    ("1", 1),
    ("9223372036854775807", 2**63 - 1),
])
def test_parse_job_id_accepts(text, expected):
    assert jobs.parse_job_id(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "#", "# "])
def test_parse_job_id_empty(text):
    with pytest.raises(ValueError, match="Enter a job id"):
        jobs.parse_job_id(text)


@pytest.mark.parametrize("text", ["abc", "-3", "+3", "4.2", "1e3", "42abc", "4 2", "##42", "0x2a",
                                  "\u00b2", "\u0664\u0662", "\uff14\uff12"])
def test_parse_job_id_rejects_non_numbers(text):
    with pytest.raises(ValueError, match="is not a job id: enter a positive whole number"):
        jobs.parse_job_id(text)


def test_parse_job_id_quotes_input():
    # The sentence is shown in the page, so the input appears as typed, not as a repr.
    with pytest.raises(ValueError) as caught:
        jobs.parse_job_id("café")

    assert str(caught.value).startswith('"café" is not a job id')


@pytest.mark.parametrize("text", ["0", "000", "#0"])
def test_parse_job_id_rejects_zero(text):
    with pytest.raises(ValueError, match="Job ids start at 1"):
        jobs.parse_job_id(text)


def test_parse_job_id_rejects_huge():
    # The API's ids are SQLite integers, which stop at 2**63 - 1.
    with pytest.raises(ValueError, match="too large to be a job id"):
        jobs.parse_job_id(str(2**63))


READABLE_JOB = {
    "job_id": 7,
    "status": "PENDING",
    "status_at": "2026-12-04T19:37:31.469000",
    "created_at": "2026-12-04T19:37:20.000000",
    "next_attempt_at": None,
    "message": None,
}


@pytest.mark.parametrize("changes, expected", [
    ({}, None),
    ({"next_attempt_at": "2026-12-05T00:00:00"}, None),
    ({"message": "nightly report"}, None),
    ({"job_id": "7"}, "a job has no valid job_id"),
    ({"job_id": True}, "a job has no valid job_id"),
    ({"status": None}, "job 7 has no status"),
    ({"message": 5}, "job 7 has a message that is not text"),
    ({"created_at": None}, "job 7 has no valid created_at"),
    ({"status_at": "yesterday"}, "job 7 has no valid status_at"),
    ({"next_attempt_at": "2026-13-01T00:00:00"}, "job 7 has no valid next_attempt_at"),
])
def test_job_problem_names_field(changes, expected):
    job = dict(READABLE_JOB)
    job.update(changes)
    assert jobs.job_problem(job) == expected


def test_job_problem_rejects_non_objects():
    assert jobs.job_problem(["not", "a", "job"]) == "an entry is not a job object"


def test_list_problem_finds_first_bad_job():
    good = dict(READABLE_JOB)
    bad = dict(READABLE_JOB, job_id=8, created_at="")
    assert jobs.list_problem([good, bad], {}.get) == "job 8 has no valid created_at"
    assert jobs.list_problem([good], {}.get) is None


def test_list_problem_skips_checked_jobs():
    # A job equal to its checked copy is trusted; a changed one is checked again.
    odd = dict(READABLE_JOB, status_at="not a time")
    assert jobs.list_problem([odd], {7: odd}.get) is None
    assert jobs.list_problem([odd], {7: READABLE_JOB}.get) == "job 7 has no valid status_at"


READABLE_ENTRY = {"job_history_id": 3, "status": "RUNNING", "status_at": "2026-12-04T19:37:31.469000", "message": ""}


@pytest.mark.parametrize("changes, expected", [
    ({}, None),
    ({"message": None}, None),
    ({"job_history_id": "3"}, "an entry has no valid job_history_id"),
    ({"job_history_id": False}, "an entry has no valid job_history_id"),
    ({"status": 1}, "entry 3 has no status"),
    ({"message": ["x"]}, "entry 3 has a message that is not text"),
    ({"status_at": None}, "entry 3 has no valid status_at"),
])
def test_history_problem_names_field(changes, expected):
    entry = dict(READABLE_ENTRY)
    entry.update(changes)
    assert jobs.history_problem([entry]) == expected


def test_history_problem_rejects_non_objects_and_accepts_empty():
    assert jobs.history_problem([READABLE_ENTRY, "RUNNING"]) == "an entry is not a history object"
    assert jobs.history_problem([]) is None
