"""Browsing: counts, the list, filters, page sizes and paging."""

import re

from playwright.sync_api import expect

from pages import show_as_retry


def test_counts_match_api(console, stack):
    stack.api.create_far_future("counted pending")
    status, counts = stack.api.call("GET", "/")
    expect(console.count_pending).to_have_text(str(counts["pending_count"]))
    expect(console.count_running).to_have_text(str(counts["running_count"]))
    expect(console.page.locator("#counts-time")).to_have_text(re.compile(r"read at \d\d:\d\d:\d\d\.$"))


def test_totals_counted_exactly(console, stack):
    for index in range(5):
        stack.api.create_far_future("total pending %d" % index)
    for index in range(3):
        canceled = stack.api.create_far_future("total canceled %d" % index)
        stack.api.cancel(canceled["job_id"])
    for index in range(4):
        stack.api.create("total done %d" % index, "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    status, everything = stack.api.call("GET", "/jobs", limit=100)
    done = sum(1 for job in everything if job["status"] == "DONE")
    canceled_count = sum(1 for job in everything if job["status"] == "CANCELED")
    console.page.reload()
    console.wait_ready()
    expect(console.page.get_by_test_id("count-all")).to_have_text(str(len(everything)))
    expect(console.page.get_by_test_id("count-done")).to_have_text(str(done))
    expect(console.page.get_by_test_id("count-canceled")).to_have_text(str(canceled_count))
    expect(console.page.locator("#totals-time")).to_have_text(re.compile(r"Totals counted at \d\d:\d\d:\d\d in \d+ (ms|s), every 15 s\."))


def test_totals_recounted_after_create(console, stack):
    count_all = console.page.get_by_test_id("count-all")
    expect(count_all).to_have_text(re.compile(r"^\d+$"))
    before = int(count_all.inner_text())
    console.create_job("counted at once")
    # Well within the 15 s between counts: the page's own change starts a new count.
    expect(count_all).to_have_text(str(before + 1), timeout=8000)


def test_totals_text_without_auto_refresh(console):
    console.set_interval("off")
    # No count comes by itself then, so the text promises no interval.
    expect(console.page.locator("#totals-time")).to_have_text(
        re.compile(r"^Totals counted at \d\d:\d\d:\d\d in \d+ (ms|s)\.$"))


def test_new_job_with_retry_message_is_pending(console, stack):
    # A user may type the API's own retry message; a job that never ran is not retrying.
    job = stack.api.create_far_future("Temporary failure")
    expect(console.row_status(job["job_id"])).to_have_text("Pending")


def test_list_newest_first(console, stack):
    created = [stack.api.create_far_future("order %d" % index)["job_id"] for index in range(3)]
    expect(console.row(created[-1])).to_be_visible()
    ids = console.visible_ids()
    positions = [ids.index(job_id) for job_id in created]
    assert positions == sorted(positions, reverse=True)


def test_row_shows_every_column(console, stack):
    job = stack.api.create_far_future("columns check")
    row = console.row(job["job_id"])
    expect(row.locator(".c-id")).to_have_text(str(job["job_id"]))
    expect(row.locator(".badge")).to_have_text("Pending")
    expect(row.locator(".c-message")).to_have_text("columns check")
    expect(row.locator(".c-created .rel")).to_have_text(re.compile(r"just now|\d+ s ago"))
    expect(row.locator(".c-next .rel")).to_have_text(re.compile(r"^in \d+ (d|y)"))
    expect(row.locator(".c-created")).to_have_attribute("title", re.compile(r"America/Chicago.*\n.* UTC"))


def test_status_filter_shows_only_that_status(console, stack):
    pending = stack.api.create_far_future("filter pending")
    canceled = stack.api.create_far_future("filter canceled")
    stack.api.cancel(canceled["job_id"])
    console.filter("Canceled")
    expect(console.row(canceled["job_id"])).to_be_visible()
    expect(console.row(pending["job_id"])).to_have_count(0)
    for text in console.rows.locator(".badge").all_inner_texts():
        assert text == "Canceled"
    assert "status=canceled" in console.page.url


def test_page_size_and_paging(console, stack):
    for index in range(30):
        stack.api.create_far_future("paging %d" % index)
    console.page_size.select_option("25")
    expect(console.rows).to_have_count(25)
    first_page = console.visible_ids()
    console.next_page_button.click()
    expect(console.page_label).to_have_text("Page 2")
    expect(console.rows.first).not_to_have_attribute("data-job-id", str(first_page[0]))
    second_page = console.visible_ids()
    assert not set(first_page) & set(second_page)
    assert max(second_page) < min(first_page)
    console.previous_page_button.click()
    expect(console.page_label).to_have_text("Page 1")
    console.page_size.select_option("50")
    expect(console.rows).to_have_count(min(50, len(first_page) + len(second_page)))


def test_outcome_labels(console, stack):
    # A job scheduled in the past replays its whole life on the next request.
    past = [stack.api.create("outcome %d" % index, "2020-01-01T00:00:00")["job_id"] for index in range(60)]
    stack.api.call("GET", "/")
    console.page_size.select_option("100")
    jobs = [stack.api.job(job_id) for job_id in past]
    failed = [job for job in jobs if job["status"] == "DONE" and job["message"] == "Permanent failure"]
    succeeded = [job for job in jobs if job["status"] == "DONE" and job["message"] == ""]
    assert failed and succeeded, "60 replayed jobs include both a failure and a success"
    expect(console.row_status(failed[0]["job_id"])).to_have_text("Failed")
    expect(console.row_api_status(failed[0]["job_id"])).to_have_text("DONE")
    expect(console.row_status(failed[0]["job_id"])).to_have_class(re.compile(r"\bfailed\b"))
    expect(console.row_status(succeeded[0]["job_id"])).to_have_text("Done")
    expect(console.row_api_status(succeeded[0]["job_id"])).to_be_hidden()


def test_retrying_label(console, stack):
    job = stack.api.create_far_future("retry shape")
    # The contract's retry is a PENDING job whose message is "Temporary failure".
    console.page.route("**/api/jobs*", lambda route: show_as_retry(route, job["job_id"]))
    expect(console.row_status(job["job_id"])).to_have_text("Retrying")
    expect(console.row_api_status(job["job_id"])).to_have_text("PENDING")
    expect(console.row(job["job_id"]).locator(".c-next .rel")).to_have_text(re.compile(r"^in "))
