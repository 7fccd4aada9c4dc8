"""console.paging: anchor-based offsets that keep a reader's page in place.

A small fake of ``GET /jobs`` sorts rows as the API contract states
(``created_at`` descending, then ``job_id`` descending) and slices them by
``skip`` and ``limit``. The tests check the module's promise against it: the
same page shows the same jobs however many arrived after the anchor was set.
"""

from datetime import datetime, timedelta

import pytest

from console import jobs, paging

BASE = datetime(2026, 12, 4, 19, 37, 31, 469000)


def make_job(job_id, seconds):
    created = (BASE + timedelta(seconds=seconds)).isoformat(timespec="microseconds")
    return {
        "job_id": job_id,
        "status": "PENDING",
        "status_at": created,
        "created_at": created,
        "next_attempt_at": created,
        "message": "",
    }


def api_list(all_jobs, skip=0, limit=100):
    """Return one page as GET /jobs would: newest first, ties on created_at by job_id."""
    ordered = sorted(all_jobs, key=lambda job: (datetime.fromisoformat(job["created_at"]), job["job_id"]),
                     reverse=True)
    return ordered[skip:skip + limit]


def ids(rows):
    return [row["job_id"] for row in rows]


# Jobs 5, 6 and 7 share one created_at, as jobs created in the same microsecond do.
TIED = [make_job(4, 0), make_job(5, 1), make_job(6, 1), make_job(7, 1), make_job(8, 2)]


# --- count_newer --------------------------------------------------------------


def test_count_newer_without_anchor():
    assert paging.count_newer(api_list(TIED), None) == 0


def test_count_newer_distinct_times():
    rows = [make_job(job_id, job_id) for job_id in range(1, 11)]
    anchor = jobs.job_key(make_job(7, 7))

    assert paging.count_newer(api_list(rows), anchor) == 3


def test_count_newer_ties_by_id():
    anchor = jobs.job_key(make_job(6, 1))

    assert paging.count_newer(TIED, anchor) == 2


def test_count_newer_excludes_anchor():
    anchor = jobs.job_key(make_job(8, 2))

    assert paging.count_newer(TIED, anchor) == 0


def test_count_newer_microsecond_apart():
    rows = [make_job(2, 0.000001)]

    assert paging.count_newer(rows, jobs.job_key(make_job(3, 0))) == 1


def test_count_newer_ignores_row_order():
    anchor = jobs.job_key(make_job(5, 1))

    assert paging.count_newer(list(reversed(TIED)), anchor) == paging.count_newer(TIED, anchor)


# --- newest_key ---------------------------------------------------------------


def test_newest_key_empty():
    assert paging.newest_key([]) is None


def test_newest_key_ties_by_id():
    tied_top = [make_job(10, 5), make_job(12, 5), make_job(11, 5), make_job(3, 4)]

    assert paging.newest_key(tied_top) == jobs.job_key(make_job(12, 5))


def test_newest_key_any_order():
    rows = [make_job(2, 1), make_job(9, 0), make_job(1, 3), make_job(5, 2)]

    assert paging.newest_key(rows) == jobs.job_key(make_job(1, 3))


def test_newest_key_past_schedule():
    # A later job id can have an earlier created_at, but the key compares created_at first.
    rows = [make_job(50, 0), make_job(40, 10)]

    assert paging.newest_key(rows) == jobs.job_key(make_job(40, 10))


# --- drop_seen_newer ----------------------------------------------------------


def test_drop_seen_newer_without_anchor():
    rows = api_list(TIED)

    shown = paging.drop_seen_newer(rows, None)

    assert shown == rows
    assert shown is not rows


def test_drop_seen_newer_ties_by_id():
    anchor = jobs.job_key(make_job(6, 1))

    assert ids(paging.drop_seen_newer(api_list(TIED), anchor)) == [6, 5, 4]


def test_drop_seen_newer_keeps_order():
    rows = [make_job(3, 0), make_job(9, 5), make_job(1, -5), make_job(8, 4)]
    anchor = jobs.job_key(make_job(8, 4))

    assert ids(paging.drop_seen_newer(rows, anchor)) == [3, 1, 8]


def test_drop_seen_newer_all_newer():
    assert paging.drop_seen_newer(TIED, jobs.job_key(make_job(1, -1))) == []


# --- page_skip ----------------------------------------------------------------


@pytest.mark.parametrize("page, size, newer, expected", [
    (1, 25, 0, 0),
    (2, 25, 0, 25),
    (3, 50, 0, 100),
    (1, 25, 4, 4),
    (3, 25, 4, 54),
    (10, 100, 250, 1150),
])
def test_page_skip_offsets(page, size, newer, expected):
    assert paging.page_skip(page, size, newer) == expected


# --- the whole scheme against a fake API --------------------------------------


@pytest.mark.parametrize("page, size", [(1, 25), (2, 25), (3, 25), (2, 50)])
def test_page_stable_after_arrivals(page, size):
    existing = [make_job(job_id, job_id // 3) for job_id in range(1, 121)]
    anchor = paging.newest_key(api_list(existing, limit=1))
    first_view = api_list(existing, paging.page_skip(page, size, 0), size)
    # Seven jobs arrive, three of them in the same microsecond as the anchor.
    newest_seconds = 120 // 3
    arrivals = [make_job(job_id, newest_seconds) for job_id in range(121, 124)]
    arrivals += [make_job(job_id, newest_seconds + 1) for job_id in range(124, 128)]
    everything = existing + arrivals

    newer = paging.count_newer(api_list(everything), anchor)
    later_view = api_list(everything, paging.page_skip(page, size, newer), size)

    assert newer == len(arrivals)
    assert ids(later_view) == ids(first_view)


def test_page_drops_job_arriving_mid_read():
    # A job created between the count request and the page request shifts the
    # page by one: the stray newer row is dropped, so no row is shown twice.
    existing = [make_job(job_id, job_id) for job_id in range(1, 61)]
    anchor = paging.newest_key(existing)
    newer = paging.count_newer(api_list(existing), anchor)
    late = make_job(61, 61)

    rows = api_list(existing + [late], paging.page_skip(1, 25, newer), 25)
    shown = paging.drop_seen_newer(rows, anchor)

    assert ids(rows)[0] == 61
    assert ids(shown) == list(range(60, 36, -1))
