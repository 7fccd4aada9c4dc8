"""console.api: URLs for every route and error bodies turned into sentences.

``urllib.parse`` is the oracle for percent-encoding: what the module encodes
must decode back to the original value. Error bodies follow the shapes the
API contract lists for 404, 409 and 422, and the ``detail`` strings serve.py
sends with 502 and 504.
"""

from urllib.parse import parse_qsl, quote as urllib_quote, urlsplit

import pytest

from console import api

TRICKY_VALUES = [
    "plain",
    "two words",
    "a&b=c",
    "1+1=2",
    "50% off",
    "path/with?query#fragment",
    "<img src=x onerror=alert(1)>",
    "\"quoted\" 'single'",
    "Zürich",
    "日本語のジョブ",
    "emoji 🙂",
    "tab\tand\nnewline",
    "unreserved-._~",
    "",
]

RUNNING_JOB = {
    "job_id": 12,
    "status": "RUNNING",
    "status_at": "2026-12-04T19:37:31.469000",
    "created_at": "2026-12-04T19:37:20.000000",
    "next_attempt_at": None,
    "message": "",
}


def query_pairs(url):
    return parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=False)


# --- quote and build_query ----------------------------------------------------


@pytest.mark.parametrize("text", TRICKY_VALUES)
def test_quote_matches_urllib(text):
    assert api.quote(text) == urllib_quote(text, safe="")


@pytest.mark.parametrize("text", TRICKY_VALUES)
def test_quote_output_is_safe_ascii(text):
    allowed = set(api.UNRESERVED) | set("%0123456789ABCDEF")

    assert set(api.quote(text)) <= allowed


def test_quote_non_string_values():
    assert api.quote(42) == "42"
    assert api.quote(-1) == "-1"


def test_quote_escapes_markup():
    encoded = api.quote("<img src=x onerror=alert(1)>")

    assert "<" not in encoded
    assert ">" not in encoded
    assert " " not in encoded
    assert "=" not in encoded


def test_build_query_round_trip():
    params = [("message", value) for value in TRICKY_VALUES] + [("a&b", "c=d")]

    query = api.build_query(params)

    assert query.startswith("?")
    assert parse_qsl(query[1:], keep_blank_values=True) == params


def test_build_query_skips_none():
    assert api.build_query([("a", None), ("b", 2), ("c", None)]) == "?b=2"


def test_build_query_all_none_empty():
    assert api.build_query([("a", None)]) == ""
    assert api.build_query([]) == ""


def test_build_query_keeps_order():
    query = api.build_query([("z", 1), ("a", 2), ("m", 3)])

    assert [name for name, _ in parse_qsl(query[1:])] == ["z", "a", "m"]


# --- base URL -----------------------------------------------------------------


@pytest.mark.parametrize("base, expected", [
    (None, "/api/"),
    ("", "/api/"),
    ("  ", "/api/"),
    ("/api", "/api/"),
    ("/api/", "/api/"),
    ("/api///", "/api/"),
    ("/", "/"),
    (" /api/ ", "/api/"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000/"),
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
    ("http://example.test/jobs-api", "http://example.test/jobs-api/"),
])
def test_normalize_base_one_slash(base, expected):
    assert api.normalize_base(base) == expected


def test_counts_url_is_base():
    assert api.counts_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/"


# --- jobs_url -----------------------------------------------------------------


def test_jobs_url_defaults():
    assert api.jobs_url("/api/") == "/api/jobs?limit=100"


def test_jobs_url_with_status_and_skip():
    url = api.jobs_url("/api", status="PENDING", skip=50, limit=25)

    assert urlsplit(url).path == "/api/jobs"
    assert query_pairs(url) == [("status", "PENDING"), ("skip", "50"), ("limit", "25")]


def test_jobs_url_omits_zero_skip():
    assert "skip" not in dict(query_pairs(api.jobs_url("/api/", skip=0, limit=50)))


@pytest.mark.parametrize("limit", [1, 25, 100])
def test_jobs_url_limit_in_range(limit):
    assert dict(query_pairs(api.jobs_url("/api/", limit=limit)))["limit"] == str(limit)


@pytest.mark.parametrize("limit", [0, -1, 101, 1000])
def test_jobs_url_rejects_limit(limit):
    with pytest.raises(ValueError, match="limit must be between 1 and 100"):
        api.jobs_url("/api/", limit=limit)


def test_jobs_url_rejects_negative_skip():
    with pytest.raises(ValueError, match="skip must be 0 or more"):
        api.jobs_url("/api/", skip=-1)


def test_jobs_url_encodes_status():
    url = api.jobs_url("/api/", status="DONE&limit=1")

    assert query_pairs(url)[0] == ("status", "DONE&limit=1")


# --- job routes ---------------------------------------------------------------


def test_job_url_path():
    assert api.job_url("/api", 42) == "/api/job/42"
    assert api.job_url("/api/", "42") == "/api/job/42"


@pytest.mark.parametrize("job_id", ["../jobs", "42/history", "4 2", "abc", ""])
def test_job_url_rejects_non_integers(job_id):
    with pytest.raises(ValueError):
        api.job_url("/api/", job_id)


def test_history_url_paging():
    assert api.history_url("/api/", 7) == "/api/job/7/history?limit=100"
    assert query_pairs(api.history_url("/api/", 7, skip=100, limit=50)) == [("skip", "100"), ("limit", "50")]


def test_create_url_without_params():
    assert api.create_url("/api/") == "/api/job/new"


@pytest.mark.parametrize("message", [value for value in TRICKY_VALUES if value])
def test_create_url_message_round_trip(message):
    url = api.create_url("/api/", message=message)

    assert urlsplit(url).path == "/api/job/new"
    assert query_pairs(url) == [("message", message)]


def test_create_url_markup_not_raw():
    url = api.create_url("/api/", message="<img src=x onerror=alert(1)>")

    assert "<" not in url
    assert ">" not in url
    assert " " not in url


def test_create_url_schedules_naive_utc():
    url = api.create_url("/api/", "nightly", "2030-01-01T00:00:00.000000")

    assert query_pairs(url) == [("message", "nightly"), ("next_attempt_at", "2030-01-01T00:00:00.000000")]


def test_create_url_encodes_plus_offset():
    # An unencoded "+" would reach the API as a space and corrupt the time.
    url = api.create_url("/api/", next_attempt_at="2030-01-01T00:00:00+00:00")

    assert "+" not in urlsplit(url).query
    assert query_pairs(url) == [("next_attempt_at", "2030-01-01T00:00:00+00:00")]


def test_cancel_url_with_message():
    url = api.cancel_url("/api/", 12, message="no longer needed & obsolete")

    assert urlsplit(url).path == "/api/job/cancel/12"
    assert query_pairs(url) == [("message", "no longer needed & obsolete")]


def test_cancel_url_without_message():
    assert api.cancel_url("/api/", 12) == "/api/job/cancel/12"


# --- validation_errors (422) --------------------------------------------------


def validation_body(*errors):
    return {"detail": [
        {"loc": list(loc), "msg": msg, "type": "value_error", "ctx": {"limit_value": 100}}
        for loc, msg in errors
    ]}


def test_validation_errors_by_field():
    body = validation_body(
        (("query", "limit"), "ensure this value is less than or equal to 100"),
        (("query", "next_attempt_at"), "invalid datetime format"),
    )

    errors = api.validation_errors(body)

    assert errors == {
        "limit": "Page size: ensure this value is less than or equal to 100.",
        "next_attempt_at": "Scheduled time: invalid datetime format.",
    }


def test_validation_errors_joins_same_field():
    body = validation_body((("query", "limit"), "first problem."), (("query", "limit"), "second problem"))

    assert api.validation_errors(body) == {"limit": "Page size: first problem. Page size: second problem."}


def test_validation_errors_unknown_field():
    body = validation_body((("query", "colour"), "is not allowed"))

    assert api.validation_errors(body) == {"colour": "colour: is not allowed."}


def test_validation_errors_missing_msg():
    body = {"detail": [{"loc": ["path", "job_id"]}]}

    assert api.validation_errors(body) == {"job_id": "Job id: is invalid."}


def test_validation_errors_missing_loc():
    body = {"detail": [{"msg": "something is wrong"}]}

    assert api.validation_errors(body) == {"_": "_: something is wrong."}


@pytest.mark.parametrize("body", [None, "Unprocessable", [], {"detail": "bad"}, {"detail": []},
                                  {"detail": ["not a dict", 3]}, {"other": 1}])
def test_validation_errors_unexpected_body(body):
    assert api.validation_errors(body) == {"_": "The API rejected the request as invalid."}


# --- describe_error -----------------------------------------------------------


def test_describe_404_job_body():
    body = {"detail": {"job_id": 7, "message": "job not found"}}

    assert api.describe_error(404, body) == "Job 7 not found."


def test_describe_404_uses_requested_id():
    assert api.describe_error(404, {"detail": "Not Found"}, job_id=9) == "Job 9 not found."


def test_describe_404_unknown_path():
    sentence = api.describe_error(404, {"detail": "Not Found"})

    assert "404" in sentence
    assert "Not Found" in sentence


@pytest.mark.parametrize("state, message, phrase", [
    ("RUNNING", None, "is running"),
    ("DONE", None, "has finished"),
    ("DONE", "Permanent failure", "has failed"),
])
def test_describe_409_names_job_state(state, message, phrase):
    job = dict(RUNNING_JOB, status=state, message=message)
    body = {"detail": {"job": job, "message": "unable to cancel job in %s state" % state}}

    sentence = api.describe_error(409, body, job_id=99)

    assert sentence == "Job 12 %s, so it cannot be canceled: only pending jobs can be." % phrase


def test_describe_409_already_canceled():
    job = dict(RUNNING_JOB, status="CANCELED")
    body = {"detail": {"job": job, "message": "unable to cancel job in CANCELED state"}}

    sentence = api.describe_error(409, body, job_id=99)

    assert sentence == "Job 12 was already canceled, so there is nothing to cancel."


def test_describe_409_without_job():
    sentence = api.describe_error(409, {"detail": {"message": "unable to cancel"}}, job_id=5)

    assert "Job 5 " in sentence
    assert "cannot be canceled" in sentence


def test_describe_422_lists_fields():
    body = validation_body(
        (("query", "next_attempt_at"), "invalid datetime format"),
        (("query", "limit"), "ensure this value is less than or equal to 100"),
    )

    sentence = api.describe_error(422, body)

    assert "Page size: ensure this value is less than or equal to 100." in sentence
    assert "Scheduled time: invalid datetime format." in sentence


def test_describe_422_is_deterministic():
    # MicroPython's dicts do not keep insertion order, so the sentence order must not depend on it.
    first = validation_body((("query", "limit"), "too big"), (("query", "skip"), "negative"))
    second = validation_body((("query", "skip"), "negative"), (("query", "limit"), "too big"))

    assert api.describe_error(422, first) == api.describe_error(422, second)


def test_describe_503_with_detail():
    # serve.py's sentence already names what failed and what to do, so it is not prefixed again.
    detail = ("Could not connect to the jobs API at http://127.0.0.1:8000: connection refused. "
              "Start it (tox -e run) or pass --api with its URL.")

    assert api.describe_error(503, {"detail": detail}) == detail


def test_describe_503_without_body():
    sentence = api.describe_error(503, None)

    assert sentence.startswith("The jobs API cannot be reached.")
    assert "retries" in sentence


def test_describe_502_without_body():
    sentence = api.describe_error(502, None)

    assert sentence.startswith("The jobs API failed to respond.")
    assert "retries" in sentence


@pytest.mark.parametrize("status, acted", [
    (0, True), (500, True), (502, True), (504, True), (503, False), (409, False), (404, False), (200, False),
])
def test_may_have_acted_after_send(status, acted):
    assert api.may_have_acted(status) is acted


def test_describe_504_timeout():
    sentence = api.describe_error(504, None)

    assert sentence.startswith("The jobs API did not answer in time.")


def test_describe_other_status_detail():
    assert api.describe_error(405, {"detail": "Method Not Allowed"}) == "The API returned 405: Method Not Allowed."


def test_describe_unknown_status_generic():
    sentence = api.describe_error(500, None)

    assert "500" in sentence
    assert "Try again" in sentence


ERROR_CASES = [
    (404, {"detail": {"job_id": 7, "message": "job not found"}}),
    (404, {"detail": {"message": "job not found"}}),
    (404, {"detail": "Not Found"}),
    (409, {"detail": {"job": RUNNING_JOB, "message": "unable to cancel job in RUNNING state"}}),
    (409, {"detail": {"job": "not a dict"}}),
    (409, {"detail": "conflict"}),
    (422, validation_body((("query", "limit"), "ensure this value is greater than 0"))),
    (422, {"detail": {"loc": ["query"], "msg": "odd"}}),
    (422, None),
    (400, {"detail": {"nested": {"deeper": [1, 2]}}}),
    (400, {"detail": ["a", "b"]}),
    (403, {"detail": "Origin not allowed"}),
    (405, {"detail": "Method Not Allowed"}),
    (413, {"detail": "too large"}),
    (500, {"error": {"code": 1}}),
    (500, ["unexpected", {"list": True}]),
    (502, {"detail": {"upstream": "down"}}),
    (503, None),
    (504, {"detail": None}),
    (0, None),
]


@pytest.mark.parametrize("status, body", ERROR_CASES)
def test_describe_error_no_raw_json(status, body):
    sentence = api.describe_error(status, body, job_id=3)

    assert "{" not in sentence
    assert "}" not in sentence
    assert "[" not in sentence
    assert "]" not in sentence


@pytest.mark.parametrize("status, body", ERROR_CASES)
def test_describe_error_is_sentence(status, body):
    sentence = api.describe_error(status, body)

    assert sentence[:1].isupper()
    assert sentence.endswith(".")


@pytest.mark.parametrize("status, expected", [
    (0, True), (502, True), (503, True), (504, True),
    (200, False), (404, False), (409, False), (422, False), (500, False),
])
def test_is_unreachable_statuses(status, expected):
    assert api.is_unreachable(status) is expected


def test_describe_error_without_retry_advice():
    # After a request that may have taken effect, "Try again" would invite a duplicate.
    sentence = api.describe_error(500, None, retry_advice=False)

    assert sentence == "The API returned status 500."
    assert "Try again" in api.describe_error(500, None)
