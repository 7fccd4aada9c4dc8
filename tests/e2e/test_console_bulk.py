"""Acting on many jobs: selection, bulk cancel and batch create."""

import re

from playwright.sync_api import expect


def _far_jobs(stack, count, label):
    return [stack.api.create_far_future("%s %d" % (label, index))["job_id"] for index in range(count)]


def test_select_all_and_cancel_all(console, stack):
    ids = _far_jobs(stack, 4, "bulk all")
    console.page.reload()
    console.wait_ready()
    console.select_all.check()
    expect(console.selection_count).to_have_text("4 pending jobs selected")
    console.bulk_cancel.click()
    expect(console.bulk_title).to_have_text("Cancel 4 jobs?")
    listed = ", ".join(str(job_id) for job_id in sorted(ids, reverse=True))
    expect(console.bulk_summary).to_have_text("These 4 pending jobs: %s. Canceling cannot be undone." % listed)
    console.bulk_confirm.click()
    expect(console.bulk_results.last).to_have_text("4 of 4 canceled.")
    expect(console.bulk_title).to_have_text("Bulk cancel finished")
    for job_id in ids:
        assert stack.api.job(job_id)["status"] == "CANCELED"
    console.bulk_keep.click()
    expect(console.bulk_dialog).to_be_hidden()
    expect(console.page.locator("#selection-bar")).to_be_hidden()


def test_shift_click_selects_range(console, stack):
    ids = _far_jobs(stack, 5, "range")
    console.page.reload()
    console.wait_ready()
    newest_first = sorted(ids, reverse=True)
    console.row_select(newest_first[0]).click()
    console.row_select(newest_first[3]).click(modifiers=["Shift"])
    expect(console.selection_count).to_have_text("4 pending jobs selected")
    for job_id in newest_first[:4]:
        expect(console.row_select(job_id)).to_be_checked()
    expect(console.row_select(newest_first[4])).not_to_be_checked()
    expect(console.select_all).not_to_be_checked()


def test_only_pending_jobs_selectable(console, stack):
    pending = stack.api.create_far_future("selectable")
    done = stack.api.create("not selectable", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    console.page.reload()
    console.wait_ready()
    expect(console.row_select(pending["job_id"])).to_be_visible()
    expect(console.row_select(done["job_id"])).to_be_hidden()


def test_bulk_cancel_reports_started_job(console, stack):
    ids = _far_jobs(stack, 3, "partly")
    console.page.reload()
    console.wait_ready()
    console.set_interval("off")
    console.select_all.check()
    console.bulk_cancel.click()
    # One job stops being pending after the confirmation opened: it must be reported, not skipped.
    stack.api.cancel(ids[1])
    console.bulk_confirm.click()
    expect(console.bulk_results.last).to_have_text("2 of 3 canceled.")
    expect(console.bulk_results.filter(has_text="Job %d not canceled" % ids[1])).to_have_text(
        "Job %d not canceled: Job %d was already canceled, so there is nothing to cancel." % (ids[1], ids[1]))


def test_bulk_keep_sends_nothing(console, stack):
    ids = _far_jobs(stack, 2, "kept")
    console.page.reload()
    console.wait_ready()
    console.select_all.check()
    console.bulk_cancel.click()
    console.bulk_keep.click()
    expect(console.bulk_dialog).to_be_hidden()
    assert stack.relay.posts() == []
    expect(console.selection_count).to_have_text("2 pending jobs selected")


def test_batch_create_with_pattern(console, stack):
    console.create_message.fill("batch item {n}")
    console.create_count.fill("12")
    expect(console.create_button).to_have_text("Create 12 jobs")
    console.create_button.click()
    expect(console.create_summary).to_have_text(re.compile(r"^Created 12 of 12 jobs: \d+-\d+\.$"))
    first, last = [int(x) for x in re.search(r"(\d+)-(\d+)", console.create_summary.inner_text()).groups()]
    assert last - first == 11
    assert stack.api.job(first)["message"] == "batch item 1"
    assert stack.api.job(last)["message"] == "batch item 12"


def test_batch_spread_over_window(console, stack):
    console.create_message.fill("spread {n}")
    console.create_count.fill("5")
    console.schedule("2030-01-15T14:00")
    console.create_until.fill("2030-01-15T15:00")
    expect(console.create_preview).to_contain_text("one every 15 min")
    console.create_button.click()
    expect(console.create_summary).to_have_text(re.compile(r"^Created 5 of 5 jobs"))
    first = int(re.search(r"(\d+)-", console.create_summary.inner_text()).group(1))
    times = [stack.api.job(first + index)["next_attempt_at"] for index in range(5)]
    assert times == ["2030-01-15T20:%02d:00.000000" % minute for minute in (0, 15, 30, 45)] + [
        "2030-01-15T21:00:00.000000"]


def test_batch_window_of_one_instant(console):
    console.create_count.fill("3")
    console.schedule("2030-01-15T14:00")
    console.create_until.fill("2030-01-15T14:00")
    # "one every 0 ms" would describe a spread that does not exist.
    expect(console.create_preview).to_have_text(re.compile(r"^All 3 jobs at .*2030-01-15.*14:00"))


def test_batch_failure_stops_and_reports(console, stack):
    calls = []

    def fail_third(route):
        calls.append(route.request.url)
        if len(calls) == 3:
            route.fulfill(status=422, json={"detail": [{"loc": ["query", "message"], "msg": "bad message",
                                                         "type": "value_error"}]})
        else:
            route.continue_()

    console.page.route("**/api/job/new*", fail_third)
    console.create_message.fill("stops {n}")
    console.create_count.fill("6")
    console.create_button.click()
    expect(console.create_error).to_have_text(
        "Job 3 of the batch was not created: Message: bad message. 3 more were not attempted. "
        "Pressing Create again would make all 6 again.")
    expect(console.create_summary).to_have_text(re.compile(r"^Created 2 of 6 jobs: \d+-\d+\.$"))
    assert len(calls) == 3


def test_batch_size_checked(console, stack):
    console.create_count.fill("501")
    console.create_button.click()
    expect(console.page.locator("#create-count-error")).to_have_text("Create from 1 to 500 jobs at a time, not 501.")
    assert stack.relay.posts() == []


def test_selection_loses_job_that_starts_with_notice(console, stack):
    job = stack.api.create_far_future("leaves the selection")
    expect(console.row(job["job_id"])).to_be_visible()
    console.row_select(job["job_id"]).check()
    expect(console.selection_count).to_have_text("1 pending job selected")
    stack.api.cancel(job["job_id"])
    expect(console.notice).to_have_text(
        "Job %d left the selection: only pending jobs on this page can be selected." % job["job_id"])
    expect(console.page.locator("#selection-bar")).to_be_hidden()
