"""Estimate how far the API's clock is from the browser's.

Each response's ``Date`` header gives the server's time to the second. A
response sent at browser time ``sent`` and received at ``received`` was
stamped at a server time within ``[date, date + 1)`` and within
``[sent + offset, received + offset]``, so ``offset`` lies in
``[date - received, date + 1 - sent]``. Intersecting those bounds over many
responses narrows the estimate to well under a second.
"""

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_http_date(text):
    """Return epoch seconds of an RFC 9110 IMF-fixdate, or None when it is not one."""
    from console import timefmt
    try:
        parts = text.split()
        if len(parts) != 6 or parts[5] != "GMT":
            return None
        day = int(parts[1])
        month = MONTHS.index(parts[2]) + 1
        year = int(parts[3])
        hour, minute, second = [int(x) for x in parts[4].split(":")]
    except (ValueError, AttributeError):
        return None
    return (timefmt.days_from_civil(year, month, day) * 86400
            + hour * 3600 + minute * 60 + second)


class SkewEstimator:
    """Offset of the server clock from the browser clock, in seconds (server minus browser)."""

    def __init__(self):
        self.lower = None
        self.upper = None

    def add(self, date_header, sent, received):
        """Narrow the estimate with one response; ignore a missing or bad header."""
        server = parse_http_date(date_header) if date_header else None
        if server is None:
            return
        lower = server - received
        upper = server + 1 - sent
        if self.lower is None or lower > self.upper or upper < self.lower:
            # First sample, or one clock jumped: start again from this response.
            self.lower, self.upper = lower, upper
            return
        self.lower = max(self.lower, lower)
        self.upper = min(self.upper, upper)

    def offset(self):
        """Return the best estimate in seconds, 0.0 before any response."""
        if self.lower is None:
            return 0.0
        return (self.lower + self.upper) / 2
