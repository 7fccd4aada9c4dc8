"""Count the jobs in a list with ``limit=1`` requests, because the API has no totals.

``GET /`` returns only the PENDING and RUNNING counts, and ``GET /jobs``
returns at most ``limit`` rows with no total. A row exists at offset ``k``
exactly when the list contains more than ``k`` jobs, so one request
``GET /jobs?status=S&skip=k&limit=1`` tells whether N > k.
``CountProbe`` requests offsets ``k`` growing exponentially until a response
has no row, then bisects. It only decides which offset to request next, so
the page can await each request between steps::

    probe = CountProbe()
    while not probe.done:
        skip = probe.next_skip()
        rows = await fetch(status, skip, 1)
        probe.feed(len(rows) > 0)
    probe.count       # the number of jobs
    probe.requests    # the number of answers fed

Bound on requests, with ``ceil_log2(N)`` taken as 0 for N <= 1 (the smallest
``m >= 0`` with ``2**m >= N``)::

    requests(N) = 1                        for N = 0
    requests(N) = 2 * floor(log2 N) + 2    for N >= 1
                <= 2 * ceil_log2(N) + 2 = request_bound(N)

Proof sketch. The doubling phase requests offsets ``2**j - 1`` for
``j = 0, 1, 2, ...``, which asks "is N >= 2**j?". For N = 0 the first
request (offset 0) finds no row and the count is 0 after one request. For
N >= 1 let ``m = floor(log2 N) + 1``, so ``2**(m-1) <= N < 2**m``. The answers
are yes for ``j = 0 .. m-1`` and no for ``j = m``, which is ``m + 1``
requests, and they leave ``2**(m-1)`` candidates, ``2**(m-1) .. 2**m - 1``.
Each bisection step requests an offset that splits the candidates into two
halves of equal size, so ``m - 1`` more requests leave one. The total is
``2m = 2 * floor(log2 N) + 2``. The bound is reached at N = 1 and at every
power of two, where floor and ceiling agree. N = 0 uses 1 request less than
the bound and every other N uses 2 less.

The request count depends only on the answers, not on a fixed N. Doubling
goes on while answers are "yes", which a list of finite size stops. After
the first "no", bisection takes a fixed number of steps and returns a count
within the range that "no" left, so the number of requests is the formula
above for the count returned, even when the list changed between answers.

A count is a snapshot taken over several requests, not at one instant. If
jobs are created or change state while the probe runs, each answer is true
for the list as it was at that request. The result then lies between the
smallest and the largest size the list had during the probing, because a
request found a row at offset ``count - 1`` (unless the count is 0) and
another found none at offset ``count``. It can therefore be off by at most
the number of jobs that entered or left the list meanwhile. The DONE,
CANCELED and all-jobs lists only grow, since the API deletes no job and no
job leaves DONE or CANCELED. The console
should show each count with when it was taken and how long the probing took
(for example "1,234 done, counted in 0.4 s at 12:03:05"). It should not
present the sum of the status counts as equal to the all-jobs count, since
the counts come from different moments.
"""

# The key of the count of every job, whatever its status.
ALL_JOBS = "ALL"

# The lists counted by probing, as (key, status filter for /jobs). None means
# no filter. PENDING and RUNNING are absent because GET / returns their counts.
PROBED_LISTS = (
    ("DONE", "DONE"),
    ("CANCELED", "CANCELED"),
    (ALL_JOBS, None),
)


def ceil_log2(number):
    """Return the smallest m >= 0 with 2**m >= number, so 0 for any number <= 1."""
    exponent = 0
    while (1 << exponent) < number:
        exponent += 1
    return exponent


def request_bound(count):
    """Return the most requests ``CountProbe`` uses for a list of ``count`` jobs."""
    if count < 0:
        raise ValueError("count must be 0 or more, got %d" % count)
    return 2 * ceil_log2(count) + 2


class ProbeStateError(RuntimeError):
    """A ``CountProbe`` method was called out of order."""


class CountProbe:
    """A state machine that counts one list's rows with one-row requests.

    ``lower_bound`` is the count known so far to be reached (N >= it).
    ``upper_bound`` is the count known not to be exceeded (N <= it), or None
    until a request finds no row. The count is known when they meet.
    """

    def __init__(self):
        self.lower_bound = 0
        self.upper_bound = None
        self.requests = 0
        self._pending_skip = None

    @property
    def done(self):
        """True once the count is known and no more requests are needed."""
        return self.upper_bound is not None and self.lower_bound == self.upper_bound

    @property
    def count(self):
        """The number of rows in the list, or ProbeStateError before ``done``."""
        if not self.done:
            raise ProbeStateError(
                "the count is not known yet: keep calling next_skip() and feed() until done is True")
        return self.lower_bound

    def next_skip(self):
        """Return the offset to request with limit=1 next.

        Calling it again before ``feed`` returns the same offset, so a caller
        can retry a failed request. Raise ProbeStateError once ``done``.
        """
        if self.done:
            raise ProbeStateError(
                "the count is already known (%d), so there is no next offset to request" % self.lower_bound)
        if self._pending_skip is None:
            self._pending_skip = self._choose_skip()
        return self._pending_skip

    def _choose_skip(self):
        if self.upper_bound is None:
            # Doubling: offset 2**j - 1 contains a row exactly when N >= 2**j.
            # lower_bound is 0 or the last power of two reached.
            if self.lower_bound == 0:
                return 0
            return 2 * self.lower_bound - 1
        # Bisection over the candidates lower_bound .. upper_bound. A row at
        # this offset keeps the upper half, no row keeps the lower half, and
        # lower_bound <= offset < upper_bound keeps both halves non-empty.
        return (self.lower_bound + self.upper_bound) // 2

    def feed(self, row_exists):
        """Record whether the response to the last ``next_skip`` offset held a row.

        ``row_exists`` must be a bool, usually ``len(rows) > 0``. Raise
        ProbeStateError when the probe is done or when ``next_skip`` was not
        called since the last feed, and TypeError for any other type.
        """
        if self.done:
            raise ProbeStateError(
                "the count is already known (%d), so feed() takes no more answers" % self.lower_bound)
        if self._pending_skip is None:
            raise ProbeStateError("feed() needs an answer to an offset: call next_skip() before each feed()")
        if row_exists is not True and row_exists is not False:
            raise TypeError("feed() takes True or False (for example len(rows) > 0), got %r" % (row_exists,))
        skip = self._pending_skip
        self._pending_skip = None
        self.requests += 1
        if row_exists:
            self.lower_bound = skip + 1
        else:
            self.upper_bound = skip


class CountTask:
    """One list to count: its key, its /jobs status filter (None for all jobs) and its probe."""

    def __init__(self, key, status):
        self.key = key
        self.status = status
        self.probe = CountProbe()


def plan_counts():
    """Return a new ``CountTask`` for each list that needs probing: DONE, CANCELED and all jobs."""
    return [CountTask(key, status) for key, status in PROBED_LISTS]


def merge_counts(summary, tasks):
    """Return every count as a dict keyed by status name and ``ALL_JOBS``.

    ``summary`` is the body of GET / (``pending_count``, ``running_count``).
    ``tasks`` are finished ``CountTask`` objects. Raise ProbeStateError when a
    task is not finished and ValueError when a summary field is missing or
    not an integer.
    """
    counts = {}
    for status, field in (("PENDING", "pending_count"), ("RUNNING", "running_count")):
        value = summary.get(field)
        if not _is_integer(value):
            raise ValueError("GET / returned %r for %s, expected an integer" % (value, field))
        counts[status] = value
    for task in tasks:
        counts[task.key] = task.probe.count
    return counts


def format_count(number):
    """Format an integer with a comma between groups of three digits: 1234567 -> "1,234,567".

    It uses no locale, so every browser shows the same text. Raise TypeError
    for anything but an int.
    """
    if not _is_integer(number):
        raise TypeError("format_count() takes an int, got %r" % (number,))
    digits = "%d" % abs(number)
    groups = []
    end = len(digits)
    while end > 3:
        groups.append(digits[end - 3:end])
        end -= 3
    groups.append(digits[:end])
    groups.reverse()
    sign = "-" if number < 0 else ""
    return sign + ",".join(groups)


def _is_integer(value):
    return isinstance(value, int) and value is not True and value is not False
