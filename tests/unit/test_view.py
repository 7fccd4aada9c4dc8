"""console.view: the address bar's query string to view state and back.

``urllib.parse.unquote_plus`` is the oracle for decoding. Garbage in a URL
that a user edited by hand must fall back to the default view, never raise.
"""

import itertools
from urllib.parse import unquote_plus

import pytest

from console import api, jobs, view

DEFAULT = {"status": "all", "page": 1, "size": 25, "job": None}


def with_defaults(**changes):
    result = dict(DEFAULT)
    result.update(changes)
    return result


# --- unquote ------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "plain",
    "two+words",
    "%2B",
    "a%26b%3Dc",
    "%E2%82%AC",
    "%e2%82%ac",
    "Z%C3%BCrich",
    "%F0%9F%99%82",
    "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "100%",
    "100%2",
    "%zz",
    "%%41",
    "%41%",
    "%4",
    "",
    "ünïcödé",
])
def test_unquote_matches_urllib(text):
    assert view.unquote(text) == unquote_plus(text)


@pytest.mark.parametrize("text", ["%FF", "%C3", "%E2%82", "ok%C3%28", "%80abc"])
def test_unquote_keeps_invalid_utf8(text):
    # urllib substitutes U+FFFD here; the console keeps the text so that it matches no filter.
    assert view.unquote(text) == text


def test_unquote_invalid_utf8_decodes_plus():
    assert view.unquote("a+%FF") == "a %FF"


# --- parse_view ---------------------------------------------------------------


@pytest.mark.parametrize("search", ["", "?", "?&", "?&&&", "?=", "?==", "?unknown=1", "?status", "?page"])
def test_parse_view_empty_defaults(search):
    assert view.parse_view(search) == DEFAULT


def test_parse_view_all_fields():
    parsed = view.parse_view("?status=pending&page=3&size=50&job=42")

    assert parsed == {"status": "pending", "page": 3, "size": 50, "job": 42}


def test_parse_view_without_question_mark():
    assert view.parse_view("status=done&page=2") == with_defaults(status="done", page=2)


@pytest.mark.parametrize("value, expected", [
    ("pending", "pending"),
    ("PENDING", "pending"),
    ("Running", "running"),
    ("done", "done"),
    ("canceled", "canceled"),
    ("all", "all"),
    ("+done+", "done"),
    ("%20done%20", "done"),
    ("failed", "all"),
    ("cancelled", "all"),
    ("", "all"),
    ("pending%00", "all"),
    ("%FF", "all"),
    ("<script>", "all"),
])
def test_parse_view_status_values(value, expected):
    assert view.parse_view("?status=" + value)["status"] == expected


@pytest.mark.parametrize("value, expected", [
    ("1", 1),
    ("2", 2),
    ("007", 7),
    ("99999", 99999),
    ("0", 1),
    ("-2", 1),
    ("+2", 2),
    ("2.5", 1),
    ("1e3", 1),
    ("", 1),
    ("two", 1),
    ("%32", 2),
    ("%FF", 1),
    ("\u00b2", 1),
    ("%C2%B2", 1),
    ("\u0663", 1),
])
def test_parse_view_page_values(value, expected):
    # "+2" decodes to " 2", which strips to 2.
    assert view.parse_view("?page=" + value)["page"] == expected


@pytest.mark.parametrize("value, expected", [
    ("25", 25),
    ("50", 50),
    ("100", 100),
    ("10", 25),
    ("0", 25),
    ("-50", 25),
    ("101", 25),
    ("1000", 25),
    ("99999999999999999999", 25),
    ("fifty", 25),
    ("%35%30", 50),
    ("", 25),
])
def test_parse_view_size_values(value, expected):
    assert view.parse_view("?size=" + value)["size"] == expected


@pytest.mark.parametrize("value, expected", [
    ("42", 42),
    ("%34%32", 42),
    ("1", 1),
    ("0", None),
    ("-1", None),
    ("abc", None),
    ("", None),
    ("%23%34%32", None),
    ("\u0664\u0662", None),
    ("9223372036854775807", 9223372036854775807),
    ("9223372036854775808", None),
    ("99999999999999999999", None),
])
def test_parse_view_job_values(value, expected):
    assert view.parse_view("?job=" + value)["job"] == expected


def test_parse_view_escaped_names():
    assert view.parse_view("?st%61tus=done&%70age=4") == with_defaults(status="done", page=4)


def test_parse_view_escaped_separators():
    # An escaped "&" or "=" belongs to the value, so it cannot smuggle in another parameter.
    assert view.parse_view("?status=done%26page%3D9") == DEFAULT


@pytest.mark.parametrize("search", [
    "?%",
    "?%=%",
    "?%ZZ=1&%FF=%FF",
    "?status=%E2%82&page=%C3",
    "?page==3",
    "?size=%2&job=%",
    "?\u00e9=\u00e9",
    "?page=\u00b2&size=\u00b2&job=\u00b2",
    "?status=%00&page=%00",
    "?" + "&" * 1000,
])
def test_parse_view_garbage_defaults(search):
    assert view.parse_view(search) == DEFAULT


def test_parse_view_garbage_keeps_good_fields():
    parsed = view.parse_view("?%ZZ&status=running&page=%FF&size=50&job=x")

    assert parsed == with_defaults(status="running", size=50)


def test_parse_view_later_value_wins():
    assert view.parse_view("?page=2&page=5")["page"] == 5


def test_parse_view_sizes_are_page_sizes():
    for size in api.PAGE_SIZES:
        assert view.parse_view("?size=%d" % size)["size"] == size


@pytest.mark.parametrize("search, expected", [
    ("", []),
    ("?status=pending&page=2&size=50&job=7", []),
    ("?job=&page=&size=&status=", []),
    ("?utm_source=mail", []),
    ("?status=bogus", ["status=bogus is not one of all, pending, running, done, canceled"]),
    ("?page=-4", ["page=-4 is not a page number"]),
    ("?size=7", ["size=7 is not 25, 50 or 100"]),
    ("?job=abc&job=0", ["job=abc is not a job id", "job=0 is not a job id"]),
    ("?job=9223372036854775808", ["job=9223372036854775808 is not a job id"]),
    ("?job=5&job=6", ["job=5, because a later job=6 replaces it"]),
    ("?status=pending&status=DONE", ["status=pending, because a later status=done replaces it"]),
    ("?page=1&page=3", ["page=1, because a later page=3 replaces it"]),
    ("?job=5&job=05&size=50&size=50", []),
    ("?job=5&job=abc", ["job=abc is not a job id"]),
    ("?page=99999999999999999999", ["page=99999999999999999999 is past the last page any list can have"]),
])
def test_rejected_values_named(search, expected):
    assert view.rejected_values(search) == expected


def test_rejected_values_shortens_long_value():
    (phrase,) = view.rejected_values("?job=" + "x" * 500)

    assert phrase == "job=" + "x" * 40 + "… is not a job id"


# --- format_view --------------------------------------------------------------


def test_format_view_default_empty():
    assert view.format_view(DEFAULT) == ""
    assert view.format_view({}) == ""


def test_format_view_omits_defaults():
    assert view.format_view(with_defaults(status="pending")) == "?status=pending"
    assert view.format_view(with_defaults(job=42)) == "?job=42"


def test_format_view_all_fields():
    formatted = view.format_view({"status": "done", "page": 3, "size": 100, "job": 7})

    assert formatted == "?status=done&page=3&size=100&job=7"


def test_view_round_trip():
    mismatches = []
    for status, page, size, job in itertools.product(
            view.FILTERS, (1, 2, 17, 10**6), api.PAGE_SIZES, (None, 1, 42, 2**63 - 1)):
        state = {"status": status, "page": page, "size": size, "job": job}
        parsed = view.parse_view(view.format_view(state))
        if parsed != state:
            mismatches.append((state, parsed))

    assert mismatches[:5] == []


def test_view_round_trip_from_url():
    search = "?status=canceled&page=12&size=100&job=3"

    assert view.format_view(view.parse_view(search)) == search


# --- api_status ---------------------------------------------------------------


def test_api_status_all_is_none():
    assert view.api_status(DEFAULT) is None
    assert view.api_status({}) is None


@pytest.mark.parametrize("status", [name for name in view.FILTERS if name != "all"])
def test_api_status_is_contract_status(status):
    # The API's status parameter is case-sensitive and accepts only these values.
    assert view.api_status(with_defaults(status=status)) in jobs.STATUSES
