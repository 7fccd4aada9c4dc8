"""Date-time parameters: pydantic 1 syntax, offsets dropped, timestamps, and the output format."""

from __future__ import annotations

from datetime import datetime

import pytest
from sandbox_test_support import ApiClient

from sandbox.validation import InvalidValue, parse_naive_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-01-01T10:20:30", datetime(2030, 1, 1, 10, 20, 30)),
        ("2030-01-01 10:20:30", datetime(2030, 1, 1, 10, 20, 30)),
        ("2030-01-01T10:20", datetime(2030, 1, 1, 10, 20)),
        ("2030-1-2T3:4:5", datetime(2030, 1, 2, 3, 4, 5)),
        ("2030-01-01T10:20:30.5", datetime(2030, 1, 1, 10, 20, 30, 500000)),
        ("2030-01-01T10:20:30.123456", datetime(2030, 1, 1, 10, 20, 30, 123456)),
        ("2030-01-01T10:20:30.123456789", datetime(2030, 1, 1, 10, 20, 30, 123456)),
        ("2030-01-01T10:20:30Z", datetime(2030, 1, 1, 10, 20, 30)),
        ("2030-01-01T10:20:30+05:00", datetime(2030, 1, 1, 10, 20, 30)),
        ("2030-01-01T10:20:30-0330", datetime(2030, 1, 1, 10, 20, 30)),
        ("2030-01-01T10:20:30+02", datetime(2030, 1, 1, 10, 20, 30)),
        ("2030-01-01T10:20:30.25+05:30", datetime(2030, 1, 1, 10, 20, 30, 250000)),
        ("2030-01-01T10:20:30\n", datetime(2030, 1, 1, 10, 20, 30)),
        ("0", datetime(1970, 1, 1)),
        ("1893456000", datetime(2030, 1, 1)),
        ("1893456000.25", datetime(2030, 1, 1, 0, 0, 0, 250000)),
        ("1893456000000", datetime(2030, 1, 1)),
        ("-86400", datetime(1969, 12, 31)),
        ("1e9", datetime(2001, 9, 9, 1, 46, 40)),
        ("inf", datetime.max),
        ("-inf", datetime.min),
    ],
)
def test_datetime_accepted(text: str, expected: datetime) -> None:
    assert parse_naive_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "2030-01-01",
        "2030-01-01T10",
        "2030/01/01 10:20",
        " 2030-01-01T10:20",
        "2030-01-01T10:20:30 ",
        "2030-01-01T10:20:30.1234567890123",
        "2030-01-01T10:20:30+5",
        "2030-01-01T10:20:30 UTC",
        "2030-02-30T10:20:30",
        "2030-01-01T24:00:00",
        "0000-01-01T00:00:00",
        "2030-01-01T10:20:30+24:00",
    ],
)
def test_datetime_rejected(text: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_naive_datetime(text)
    assert raised.value.msg == "invalid datetime format"
    assert raised.value.error_type == "value_error.datetime"
    assert raised.value.ctx is None


def test_datetime_nan_rejected_as_value_error() -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_naive_datetime("nan")
    assert raised.value.msg == "cannot convert float NaN to integer"
    assert raised.value.error_type == "value_error"


def test_offset_dropped_not_converted(api: ApiClient) -> None:
    job = api.create_job(next_attempt_at="2030-01-01T00:00:00+05:00")
    assert job["next_attempt_at"] == "2030-01-01T00:00:00.000000"
    utc_equivalent = datetime(2029, 12, 31, 19, 0, 0)
    stored = datetime.fromisoformat(job["next_attempt_at"])
    assert (stored - utc_equivalent).total_seconds() == 5 * 3600


def test_zulu_suffix_dropped(api: ApiClient) -> None:
    job = api.create_job(next_attempt_at="2030-03-04T05:06:07.8Z")
    assert job["next_attempt_at"] == "2030-03-04T05:06:07.800000"


def test_unix_timestamp_accepted(api: ApiClient) -> None:
    job = api.create_job(next_attempt_at="1893456000")
    assert job["next_attempt_at"] == "2030-01-01T00:00:00.000000"


def test_nan_rejected_over_http(api: ApiClient) -> None:
    response = api.post("/job/new", next_attempt_at="nan")
    assert response.status == 422
    assert response.json() == {
        "detail": [{"loc": ["query", "next_attempt_at"], "msg": "cannot convert float NaN to integer", "type": "value_error"}]
    }


def test_times_written_with_six_fraction_digits(api: ApiClient) -> None:
    job = api.create_job(next_attempt_at="2030-01-01T08:00")
    assert job["next_attempt_at"] == "2030-01-01T08:00:00.000000"
    assert job["created_at"] == "2030-01-01T12:00:00.000000"
