"""Live pictures: activity charts and a job's timeline."""

import re

from playwright.sync_api import expect


def test_active_chart_follows_counts(console, stack):
    expect(console.chart_active.locator("svg")).to_be_visible()
    stack.api.create_far_future("chart pending one")
    stack.api.create_far_future("chart pending two")
    status, counts = stack.api.call("GET", "/")
    expect(console.chart_active.locator("svg")).to_have_attribute(
        "aria-label", re.compile(r"now %d pending" % counts["pending_count"]))
    expect(console.chart_active.locator("path")).to_have_count(2)


def test_active_chart_leaves_outage_blank(console, stack):
    pending_line = console.chart_active.locator("path.line-pending")
    expect(pending_line).to_have_attribute("d", re.compile(r"^M[^M]*$"))
    stack.relay.stop()
    expect(console.banner_text).to_be_visible()
    stack.relay.start()
    expect(console.banner_text).to_be_hidden()
    # One line before the outage, one after it, and no line across the time nothing was read.
    expect(pending_line).to_have_attribute("d", re.compile(r"^M[^M]*M[^M]*$"))


def test_finished_chart_counts_seen_finishes(make_stack, page):
    import time

    from pages import ConsolePage

    # Seed 1 makes the simulator's first run of the job succeed, within 1.5 + 15 s.
    # Unseeded, two temporary failures in a row could outlast any timeout.
    stack = make_stack(seed=1)
    console = ConsolePage(page, stack.url).open()
    expect(console.chart_finished).to_contain_text("No job seen finishing yet.")
    job = stack.api.create("finish in view", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 1)))
    expect(console.row_status(job["job_id"])).to_have_text(re.compile("Pending|Running"))
    expect(console.row_status(job["job_id"])).to_have_text(re.compile("^(Done|Failed)$"), timeout=40000)
    expect(console.chart_finished.locator("svg")).to_have_attribute(
        "aria-label", re.compile(r"[01] succeeded, [01] failed"))
    # The chart keeps a succeeded and a failed bar for each minute of history, hidden until used.
    expect(console.chart_finished.locator("rect:not(.legend)").filter(visible=True)).to_have_count(1)
    expect(console.chart_finished.locator("rect:not(.legend)")).to_have_count(2 * 60)


def test_timeline_bars_with_durations(console, stack):
    job = stack.api.create("timeline", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    console.go_to_job(str(job["job_id"]))
    expect(console.timeline.first).to_have_text(re.compile(r"^Pending \d"))
    labels = console.timeline.all_inner_texts()
    for label in labels[:-1]:
        assert re.search(r"\d+ (ms|s|min|h|d)", label), label
    assert labels[-1] in ("Done", "Failed", "Retrying") or re.match(r"Retrying \d", labels[-1])
