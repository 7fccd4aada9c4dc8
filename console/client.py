"""Requests to the jobs API and settings kept in the browser (browser only).

``send`` turns every outcome of a fetch, including network errors and
time-outs, into a ``Reply``, and feeds each response's ``Date`` header to the
clock-offset estimator.
"""

import json
import time

import js
from pyscript import window

from console.dom import missing

REQUEST_TIMEOUT_MS = 20000
STORAGE_PREFIX = "jobs-console."

# One request, done in JS so that it costs one await: fetch with a time limit,
# then the body text. Resolves to [status, text, Date header]; rejects with
# fetch's error, or with a TimeoutError once ms have passed.
# NOTE: the timer stays in JS. MicroPython 1.28 truncates a JS number above 2**31
# to 32 bits on its way into Python, and Playwright's fake clock hands out timer ids
# that large, so a clearTimeout called from Python would miss the timer.
_fetch_text = js.Function.new(
    "url", "method", "ms",
    "const controller = new AbortController();"
    "const timer = setTimeout(() => controller.abort("
    "new DOMException('The request timed out.', 'TimeoutError')), ms);"
    "return fetch(url, {method: method, cache: 'no-store', signal: controller.signal})"
    ".then((response) => response.text().then((text) => [response.status, text, response.headers.get('Date')]))"
    ".finally(() => clearTimeout(timer));")


# Requests ---------------------------------------------------------------

class Reply:
    """An API response; ``status`` 0 means no response at all.

    ``text`` is the raw body. ``body`` decodes it as JSON on first use (None
    when it is empty or not JSON), so a caller that finds the text unchanged
    since the last refresh skips the decoding.
    """

    def __init__(self, status, text="", error=""):
        self.status = status
        self.text = text
        self.error = error
        self._decoded = False
        self._body = None

    @property
    def ok(self):
        return 200 <= self.status < 300

    @property
    def body(self):
        if not self._decoded:
            self._decoded = True
            if self.text:
                try:
                    self._body = json.loads(self.text)
                except ValueError:
                    self._body = None
        return self._body


async def send(method, url, skew):
    """Send one request and return its status and text as a Reply.

    HTTP errors, network errors and time-outs come back as a Reply (status 0
    when there was no response), so callers handle every outcome in one place.
    """
    sent = time.time()
    limit_ms = REQUEST_TIMEOUT_MS
    try:
        result = await _fetch_text(url, method, limit_ms)
    except Exception as error:
        name = str(getattr(error, "name", "") or "")
        timed_out = time.time() - sent >= limit_ms / 1000 - 0.05
        if timed_out or "Timeout" in name or "Abort" in name or "timed out" in str(error):
            return Reply(0, error="The jobs API did not answer within %s s." % _seconds_text(limit_ms))
        return Reply(0, error=network_error_text(url))
    received = time.time()
    date_header = result[2]
    if not missing(date_header):
        skew.add(str(date_header), sent, received)
    return Reply(int(result[0]), str(result[1]))


def _seconds_text(milliseconds):
    return "%d" % (milliseconds // 1000) if milliseconds % 1000 == 0 else "%.1f" % (milliseconds / 1000)


def network_error_text(url):
    """Return the sentence for a request that got no response at all."""
    origin = str(window.location.origin)
    if url.startswith("http") and not url.startswith(origin + "/"):
        base = url.split("/api/", 1)[0] + "/api/" if "/api/" in url else url
        return ("The console's server at %s cannot be reached (network error). If it runs on another "
                "origin, start it with --allow-origin %s." % (base, origin))
    return "The console's server cannot be reached (network error). Check that serve.py is running."


# Settings kept across reloads ----------------------------------------------

def load_setting(name, default):
    try:
        value = window.localStorage.getItem(STORAGE_PREFIX + name)
    except Exception:
        return default
    return default if missing(value) else str(value)


def save_setting(name, value):
    try:
        window.localStorage.setItem(STORAGE_PREFIX + name, str(value))
    except Exception:
        pass
