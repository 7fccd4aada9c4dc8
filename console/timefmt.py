"""Parse and format the API's timestamps without ``datetime``.

The API writes naive UTC times with microseconds (``2026-12-04T19:37:31.469000``)
and accepts naive UTC times, since it drops any offset. MicroPython's
``datetime`` lacks ``strftime`` and ``fromisoformat`` rejects ``Z``, so this
module works on plain epoch seconds (floats) with its own calendar arithmetic.
A local time is an epoch plus a UTC offset in minutes, which the page reads
from the browser for each instant, because only the browser has the zone's
rules.
"""

SECONDS_PER_DAY = 86400


def days_from_civil(year, month, day):
    """Return days since 1970-01-01 for a proleptic Gregorian date."""
    if month <= 2:
        year -= 1
    # Python's // already floors, so negative years need no C-style adjustment.
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def civil_from_days(days):
    """Return (year, month, day) for a count of days since 1970-01-01."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524
                   - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + (3 if month_index < 10 else -9)
    year = year_of_era + era * 400
    if month <= 2:
        year += 1
    return year, month, day


def _digits(value, start, count, name, text):
    # isdigit() is exact only because _parse has checked that value is ASCII:
    # CPython's also accepts digits such as "²" and "٤", MicroPython's does not.
    part = value[start:start + count]
    if len(part) != count or not part.isdigit():
        raise ValueError("invalid timestamp %r: bad %s" % (text, name))
    return int(part)


# Parsed timestamps by their text. Every refresh meets the same few hundred
# timestamps again, and in the page a parse costs about 20 times a lookup.
_parsed = {}
PARSE_CACHE_SIZE = 2000


def parse_api_time(text):
    """Return epoch seconds for an API timestamp, read as UTC.

    Accepts ``YYYY-MM-DDTHH:MM[:SS[.ffffff]]`` with an optional ``Z`` or
    ``+00:00``; any other offset is rejected because the API never sends one.
    Raises ValueError on anything else.
    """
    if not isinstance(text, str):
        raise ValueError("invalid timestamp %r: not a string" % (text,))
    epoch = _parsed.get(text)
    if epoch is None:
        epoch = _parse(text)
        if len(_parsed) >= PARSE_CACHE_SIZE:
            _parsed.clear()
        _parsed[text] = epoch
    return epoch


def _parse(text):
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1]
    elif value.endswith("+00:00"):
        value = value[:-6]
    size = len(value)
    # One length check proves the text is ASCII: a UTF-8 encoding is longer otherwise.
    if size < 16 or len(value.encode()) != size or value[4] != "-" or value[7] != "-" \
            or value[10] not in "T " or value[13] != ":":
        raise ValueError("invalid timestamp %r" % (text,))
    year = _digits(value, 0, 4, "year", text)
    month = _digits(value, 5, 2, "month", text)
    day = _digits(value, 8, 2, "day", text)
    hour = _digits(value, 11, 2, "hour", text)
    minute = _digits(value, 14, 2, "minute", text)
    second = 0
    fraction = 0.0
    if size > 16:
        if value[16] != ":":
            raise ValueError("invalid timestamp %r" % (text,))
        second = _digits(value, 17, 2, "second", text)
        if size > 19:
            if value[19] != "." or size == 20:
                raise ValueError("invalid timestamp %r: bad fraction" % (text,))
            fraction = _digits(value, 20, size - 20, "fraction", text) / (10 ** (size - 20))
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60
            and second < 60):
        raise ValueError("invalid timestamp %r: field out of range" % (text,))
    days = days_from_civil(year, month, day)
    return days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second + fraction


def split_epoch(epoch):
    """Return (year, month, day, hour, minute, second, microsecond) in UTC."""
    # NOTE: a float epoch keeps whole microseconds exact only while |epoch| < 2**32 s
    # (1833-11-24 to 2106-02-07); outside that range the microseconds can be off.
    micros_total = int(round(epoch * 1000000))
    seconds_total, micros = divmod(micros_total, 1000000)
    days, seconds = divmod(seconds_total, SECONDS_PER_DAY)
    year, month, day = civil_from_days(days)
    hour, rest = divmod(seconds, 3600)
    minute, second = divmod(rest, 60)
    return year, month, day, hour, minute, second, micros


def format_api_time(epoch):
    """Return the naive UTC form the API accepts, with microseconds."""
    year, month, day, hour, minute, second, micros = split_epoch(epoch)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06d" % (
        year, month, day, hour, minute, second, micros)


def format_iso_utc(epoch):
    """Return ISO 8601 UTC with a ``Z`` and milliseconds, for exports and tooltips."""
    year, month, day, hour, minute, second, micros = split_epoch(epoch)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        year, month, day, hour, minute, second, micros // 1000)


def format_clock(epoch, offset_minutes=0, seconds=True):
    """Return ``HH:MM:SS`` (or ``HH:MM``) of an instant at a UTC offset."""
    parts = split_epoch(epoch + offset_minutes * 60)
    if seconds:
        return "%02d:%02d:%02d" % parts[3:6]
    return "%02d:%02d" % parts[3:5]


def format_date_time(epoch, offset_minutes=0):
    """Return ``YYYY-MM-DD HH:MM:SS`` of an instant at a UTC offset."""
    year, month, day, hour, minute, second, _ = split_epoch(epoch + offset_minutes * 60)
    return "%04d-%02d-%02d %02d:%02d:%02d" % (year, month, day, hour, minute, second)


def format_offset(offset_minutes):
    """Return ``UTC``, ``UTC+09:30`` or ``UTC-06:00`` for an offset east of UTC."""
    if offset_minutes == 0:
        return "UTC"
    sign = "+" if offset_minutes > 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return "UTC%s%02d:%02d" % (sign, hours, minutes)


def format_duration(seconds):
    """Return a short duration: ``850 ms``, ``42 s``, ``3 min 5 s``, ``2 h 5 min``, ``3 d 4 h``."""
    if seconds < 0:
        seconds = -seconds
    if seconds < 1:
        return "%d ms" % int(seconds * 1000)
    whole = int(seconds)
    if whole < 60:
        return "%d s" % whole
    minutes, secs = divmod(whole, 60)
    if minutes < 10 and secs:
        return "%d min %d s" % (minutes, secs)
    return _coarse_duration(whole)


def format_elapsed(seconds):
    """Return the time spent so far in a state, in whole seconds: ``0 s``, ``42 s``, ``3 min 5 s``.

    The page redraws it once a second, so milliseconds would show a
    different stale figure after each redraw.
    """
    return format_duration(int(seconds)) if seconds >= 1 else "0 s"


def _years(days):
    # Whole 365-day years: close enough for "in 73 y", and never used for dates.
    return "%d y" % (days // 365)


def format_relative(target, now):
    """Return ``in 8 s``, ``12 s ago`` or ``just now`` for target seen from now."""
    delta = target - now
    if -1 < delta < 1:
        return "just now"
    text = _coarse_duration(abs(delta))
    return "in " + text if delta > 0 else text + " ago"


def format_due(target, now):
    """Return ``in 8 s``, ``due now`` or ``due 12 s ago`` for a time something is due."""
    delta = target - now
    if -1 < delta < 1:
        return "due now"
    text = format_relative(target, now)
    return "due " + text if delta < 0 else text


def _coarse_duration(seconds):
    # Relative times need one or two units only: "2 h 5 min", never seconds past an hour.
    whole = int(seconds)
    if whole < 60:
        return "%d s" % whole
    minutes = whole // 60
    if minutes < 60:
        return "%d min" % minutes
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return "%d h %d min" % (hours, minutes) if minutes else "%d h" % hours
    days, hours = divmod(hours, 24)
    if days >= 365:
        return _years(days)
    return "%d d %d h" % (days, hours) if hours else "%d d" % days


def parse_local_input(text):
    """Return (year, month, day, hour, minute) from a ``datetime-local`` value.

    Raises ValueError with a sentence fit for the form when the text is not a
    complete date and time.
    """
    value = (text or "").strip()
    if not value:
        raise ValueError("Choose a date and time, or pick Run now.")
    try:
        epoch = parse_api_time(value)
    except ValueError:
        raise ValueError("Enter the date and time as YYYY-MM-DD HH:MM.")
    year, month, day, hour, minute, _, _ = split_epoch(epoch)
    if day != int(value[8:10]):
        raise ValueError("That date does not exist.")
    return year, month, day, hour, minute


# The jobs API stores times as Python datetimes, which support the years 1 to
# 9999, and rejects any other year. The range in epoch seconds, UTC:
API_EARLIEST = days_from_civil(1, 1, 1) * SECONDS_PER_DAY
API_END = days_from_civil(10000, 1, 1) * SECONDS_PER_DAY  # the first instant past the range


def api_range_side(epoch):
    """Place an instant against the range the jobs API can store: -1 before it, 1 after it, 0 inside."""
    if epoch < API_EARLIEST:
        return -1
    if epoch >= API_END:
        return 1
    return 0


def local_input_year(text):
    """Return the year at the start of a ``datetime-local`` value, or None when it starts with no digits.

    Browsers allow years up to 275760 in that field, and parse_local_input
    reads four digits only, so the form checks for longer years with this.
    """
    value = (text or "").strip()
    digits = value.split("-", 1)[0]
    # The length check keeps out non-ASCII digits, which CPython's isdigit() accepts.
    if not digits or len(digits.encode()) != len(digits) or not digits.isdigit():
        return None
    return int(digits)
