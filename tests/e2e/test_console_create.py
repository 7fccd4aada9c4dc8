"""Creating jobs: now, at a local time, one job per click, and API errors."""

import re

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

NOT_A_NUMBER = "The text in How many is not a number. Enter a whole number from 1 to 500."


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


def test_count_out_of_range_names_no_count(console):
    console.create_count.fill("501")
    expect(console.create_count_error).to_have_text("Create from 1 to 500 jobs at a time, not 501.")
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
