"""Staying current: periodic refresh, the off switch, and one refresh at a time."""

import re

from playwright.sync_api import expect


def test_refresh_shows_new_state(console, stack):
    job = stack.api.create_far_future("will be canceled elsewhere")
    expect(console.row_status(job["job_id"])).to_have_text("Pending")
    stack.api.cancel(job["job_id"])
    expect(console.row_status(job["job_id"])).to_have_text("Canceled")


def test_open_job_refreshes(console, stack):
    job = stack.api.create_far_future("detail refresh")
    console.open_job(job["job_id"])
    expect(console.detail_status).to_have_text("Pending")
    stack.api.cancel(job["job_id"])
    expect(console.detail_status).to_have_text("Canceled")
    expect(console.announcer).to_have_text("Job %d is now Canceled." % job["job_id"])


def test_off_switch_stops_refresh(console, stack):
    console.set_interval("off")
    expect(console.updated).to_have_text(re.compile(r"auto refresh off"))
    # The first cycle goes on after the first rows, counting the totals: let it end.
    console.page.wait_for_function("() => (window.jobsConsoleRefreshes || 0) >= 1")
    before = console.refreshes()
    job = stack.api.create_far_future("unseen while off")
    # The label counts up only while no refresh happens: 4 s is two default intervals.
    expect(console.updated).to_have_text(re.compile(r"Updated [4-9] s ago"))
    assert console.refreshes() == before
    expect(console.row(job["job_id"])).to_have_count(0)
    console.set_interval("every 1 s")
    expect(console.row(job["job_id"])).to_be_visible()


def test_one_refresh_in_flight_with_slow_api(console, stack):
    console.set_interval("every 1 s")
    stack.relay.delay = 5.0
    first = len(stack.relay.requests)
    # Two whole refresh cycles at 5 s per request, each of at least two requests.
    console.wait_refreshes(3)
    assert len(stack.relay.requests) - first >= 4
    # A cycle sends its counts and list requests together, and the totals count
    # beside it sends one request at a time. A second cycle started before the
    # first ended would put 4 or more in flight.
    assert stack.relay.max_in_flight <= 3
    stack.relay.delay = 0


def test_updated_label_ticks(console):
    expect(console.updated).to_have_text(re.compile(r"^Updated (just now|\d+ s ago)"))


# Records the "Updated" text at the moment the first rows are on screen.
UPDATED_AT_READY = """
new MutationObserver((records, observer) => {
  if (document.body && document.body.dataset.ready === "1") {
    window.__updatedAtReady = document.getElementById("updated").textContent;
    observer.disconnect();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-ready"]});
"""


def test_first_rows_say_when_read(page, stack):
    from pages import ConsolePage
    page.add_init_script(UPDATED_AT_READY)
    console = ConsolePage(page, stack.url)
    console.open()
    # The first cycle still counts the totals; the status line must not say "Starting…" beside the rows.
    assert page.evaluate("window.__updatedAtReady") == "Updated just now"
