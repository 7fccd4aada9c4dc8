"""Failures in words: an API that stops, responds slowly, or rejects a request."""

import re

from playwright.sync_api import expect

from pages import fill_two_pages


def test_stopped_api_shows_banner_and_recovers(console, stack):
    job = stack.api.create_far_future("survives the outage")
    expect(console.row(job["job_id"])).to_be_visible()
    stack.relay.stop()
    expect(console.banner_text).to_have_text(re.compile(
        r"Could not connect to the jobs API at http://127\.0\.0\.1:\d+.*The data on screen is from \d\d:\d\d:\d\d\."))
    expect(console.body).to_have_class(re.compile(r"\bis-stale\b"))
    expect(console.row(job["job_id"])).to_be_visible()
    expect(console.updated).to_have_text(re.compile(r"retrying in \d+ s"))
    stack.relay.start()
    expect(console.banner_text).to_be_hidden()
    expect(console.body).not_to_have_class(re.compile(r"\bis-stale\b"))
    expect(console.notice).to_have_text("The jobs API is answering again.")


def test_api_down_at_load_placeholder(make_stack, page):
    from pages import ConsolePage
    stack = make_stack()
    job = stack.api.create_far_future("listed once the API answers")
    stack.relay.stop()
    console = ConsolePage(page, stack.url)
    page.goto(stack.url)
    expect(console.banner_text).to_be_visible()
    # The table does not claim to be loading while every read fails.
    expect(console.table_placeholder).to_have_text("No jobs loaded: the message above says why.")
    expect(console.counts_time).to_have_text("Counts not read yet.")
    stack.relay.start()
    console.page.locator("#banner-retry").click()
    expect(console.row(job["job_id"])).to_be_visible()
    expect(console.table_placeholder).to_have_count(0)


def test_filter_during_outage_hides_previous_rows(console, stack):
    job = stack.api.create_far_future("pending, not done")
    expect(console.row(job["job_id"])).to_be_visible()
    stack.relay.stop()
    console.filter("Done")
    # The pending job must not appear under "Done" because the done jobs could not be read.
    expect(console.empty_text).to_have_text(
        "Not loaded: the jobs API has not sent page 1 of the done jobs. The message above says why.")
    expect(console.row(job["job_id"])).to_be_hidden()
    console.export_csv.click()
    expect(console.notice).to_have_text(
        "Nothing exported: the jobs of this view have not been read yet. Export again once the table shows them.")
    stack.relay.start()
    console.page.locator("#banner-retry").click()
    expect(console.empty_text).to_have_text("No done jobs right now.")
    console.filter("All")
    expect(console.row(job["job_id"])).to_be_visible()


def test_next_disabled_for_unread_view(console, stack):
    fill_two_pages(console, stack, "fills more than one page")
    expect(console.next_page_button).to_be_enabled()
    stack.relay.stop()
    console.filter("Pending")
    expect(console.empty_text).to_contain_text("Not loaded")
    # Whether the pending jobs fill a second page is not known.
    expect(console.next_page_button).to_be_disabled()
    stack.relay.start()


def test_outage_clicks_keep_retry_short(console, stack):
    stack.relay.stop()
    expect(console.updated).to_have_text(re.compile(r"retrying in \d+ s"))
    for name in ("Done", "Pending", "Running", "All"):
        before = console.refreshes()
        console.filter(name)
        console.page.wait_for_function("n => window.jobsConsoleRefreshes > n", arg=before)
    # Each click's refresh fails too, but only the timer's failures double the wait.
    expect(console.updated).to_have_text(re.compile(r"retrying in [1-4] s"))
    stack.relay.start()


def test_slow_view_change_marks_rows_busy(console, stack):
    job = stack.api.create_far_future("shown while the next page loads")
    expect(console.row(job["job_id"])).to_be_visible()
    # Each refresh then takes about 6 s, so the once-a-second header update sees it past 3 s.
    stack.relay.delay = 6.0
    console.filter("Pending")
    expect(console.table_wrap).to_have_attribute("aria-busy", "true")
    # The header says the API is slow instead of only "Updated 5 s ago".
    expect(console.updated).to_have_text(re.compile(r"^Waiting for the jobs API, [3-9] s…$"))
    stack.relay.delay = 0
    expect(console.table_wrap).not_to_have_attribute("aria-busy", "true")
    expect(console.row(job["job_id"])).to_be_visible()


def test_open_job_duration_stops_at_read(console, stack):
    job = stack.api.create_far_future("pending while the API is away")
    console.open_job(job["job_id"])
    expect(console.detail_in_state).to_have_text(re.compile(r"^\d+ s$"))
    stack.relay.stop()
    # The job may have changed since the last read, so its time in the state is not counted on.
    expect(console.detail_in_state).to_have_text(re.compile(r"^At least \d+ s, as read at \d\d:\d\d:\d\d$"))
    frozen = console.detail_in_state.inner_text()
    console.wait_refreshes(2)
    expect(console.detail_in_state).to_have_text(frozen)
    stack.relay.start()
    expect(console.detail_in_state).to_have_text(re.compile(r"^\d+ s$"))


def test_failed_list_marks_data_stale(console, stack):
    job = stack.api.create_far_future("list fails")
    expect(console.row(job["job_id"])).to_be_visible()
    console.page.route("**/api/jobs?*", lambda route: route.fulfill(status=500, json={"detail": "boom"}))
    expect(console.banner_text).to_have_text(re.compile(
        r"^The jobs API failed with status 500 when asked for the job list\. .*The data on screen is from "))
    expect(console.body).to_have_class(re.compile(r"\bis-stale\b"))
    expect(console.updated).to_have_text(re.compile(r"retrying in \d+ s"))
    console.page.unroute("**/api/jobs?*")
    expect(console.banner_text).to_be_hidden()
    expect(console.notice).to_have_text("The jobs API is answering again.")


def test_unreadable_list_marks_data_stale(console, stack):
    job = stack.api.create_far_future("list unreadable")
    expect(console.row(job["job_id"])).to_be_visible()
    broken = dict(job, created_at="yesterday")
    console.page.route("**/api/jobs?*", lambda route: route.fulfill(status=200, json=[broken]))
    expect(console.banner_text).to_have_text(re.compile(
        r"^The jobs API sent a job list the console cannot read: job %d has no valid created_at\." % job["job_id"]))
    expect(console.row(job["job_id"])).to_be_visible()
    console.page.unroute("**/api/jobs?*")
    expect(console.banner_text).to_be_hidden()


def test_counts_server_error_in_words(console):
    console.page.route(re.compile(r"/api/$"), lambda route: route.fulfill(status=500, json={"detail": "boom"}))
    expect(console.banner_text).to_have_text(re.compile(
        r"^The jobs API failed with status 500 when asked for its counts\. The console retries by itself"))
    console.page.unroute(re.compile(r"/api/$"))
    expect(console.banner_text).to_be_hidden()


def test_good_news_cleared_by_new_failure(console, stack):
    stack.relay.stop()
    expect(console.banner_text).to_be_visible()
    stack.relay.start()
    expect(console.notice).to_have_text("The jobs API is answering again.")
    stack.relay.stop()
    expect(console.banner_text).to_be_visible()
    expect(console.notice).to_be_hidden()
    stack.relay.start()


def test_retry_now_button(console, stack):
    stack.relay.stop()
    expect(console.banner_text).to_be_visible()
    stack.relay.start()
    console.page.locator("#banner-retry").click()
    expect(console.banner_text).to_be_hidden()


def test_backoff_doubles(console, stack):
    stack.relay.stop()
    expect(console.updated).to_have_text(re.compile(r"retrying in [12] s"))
    expect(console.updated).to_have_text(re.compile(r"retrying in [34] s"))
    expect(console.updated).to_have_text(re.compile(r"retrying in [5-8] s"), timeout=20000)
    stack.relay.start()


def test_slow_api_times_out_in_words(make_stack, page):
    from pages import ConsolePage
    slow = make_stack(timeout=1.0)
    console = ConsolePage(page, slow.url)
    console.open()
    slow.relay.delay = 2.0
    expect(console.banner_text).to_have_text(re.compile(r"did not respond within 1 s\."))
    slow.relay.delay = 0
    expect(console.banner_text).to_be_hidden()


# Keeps PyScript's interpreter as window.__mpy, so a test can change a module constant.
INTERPRETER_HOOK = """
document.addEventListener("DOMContentLoaded", () => {
  import("/static/vendor/pyscript-core-0.7.31/core.js").then(({hooks}) => {
    hooks.main.onReady.add((wrap) => { window.__mpy = wrap.interpreter; });
  });
}, {once: true});
"""


def test_browser_timeout_in_words(make_stack, page):
    from pages import ConsolePage
    # serve.py waits longer than the page, so the page's own time limit is what fires.
    slow = make_stack(timeout=30.0)
    page.add_init_script(INTERPRETER_HOOK)
    console = ConsolePage(page, slow.url)
    console.open()
    page.wait_for_function("() => window.__mpy !== undefined")
    page.evaluate("code => window.__mpy.runPython(code)",
                  "import console.client as _client\n_client.REQUEST_TIMEOUT_MS = 1500")
    slow.relay.delay = 3.0
    expect(console.banner_text).to_have_text(re.compile(r"^The jobs API did not answer within 1\.5 s\."))
    slow.relay.delay = 0
    expect(console.banner_text).to_be_hidden()


def test_post_not_retried_after_timeout(make_stack, page):
    from pages import ConsolePage
    slow = make_stack(timeout=1.0)
    console = ConsolePage(page, slow.url)
    console.open()
    console.set_interval("off")
    slow.relay.delay = 2.0
    console.create_message.fill("maybe created")
    console.create_button.click()
    expect(console.create_error).to_have_text(re.compile(r"may or may not have been created"))
    slow.relay.delay = 0
    console.set_interval("every 1 s")
    console.wait_refreshes(2)
    assert len([path for path in slow.relay.posts() if "maybe" in path]) == 1


def test_cancel_while_api_down_keeps_dialog(console, stack):
    job = stack.api.create_far_future("cancel during outage")
    console.ask_cancel(job["job_id"])
    stack.relay.stop()
    console.cancel_confirm.click()
    expect(console.cancel_error).to_have_text(re.compile(r"^Not canceled: .* Try again when the API is back\.$"))
    expect(console.cancel_dialog).to_be_visible()
    stack.relay.start()
    console.cancel_confirm.click()
    expect(console.cancel_dialog).to_be_hidden()
    assert stack.api.job(job["job_id"])["status"] == "CANCELED"


def test_create_unanswered_after_acting(console, stack):
    # The API creates the job, then the connection closes before its response, so serve.py responds with 502.
    console.set_interval("off")
    stack.relay.drop_replies = True
    console.create_message.fill("created without reply")
    console.create_button.click()
    expect(console.create_error).to_have_text(re.compile(r"may or may not have been created\. Check the list"))
    stack.relay.drop_replies = False
    status, newest = stack.api.call("GET", "/jobs", limit=100)
    assert status == 200
    assert [job["message"] for job in newest].count("created without reply") == 1


def _cancel_without_reply(console, stack, message):
    """Cancel a new pending job through the dialog while the relay drops replies; return the job."""
    job = stack.api.create_far_future(message)
    console.ask_cancel(job["job_id"])
    stack.relay.drop_replies = True
    console.cancel_confirm.click()
    expect(console.cancel_error).to_contain_text("may or may not have been canceled")
    return job


def test_cancel_unanswered_after_acting(console, stack):
    job = _cancel_without_reply(console, stack, "canceled without reply")
    expect(console.cancel_error).to_have_text(re.compile(
        r"^No confirmation, so job %d may or may not have been canceled\. .*closed the connection" % job["job_id"]))
    assert stack.api.job(job["job_id"])["status"] == "CANCELED"
    stack.relay.drop_replies = False
    console.cancel_keep.click()
    # The console refreshes after an unanswered cancel, and again once the API responds.
    expect(console.row_status(job["job_id"])).to_have_text("Canceled")


def _ask_bulk_cancel_of_new_jobs(console, stack, label, count):
    """Create count pending jobs, select all of them and open the bulk cancel dialog; return their ids."""
    ids = [stack.api.create_far_future("%s %d" % (label, index))["job_id"] for index in range(count)]
    console.page.reload()
    console.wait_ready()
    console.select_all.check()
    console.bulk_cancel.click()
    return ids


def test_bulk_cancel_unanswered_after_acting(console, stack):
    ids = _ask_bulk_cancel_of_new_jobs(console, stack, "bulk without reply", 3)
    stack.relay.drop_replies = True
    console.bulk_confirm.click()
    newest = max(ids)
    expect(console.bulk_results.last).to_have_text("0 of 3 canceled, and job %d may be too." % newest)
    expect(console.bulk_results.first).to_have_text(re.compile(
        r"^Job %d: no confirmation, so it may or may not have been canceled \(.*\) Stopped here\. Not attempted: "
        r"%d, %d\.$" % (newest, newest - 1, newest - 2)))
    stack.relay.drop_replies = False
    assert [stack.api.job(job_id)["status"] for job_id in sorted(ids)] == ["PENDING", "PENDING", "CANCELED"]
    expect(console.bulk_title).to_have_text("Bulk cancel stopped")
    console.bulk_keep.click()
    # The jobs not attempted stay selected, ready for another try.
    expect(console.selection_count).to_have_text("2 pending jobs selected")


def test_bulk_stopped_at_last_job(console, stack):
    ids = _ask_bulk_cancel_of_new_jobs(console, stack, "last of a bulk", 1)
    stack.relay.drop_replies = True
    console.bulk_confirm.click()
    expect(console.bulk_results.last).to_have_text("0 of 1 canceled, and job %d may be too." % ids[0])
    stack.relay.drop_replies = False
    # No job was left to try, but the last request got no reply, so the batch did not finish as asked.
    expect(console.bulk_title).to_have_text("Bulk cancel stopped")


def test_escape_keeps_running_bulk_dialog(console, stack):
    ids = _ask_bulk_cancel_of_new_jobs(console, stack, "slow bulk", 2)
    stack.relay.delay = 1.0
    console.bulk_confirm.click()
    console.page.keyboard.press("Escape")
    # The dialog stays while the batch runs, so its outcome is not hidden.
    expect(console.bulk_dialog).to_be_visible()
    expect(console.bulk_results.last).to_have_text("2 of 2 canceled.")
    stack.relay.delay = 0
    assert [stack.api.job(job_id)["status"] for job_id in ids] == ["CANCELED", "CANCELED"]


def test_wrong_api_named_in_banner(make_stack, page):
    from pages import ConsolePage
    other = make_stack()
    # A serve.py whose --api is another console server: it responds, but not as the jobs API.
    wrong = make_stack()
    wrong.relay.upstream = other.console.url
    console = ConsolePage(page, wrong.url)
    page.goto(wrong.url)
    expect(console.banner_text).to_have_text(re.compile(
        r"answered GET / with status \d+ and no job counts, so it does not look like the jobs API\. "
        r"Check the URL given to serve\.py with --api\."))
    expect(console.updated).to_have_text(re.compile(r"retrying in \d+ s"))


def _one_row_request(method, path):
    # The totals are counted with one-row requests, and the list requests a page.
    return method == "GET" and path.endswith("limit=1")


def test_slow_totals_never_hold_back_the_list(make_stack, page):
    from pages import ConsolePage
    stack = make_stack()
    stack.relay.path_delay = lambda method, path: 4.0 if _one_row_request(method, path) else 0.0
    console = ConsolePage(page, stack.url).open()
    # Counting the totals takes several 4 s requests from here on; the list keeps its 2 s refresh.
    job = stack.api.create_far_future("listed while the totals count")
    expect(console.row(job["job_id"])).to_be_visible(timeout=6000)
    stack.relay.path_delay = None


def test_refresh_off_waits_for_retry_now(console, stack):
    console.set_interval("off")
    stack.relay.stop()
    console.page.get_by_role("button", name="Refresh now").click()
    expect(console.banner_text).to_be_visible()
    # With auto refresh off, the page sends nothing by itself, not even retries.
    expect(console.updated).to_have_text("Update failed · auto refresh off")
    stack.relay.start()
    console.page.locator("#banner-retry").click()
    expect(console.banner_text).to_be_hidden()


def test_unconfirmed_cancel_settled_by_list(console, stack):
    job = _cancel_without_reply(console, stack, "canceled without a reply")
    stack.relay.drop_replies = False
    # Once a refresh reads the job as canceled, the dialog stops saying it may not be.
    expect(console.cancel_summary).to_have_text(
        "Job %d is canceled now. Your request got no reply, but it most likely went through." % job["job_id"])
    expect(console.cancel_error).to_have_text("")
    expect(console.cancel_keep).to_have_text("Close")
    expect(console.cancel_confirm).to_be_disabled()


def test_cancel_outcome_outlasts_recovery_notice(console, stack):
    job = _cancel_without_reply(console, stack, "canceled during an outage")
    expect(console.banner_text).to_be_visible()
    stack.relay.drop_replies = False
    # The second try finds the job canceled by the first one; that news outlasts the recovery.
    console.cancel_confirm.click()
    expect(console.notice).to_have_text(
        "Job %d was already canceled, so there is nothing to cancel." % job["job_id"])
    expect(console.banner_text).to_be_hidden()
    console.wait_refreshes(1)
    expect(console.notice).to_have_text(
        "Job %d was already canceled, so there is nothing to cancel." % job["job_id"])


def test_export_before_any_list_refused(make_stack, page):
    from pages import ConsolePage
    stack = make_stack()
    stack.relay.stop()
    console = ConsolePage(page, stack.url)
    page.goto(stack.url)
    expect(console.banner_text).to_be_visible()
    console.export_json.click()
    # An empty file would look like an empty system.
    expect(console.notice).to_have_text(
        "Nothing exported: no list of jobs has been read yet. Export again once the table shows jobs.")
