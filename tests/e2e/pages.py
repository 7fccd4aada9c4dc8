"""The page object of the jobs console (every locator the tests use, in one place) and a response helper."""

import re

from playwright.sync_api import expect


class ConsolePage:
    def __init__(self, page, url):
        self.page = page
        self.url = url
        self.body = page.locator("body")
        self.rows = page.locator("#job-rows tr[data-job-id]")
        self.table_placeholder = page.locator("#job-rows tr.placeholder")
        self.table_wrap = page.locator("#table-wrap")
        self.empty_text = page.locator("#empty-text")
        self.counts_time = page.locator("#counts-time")
        self.count_pending = page.get_by_test_id("count-pending")
        self.count_running = page.get_by_test_id("count-running")
        self.updated = page.get_by_test_id("updated")
        self.banner = page.get_by_role("alert").filter(has=page.locator("#banner-text"))
        self.banner_text = page.locator("#banner-text")
        self.notice = page.locator("#notice")
        self.new_jobs = page.locator("#new-jobs")
        self.empty_state = page.locator("#empty-state")
        self.page_label = page.locator("#page-label")
        self.next_page_button = page.get_by_role("button", name="Next")
        self.prev_page_button = page.locator("#prev-page")
        self.selected_rows = page.locator("#job-rows tr.is-selected")
        self.previous_page_button = page.get_by_role("button", name="Previous")
        self.page_size = page.locator("#page-size")
        self.interval = page.get_by_label("Refresh interval")
        self.zone_toggle = page.locator("#zone-toggle")
        self.zone_label = page.get_by_test_id("zone-label")
        self.goto_input = page.get_by_label("Go to job")
        self.goto_error = page.locator("#goto-error")
        self.detail = page.locator("#detail")
        self.detail_heading = page.locator("#detail-heading")
        self.detail_error = page.locator("#detail-error")
        self.detail_status = page.locator("#detail-status")
        self.detail_api_status = page.locator("#detail-api-status")
        self.detail_message = page.locator("#detail-message")
        self.detail_attempt = page.locator("#detail-attempt")
        self.detail_next = page.locator("#detail-next")
        self.detail_created = page.locator("#detail-created")
        self.detail_cancel = page.locator("#detail-cancel")
        self.detail_close = page.locator("#detail-close")
        self.detail_in_state = page.locator("#detail-in-state")
        self.history_rows = page.locator("#history-rows tr")
        self.history_empty = page.locator("#history-empty")
        self.timeline = page.locator("#timeline span")
        self.timeline_text = page.locator("#timeline-text")
        self.create_message = page.get_by_role("textbox", name=re.compile(r"^Message"))
        self.create_message_error = page.locator("#create-message-error")
        self.run_later = page.get_by_label("At", exact=True)
        self.run_now = page.get_by_label("Run now")
        self.create_at = page.get_by_label("Local date and time", exact=True)
        self.create_at_utc = page.get_by_label("UTC date and time", exact=True)
        self.create_preview = page.get_by_test_id("schedule-preview")
        self.create_at_error = page.locator("#create-at-error")
        self.create_error = page.locator("#create-error")
        self.create_button = page.locator("#create-submit")
        self.cancel_dialog = page.locator("#cancel-dialog")
        self.cancel_title = page.locator("#cancel-title")
        self.cancel_summary = page.locator("#cancel-summary")
        self.cancel_reason = page.locator("#cancel-reason")
        self.cancel_confirm = page.locator("#cancel-confirm")
        self.cancel_keep = page.locator("#cancel-keep")
        self.cancel_error = page.locator("#cancel-error")
        self.help_dialog = page.locator("#help-dialog")
        self.announcer = page.get_by_test_id("announcer")
        self.select_all = page.get_by_label("Select all pending jobs on this page")
        self.selection_count = page.locator("#selection-count")
        self.bulk_cancel = page.locator("#bulk-cancel")
        self.bulk_dialog = page.locator("#bulk-dialog")
        self.bulk_title = page.locator("#bulk-title")
        self.bulk_summary = page.locator("#bulk-summary")
        self.bulk_confirm = page.locator("#bulk-confirm")
        self.bulk_keep = page.locator("#bulk-keep")
        self.bulk_results = page.locator("#bulk-results li")
        self.create_count = page.get_by_label("How many")
        self.create_until = page.get_by_label("Spread until, local date and time")
        self.create_summary = page.locator("#create-summary")
        self.create_progress = page.locator("#create-progress")
        self.create_count_error = page.locator("#create-count-error")
        self.create_panel = page.get_by_role("region", name="New job")
        self.create_form = page.locator("#create-form")
        self.create_when = page.get_by_role("group", name="When")
        self.export_csv = page.get_by_role("button", name="Export CSV")
        self.export_json = page.get_by_role("button", name="Export JSON")
        self.chart_active = page.get_by_test_id("chart-active")
        self.chart_finished = page.get_by_test_id("chart-finished")

    # Navigation -------------------------------------------------------------

    def open(self, query=""):
        self.page.goto(self.url + query)
        self.wait_ready()
        return self

    def wait_ready(self):
        expect(self.body).to_have_attribute("data-ready", "1")

    def refreshes(self):
        return self.page.evaluate("window.jobsConsoleRefreshes || 0")

    def wait_refreshes(self, count):
        """Wait until ``count`` more refresh cycles have finished."""
        target = self.refreshes() + count
        self.page.wait_for_function("n => (window.jobsConsoleRefreshes || 0) >= n", arg=target, timeout=60000)

    def filter(self, name):
        self.page.get_by_role("group", name="Status filter").get_by_role("button", name=name, exact=True).click()

    def set_interval(self, label):
        self.interval.select_option(label=label)

    # Rows -------------------------------------------------------------------

    def row(self, job_id):
        return self.page.locator('#job-rows tr[data-job-id="%d"]' % job_id)

    def row_status(self, job_id):
        return self.row(job_id).locator(".badge")

    def row_api_status(self, job_id):
        return self.row(job_id).locator(".api-status")

    def row_select(self, job_id):
        return self.row(job_id).get_by_role("checkbox", name="Select job %d" % job_id)

    def row_message(self, job_id):
        return self.row(job_id).locator(".c-message")

    def row_open(self, job_id):
        return self.row(job_id).get_by_role("button", name="Open job %d" % job_id)

    def row_cancel(self, job_id):
        return self.row(job_id).get_by_role("button", name="Cancel job %d" % job_id)

    def visible_ids(self):
        return [int(x) for x in self.rows.evaluate_all("rows => rows.map(r => r.dataset.jobId)")]

    def open_job(self, job_id):
        self.row(job_id).locator(".c-id").click()
        expect(self.detail_heading).to_have_text("Job %d" % job_id)

    def go_to_job(self, text):
        self.goto_input.fill(text)
        self.goto_input.press("Enter")

    # Actions ----------------------------------------------------------------

    def create_job(self, message=""):
        self.create_message.fill(message)
        self.create_button.click()
        expect(self.notice).to_have_text(re.compile(r"Job \d+ created\."))
        return int(re.search(r"Job (\d+)", self.notice.inner_text()).group(1))

    def schedule(self, local_value):
        self.run_later.check()
        self.create_at.fill(local_value)

    def ask_cancel(self, job_id):
        self.row_cancel(job_id).click()
        expect(self.cancel_dialog).to_be_visible()

    def cancel(self, job_id, reason=""):
        self.ask_cancel(job_id)
        if reason:
            self.cancel_reason.fill(reason)
        self.cancel_confirm.click()
        expect(self.cancel_dialog).to_be_hidden()


def fill_two_pages(console, stack, label):
    """Create one job more than the default page of 25 holds, and reload so that Next is enabled."""
    for index in range(26):
        stack.api.create_far_future("%s %d" % (label, index))
    console.page.reload()
    console.wait_ready()


def show_as_retry(route, job_id):
    """Fulfil a /jobs request with job_id in the contract's retry shape, as after a temporary failure.

    The job is PENDING with the message "Temporary failure", and its status_at
    is later than its created_at, because it has run since it was created.
    """
    response = route.fetch()
    rows = response.json()
    for row in rows:
        if row["job_id"] == job_id:
            row["message"] = "Temporary failure"
            row["status_at"] = row["created_at"][:11] + "23:59:59.000000"
    route.fulfill(response=response, json=rows)

