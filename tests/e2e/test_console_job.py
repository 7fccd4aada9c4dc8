"""Opening a job: by its row or by id, every field, history, and bad ids."""

import re

from playwright.sync_api import expect


def test_row_click_opens_job(console, stack):
    job = stack.api.create_far_future("open me")
    console.open_job(job["job_id"])
    expect(console.detail_status).to_have_text("Pending")
    expect(console.detail_api_status).to_have_text("PENDING")
    expect(console.detail_message).to_have_text("open me")
    expect(console.detail_attempt).to_have_text("Not run yet")
    expect(console.detail_next).to_have_text(re.compile(r"2098-12-31 18:00:00 \(in \d+ (d|y)"))
    expect(console.row(job["job_id"])).to_have_class(re.compile(r"\bis-open\b"))
    assert "job=%d" % job["job_id"] in console.page.url


def test_job_read_again_when_history_is_newer(console, stack):
    job = stack.api.create_far_future("changes between two requests")
    expect(console.row(job["job_id"])).to_be_visible()
    before = stack.api.job(job["job_id"])
    stack.api.cancel(job["job_id"])
    console.set_interval("off")
    served = []

    def stale_once(route):
        # The first read of the job predates the cancel; the history that follows already lists it.
        if served:
            route.continue_()
        else:
            served.append(route.request.url)
            route.fulfill(json=before)

    console.page.route(lambda url: url.endswith("/api/job/%d" % job["job_id"]), stale_once)
    console.open_job(job["job_id"])
    expect(console.detail_status).to_have_text("Canceled")
    expect(console.history_rows).to_have_count(1)
    assert served, "the stale job was never served"


def test_canceled_job_never_ran(console, stack):
    job = stack.api.create_far_future("canceled before running")
    stack.api.cancel(job["job_id"])
    console.open_job(job["job_id"])
    expect(console.detail_status).to_have_text("Canceled")
    # "Not run yet" would suggest that a canceled job may still run.
    expect(console.detail_attempt).to_have_text("None, it never ran")


def test_unread_history_claims_nothing(console, stack):
    job = stack.api.create("ran before its history failed", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    history_route = re.compile(r"/api/job/%d/history" % job["job_id"])
    console.page.route(history_route, lambda route: route.fulfill(status=500, json={"detail": "boom"}))
    console.go_to_job(str(job["job_id"]))
    expect(console.history_empty).to_have_text(
        "The jobs API failed with status 500 when asked for this job's history. "
        "The console reads it again with each refresh.")
    # Without the history, "it never ran" and a one-period timeline would be made up.
    expect(console.detail_attempt).to_have_text("Unknown until the history can be read")
    expect(console.timeline_text).to_have_text("Not shown until the history can be read.")
    expect(console.timeline).to_have_count(0)
    console.page.unroute(history_route)
    expect(console.history_rows.first).to_be_visible()
    expect(console.detail_attempt).to_have_text(re.compile(r"^\d+$"))
    expect(console.history_empty).to_be_hidden()


def test_panel_keeps_message_lines(console, stack):
    job = stack.api.create_far_future("first line\nsecond line")
    console.open_job(job["job_id"])
    expect(console.detail_message).to_be_visible()
    assert console.detail_message.inner_text() == "first line\nsecond line"


def test_go_to_job_box(console, stack):
    job = stack.api.create_far_future("typed id")
    console.go_to_job(" %d " % job["job_id"])
    expect(console.detail_heading).to_have_text("Job %d" % job["job_id"])
    expect(console.detail_message).to_have_text("typed id")


def test_unknown_job_not_found(console):
    console.go_to_job("987654")
    expect(console.detail_error).to_have_text("Job 987654 not found.")


def test_non_numeric_id_refused_without_request(console):
    requested = []
    console.page.on("request", lambda request: requested.append(request.url) if "/api/job/" in request.url else None)
    for text in ("abc", "-3", "0", "4.5", "", "1e3"):
        console.go_to_job(text)
        expect(console.goto_error).to_have_text(re.compile(r"job id|Job ids"))
    expect(console.detail).to_be_hidden()
    assert requested == []


def test_history_newest_first(console, stack):
    job = stack.api.create("history order", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    status, history = stack.api.call("GET", "/job/%d/history" % job["job_id"])
    console.go_to_job(str(job["job_id"]))
    expect(console.history_rows).to_have_count(len(history))
    in_event_order = sorted(history, key=lambda row: row["job_history_id"], reverse=True)
    shown = console.history_rows.locator("td:first-child").all_inner_texts()
    assert shown == [row["status"] for row in in_event_order]
    # The creation entry, first by status_at, is last in the order things happened.
    expect(console.history_rows.last.locator("td").nth(2)).to_have_text("history order")


def test_attempts_and_timeline(console, stack):
    job = stack.api.create("attempts", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    status, history = stack.api.call("GET", "/job/%d/history" % job["job_id"])
    runs = sum(1 for row in history if row["status"] == "RUNNING")
    console.go_to_job(str(job["job_id"]))
    expect(console.detail_attempt).to_have_text(str(runs))
    expect(console.timeline).to_have_count(len(history) + 1)
    # Short segments cut their words, so the line below the bar gives each period in full.
    segments = console.timeline.all_inner_texts()
    expect(console.timeline_text).to_have_text(" → ".join(segments))
    assert segments[0].startswith("Pending ")


def test_close_job_with_button(console, stack):
    job = stack.api.create_far_future("close me")
    console.open_job(job["job_id"])
    console.page.get_by_role("button", name="Close job details").click()
    expect(console.detail).to_be_hidden()
    assert "job=" not in console.page.url


def test_timeline_open_period_ticks(console, stack):
    job = stack.api.create_far_future("timeline ticks")
    console.open_job(job["job_id"])
    console.set_interval("off")
    # Only the clock moves now: no refresh redraws the panel.
    expect(console.timeline.last).to_have_text(re.compile(r"^Pending [0-4] s$"))
    expect(console.timeline.last).to_have_text(re.compile(r"^Pending [5-9] s$"))
    expect(console.timeline_text).to_have_text(re.compile(r"^Pending \d+ s$"))
