"""Creating jobs: now, at a local time, one job per click, and API errors."""

import re
import urllib.parse

import pytest
from playwright.sync_api import expect


def test_create_now_appears_highlighted(console, stack):
    job_id = console.create_job("made in the console")
    row = console.row(job_id)
    expect(row).to_be_visible()
    expect(row).to_have_class(re.compile(r"\bis-new\b"))
    expect(row.locator(".c-message")).to_have_text("made in the console")
    assert stack.api.job(job_id)["message"] == "made in the console"


def test_create_without_message(console, stack):
    job_id = console.create_job("")
    assert stack.api.job(job_id)["message"] == ""


def test_single_job_numbered_one(console, stack):
    job_id = console.create_job("sched {n} test")
    assert stack.api.job(job_id)["message"] == "sched 1 test"


def test_one_click_one_job(console, stack):
    stack.relay.delay = 1.0
    console.create_message.fill("double click")
    console.create_button.dblclick()
    expect(console.create_button).to_be_disabled()
    expect(console.notice).to_have_text(re.compile(r"Job \d+ created\."))
    stack.relay.delay = 0
    assert len([path for path in stack.relay.posts() if "double" in path]) == 1


def test_scheduled_time_sent_as_utc(console, stack):
    console.create_message.fill("scheduled chicago")
    console.schedule("2030-01-15T14:00")
    expect(console.create_preview).to_have_text(re.compile(
        r"2030-01-15 14:00 your time \(America/Chicago\) = 2030-01-15 20:00 UTC, in \d+ (d|y)"))
    job_id = console.create_job("scheduled chicago")
    assert stack.api.job(job_id)["next_attempt_at"] == "2030-01-15T20:00:00.000000"
    console.open_job(job_id)
    expect(console.detail_next).to_have_text(re.compile(r"^2030-01-15 14:00:00"))
    expect(console.detail_next).to_have_attribute("title", re.compile(r"2030-01-15 20:00:00 UTC"))


def test_validation_error_next_to_field(console):
    body = {"detail": [{"loc": ["query", "next_attempt_at"], "msg": "invalid datetime format",
                        "type": "value_error.datetime"}]}
    console.page.route("**/api/job/new*", lambda route: route.fulfill(status=422, json=body))
    console.schedule("2031-05-01T10:00")
    console.create_button.click()
    expect(console.create_at_error).to_have_text("Scheduled time: invalid datetime format.")
    expect(console.create_error).to_have_text("")


def test_incomplete_time_refused(console, stack):
    console.run_later.check()
    console.create_at.fill("")
    console.create_button.click()
    expect(console.create_at_error).to_have_text("Choose a date and time, or pick Run now.")
    assert stack.relay.posts() == []


# --- Times the jobs API cannot store: it keeps the years 1 to 9999 in UTC ----

LATE_NEW_YORK = ("The scheduled time is after 9999-12-31 23:59 UTC (9999-12-31 18:59 your time), "
                 "the latest time the jobs API can store. Choose an earlier time.")


@pytest.mark.parametrize("timezone_id", ["America/New_York"])
@pytest.mark.parametrize("local_value", ["9999-12-31T23:59", "9999-12-31T19:00", "10000-01-01T00:00"])
def test_time_past_year_9999_explained(console, stack, timezone_id, local_value):
    console.schedule(local_value)
    expect(console.create_preview).to_have_text(LATE_NEW_YORK)
    console.create_button.click()
    expect(console.create_at_error).to_have_text(LATE_NEW_YORK)
    # The sentence shows once, in the field's error, not in the preview as well.
    expect(console.create_preview).to_be_hidden()
    expect(console.create_error).to_have_text("")
    assert stack.relay.posts() == []


@pytest.mark.parametrize("timezone_id", ["America/New_York"])
def test_run_now_clears_time_error(console, timezone_id):
    console.schedule("9999-12-31T23:59")
    console.create_button.click()
    expect(console.create_at_error).to_have_text(LATE_NEW_YORK)
    console.run_now.check()
    expect(console.create_at_error).to_have_text("")
    expect(console.create_preview).to_have_text("The job runs as soon as it is created.")


@pytest.mark.parametrize("timezone_id", ["America/New_York"])
def test_last_storable_minute_created(console, stack, timezone_id):
    # 18:59 in New York is 23:59 UTC, and looking 3 h past it for a clock change must not fail.
    console.schedule("9999-12-31T18:59")
    expect(console.create_preview).to_have_text(re.compile(
        r"^9999-12-31 18:59 your time \(America/New_York\) = 9999-12-31 23:59 UTC, in \d+ y\.$"))
    job_id = console.create_job("last minute")
    assert stack.api.job(job_id)["next_attempt_at"] == "9999-12-31T23:59:00.000000"


@pytest.mark.parametrize("timezone_id", ["Asia/Tokyo"])
def test_time_before_year_1_explained(console, stack, timezone_id):
    # Zone data gives Tokyo local mean time, UTC+09:18:59, in year 1, so 0001-01-01 09:18
    # there is still year 0 in UTC.
    early = ("The scheduled time is before 0001-01-01 00:00 UTC (0001-01-01 09:19 your time), "
             "the earliest time the jobs API can store. Choose a later time.")
    for local_value in ("0001-01-01T00:00", "0001-01-01T09:18"):
        console.schedule(local_value)
        expect(console.create_preview).to_have_text(early)
        console.create_button.click()
        expect(console.create_at_error).to_have_text(early)
    assert stack.relay.posts() == []
    console.schedule("0001-01-01T09:19")
    expect(console.create_preview).to_contain_text("which is in the past: the job runs at once")
    console.create_job("first minute")
    sent = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) for path in stack.relay.posts()]
    # A past time is not sent, so the API dates the job's run after its creation, not in year 1.
    assert [query.get("next_attempt_at") for query in sent] == [None]


@pytest.mark.parametrize("timezone_id", ["America/New_York"])
def test_window_end_past_year_9999_explained(console, stack, timezone_id):
    late_end = ("The end of the window is after 9999-12-31 23:59 UTC (9999-12-31 18:59 your time), "
                "the latest time the jobs API can store. Choose an earlier time.")
    console.create_count.fill("3")
    console.schedule("9999-12-31T12:00")
    console.create_until.fill("9999-12-31T23:59")
    expect(console.create_preview).to_have_text(late_end)
    console.create_button.click()
    expect(console.create_at_error).to_have_text(late_end)
    assert stack.relay.posts() == []


@pytest.mark.parametrize("timezone_id", ["America/New_York"])
def test_utc_mode_names_limit_in_utc(console, stack, timezone_id):
    console.zone_toggle.click()
    expect(console.zone_label).to_have_text("Times in UTC")
    console.run_later.check()
    console.create_at_utc.fill("10000-01-01T00:00")
    expect(console.create_preview).to_have_text(
        "The scheduled time is after 9999-12-31 23:59 UTC, the latest time the jobs API can store. "
        "Choose an earlier time.")
    console.create_at_utc.fill("9999-12-31T23:59")
    expect(console.create_preview).to_have_text(re.compile(r"^9999-12-31 23:59 UTC, in \d+ y\.$"))


# --- An emptied date stays empty ---------------------------------------------


def test_emptied_time_stays_empty(console, stack):
    console.run_later.check()
    expect(console.create_at).not_to_have_value("")
    console.create_at.fill("")
    expect(console.create_preview).to_have_text("Choose a date and time, or pick Run now.")
    console.create_button.click()
    expect(console.create_at_error).to_have_text("Choose a date and time, or pick Run now.")
    expect(console.create_button).to_be_enabled()
    expect(console.create_at).to_have_value("")
    expect(console.create_preview).to_be_hidden()
    assert stack.relay.posts() == []
    # Typing in the field clears its error, and the preview describes the new time.
    console.create_at.fill("2030-01-15T14:00")
    expect(console.create_at_error).to_have_text("")
    expect(console.create_preview).to_contain_text("2030-01-15 14:00 your time")


def test_reopened_time_suggested_again(console):
    console.run_later.check()
    console.create_at.fill("")
    console.run_now.check()
    console.run_later.check()
    # Choosing At again opens the field with a time an hour ahead, as on the first choice.
    # The field drops the seconds, so the preview reads 58 or 59 min.
    expect(console.create_at).to_have_value(re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d$"))
    expect(console.create_preview).to_have_text(re.compile(r", in 5[89] min\.$"))


def test_emptied_window_end_stays_empty(console, stack):
    console.create_count.fill("3")
    console.run_later.check()
    expect(console.create_until).not_to_have_value("")
    console.create_until.fill("")
    console.create_button.click()
    expect(console.create_at_error).to_have_text("Choose when the window ends, or set How many to 1.")
    expect(console.create_until).to_have_value("")
    expect(console.create_preview).to_be_hidden()
    assert stack.relay.posts() == []


# --- How many ----------------------------------------------------------------

NOT_A_NUMBER = "The text in How many is not a number. Enter how many jobs as a whole number from 1 to 500."


def api_messages(stack):
    """Return the messages of the newest 100 jobs, read from the API itself."""
    status, jobs = stack.api.call("GET", "/jobs", limit=100)
    assert status == 200, jobs
    return [job["message"] for job in jobs]


def test_count_not_a_number_blocks_create(console, stack):
    console.create_count.fill("")
    # A number field accepts "e" (for 1e3) but then has the value "", which used to mean one job.
    console.create_count.press_sequentially("e")
    expect(console.create_count_error).to_have_text(NOT_A_NUMBER)
    expect(console.create_button).to_have_text("Create")
    expect(console.create_preview).to_have_text("")
    console.create_button.click()
    expect(console.create_count_error).to_have_text(NOT_A_NUMBER)
    expect(console.create_button).to_be_enabled()
    expect(console.notice).to_have_text("")
    assert stack.relay.posts() == []


def test_count_unreadable_creates_no_job(console, stack):
    console.create_message.fill("unreadable count")
    console.create_count.fill("")
    # fill() rejects text that is not a number in a number field, so the keys are typed.
    # Chromium keeps "-" but drops letters other than e. The field's value is then "".
    console.create_count.press_sequentially("-")
    assert console.create_count.evaluate("field => field.validity.badInput")
    expect(console.create_count_error).to_have_text(NOT_A_NUMBER)
    # The submit handler disables the button as it runs, so once the button is enabled
    # again, any job this click created would exist in the API.
    console.create_button.click()
    expect(console.create_button).to_be_enabled()
    expect(console.create_count_error).to_have_text(NOT_A_NUMBER)
    expect(console.create_message).to_have_value("unreadable count")
    assert "unreadable count" not in api_messages(stack)
    assert stack.relay.posts() == []


def test_count_error_clears_when_fixed(console):
    console.create_count.fill("")
    console.create_count.press_sequentially("e")
    expect(console.create_count_error).to_have_text(NOT_A_NUMBER)
    console.create_count.fill("3")
    expect(console.create_count_error).to_have_text("")
    expect(console.create_button).to_have_text("Create 3 jobs")
    console.create_count.fill("")
    # An empty field still means one job.
    expect(console.create_count_error).to_have_text("")
    expect(console.create_button).to_have_text("Create job")


@pytest.mark.parametrize("typed", ["501", "-1"])
def test_count_out_of_range_names_no_count(console, typed):
    console.create_count.fill(typed)
    expect(console.create_count_error).to_have_text("Create from 1 to 500 jobs at a time, not %s." % typed)
    expect(console.create_button).to_have_text("Create")


# --- Layout --------------------------------------------------------------------


def test_batch_form_fits_its_panel(console):
    console.create_count.fill("5")
    console.schedule("2030-01-15T14:00")
    expect(console.create_until).to_be_visible()
    fields = {
        "message": console.create_message,
        "count": console.create_count,
        "When fieldset": console.create_when,
        "start": console.create_at,
        "end": console.create_until,
        "button": console.create_button,
    }
    for width in (320, 380, 960, 1280, 1920):
        console.page.set_viewport_size({"width": width, "height": 900})
        form = console.create_form.bounding_box()
        panel = console.create_panel.bounding_box()
        assert form["x"] + form["width"] <= panel["x"] + panel["width"], "form wider than its panel at %d px" % width
        for name, locator in fields.items():
            box = locator.bounding_box()
            right = box["x"] + box["width"]
            assert right <= form["x"] + form["width"] + 0.5, "%s ends at %.1f, past the form's %.1f at %d px" % (
                name, right, form["x"] + form["width"], width)
        assert console.page.evaluate("document.documentElement.scrollWidth") <= width
