"""Parameter parsing with the error entries of FastAPI on pydantic 1.

The real server declares its parameters as typed FastAPI arguments, so every
rejected value produces one entry of a 422 body such as::

    {"loc": ["query", "limit"], "msg": "ensure this value is less than or equal to 100",
     "type": "value_error.number.not_le", "ctx": {"limit_value": 100}}

``Parameters`` reads the path and query values of one request in the order the
route declares them, path first and then query, as FastAPI does. It collects
one entry per bad value, so a request with several bad values gets several
entries.
The accepted syntax and the messages follow pydantic 1.10's validators.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

JOB_STATUSES = ("PENDING", "RUNNING", "DONE", "CANCELED")

# pydantic 1 rejects integer strings longer than this before calling int(),
# matching CPython's default limit on int() of a string.
MAX_INTEGER_STRING_LENGTH = 4300

# The ISO 8601 subset pydantic 1 accepts: 'T' or a space between date and time,
# optional seconds, a fraction whose digits after the sixth are dropped, and an
# optional 'Z' or +-HH[[:]MM] offset. Python's re matches Unicode digits with \d
# and lets '$' match before a final newline, and pydantic inherits both.
DATETIME_PATTERN = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ]"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:\.(?P<fraction>\d{1,6})\d{0,6})?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?$"
)

# NOTE: The real server's pydantic 1 minor version is unknown. These rules
# follow 1.10, where "0" means the epoch and older 1.x releases reject it.
UNIX_EPOCH = datetime(1970, 1, 1)
# pydantic 1 reads a number above this many seconds (year 2603) as
# milliseconds, dividing by 1000 until it is below.
MILLISECONDS_THRESHOLD = 2e10
# Beyond this magnitude pydantic 1 returns datetime.max or datetime.min.
MAX_TIMESTAMP = 3e20


class InvalidValue(Exception):
    """A value pydantic 1 would reject, with the fields of its error entry."""

    def __init__(self, msg: str, error_type: str, ctx: dict[str, Any] | None = None) -> None:
        super().__init__(msg)
        self.msg = msg
        self.error_type = error_type
        self.ctx = ctx


def parse_int(text: str) -> int:
    """Parse an integer the way pydantic 1's int validator does, which is Python's int()."""
    if len(text) > MAX_INTEGER_STRING_LENGTH:
        raise InvalidValue("value is not a valid integer", "type_error.integer")
    try:
        return int(text)
    except ValueError:
        raise InvalidValue("value is not a valid integer", "type_error.integer") from None


def check_bounds(value: int, minimum: int | None, maximum: int | None) -> int:
    """Apply the ``ge``/``le`` constraints of a FastAPI ``Query``."""
    if minimum is not None and value < minimum:
        raise InvalidValue(
            f"ensure this value is greater than or equal to {minimum}",
            "value_error.number.not_ge",
            {"limit_value": minimum},
        )
    if maximum is not None and value > maximum:
        raise InvalidValue(
            f"ensure this value is less than or equal to {maximum}",
            "value_error.number.not_le",
            {"limit_value": maximum},
        )
    return value


def parse_status(text: str) -> str:
    """Accept one of the job statuses, compared case-sensitively as a str Enum does."""
    if text in JOB_STATUSES:
        return text
    permitted = ", ".join(repr(status) for status in JOB_STATUSES)
    raise InvalidValue(
        f"value is not a valid enumeration member; permitted: {permitted}",
        "type_error.enum",
        {"enum_values": list(JOB_STATUSES)},
    )


def _datetime_from_timestamp(seconds: float) -> datetime:
    if seconds > MAX_TIMESTAMP:
        return datetime.max
    if seconds < -MAX_TIMESTAMP:
        return datetime.min
    while abs(seconds) > MILLISECONDS_THRESHOLD:
        seconds /= 1000
    try:
        return UNIX_EPOCH + timedelta(seconds=seconds)
    except ValueError as error:
        # Only NaN gets here. pydantic 1 reports the bare ValueError of
        # timedelta as a plain "value_error" entry with its text.
        raise InvalidValue(str(error), "value_error") from None


def parse_naive_datetime(text: str) -> datetime:
    """Parse a date-time as pydantic 1 does, then drop any offset without converting.

    A number (int or float syntax) is a Unix timestamp in UTC. The real server
    stores the wall time of an offset date-time as if it were UTC, so
    ``2030-01-01T00:00:00+05:00`` becomes ``2030-01-01T00:00:00``.
    """
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        return _datetime_from_timestamp(number)

    match = DATETIME_PATTERN.match(text)
    if match is None:
        raise InvalidValue("invalid datetime format", "value_error.datetime")

    fields = match.groupdict()
    offset = fields.pop("offset")
    fraction = fields.pop("fraction")
    numbers = {name: int(value) for name, value in fields.items() if value is not None}
    if fraction:
        numbers["microsecond"] = int(fraction.ljust(6, "0"))
    try:
        if offset is not None and offset != "Z":
            # An offset of 24 hours or more is invalid for pydantic too, even
            # though the offset itself is then dropped.
            minutes = 60 * int(offset[1:3]) + (int(offset[-2:]) if len(offset) > 3 else 0)
            timezone(timedelta(minutes=minutes))
        return datetime(**numbers)
    except ValueError:
        raise InvalidValue("invalid datetime format", "value_error.datetime") from None


class Parameters:
    """The path and query values of one request, read with their validation errors.

    Each ``path_*``/``query_*`` call returns the parsed value, or None after
    recording an error entry in ``errors``. Query strings use the last value of
    a repeated name, as Starlette's ``QueryParams.get`` does.
    """

    def __init__(self, path_values: dict[str, str], query_values: dict[str, str]) -> None:
        self.path_values = path_values
        self.query_values = query_values
        self.errors: list[dict[str, Any]] = []

    def _record(self, location: str, name: str, invalid: InvalidValue) -> None:
        entry: dict[str, Any] = {"loc": [location, name], "msg": invalid.msg, "type": invalid.error_type}
        if invalid.ctx is not None:
            entry["ctx"] = invalid.ctx
        self.errors.append(entry)

    def path_int(self, name: str) -> int | None:
        try:
            return parse_int(self.path_values[name])
        except InvalidValue as invalid:
            self._record("path", name, invalid)
            return None

    def query_int(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        if name not in self.query_values:
            return default
        try:
            return check_bounds(parse_int(self.query_values[name]), minimum, maximum)
        except InvalidValue as invalid:
            self._record("query", name, invalid)
            return None

    def query_status(self, name: str) -> str | None:
        if name not in self.query_values:
            return None
        try:
            return parse_status(self.query_values[name])
        except InvalidValue as invalid:
            self._record("query", name, invalid)
            return None

    def query_datetime(self, name: str) -> datetime | None:
        if name not in self.query_values:
            return None
        try:
            return parse_naive_datetime(self.query_values[name])
        except InvalidValue as invalid:
            self._record("query", name, invalid)
            return None

    def query_str(self, name: str) -> str | None:
        return self.query_values.get(name)
