"""The pure-logic console modules under MicroPython, the interpreter the page runs.

The probe script below imports the pure modules and prints results that
depend on the behaviours most likely to differ between interpreters: integer
floor division, float rounding, ``str.isdigit`` on non-ASCII digits,
``bytes.decode`` of invalid UTF-8, dict order, ``%`` formatting and
``json.dumps``. It runs under the page's own MicroPython build (the vendored
WebAssembly interpreter, through Node; see interpreters.py) and under this
CPython, and both outputs must match line for line. The probe escapes
non-ASCII output and formats floats itself, because the two interpreters
print floats and non-ASCII text differently.
"""

import ast

import pytest

from interpreters import CPYTHON, MICROPYTHON, REPO_ROOT, SKIP_REASON, run_probe_script

PURE_MODULES = ("timefmt", "jobs", "api", "skew", "view", "paging", "bulk", "patch")

PROBE = r'''
import sys
sys.path.insert(0, ROOT)

from console import activity, api, bulk, export, jobs, paging, skew, timefmt, view


def show(label, value):
    text = label + ": " + str(value)
    print("".join(char if ord(char) < 128 else "\\u%04x" % ord(char) for char in text))


def error_of(function, *args):
    try:
        function(*args)
    except ValueError as error:
        return "ValueError " + str(error)
    return "accepted"


for text in ("2026-12-04T19:37:31.469000", "2026-12-04T19:37:31.469000Z",
             "2024-02-29T23:59:59.999999+00:00", "1969-12-31T23:59:59.000001",
             "1900-03-01T00:00:00.5", "2000-02-29T12:00", "0000-01-01T00:00:00.000000"):
    show("round trip " + text, timefmt.format_api_time(timefmt.parse_api_time(text)))
for text in ("2026-12-04T19:37:31+05:00", "2026-12-04T19:37:31.", "2026-13-01T00:00",
             "\u0662\u0660\u0662\u0666-12-04T19:37", "garbage"):
    show("parse " + api.quote(text), error_of(timefmt.parse_api_time, text))
for year, month, day in ((1970, 1, 1), (1900, 2, 28), (2000, 2, 29), (2100, 3, 1),
                         (1, 1, 1), (0, 2, 29), (-401, 12, 31)):
    number = timefmt.days_from_civil(year, month, day)
    show("days %d-%d-%d" % (year, month, day), number)
    show("civil %d" % number, timefmt.civil_from_days(number))
show("negative epoch", timefmt.format_api_time(-0.5))
show("iso", timefmt.format_iso_utc(1796413051.469999))
for offset in (570, -210, 345):
    show("clock %d" % offset, timefmt.format_clock(1796413051.9, offset))
    show("date time %d" % offset, timefmt.format_date_time(1798759800, offset))
    show("offset %d" % offset, timefmt.format_offset(offset))
for delta in (0.9, -0.9, 59, 60, 3599, 3600, 86400, -90000):
    show("relative %s" % delta, timefmt.format_relative(1796413051.0 + delta, 1796413051.0))
for seconds in (0.85, 42, 185, 605, 7500, 273600):
    show("duration %s" % seconds, timefmt.format_duration(seconds))
show("local", timefmt.parse_local_input("2024-02-29T10:00"))
show("local missing", error_of(timefmt.parse_local_input, "2100-02-29T10:00"))

history = [
    {"job_history_id": 3, "status": "PENDING", "status_at": "2026-12-04T19:37:46.469000",
     "message": "Temporary failure"},
    {"job_history_id": 2, "status": "RUNNING", "status_at": "2026-12-04T19:37:34.469000", "message": ""},
    {"job_history_id": 1, "status": "PENDING", "status_at": "2026-12-04T19:37:31.469000", "message": "x"},
]
job = {"job_id": 7, "status": "RUNNING", "status_at": "2026-12-04T19:37:59.469000",
       "created_at": "2026-12-04T19:37:31.469000", "next_attempt_at": None, "message": ""}
show("outcome", jobs.outcome({"status": "DONE", "message": "Permanent failure"}))
show("state", jobs.state_phrase({"status": "PENDING", "message": "Temporary failure"}))
show("attempts", jobs.attempt_count(job, history))
show("ahead", jobs.history_is_ahead(dict(job, status="PENDING", status_at=history[0]["status_at"]), history))
show("new job outcome", jobs.outcome({"status": "PENDING", "message": "Temporary failure",
                                     "created_at": job["created_at"], "status_at": job["created_at"]}))
for period in jobs.state_periods(job, history, 1796413082.469):
    show("period " + period["status"], "%.3f" % period["seconds"])
for text in ("#42", "0", "\u00b2", "caf\u00e9", "\u0664\u0662", "4.2", str(2 ** 63)):
    show("job id " + api.quote(text), error_of(jobs.parse_job_id, text))

show("quote", api.quote("Z\u00fcrich & <img src=x onerror=alert(1)> +=\U0001f642"))
show("jobs url", api.jobs_url("/api", "PENDING", 50, 25))
show("limit 101", error_of(api.jobs_url, "/api/", None, 0, 101))
show("create url", api.create_url(" ", "a+b c", "2030-01-01T00:00:00.000000"))
show("409", api.describe_error(409, {"detail": {"job": job, "message": "unable to cancel job"}}))
show("422", api.describe_error(422, {"detail": [
    {"loc": ["query", "skip"], "msg": "negative"},
    {"loc": ["query", "limit"], "msg": "too big"},
    {"loc": ["query", "next_attempt_at"], "msg": "invalid datetime format"},
]}))
show("504", api.describe_error(504, None))

show("http date", skew.parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"))
show("bad http date", skew.parse_http_date("Sun, 06 Nov 1994 08:49 GMT"))
estimator = skew.SkewEstimator()
for sent, received, header in ((100.2, 100.5, "Thu, 01 Jan 1970 00:01:50 GMT"),
                               (103.9, 104.05, "Thu, 01 Jan 1970 00:01:54 GMT"),
                               (108.6, 108.62, "Thu, 01 Jan 1970 00:01:58 GMT")):
    estimator.add(header, sent, received)
    show("skew", "%.3f %.3f" % (estimator.lower, estimator.upper))
estimator.add("Thu, 01 Jan 1970 01:02:00 GMT", 110.0, 110.1)
show("skew after jump", "%.3f" % estimator.offset())

for search in ("?status=PENDING&page=3&size=50&job=%34%32", "?page=%FF&size=1000&job=0",
               "?status=%E2%82&page=\u00b2", "?st%61tus=done&page=-1"):
    show("view " + api.quote(search), sorted(view.parse_view(search).items()))
show("format view", view.format_view({"status": "done", "page": 2, "size": 100, "job": None}))
show("unquote", api.quote(view.unquote("%E2%82%AC+%FF")))

rows = [{"job_id": job_id, "created_at": "2026-12-04T19:37:3%d.000000" % (job_id // 2)}
        for job_id in (9, 8, 7, 6, 5, 4)]
anchor = jobs.job_key(rows[3])
show("newer", paging.count_newer(rows, anchor))
show("kept", [row["job_id"] for row in paging.drop_seen_newer(rows, anchor)])
show("newest", paging.newest_key(rows)[1])
show("skip", paging.page_skip(3, 25, 4))

for text in ("", " 7 ", "\u0663", "501", "12a", "-1", "-"):
    show("count " + api.quote(text), error_of(bulk.parse_count, text))
show("spread", ["%.3f" % epoch for epoch in bulk.spread_times(1796413051.0, 1796413061.0, 4)])
show("ids", bulk.describe_ids([110, 101, 102, 103, 107, 111, 104, 105]))
show("not attempted", bulk.not_attempted_text(3))

odd = dict(job, message='=SUM(A1), "quoted"\n\u00e9', next_attempt_at="2026-12-04T19:40:00.000000")
show("csv", api.quote(export.to_csv([job, odd, dict(job, message="+1")])))
# MicroPython's json.dumps writes non-ASCII characters unescaped, where CPython's
# writes \uXXXX escapes. show() escapes them the same way, so the texts compare equal.
show("json", export.to_json([odd], {"status": "pending", "page": 2, "size": 50}, 1796413051.469, None).strip())
show("file", export.file_name({"status": "done", "page": 3}, 1796413051.469, "csv"))

log = activity.ActivityLog(1796413000.0)
show("counts added", log.add_counts(1796413010.0, 4, 1))
show("counts again", log.add_counts(1796413070.0, 3, 2))
show("unread", log.mark_unread())
show("observed", log.observe([job, dict(job, job_id=8, status="PENDING")]))
show("finished", log.observe([
    dict(job, status="DONE", status_at="2026-12-04T19:38:40.000000"),
    dict(job, job_id=8, status="DONE", status_at="2026-12-04T19:39:10.000000", message="Permanent failure"),
]))
show("per minute", log.finished_per_minute(1796413200.0))
show("totals", log.totals())
'''


def run_probe(interpreter, tmp_path):
    return run_probe_script(interpreter, tmp_path, "probe.py", PROBE)


@pytest.mark.skipif(MICROPYTHON is None, reason=SKIP_REASON % "the modules were")
def test_micropython_matches_cpython(tmp_path):
    expected = run_probe(CPYTHON, tmp_path)

    got = run_probe(MICROPYTHON, tmp_path)

    differences = [(want, have) for want, have in zip(expected, got) if want != have]
    assert differences[:5] == []
    assert len(got) == len(expected)


def test_probe_runs_under_cpython(tmp_path):
    # Keeps the probe itself working on machines without Node or a micropython binary.
    lines = run_probe(CPYTHON, tmp_path)

    assert lines[-1] == "totals: (1, 1)"


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_module_imports_console_only(name):
    # The page's MicroPython 1.28 build has no urllib, typing or dataclasses,
    # and its datetime has no strftime, so these modules import only each other.
    tree = ast.parse((REPO_ROOT / "console" / (name + ".py")).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)

    assert imported <= {"console"}
