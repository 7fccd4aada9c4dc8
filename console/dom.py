"""Small DOM helpers shared by the console's views (browser only).

Text from the API reaches the page only through ``textContent`` and
attributes, never through ``innerHTML``. Writes that must skip unchanged
values go through console.patch.Patcher.
"""

import time

import js
from pyscript import document
from pyscript.ffi import is_none

from console import timefmt


def by_id(name):
    return document.getElementById(name)


def missing(value):
    """Return True for a JS null or undefined as well as Python None."""
    return value is None or is_none(value)


def template_row(template_id):
    """Return the first element of a ``<template>``, to copy with ``cloneNode(True)``."""
    return by_id(template_id).content.firstElementChild


class TimeDisplay:
    """The clock and zone the page shows times in.

    ``now()`` is the browser's clock corrected by the offset estimated from
    the API's ``Date`` headers, so relative times match the API's clock. The
    zone is the browser's, or UTC when the user switches to it.
    """

    def __init__(self, skew):
        self.skew = skew
        self.utc = False
        self.zone_name = str(js.Intl.DateTimeFormat.new().resolvedOptions().timeZone or "local time")
        self._offsets = {}
        self._today_key = None
        self._today = None

    def now(self):
        return time.time() + self.skew.offset()

    def local_offset(self, epoch):
        """Return the browser zone's offset east of UTC in minutes at an instant."""
        # Offsets change on quarter hours, so one look-up per 15 min is exact for modern times.
        # NOTE: older offsets can have seconds (Tokyo +09:18:59 before 1888, Liberia -00:44:30
        # until 1972, per the tz database), which whole minutes round, so such times can be a minute off.
        bucket = int(epoch // 900)
        offset = self._offsets.get(bucket)
        if offset is None:
            stamp = js.Date.new(timefmt.format_iso_utc(bucket * 900))
            offset = -int(stamp.getTimezoneOffset())
            if len(self._offsets) > 4096:
                self._offsets = {}
            self._offsets[bucket] = offset
        return offset

    def offset(self, epoch):
        return 0 if self.utc else self.local_offset(epoch)

    def parts(self, epoch):
        """Return (year, month, day, hour, minute, second, microsecond) in the zone shown."""
        return timefmt.split_epoch(epoch + self.offset(epoch) * 60)

    def zone_is_utc(self):
        return self.zone_name in ("UTC", "Etc/UTC") and self.local_offset(self.now()) == 0

    def zone_label(self):
        """Return the zone in use, e.g. ``America/Chicago (UTC-06:00)`` or ``UTC``."""
        offset = timefmt.format_offset(self.local_offset(self.now()))
        if self.utc or (self.zone_name in ("UTC", "Etc/UTC") and offset == "UTC"):
            return "UTC"
        return "%s (%s)" % (self.zone_name, offset)

    def today(self):
        """Return (year, month, day) of now in the zone shown, recomputed once per second."""
        second = int(time.time())
        key = (second, self.utc)
        if self._today_key != key:
            self._today_key = key
            self._today = self.parts(self.now())[:3]
        return self._today

    def short(self, epoch):
        """Return the time of day, with the date when it is not today."""
        return _short_text(self.parts(epoch), self.today())

    def full(self, epoch):
        """Return the exact local and UTC time, for a tooltip."""
        return self._full_text(*self._split(epoch))

    def short_and_full(self, epoch):
        """Return ``(short(epoch), full(epoch))``, splitting the instant as few times as the zones allow."""
        local, local_parts, utc_parts = self._split(epoch)
        displayed_parts = utc_parts if self.utc else local_parts
        return _short_text(displayed_parts, self.today()), self._full_text(local, local_parts, utc_parts)

    def _split(self, epoch):
        # Returns (local offset in minutes, local parts, UTC parts); in a UTC zone both parts are one split.
        local = self.local_offset(epoch)
        local_parts = timefmt.split_epoch(epoch + local * 60)
        utc_parts = local_parts if local == 0 else timefmt.split_epoch(epoch)
        return local, local_parts, utc_parts

    def _full_text(self, local, local_parts, utc_parts):
        if local == 0 and self.zone_name in ("UTC", "Etc/UTC"):
            # In a UTC browser both lines would repeat one time, as "... UTC (UTC)" and "... UTC".
            return "%s UTC" % _date_time_text(utc_parts)
        return "%s %s (%s)\n%s UTC" % (_date_time_text(local_parts), self.zone_name,
                                       timefmt.format_offset(local), _date_time_text(utc_parts))


def _short_text(parts, today):
    clock = "%02d:%02d:%02d" % parts[3:6]
    if parts[:3] == today:
        return clock
    return "%04d-%02d-%02d %s" % (parts[0], parts[1], parts[2], clock)


def _date_time_text(parts):
    return "%04d-%02d-%02d %02d:%02d:%02d" % parts[:6]
