"""Times in the browser's zone, read from the API as UTC."""

import re
import urllib.parse

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("timezone_id,local,utc", [
    ("America/Chicago", "2030-07-04 07:30:00", "2030-07-04T12:30:00.000000"),
    ("Asia/Shanghai", "2030-07-04 20:30:00", "2030-07-04T12:30:00.000000"),
    ("Australia/Adelaide", "2030-07-04 22:00:00", "2030-07-04T12:30:00.000000"),
])
def test_api_time_shown_in_zone(console, stack, timezone_id, local, utc):
    job = stack.api.create("zone check", utc)
    console.go_to_job(str(job["job_id"]))
    expect(console.detail_next).to_have_text(re.compile("^" + re.escape(local)))
    expect(console.detail_next).to_have_attribute("title", re.compile(re.escape(timezone_id)))
    expect(console.zone_label).to_have_text(re.compile("Times in " + re.escape(timezone_id)))


@pytest.mark.parametrize("timezone_id", ["UTC"])
def test_utc_browser_tooltip_one_line(console, stack, timezone_id):
    job = stack.api.create("utc browser", "2030-07-04T12:30:00.000000")
    console.go_to_job(str(job["job_id"]))
    expect(console.detail_next).to_have_attribute("title", "2030-07-04 12:30:00 UTC")


@pytest.mark.parametrize("timezone_id,local_input,preview,sent", [
    ("America/Chicago", "2030-03-09T03:30",
     "2030-03-09 03:30 your time (America/Chicago) = 2030-03-09 09:30 UTC", "2030-03-09T09:30:00.000000"),
    ("America/Chicago", "2030-03-10T03:30",
     "2030-03-10 03:30 your time (America/Chicago) = 2030-03-10 08:30 UTC", "2030-03-10T08:30:00.000000"),
    ("Asia/Shanghai", "2030-03-10T03:30",
     "2030-03-10 03:30 your time (Asia/Shanghai) = 2030-03-09 19:30 UTC", "2030-03-09T19:30:00.000000"),
    ("Australia/Adelaide", "2030-04-06T14:00",
     "2030-04-06 14:00 your time (Australia/Adelaide) = 2030-04-06 03:30 UTC", "2030-04-06T03:30:00.000000"),
    ("Australia/Adelaide", "2030-04-07T14:00",
     "2030-04-07 14:00 your time (Australia/Adelaide) = 2030-04-07 04:30 UTC", "2030-04-07T04:30:00.000000"),
])
def test_schedule_preview_and_sent_instant(console, stack, timezone_id, local_input, preview, sent):
    console.schedule(local_input)
    expect(console.create_preview).to_have_text(re.compile("^" + re.escape(preview) + r", in \d+ (d|y)"))
    job_id = console.create_job("zone %s" % timezone_id)
    assert stack.api.job(job_id)["next_attempt_at"] == sent


@pytest.mark.parametrize("timezone_id", ["America/Chicago"])
def test_nonexistent_local_time_explained(console, stack, timezone_id):
    # Clocks in Chicago jump from 02:00 to 03:00 on 2030-03-10.
    console.schedule("2030-03-10T02:30")
    expect(console.create_preview).to_contain_text("02:30 does not exist on that day in America/Chicago")
    expect(console.create_preview).to_contain_text("= 2030-03-10 08:30 UTC")
    job_id = console.create_job("gap")
    assert stack.api.job(job_id)["next_attempt_at"] == "2030-03-10T08:30:00.000000"


def test_past_time_runs_at_once(console):
    console.schedule("2020-01-01T09:00")
    expect(console.create_preview).to_contain_text("which is in the past: the job runs at once")


def test_utc_switch_remembered(console, stack):
    job = stack.api.create("utc switch", "2030-07-04T12:30:00")
    console.go_to_job(str(job["job_id"]))
    expect(console.detail_next).to_have_text(re.compile(r"^2030-07-04 07:30:00"))
    console.zone_toggle.click()
    expect(console.zone_label).to_have_text("Times in UTC")
    expect(console.detail_next).to_have_text(re.compile(r"^2030-07-04 12:30:00"))
    console.page.reload()
    console.wait_ready()
    expect(console.zone_label).to_have_text("Times in UTC")
    expect(console.zone_toggle).to_have_text("Show local time")
    expect(console.detail_next).to_have_text(re.compile(r"^2030-07-04 12:30:00"))


def test_relative_times_tick_between_refreshes(console, stack):
    job = stack.api.create_far_future("ticking")
    cell = console.row(job["job_id"]).locator(".c-created .rel")
    expect(cell).to_be_visible()
    console.set_interval("off")
    expect(cell).to_have_text(re.compile(r"^[3-9] s ago$"))
    expect(cell).to_have_text(re.compile(r"^(1\d|[6-9]) s ago$"))


@pytest.mark.parametrize("browser_behind", [120, -300])
def test_relative_times_use_api_clock(page, stack, browser_behind):
    from datetime import datetime, timedelta, timezone

    from pages import ConsolePage

    # The browser's clock is off by minutes; the Date headers of the API's responses correct it.
    page.clock.install(time=datetime.now(timezone.utc) - timedelta(seconds=browser_behind))
    job = stack.api.create_far_future("skewed clock")
    console = ConsolePage(page, stack.url).open()
    cell = console.row(job["job_id"]).locator(".c-created .rel")
    expect(cell).to_have_text(re.compile(r"^(just now|\d s ago|1\d s ago)$"))


def test_two_digit_year_kept(console, stack):
    console.schedule("0099-06-01T12:00")
    expect(console.create_preview).to_contain_text("0099-06-01 12:00 your time")
    expect(console.create_preview).to_contain_text("which is in the past: the job runs at once")
    job_id = console.create_job("ancient")
    assert stack.api.job(job_id)["created_at"]
    # A time that has passed is not sent, so the API runs the job now instead of in year 99.
    sent = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) for path in stack.relay.posts()]
    assert [query.get("next_attempt_at") for query in sent] == [None]


@pytest.mark.parametrize("timezone_id", ["America/New_York"])
def test_repeated_local_time_explained(console, stack, timezone_id):
    # Clocks in New York go back from 02:00 to 01:00 on 2027-11-07, so 01:30 happens twice.
    console.schedule("2027-11-07T01:30")
    expect(console.create_preview).to_contain_text(
        "01:30 happens twice on that day in America/New_York (the clocks go back); the first, at UTC-04:00, is used.")
    expect(console.create_preview).to_contain_text("= 2027-11-07 05:30 UTC")


def test_utc_switch_keeps_chosen_moment(console):
    console.schedule("2030-01-15T14:00")
    expect(console.create_preview).to_contain_text("= 2030-01-15 20:00 UTC")
    console.zone_toggle.click()
    expect(console.page.locator("#create-at")).to_have_value("2030-01-15T20:00")
    expect(console.create_preview).to_have_text(re.compile(r"^2030-01-15 20:00 UTC, in"))


def test_utc_switch_retimes_banner(console, stack):
    console.wait_refreshes(1)
    stack.relay.stop()
    expect(console.banner_text).to_have_text(re.compile(r"The data on screen is from \d\d:\d\d:\d\d\.$"))
    # Wait for a long back-off, so no retry redraws the banner in the meantime.
    expect(console.updated).to_have_text(re.compile(r"retrying in [5-9] s"), timeout=20000)
    local_text = console.banner_text.inner_text()
    console.zone_toggle.click()
    expect(console.zone_label).to_have_text("Times in UTC")
    expect(console.banner_text).not_to_have_text(local_text, timeout=1500)
    utc_text = console.banner_text.inner_text()
    local_hour = int(re.search(r"from (\d\d):", local_text).group(1))
    utc_hour = int(re.search(r"from (\d\d):", utc_text).group(1))
    # America/Chicago is UTC-06:00 or UTC-05:00.
    assert (utc_hour - local_hour) % 24 in (5, 6)
    stack.relay.start()


def test_due_time_reads_due_now(console, stack):
    from datetime import datetime, timedelta, timezone

    due = datetime.now(timezone.utc) + timedelta(seconds=8)
    job = stack.api.create("due soon", due.replace(tzinfo=None).isoformat())
    console.open_job(job["job_id"])
    # With refresh off the job stays PENDING on screen while its due time passes.
    console.set_interval("off")
    row_next_attempt = console.row(job["job_id"]).locator(".c-next .rel")
    expect(console.detail_next).to_have_text(re.compile(r"\(in [1-8] s\)$"))
    expect(console.detail_next).to_have_text(re.compile(r"\(due now\)$"), timeout=10000)
    expect(row_next_attempt).to_have_text(re.compile(r"^due (now|1 s ago)$"))
    expect(console.detail_next).to_have_text(re.compile(r"\(due [1-3] s ago\)$"), timeout=5000)
    expect(row_next_attempt).to_have_text(re.compile(r"^due [1-3] s ago$"))
