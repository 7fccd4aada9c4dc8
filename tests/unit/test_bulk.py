"""Batch planning: how many jobs, their messages and times, and how results are listed."""

import pytest

from console import bulk


@pytest.mark.parametrize("text, expected", [("", 1), ("  ", 1), (None, 1), ("1", 1), (" 7 ", 7), ("500", 500)])
def test_parse_count_accepts(text, expected):
    assert bulk.parse_count(text) == expected


@pytest.mark.parametrize("text, sentence", [
    ("0", "Create from 1 to 500 jobs at a time, not 0."),
    ("501", "Create from 1 to 500 jobs at a time, not 501."),
    ("2.5", "Enter how many jobs as a whole number from 1 to 500."),
    ("\u0663", "Enter how many jobs as a whole number from 1 to 500."),
    ("-", "Enter how many jobs as a whole number from 1 to 500."),
    ("--1", "Enter how many jobs as a whole number from 1 to 500."),
    ("-2.5", "Enter how many jobs as a whole number from 1 to 500."),
    # A negative whole number is a number out of range, not a non-number.
    ("-1", "Create from 1 to 500 jobs at a time, not -1."),
    (" -3 ", "Create from 1 to 500 jobs at a time, not -3."),
    ("-0", "Create from 1 to 500 jobs at a time, not 0."),
])
def test_parse_count_rejects_in_words(text, sentence):
    with pytest.raises(ValueError) as raised:
        bulk.parse_count(text)
    assert str(raised.value) == sentence


@pytest.mark.parametrize("text", ["", "3"])
def test_parse_count_rejects_unreadable(text):
    # A number field whose text the browser cannot read (validity.badInput) reports "".
    with pytest.raises(ValueError) as raised:
        bulk.parse_count(text, unreadable=True)
    assert str(raised.value) == (
        "The text in How many is not a number. Enter how many jobs as a whole number from 1 to 500.")


def test_message_numbers_every_placeholder():
    assert bulk.message_for("run {n} of batch {n}", 3) == "run 3 of batch 3"
    assert bulk.message_for("no number", 3) == "no number"


def test_spread_times_even_steps():
    assert bulk.spread_times(100.0, 130.0, 4) == [100.0, 110.0, 120.0, 130.0]


def test_spread_times_without_window():
    assert bulk.spread_times(100.0, None, 3) == [100.0, 100.0, 100.0]
    assert bulk.spread_times(100.0, 500.0, 1) == [100.0]


def test_spread_times_rejects_reversed_window():
    with pytest.raises(ValueError):
        bulk.spread_times(200.0, 100.0, 2)


@pytest.mark.parametrize("ids, expected", [
    ([], ""),
    ([7], "7"),
    ([101, 102, 103, 105, 110, 111], "101-103, 105, 110-111"),
    ([105, 104, 103], "105, 104, 103"),
])
def test_describe_ids_ranges(ids, expected):
    assert bulk.describe_ids(ids) == expected


@pytest.mark.parametrize("count, expected", [
    (0, ""),
    (1, " 1 more was not attempted."),
    (3, " 3 more were not attempted."),
])
def test_not_attempted_grammar(count, expected):
    assert bulk.not_attempted_text(count) == expected
