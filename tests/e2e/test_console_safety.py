"""Any text from the API reaches the page as text, never as markup."""

import pytest
from playwright.sync_api import expect

MARKUP = [
    "<img src=x onerror=alert(1)>",
    "</td><script>window.injected=1</script>",
    "<b>bold</b> & \"quotes\" 'single'",
]


@pytest.mark.parametrize("message", MARKUP)
def test_markup_shows_literally(console, stack, message):
    job = stack.api.create_far_future(message)
    expect(console.row_message(job["job_id"])).to_have_text(message)
    console.open_job(job["job_id"])
    expect(console.detail_message).to_have_text(message)
    console.ask_cancel(job["job_id"])
    expect(console.page.locator("#cancel-summary")).to_contain_text(message)
    console.cancel_reason.fill(message)
    console.cancel_confirm.click()
    expect(console.detail_message).to_have_text(message)
    expect(console.history_rows.first.locator("td").nth(2)).to_have_text(message)
    assert console.page.locator("#job-rows img, #detail img, #job-rows b, #detail b").count() == 0
    assert console.page.evaluate("window.injected === undefined")


def test_markup_in_error_notice(console):
    detail = {"detail": {"job": {"job_id": 5, "status": "<img src=x onerror=alert(1)>", "status_at": "2026-01-01T00:00:00.000000",
                                 "created_at": "2026-01-01T00:00:00.000000", "next_attempt_at": None, "message": ""},
                         "message": "unable to cancel job"}}
    console.page.route("**/api/job/cancel/**", lambda route: route.fulfill(status=409, json=detail))
    console.page.route("**/api/jobs*", lambda route: route.fulfill(status=200, json=[
        {"job_id": 5, "status": "PENDING", "status_at": "2026-01-01T00:00:00.000000",
         "created_at": "2026-01-01T00:00:00.000000", "next_attempt_at": "2099-01-01T00:00:00.000000",
         "message": "x"}]))
    console.ask_cancel(5)
    console.cancel_confirm.click()
    expect(console.notice).to_have_text(
        "Job 5 is <img src=x onerror=alert(1)>, so it cannot be canceled: only pending jobs can be.")
    assert console.page.locator("#notice img").count() == 0
