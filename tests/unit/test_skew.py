"""console.skew: HTTP Date headers and the server-minus-browser clock offset.

``email.utils.formatdate`` writes the Date headers, so the parser is checked
against the standard library's IMF-fixdate rather than against itself. The
estimator is fed simulated exchanges with a known true offset, random
latency and the server stamping its whole second anywhere inside the request.
"""

import math
import random
from email.utils import formatdate

import pytest

from console import skew

START = 1_796_413_051.25


def http_date(epoch):
    return formatdate(math.floor(epoch), usegmt=True)


def exchange(rng, browser_now, true_offset):
    """Simulate one request and return (Date header, sent, received), times in browser seconds."""
    latency = rng.uniform(0.005, 0.4)
    sent = browser_now
    received = sent + latency
    stamped = rng.uniform(sent, received) + true_offset
    return http_date(stamped), sent, received


def run_exchanges(estimator, rng, browser_now, true_offset, count):
    """Feed ``count`` exchanges and return the browser time after them and the bounds that missed the true offset."""
    misses = []
    for _ in range(count):
        header, sent, received = exchange(rng, browser_now, true_offset)
        estimator.add(header, sent, received)
        if not estimator.lower <= true_offset <= estimator.upper:
            misses.append((estimator.lower, true_offset, estimator.upper))
        browser_now = received + rng.uniform(0.1, 2.5)
    return browser_now, misses


# --- parse_http_date ----------------------------------------------------------


def test_parse_http_date_rfc_example():
    # RFC 9110 section 5.6.7's example: 784111777 s after the Unix epoch.
    assert skew.parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777


def test_parse_http_date_matches_formatdate():
    rng = random.Random(9110)
    mismatches = []
    for _ in range(5000):
        epoch = rng.randint(0, 4102444800)
        header = formatdate(epoch, usegmt=True)
        if skew.parse_http_date(header) != epoch:
            mismatches.append((header, epoch))

    assert mismatches[:5] == []


def test_parse_http_date_leap_day():
    assert skew.parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT") == 1709251199


@pytest.mark.parametrize("header", [
    None,
    "",
    "garbage",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sun, 06 Nov 1994 08:49:37 +0000",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
    "Sun, 06 Foo 1994 08:49:37 GMT",
    "Sun, 06 nov 1994 08:49:37 GMT",
    "Sun, xx Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49 GMT",
    "Sun, 06 Nov 1994 08:49:37:00 GMT",
    "Sun, 06 Nov 1994 08:4x:37 GMT",
    "Sun, 06 Nov 1994 08:49:37 GMT extra",
    1994,
])
def test_parse_http_date_rejects(header):
    assert skew.parse_http_date(header) is None


# --- SkewEstimator ------------------------------------------------------------


def test_estimator_zero_before_samples():
    assert skew.SkewEstimator().offset() == 0.0


@pytest.mark.parametrize("header", [None, "", "not a date"])
def test_estimator_ignores_bad_header(header):
    estimator = skew.SkewEstimator()

    estimator.add(header, START, START + 0.1)

    assert estimator.offset() == 0.0
    assert estimator.lower is None


def test_estimator_single_sample_bounds():
    estimator = skew.SkewEstimator()
    # Sent at browser time 100.2 and received at 100.5, with the server stamping second 110.
    estimator.add(http_date(110), 100.2, 100.5)

    assert estimator.lower == pytest.approx(110 - 100.5)
    assert estimator.upper == pytest.approx(111 - 100.2)
    assert estimator.offset() == pytest.approx((9.5 + 10.8) / 2)


def test_estimator_bad_header_keeps_estimate():
    estimator = skew.SkewEstimator()
    estimator.add(http_date(110), 100.2, 100.5)
    before = (estimator.lower, estimator.upper)

    estimator.add("garbage", 200.0, 200.1)

    assert (estimator.lower, estimator.upper) == before


@pytest.mark.parametrize("true_offset", [0.0, 0.4, -0.4, 12.3456, -3600.7, 86400.05])
def test_estimator_converges(true_offset):
    rng = random.Random(repr(true_offset))
    estimator = skew.SkewEstimator()

    _, misses = run_exchanges(estimator, rng, START, true_offset, 200)

    assert misses == []
    assert estimator.upper - estimator.lower < 0.1
    assert abs(estimator.offset() - true_offset) < 0.05


def test_estimator_narrows_monotonically():
    rng = random.Random(17)
    estimator = skew.SkewEstimator()
    widths = []
    browser_now = START
    for _ in range(50):
        header, sent, received = exchange(rng, browser_now, 2.5)
        estimator.add(header, sent, received)
        widths.append(estimator.upper - estimator.lower)
        browser_now = received + rng.uniform(0.1, 2.5)

    assert all(later <= earlier for earlier, later in zip(widths, widths[1:]))
    assert widths[-1] < widths[0]


@pytest.mark.parametrize("jump", [3600.0, -3600.0, 30.0, -2.0])
def test_estimator_resets_on_clock_jump(jump):
    rng = random.Random(repr(jump))
    estimator = skew.SkewEstimator()
    browser_now, _ = run_exchanges(estimator, rng, START, 5.2, 100)
    # The browser clock jumps by ``jump`` seconds, so the server now looks that much behind.
    new_offset = 5.2 - jump

    header, sent, received = exchange(rng, browser_now + jump, new_offset)
    estimator.add(header, sent, received)

    assert estimator.lower <= new_offset <= estimator.upper
    assert abs(estimator.offset() - new_offset) < 1.0


def test_estimator_converges_after_jump():
    rng = random.Random(1)
    estimator = skew.SkewEstimator()
    browser_now, _ = run_exchanges(estimator, rng, START, 5.2, 100)

    _, misses = run_exchanges(estimator, rng, browser_now + 3600, 5.2 - 3600, 200)

    assert misses == []
    assert abs(estimator.offset() - (5.2 - 3600)) < 0.05
