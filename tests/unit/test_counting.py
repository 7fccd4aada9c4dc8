"""console.counting: counting a list with one-row requests, and the helpers around it.

A fake list of N rows reports a row at offset k exactly when ``k < N``.
The request bound is checked against CPython's ``int.bit_length`` as an
independent oracle for floor and ceiling of log2.
"""

import ast
import random

import pytest

from console import counting
from console.counting import CountProbe, ProbeStateError
from interpreters import CPYTHON, MICROPYTHON, REPO_ROOT, SKIP_REASON, run_probe_script

MAX_TESTED_COUNT = 5000


def run_probe(size):
    """Count a fake list of ``size`` rows; return the probe and the offsets it requested."""
    probe = CountProbe()
    skips = []
    while not probe.done:
        skip = probe.next_skip()
        skips.append(skip)
        probe.feed(skip < size)
    return probe, skips


def expected_requests(size):
    """Return the requests the doubling-then-bisection search needs: 1, or 2 * floor(log2 N) + 2."""
    if size == 0:
        return 1
    return 2 * (size.bit_length() - 1) + 2


def oracle_ceil_log2(number):
    if number <= 1:
        return 0
    return (number - 1).bit_length()


# --- ceil_log2 and request_bound ---------------------------------------------


def test_ceil_log2_matches_bit_length():
    for number in range(-3, MAX_TESTED_COUNT + 1):
        assert counting.ceil_log2(number) == oracle_ceil_log2(number), number


@pytest.mark.parametrize("number, expected", [(0, 0), (1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (1024, 10), (1025, 11)])
def test_ceil_log2_small_values(number, expected):
    assert counting.ceil_log2(number) == expected


def test_request_bound_values():
    assert counting.request_bound(0) == 2
    assert counting.request_bound(1) == 2
    assert counting.request_bound(2) == 4
    assert counting.request_bound(5000) == 2 * 13 + 2


def test_request_bound_rejects_negative():
    with pytest.raises(ValueError, match="-1"):
        counting.request_bound(-1)


# --- CountProbe on every size up to 5,000 --------------------------------------


def test_probe_exact_for_every_size():
    for size in range(MAX_TESTED_COUNT + 1):
        probe, _ = run_probe(size)

        assert probe.count == size
        assert probe.requests <= counting.request_bound(size), size
        assert probe.requests == expected_requests(size), size


def test_probe_offsets_distinct_and_nonnegative():
    for size in range(MAX_TESTED_COUNT + 1):
        _, skips = run_probe(size)

        assert len(set(skips)) == len(skips), (size, skips)
        assert min(skips) >= 0, (size, skips)


def test_probe_bound_tight_only_at_powers_of_two():
    for size in range(MAX_TESTED_COUNT + 1):
        probe, _ = run_probe(size)
        slack = counting.request_bound(size) - probe.requests

        if size == 0:
            assert slack == 1
        elif size & (size - 1) == 0:
            assert slack == 0, size
        else:
            assert slack == 2, size


# --- CountProbe specific cases --------------------------------------------------


@pytest.mark.parametrize("size, expected_skips", [
    (0, [0]),
    (1, [0, 1]),
    (2, [0, 1, 3, 2]),
    (3, [0, 1, 3, 2]),
    (4, [0, 1, 3, 7, 5, 4]),
    (5, [0, 1, 3, 7, 5, 4]),
    (6, [0, 1, 3, 7, 5, 6]),
    (7, [0, 1, 3, 7, 5, 6]),
    (8, [0, 1, 3, 7, 15, 11, 9, 8]),
])
def test_probe_small_sizes_request_order(size, expected_skips):
    probe, skips = run_probe(size)

    assert skips == expected_skips
    assert probe.count == size


def test_probe_empty_list_one_request():
    probe, skips = run_probe(0)

    assert skips == [0]
    assert probe.requests == 1
    assert probe.count == 0


@pytest.mark.parametrize("exponent", [1, 2, 5, 10, 12, 13, 20, 40, 62, 63, 64])
def test_probe_powers_of_two_and_neighbours(exponent):
    power = 1 << exponent
    for size in (power - 1, power, power + 1):
        probe, _ = run_probe(size)

        assert probe.count == size
        assert probe.requests <= counting.request_bound(size), size
        assert probe.requests == expected_requests(size), size


def test_probe_bounds_narrow_while_running():
    probe = CountProbe()
    assert probe.lower_bound == 0
    assert probe.upper_bound is None

    for answer in (True, True, True, False):  # offsets 0, 1, 3, 7
        probe.next_skip()
        probe.feed(answer)

    assert probe.lower_bound == 4
    assert probe.upper_bound == 7
    assert not probe.done


# --- CountProbe with answers that change or make no sense ------------------------


def test_probe_growing_list_within_sizes_seen():
    # One job joins the list after every request, as when jobs finish during a count.
    for start_size in range(0, 600, 7):
        probe = CountProbe()
        size = start_size
        while not probe.done:
            probe.feed(probe.next_skip() < size)
            size += 1

        assert start_size <= probe.count <= size, (start_size, size, probe.count)


def test_probe_shrinking_list_within_sizes_seen():
    for start_size in range(0, 600, 7):
        probe = CountProbe()
        size = start_size
        while not probe.done:
            probe.feed(probe.next_skip() < size)
            size = max(0, size - 3)

        assert size <= probe.count <= start_size, (start_size, size, probe.count)


def test_probe_random_answers_use_formula():
    # Whatever the answers, the request count is the formula for the count
    # returned. Doubling goes on while answers are yes, so the chance of yes
    # stays below 0.95 to keep that phase short.
    rng = random.Random(20260101)
    for _ in range(2000):
        probe = CountProbe()
        bias = rng.random() * 0.95
        while not probe.done:
            probe.next_skip()
            probe.feed(rng.random() < bias)

        assert probe.requests == expected_requests(probe.count)
        assert probe.requests <= counting.request_bound(probe.count)


# --- CountProbe call order ---------------------------------------------------------


def finished_probe():
    probe, _ = run_probe(3)
    return probe


def test_feed_after_done_raises():
    probe = finished_probe()

    with pytest.raises(ProbeStateError, match="already known \\(3\\)"):
        probe.feed(True)
    assert probe.count == 3


def test_next_skip_after_done_raises():
    probe = finished_probe()

    with pytest.raises(ProbeStateError, match="no next offset"):
        probe.next_skip()


def test_feed_before_next_skip_raises():
    probe = CountProbe()

    with pytest.raises(ProbeStateError, match="call next_skip\\(\\) before each feed\\(\\)"):
        probe.feed(True)
    assert probe.requests == 0


def test_feed_twice_for_one_offset_raises():
    probe = CountProbe()
    probe.next_skip()
    probe.feed(True)

    with pytest.raises(ProbeStateError, match="next_skip"):
        probe.feed(True)
    assert probe.requests == 1
    assert probe.lower_bound == 1


def test_next_skip_repeats_until_fed():
    probe = CountProbe()
    probe.next_skip()
    probe.feed(True)

    first = probe.next_skip()
    again = probe.next_skip()

    assert first == again == 1
    assert probe.requests == 1


@pytest.mark.parametrize("answer", [1, 0, None, "yes", [], [{"job_id": 1}], 1.0])
def test_feed_rejects_non_bool(answer):
    probe = CountProbe()
    probe.next_skip()

    with pytest.raises(TypeError, match="len\\(rows\\) > 0"):
        probe.feed(answer)
    assert probe.requests == 0
    assert probe.next_skip() == 0


def test_count_before_done_raises():
    probe = CountProbe()

    with pytest.raises(ProbeStateError, match="not known yet"):
        probe.count
    probe.next_skip()
    probe.feed(True)
    with pytest.raises(ProbeStateError, match="not known yet"):
        probe.count


# --- plan_counts and merge_counts ----------------------------------------------


def test_plan_counts_lists():
    tasks = counting.plan_counts()

    assert [(task.key, task.status) for task in tasks] == [
        ("DONE", "DONE"), ("CANCELED", "CANCELED"), (counting.ALL_JOBS, None)]
    assert counting.ALL_JOBS == "ALL"


def test_plan_counts_fresh_probes():
    first = counting.plan_counts()
    second = counting.plan_counts()

    probes = [task.probe for task in first + second]
    assert len({id(probe) for probe in probes}) == 6
    assert all(probe.requests == 0 and not probe.done for probe in probes)


def finish_tasks(sizes):
    tasks = counting.plan_counts()
    for task in tasks:
        while not task.probe.done:
            task.probe.feed(task.probe.next_skip() < sizes[task.key])
    return tasks


def test_merge_counts_all_keys():
    tasks = finish_tasks({"DONE": 1234, "CANCELED": 0, "ALL": 1300})

    counts = counting.merge_counts({"pending_count": 50, "running_count": 16}, tasks)

    assert counts == {"PENDING": 50, "RUNNING": 16, "DONE": 1234, "CANCELED": 0, "ALL": 1300}


def test_merge_counts_unfinished_task_raises():
    tasks = counting.plan_counts()

    with pytest.raises(ProbeStateError):
        counting.merge_counts({"pending_count": 0, "running_count": 0}, tasks)


@pytest.mark.parametrize("summary", [
    {"running_count": 1},
    {"pending_count": "3", "running_count": 1},
    {"pending_count": 3, "running_count": True},
    {"pending_count": 3, "running_count": 1.5},
])
def test_merge_counts_bad_summary_raises(summary):
    tasks = finish_tasks({"DONE": 1, "CANCELED": 1, "ALL": 2})

    with pytest.raises(ValueError, match="GET / returned"):
        counting.merge_counts(summary, tasks)


# --- format_count ----------------------------------------------------------------


@pytest.mark.parametrize("number, text", [
    (0, "0"),
    (7, "7"),
    (999, "999"),
    (1000, "1,000"),
    (1234, "1,234"),
    (12345, "12,345"),
    (123456, "123,456"),
    (1234567, "1,234,567"),
    (-1, "-1"),
    (-999, "-999"),
    (-1000, "-1,000"),
    (-1234567, "-1,234,567"),
    (10 ** 18, "1,000,000,000,000,000,000"),
])
def test_format_count_groups(number, text):
    assert counting.format_count(number) == text


def test_format_count_matches_python_format():
    for number in list(range(-2000, 2000)) + [2 ** 63 - 1, -(2 ** 63)]:
        assert counting.format_count(number) == "{:,}".format(number)


@pytest.mark.parametrize("value", [1.5, "1234", None, True])
def test_format_count_rejects_non_int(value):
    with pytest.raises(TypeError, match="takes an int"):
        counting.format_count(value)


# --- MicroPython --------------------------------------------------------------------


def test_counting_imports_console_only():
    # The page's MicroPython build has no urllib, typing or dataclasses.
    tree = ast.parse((REPO_ROOT / "console" / "counting.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)

    assert imported <= {"console"}


MICROPYTHON_PROBE = r'''
import sys
sys.path.insert(0, ROOT)
from console import counting

for size in list(range(300)) + [1023, 1024, 1025, 4999, 5000, 2 ** 40 + 3]:
    probe = counting.CountProbe()
    skips = []
    while not probe.done:
        skip = probe.next_skip()
        skips.append(skip)
        probe.feed(skip < size)
    print(size, probe.count, probe.requests, counting.request_bound(size), skips)
for number in (0, 999, 1000, -1234567, 10 ** 18):
    print(counting.format_count(number))
probe = counting.CountProbe()
try:
    probe.feed(True)
except counting.ProbeStateError as error:
    print("error", error)
'''


def run_counting_script(interpreter, tmp_path):
    return run_probe_script(interpreter, tmp_path, "counting_probe.py", MICROPYTHON_PROBE)


@pytest.mark.skipif(MICROPYTHON is None, reason=SKIP_REASON % "counting.py was")
def test_counting_micropython_matches_cpython(tmp_path):
    expected = run_counting_script(CPYTHON, tmp_path)

    got = run_counting_script(MICROPYTHON, tmp_path)

    assert got == expected


def test_counting_script_runs_under_cpython(tmp_path):
    lines = run_counting_script(CPYTHON, tmp_path)

    assert lines[0] == "0 0 1 2 [0]"
    assert lines[-1].startswith("error ")
