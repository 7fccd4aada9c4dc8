"""Keep a reader's place while new jobs arrive.

The API pages by offset, newest first, so every new job pushes each row one
place down. The console fixes an anchor, the newest job the reader has seen,
and counts the jobs above it: page ``p`` then starts at offset
``(p - 1) * size + newer``, which shows the same jobs however many arrived.
"""

from console import jobs as jobmodel


def count_newer(rows, anchor):
    """Return how many rows sort above the anchor key (newer jobs)."""
    if anchor is None:
        return 0
    count = 0
    for row in rows:
        if jobmodel.job_key(row) > anchor:
            count += 1
    return count


def newest_key(rows):
    """Return the key of the newest row, or None for an empty list."""
    best = None
    for row in rows:
        key = jobmodel.job_key(row)
        if best is None or key > best:
            best = key
    return best


def page_skip(page, size, newer):
    """Return the offset of a page (1-based) below ``newer`` new jobs."""
    return (page - 1) * size + newer


def drop_seen_newer(rows, anchor):
    """Return the rows at or below the anchor, in the API's order.

    A job created between two requests can slip into a page; it belongs to
    the "new jobs" notice, not to the page the reader is on.
    """
    if anchor is None:
        return list(rows)
    return [row for row in rows if jobmodel.job_key(row) <= anchor]
