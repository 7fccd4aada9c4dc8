"""Canceling: confirmation, reason, the 409 race, and pending jobs only."""

import re
import time

from playwright.sync_api import expect

from pages import show_as_retry


def test_cancel_from_row_with_reason(console, stack):
    job = stack.api.create_far_future("cancel from row")
    console.ask_cancel(job["job_id"])
    expect(console.cancel_title).to_have_text("Cancel job %d?" % job["job_id"])
    expect(console.page.locator("#cancel-summary")).to_contain_text("cancel from row")
    console.cancel_reason.fill("not needed")
    console.cancel_confirm.click()
    expect(console.cancel_dialog).to_be_hidden()
    expect(console.notice).to_have_text("Job %d canceled." % job["job_id"])
    expect(console.row_status(job["job_id"])).to_have_text("Canceled")
    after = stack.api.job(job["job_id"])
    assert after["status"] == "CANCELED"
    assert after["message"] == "not needed"


def test_cancel_from_detail(console, stack):
    job = stack.api.create_far_future("cancel from detail")
    console.open_job(job["job_id"])
    console.detail_cancel.click()
    expect(console.cancel_dialog).to_be_visible()
    console.cancel_confirm.click()
    expect(console.detail_status).to_have_text("Canceled")
    expect(console.detail_cancel).to_be_hidden()
    assert stack.api.job(job["job_id"])["status"] == "CANCELED"


def test_keep_job_sends_nothing(console, stack):
    job = stack.api.create_far_future("keep me")
    console.ask_cancel(job["job_id"])
    console.cancel_keep.click()
    expect(console.cancel_dialog).to_be_hidden()
    assert stack.relay.posts() == []
    assert stack.api.job(job["job_id"])["status"] == "PENDING"


def test_cancel_offered_for_pending_only(console, stack):
    pending = stack.api.create_far_future("offer pending")
    canceled = stack.api.create_far_future("offer canceled")
    stack.api.cancel(canceled["job_id"])
    done = stack.api.create("offer done", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    expect(console.row_cancel(pending["job_id"])).to_be_visible()
    expect(console.row_status(canceled["job_id"])).to_have_text("Canceled")
    expect(console.row_cancel(canceled["job_id"])).to_be_hidden()
    expect(console.row_cancel(done["job_id"])).to_be_hidden()
    console.open_job(done["job_id"])
    expect(console.detail_cancel).to_be_hidden()


def test_dialog_disables_cancel_once_job_runs(console, stack):
    # The job falls due in 3 s; the API starts it on the first request 2 s after that.
    start = time.time() + 3
    job = stack.api.create("race", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start)))
    expect(console.row_cancel(job["job_id"])).to_be_visible()
    console.ask_cancel(job["job_id"])
    # Refreshes go on behind the open dialog, show the job starting and update the dialog.
    expect(console.row_status(job["job_id"])).to_have_text("Running", timeout=30000)
    expect(console.cancel_summary).to_have_text(re.compile(
        r"^Job %d (is running|has finished|has failed) now: only pending jobs can be canceled\.$" % job["job_id"]))
    expect(console.cancel_confirm).to_be_disabled()


def test_conflict_says_new_state(console, stack):
    # With auto refresh off the dialog cannot learn that the job started: the API's 409 reports it.
    console.set_interval("off")
    start = time.time() + 2
    job = stack.api.create("race", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start)))
    console.page.get_by_role("button", name="Refresh now").click()
    expect(console.row_cancel(job["job_id"])).to_be_visible()
    console.ask_cancel(job["job_id"])
    deadline = time.time() + 30
    while stack.api.job(job["job_id"])["status"] == "PENDING" and time.time() < deadline:
        # Each request lets the simulator start due jobs.
        time.sleep(0.5)
    assert stack.api.job(job["job_id"])["status"] != "PENDING"
    console.cancel_confirm.click()
    expect(console.cancel_dialog).to_be_hidden()
    expect(console.notice).to_have_text(re.compile(
        r"Job %d (is running|has finished|has failed), so it cannot be canceled: only pending jobs can be\." % job["job_id"]))
    expect(console.notice).to_have_class(re.compile(r"\berror\b"))
    expect(console.row_cancel(job["job_id"])).to_be_hidden()
    expect(console.row_status(job["job_id"])).not_to_have_text("Pending")


def test_enter_in_reason_confirms(console, stack):
    job = stack.api.create_far_future("enter confirms")
    console.ask_cancel(job["job_id"])
    console.cancel_reason.fill("typed then Enter")
    console.cancel_reason.press("Enter")
    expect(console.cancel_dialog).to_be_hidden()
    expect(console.notice).to_have_text("Job %d canceled." % job["job_id"])
    assert stack.api.job(job["job_id"])["message"] == "typed then Enter"


def test_already_canceled_in_words(console, stack):
    job = stack.api.create_far_future("canceled elsewhere")
    console.set_interval("off")
    console.page.get_by_role("button", name="Refresh now").click()
    console.ask_cancel(job["job_id"])
    stack.api.cancel(job["job_id"])
    console.cancel_confirm.click()
    expect(console.notice).to_have_text("Job %d was already canceled, so there is nothing to cancel." % job["job_id"])


def test_cancel_dialog_tells_retry_from_new(console, stack):
    fresh = stack.api.create_far_future("not run yet")
    retrying = stack.api.create_far_future("retried")
    console.page.route("**/api/jobs*", lambda route: show_as_retry(route, retrying["job_id"]))
    expect(console.row_status(retrying["job_id"])).to_have_text("Retrying")
    console.row_cancel(fresh["job_id"]).click()
    expect(console.cancel_summary).to_have_text("It has not started yet. Canceling cannot be undone. Message: not run yet")
    console.page.keyboard.press("Escape")
    expect(console.cancel_dialog).to_be_hidden()
    console.row_cancel(retrying["job_id"]).click()
    expect(console.cancel_summary).to_have_text(
        "It has failed and waits to run again. Canceling cannot be undone. Message: Temporary failure")


def test_open_dialog_follows_job_state(console, stack):
    job = stack.api.create_far_future("changes behind the dialog")
    console.ask_cancel(job["job_id"])
    expect(console.cancel_confirm).to_be_enabled()
    # Canceled elsewhere while the dialog is open: the next refresh shows it and disables the button.
    stack.api.cancel(job["job_id"])
    expect(console.cancel_summary).to_have_text(
        "Job %d is canceled now: only pending jobs can be canceled." % job["job_id"])
    expect(console.cancel_confirm).to_be_disabled()
    console.cancel_keep.click()
    expect(console.cancel_dialog).to_be_hidden()


def test_dialog_quotes_start_of_long_message(console, stack):
    job = stack.api.create_far_future("x" * 3000)
    console.ask_cancel(job["job_id"])
    expect(console.cancel_summary).to_have_text(
        "It has not started yet. Canceling cannot be undone. Message: " + "x" * 200 + "…")


def test_back_closes_the_cancel_dialog(console, stack):
    job = stack.api.create_far_future("asked, then left with Back")
    console.open_job(job["job_id"])
    console.ask_cancel(job["job_id"])
    console.page.go_back()
    expect(console.detail).to_be_hidden()
    expect(console.cancel_dialog).to_be_hidden()
    assert stack.api.job(job["job_id"])["status"] == "PENDING"
