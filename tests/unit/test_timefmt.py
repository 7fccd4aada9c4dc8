"""console.timefmt: calendar math, API timestamps, local times and wording.

CPython's ``datetime`` is the oracle: the module exists because MicroPython's
``datetime`` lacks what the console needs, so every date the tests expect is
computed here with ``datetime`` rather than copied from the module.
"""

import calendar
import random
from datetime import date, datetime, timedelta, timezone

import pytest

from console import timefmt

UNIX_EPOCH_DATE = date(1970, 1, 1)
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# A float epoch keeps whole microseconds exact while |epoch| < 2**32 s.
EXACT_MICROSECOND_RANGE = (
    datetime(1833, 11, 25, tzinfo=timezone.utc),
    datetime(2106, 2, 6, tzinfo=timezone.utc),
)


def day_number(day):
    return (day - UNIX_EPOCH_DATE).days


def utc_epoch(*fields):
    return datetime(*fields, tzinfo=timezone.utc).timestamp()


def is_leap(year):
    # Proleptic Gregorian rule, written out so that it also covers year 0 and negative years.
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year, month):
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def previous_date(year, month, day):
    if day > 1:
        return year, month, day - 1
    if month > 1:
        return year, month - 1, month_length(year, month - 1)
    return year - 1, 12, 31


def dates_between(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- days_from_civil and civil_from_days -----------------------------------


def test_unix_epoch_is_day_zero():
    assert timefmt.days_from_civil(1970, 1, 1) == 0
    assert timefmt.civil_from_days(0) == (1970, 1, 1)


def test_days_from_civil_matches_datetime():
    mismatches = []
    for day in dates_between(date(1900, 1, 1), date(2100, 12, 31)):
        got = timefmt.days_from_civil(day.year, day.month, day.day)
        if got != day_number(day):
            mismatches.append((day.isoformat(), got, day_number(day)))

    assert mismatches[:5] == []


def test_civil_from_days_matches_datetime():
    mismatches = []
    for day in dates_between(date(1900, 1, 1), date(2100, 12, 31)):
        got = timefmt.civil_from_days(day_number(day))
        if got != (day.year, day.month, day.day):
            mismatches.append((day_number(day), got, day.isoformat()))

    assert mismatches[:5] == []


def test_calendar_random_days_match_datetime():
    rng = random.Random(20261204)
    first = day_number(date(1, 1, 1))
    last = day_number(date(9999, 12, 31))
    mismatches = []
    for _ in range(20000):
        number = rng.randint(first, last)
        day = UNIX_EPOCH_DATE + timedelta(days=number)
        if timefmt.civil_from_days(number) != (day.year, day.month, day.day):
            mismatches.append(("civil_from_days", number))
        if timefmt.days_from_civil(day.year, day.month, day.day) != number:
            mismatches.append(("days_from_civil", day.isoformat()))

    assert mismatches[:5] == []


@pytest.mark.parametrize("year", [1600, 1700, 1800, 1900, 1996, 2000, 2023, 2024, 2100, 2400])
def test_february_length_follows_century_rule(year):
    february_29 = timefmt.days_from_civil(year, 2, 28) + 1
    expected = (year, 2, 29) if calendar.isleap(year) else (year, 3, 1)

    assert timefmt.civil_from_days(february_29) == expected
    assert timefmt.days_from_civil(year, 3, 1) - timefmt.days_from_civil(year, 2, 1) == (
        29 if calendar.isleap(year) else 28)


def test_calendar_before_year_one():
    # datetime stops at year 1, so walk back day by day from 0001-01-01 with
    # the proleptic Gregorian rule, across two 400-year eras and year 0 (a leap year).
    number = day_number(date(1, 1, 1))
    expected = (1, 1, 1)
    mismatches = []
    while expected[0] >= -801:
        if timefmt.civil_from_days(number) != expected:
            mismatches.append(("civil_from_days", number, expected))
        if timefmt.days_from_civil(*expected) != number:
            mismatches.append(("days_from_civil", expected, number))
        number -= 1
        expected = previous_date(*expected)

    assert mismatches[:5] == []


# --- parse_api_time ---------------------------------------------------------


@pytest.mark.parametrize("text, fields", [
    ("2026-12-04T19:37:31.469000", (2026, 12, 4, 19, 37, 31, 469000)),
    ("2026-12-04T19:37:31.469000Z", (2026, 12, 4, 19, 37, 31, 469000)),
    ("2026-12-04T19:37:31.469000+00:00", (2026, 12, 4, 19, 37, 31, 469000)),
    ("2026-12-04T19:37:31", (2026, 12, 4, 19, 37, 31)),
    ("2026-12-04T19:37:31Z", (2026, 12, 4, 19, 37, 31)),
    ("2026-12-04T19:37", (2026, 12, 4, 19, 37)),
    ("2026-12-04T19:37Z", (2026, 12, 4, 19, 37)),
    ("2026-12-04 19:37:31", (2026, 12, 4, 19, 37, 31)),
    ("2026-12-04T19:37:31.5", (2026, 12, 4, 19, 37, 31, 500000)),
    ("2026-12-04T19:37:31.000001", (2026, 12, 4, 19, 37, 31, 1)),
    ("  2026-12-04T19:37:31.469000\n", (2026, 12, 4, 19, 37, 31, 469000)),
    ("2024-02-29T23:59:59.999999", (2024, 2, 29, 23, 59, 59, 999999)),
    ("2000-02-29T00:00:00", (2000, 2, 29)),
    ("1969-12-31T23:59:59", (1969, 12, 31, 23, 59, 59)),
    ("1900-03-01T00:00:00.250000", (1900, 3, 1, 0, 0, 0, 250000)),
])
def test_parse_api_time_reads_utc(text, fields):
    assert timefmt.parse_api_time(text) == pytest.approx(utc_epoch(*fields), abs=1e-6)


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "not a time",
    "2026-12-04",
    "2026-12-04T19",
    "2026-12-04T19:3",
    "2026-12-04T19:37:",
    "2026-12-04T19:37:3",
    "2026-12-04T19:37:31.",
    "2026-12-04T19:37:31.46a",
    "2026-12-04T19:37:31,469",
    "2026-12-04T19:37:31+05:00",
    "2026-12-04T19:37:31-03:30",
    "2026-12-04T19:37:31.469000+09:30",
    "2026-12-04T19:37+05:45",
    "2026-12-04T19:37:31-00:00",
    "2026-12-04T19:37:31+0000",
    "2026-12-04T19:37:31ZZ",
    "2026-12-04T19:37:31 UTC",
    "2026-12-04t19:37:31",
    "2026/12/04T19:37:31",
    "26-12-04T19:37:31",
    "+2026-12-04T19:37",
    "2026-13-01T00:00",
    "2026-00-10T00:00",
    "2026-12-00T00:00",
    "2026-12-32T00:00",
    "2026-12-04T24:00",
    "2026-12-04T19:60",
    "2026-12-04T19:37:60",
    "2026-1-04T19:37:31",
    "\u0662\u0660\u0662\u0666-12-04T19:37",
    "2026-12-04T19:37:31.\u0664\u0666\u0669",
    "2026-12-04T\u00b919:37",
])
def test_parse_api_time_rejects(text):
    with pytest.raises(ValueError):
        timefmt.parse_api_time(text)


@pytest.mark.parametrize("value", [None, 1764877051, 1764877051.5, b"2026-12-04T19:37:31"])
def test_parse_api_time_rejects_non_strings(value):
    with pytest.raises(ValueError):
        timefmt.parse_api_time(value)


def test_parse_cached_time_same_epoch():
    text = "2026-12-04T19:37:31.469000"
    first = timefmt.parse_api_time(text)
    again = timefmt.parse_api_time(text)

    assert first == again == utc_epoch(2026, 12, 4, 19, 37, 31) + 0.469


def test_parse_api_time_rejects_bad_text_every_time():
    # A failed parse is not remembered as a result.
    for _ in range(2):
        with pytest.raises(ValueError):
            timefmt.parse_api_time("2026-12-04T19:37:61")


def test_parse_cache_overflow_stays_correct():
    start = utc_epoch(2026, 12, 4, 0, 0, 0)
    count = timefmt.PARSE_CACHE_SIZE * 2 + 7
    texts = [timefmt.format_api_time(start + second) for second in range(count)]
    wrong = [text for second, text in enumerate(texts) if timefmt.parse_api_time(text) != start + second]
    # Read the first ones again after the cache has been emptied and refilled.
    wrong += [text for second, text in enumerate(texts[:5]) if timefmt.parse_api_time(text) != start + second]

    assert wrong == []
    assert len(timefmt._parsed) <= timefmt.PARSE_CACHE_SIZE


# --- format_api_time, format_iso_utc ----------------------------------------


def test_api_time_round_trip():
    rng = random.Random(4)
    first, last = (int(moment.timestamp()) for moment in EXACT_MICROSECOND_RANGE)
    mismatches = []
    for _ in range(20000):
        moment = UNIX_EPOCH + timedelta(microseconds=rng.randint(first * 10**6, last * 10**6))
        text = moment.replace(tzinfo=None).isoformat(timespec="microseconds")
        got = timefmt.format_api_time(timefmt.parse_api_time(text))
        if got != text:
            mismatches.append((text, got))

    assert mismatches[:5] == []


def test_api_time_round_trip_current_times():
    # Times near now, the ones the API actually sends, in steps of 997 microseconds.
    start = utc_epoch(2026, 12, 31, 23, 59, 59)
    mismatches = []
    for step in range(3000):
        moment = UNIX_EPOCH + timedelta(seconds=start, microseconds=step * 997)
        text = moment.replace(tzinfo=None).isoformat(timespec="microseconds")
        got = timefmt.format_api_time(timefmt.parse_api_time(text))
        if got != text:
            mismatches.append((text, got))

    assert mismatches[:5] == []


@pytest.mark.parametrize("epoch, expected", [
    (0, "1970-01-01T00:00:00.000000"),
    (-0.5, "1969-12-31T23:59:59.500000"),
    (-0.000001, "1969-12-31T23:59:59.999999"),
    (-1, "1969-12-31T23:59:59.000000"),
    (-86400, "1969-12-31T00:00:00.000000"),
    (-86401, "1969-12-30T23:59:59.000000"),
])
def test_format_api_time_negative_epochs(epoch, expected):
    assert timefmt.format_api_time(epoch) == expected


def test_format_api_time_matches_datetime():
    rng = random.Random(1833)
    first, last = (int(moment.timestamp()) for moment in EXACT_MICROSECOND_RANGE)
    mismatches = []
    for _ in range(20000):
        micros = rng.randint(first * 10**6, last * 10**6)
        expected = (UNIX_EPOCH + timedelta(microseconds=micros)).replace(tzinfo=None)
        got = timefmt.format_api_time(micros / 10**6)
        if got != expected.isoformat(timespec="microseconds"):
            mismatches.append((micros, got))

    assert mismatches[:5] == []


def test_parse_api_time_before_1970():
    assert timefmt.parse_api_time("1969-12-31T23:59:59") == -1
    assert timefmt.parse_api_time("1969-12-31T23:59:59.5") == pytest.approx(-0.5, abs=1e-9)
    assert timefmt.parse_api_time("1900-01-01T00:00:00") == utc_epoch(1900, 1, 1)


def test_format_iso_utc_truncates_to_milliseconds():
    epoch = timefmt.parse_api_time("2026-12-31T23:59:59.999999")

    assert timefmt.format_iso_utc(epoch) == "2026-12-31T23:59:59.999Z"


def test_format_iso_utc_matches_datetime():
    epoch = utc_epoch(2026, 12, 4, 19, 37, 31, 469000)
    expected = datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds")

    assert timefmt.format_iso_utc(epoch) == expected.replace("+00:00", "Z")


# --- local times at a UTC offset --------------------------------------------

OFFSETS_MINUTES = [0, 60, -60, 570, -210, 345, 330, -570, 840, -720, 765]


@pytest.mark.parametrize("offset_minutes", OFFSETS_MINUTES)
def test_format_clock_at_offset(offset_minutes):
    epoch = utc_epoch(2026, 12, 4, 19, 37, 31, 900000)
    local = datetime.fromtimestamp(epoch, timezone(timedelta(minutes=offset_minutes)))

    assert timefmt.format_clock(epoch, offset_minutes) == local.strftime("%H:%M:%S")
    assert timefmt.format_clock(epoch, offset_minutes, seconds=False) == local.strftime("%H:%M")


@pytest.mark.parametrize("offset_minutes", OFFSETS_MINUTES)
def test_format_date_time_crosses_midnight(offset_minutes):
    # Half an hour before New Year in UTC: most offsets move the local date.
    epoch = utc_epoch(2026, 12, 31, 23, 30, 0)
    local = datetime.fromtimestamp(epoch, timezone(timedelta(minutes=offset_minutes)))

    assert timefmt.format_date_time(epoch, offset_minutes) == local.strftime("%Y-%m-%d %H:%M:%S")


def test_format_date_time_leap_day_offset():
    epoch = utc_epoch(2024, 2, 28, 20, 0, 0)

    assert timefmt.format_date_time(epoch, 345) == "2024-02-29 01:45:00"
    assert timefmt.format_date_time(epoch + 86400, 345) == "2024-03-01 01:45:00"


def test_format_date_time_negative_epoch():
    assert timefmt.format_date_time(-1, 0) == "1969-12-31 23:59:59"
    assert timefmt.format_date_time(0, -210) == "1969-12-31 20:30:00"


@pytest.mark.parametrize("offset_minutes, expected", [
    (0, "UTC"),
    (60, "UTC+01:00"),
    (570, "UTC+09:30"),
    (-210, "UTC-03:30"),
    (345, "UTC+05:45"),
    (-30, "UTC-00:30"),
    (840, "UTC+14:00"),
    (-720, "UTC-12:00"),
])
def test_format_offset_names_offset(offset_minutes, expected):
    assert timefmt.format_offset(offset_minutes) == expected


# --- relative times and durations -------------------------------------------

NOW = 1_796_413_051.0


@pytest.mark.parametrize("delta, expected", [
    (0, "just now"),
    (0.9, "just now"),
    (-0.9, "just now"),
    (1, "in 1 s"),
    (-1, "1 s ago"),
    (1.5, "in 1 s"),
    (59, "in 59 s"),
    (59.9, "in 59 s"),
    (-59, "59 s ago"),
    (60, "in 1 min"),
    (-60, "1 min ago"),
    (119, "in 1 min"),
    (3599, "in 59 min"),
    (-3599, "59 min ago"),
    (3600, "in 1 h"),
    (3660, "in 1 h 1 min"),
    (7500, "in 2 h 5 min"),
    (86399, "in 23 h 59 min"),
    (86400, "in 1 d"),
    (-86400, "1 d ago"),
    (90000, "in 1 d 1 h"),
    (3 * 86400 + 4 * 3600 + 59 * 60, "in 3 d 4 h"),
])
def test_format_relative_boundaries(delta, expected):
    assert timefmt.format_relative(NOW + delta, NOW) == expected


@pytest.mark.parametrize("delta, expected", [
    (8, "in 8 s"),
    (1, "in 1 s"),
    (0.999, "due now"),
    (0.2, "due now"),
    (0, "due now"),
    (-0.999, "due now"),
    (-1, "due 1 s ago"),
    (-12.5, "due 12 s ago"),
    (-3600, "due 1 h ago"),
])
def test_format_due_boundaries(delta, expected):
    assert timefmt.format_due(NOW + delta, NOW) == expected


@pytest.mark.parametrize("seconds, expected", [
    (0, "0 ms"),
    (0.85, "850 ms"),
    (0.9999, "999 ms"),
    (1, "1 s"),
    (42, "42 s"),
    (59.99, "59 s"),
    (60, "1 min"),
    (185, "3 min 5 s"),
    (599, "9 min 59 s"),
    (605, "10 min"),
    (3599, "59 min"),
    (3600, "1 h"),
    (7500, "2 h 5 min"),
    (86399, "23 h 59 min"),
    (86400, "1 d"),
    (3 * 86400 + 4 * 3600, "3 d 4 h"),
    (-42, "42 s"),
])
def test_format_duration_units(seconds, expected):
    assert timefmt.format_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [
    (0, "0 s"),
    (0.452, "0 s"),
    (1, "1 s"),
    (1.9, "1 s"),
    (185.7, "3 min 5 s"),
    (7500.5, "2 h 5 min"),
])
def test_format_elapsed_whole_seconds(seconds, expected):
    assert timefmt.format_elapsed(seconds) == expected


# --- parse_local_input: the datetime-local form field -----------------------


@pytest.mark.parametrize("text, expected", [
    ("2026-12-04T19:37", (2026, 12, 4, 19, 37)),
    (" 2026-12-04T19:37 ", (2026, 12, 4, 19, 37)),
    ("2026-12-04T19:37:45", (2026, 12, 4, 19, 37)),
    ("2024-02-29T10:00", (2024, 2, 29, 10, 0)),
    ("2000-02-29T10:00", (2000, 2, 29, 10, 0)),
])
def test_parse_local_input_accepts(text, expected):
    assert timefmt.parse_local_input(text) == expected


@pytest.mark.parametrize("text", ["2026-02-29T10:00", "2100-02-29T10:00", "2026-02-30T10:00",
                                  "2026-04-31T10:00", "2026-02-31T00:00"])
def test_parse_local_input_missing_date(text):
    with pytest.raises(ValueError, match="That date does not exist"):
        timefmt.parse_local_input(text)


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_local_input_empty(text):
    with pytest.raises(ValueError, match="Choose a date and time"):
        timefmt.parse_local_input(text)


@pytest.mark.parametrize("text", ["tomorrow", "2026-12-04", "04/12/2026 19:37", "2026-12-04T19:37+05:00"])
def test_parse_local_input_malformed(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        timefmt.parse_local_input(text)


@pytest.mark.parametrize("days,expected", [(364, "in 364 d"), (365, "in 1 y"), (800, "in 2 y"), (36525, "in 100 y")])
def test_relative_far_future_in_years(days, expected):
    now = 1_800_000_000.0
    assert timefmt.format_relative(now + days * 86400 + 1, now) == expected


# --- The range of times the jobs API can store: the years 1 to 9999 in UTC ----


def test_api_range_matches_python_datetime():
    # The API keeps times as Python datetimes, so datetime.min and datetime.max bound it.
    assert timefmt.API_EARLIEST == utc_epoch(*datetime.min.timetuple()[:6])
    assert timefmt.API_END == utc_epoch(*datetime.max.timetuple()[:6]) + 1


@pytest.mark.parametrize("fields", [(1, 1, 1), (1, 1, 1, 0, 0, 1), (1970, 1, 1), (9999, 12, 31, 23, 59, 59)])
def test_api_range_side_inside(fields):
    assert timefmt.api_range_side(utc_epoch(*fields)) == 0


def test_api_range_side_edges():
    assert timefmt.api_range_side(timefmt.API_EARLIEST - 1) == -1
    assert timefmt.api_range_side(timefmt.API_EARLIEST - 0.001) == -1
    assert timefmt.api_range_side(timefmt.API_EARLIEST) == 0
    assert timefmt.api_range_side(timefmt.API_END - 0.001) == 0
    assert timefmt.api_range_side(timefmt.API_END) == 1
    assert timefmt.api_range_side(timefmt.API_END + 86400 * 366) == 1


def test_api_range_side_year_0_and_10000():
    # datetime cannot build these years, so the epochs come from the module's own calendar.
    year_0 = timefmt.days_from_civil(0, 12, 31) * 86400 + 23 * 3600 + 59 * 60
    year_10000 = timefmt.days_from_civil(10000, 1, 1) * 86400 + 4 * 3600 + 59 * 60
    assert timefmt.api_range_side(year_0) == -1
    assert timefmt.api_range_side(year_10000) == 1


@pytest.mark.parametrize("text, expected", [
    ("2026-12-04T19:37", 2026),
    (" 0001-01-01T00:00", 1),
    ("9999-12-31T23:59", 9999),
    ("10000-01-01T00:00", 10000),
    ("275760-09-13T00:00", 275760),
    ("2026", 2026),
])
def test_local_input_year_read(text, expected):
    assert timefmt.local_input_year(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "tomorrow", "-2026-12-04T19:37", "+10000-01-01T00:00",
                                  "２０２６-12-04T19:37", "20²6-12-04T19:37"])
def test_local_input_year_absent(text):
    assert timefmt.local_input_year(text) is None
