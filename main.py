"""Jobs console: browse, open, create and cancel jobs of the sandbox jobs API.

Runs in the page under PyScript's MicroPython. Every request goes to the API
base set by ``api_base`` in pyscript.toml (``/api/`` by default, proxied by
serve.py). The routes used are ``GET /`` (counts), ``GET /jobs`` (the list),
``GET /job/{id}`` and ``GET /job/{id}/history`` (the open job),
``POST /job/new`` and ``POST /job/cancel/{id}``.

Start-up: the HTML shell is already on screen when this runs.
``Console.start`` reads the view from the URL and the settings from
localStorage, wires the page's few event listeners and starts one timer.
Each tick of the timer starts a refresh when one is due and none is in
flight, so refreshes never overlap however slow the API is. The new-job form
lives in console/creating.py and canceling in console/canceling.py. ``body[data-ready="1"]`` marks the first data on screen.
"""

import asyncio
import time

import js
from pyscript import config, document, window
from pyscript.ffi import create_proxy, jsnull

from console import api
from console import bulk
from console import charts
from console import counting
from console import export
from console import jobs as jobmodel
from console import paging
from console import timefmt
from console import view as viewmodel
from console.activity import ActivityLog
from console.canceling import CancelMixin
from console.client import load_setting, save_setting, send
from console.creating import CreateMixin
from console.detail import DetailView
from console.dom import TimeDisplay, by_id, missing
from console.patch import Patcher
from console.skew import SkewEstimator
from console.table import JobTable

INTERVALS = (1, 2, 5, 15, 0)
DEFAULT_INTERVAL = 2
BACKOFF_FIRST = 2
BACKOFF_MAX = 30
TICK_MS = 250
TOTALS_INTERVAL = 15
# After this many seconds without a response, the header reports the wait.
SLOW_SECONDS = 3
# 2 * 62 + 2 requests count up to 2**62 jobs; a real list never needs more.
MAX_PROBE_REQUESTS = 126
NOTICE_SECONDS = 10
HEAD_LIMIT = 100
MAX_HEAD_PAGES = 10
EDITABLE_TAGS = ("INPUT", "TEXTAREA", "SELECT")


# The console ------------------------------------------------------------

class Console(CreateMixin, CancelMixin):
    """The page's state and behaviour: one instance per page load."""

    def __init__(self):
        self.base = api.normalize_base(config.get("api_base") if config else None)
        self.skew = SkewEstimator()
        self.times = TimeDisplay(self.skew)
        self.table = JobTable(by_id("job-rows"), self.times)
        self.detail = DetailView(self.times)
        self.view = viewmodel.parse_view(str(window.location.search))
        self.interval = self._load_interval()
        self.times.utc = load_setting("zone", "local") == "utc"
        self.anchor = None
        self.newer = 0
        self.rows = []
        self.has_more = False
        self.loaded = False
        self.in_flight = False
        self.failures = 0
        # Steps of the retry wait, which doubles with each step. The first failed refresh counts,
        # and after it only failures of refreshes that the timer started.
        self.backoff_steps = 0
        self.failure_text = ""
        self.next_refresh_at = 0.0
        self.last_success = None
        self.refreshes = 0
        self.counts_read_at = None
        self.last_tick_second = -1
        self.cancel_job_id = None
        # True while the cancel dialog's request is in flight.
        self.cancel_sending = False
        self.creating = False
        self.generation = 0
        self.handlers = []
        self.page_patch = Patcher()
        self.activity = ActivityLog(time.time())
        # The shell already shows both charts' empty state, so the first draw waits for data
        # or the next minute instead of delaying the first requests.
        self.charts_minute = int(time.time() // 60)
        self.totals_due_at = 0.0
        # True while _count_totals runs, so two counts never overlap.
        self.totals_running = False
        self.totals_at = None
        self.totals_took = 0.0
        self.last_clicked_id = None
        self.bulk_ids = []
        self.refresh_requested = False
        self.notice_until = None
        # When the last notice was shown, and when the current run of failed refreshes began.
        self.notice_at = None
        self.failing_since = None
        self.scroll_to_detail = False
        self.bulk_running = False
        # (status, page size, response text) of the live first page on screen, None for other pages.
        self.shown_list_key = None
        # When the API sent the rows on screen, for exports.
        self.rows_read_at = None
        # The (status, page size, page) that the rows on screen were read for.
        self.rows_view = None
        # The state _show_list_state last drew, so an unchanged state costs no DOM reads.
        self.list_state = None
        # Start time of the refresh in flight, so the header can report a slow API.
        self.refresh_started_at = None
        # True after a cancel request of the dialog went out and got no reply.
        self.cancel_unsure = False
        # Set by "N new jobs: show", whose button disappears with the click.
        self.focus_first_row = False
        # Set by Previous and Next, whose button can be disabled on the page they lead to.
        self.paging_focus = False
        # True when the activity log has news the charts do not show yet.
        self.charts_stale = False

    def _load_interval(self):
        text = load_setting("interval", str(DEFAULT_INTERVAL))
        try:
            value = int(text)
        except ValueError:
            value = DEFAULT_INTERVAL
        return value if value in INTERVALS else DEFAULT_INTERVAL

    # Wiring ---------------------------------------------------------------

    def listen(self, target, event, handler):
        proxy = create_proxy(handler)
        self.handlers.append(proxy)
        target.addEventListener(event, proxy)

    def start(self):
        # The address shows the view on screen: "?job=0005&size=7" becomes "?job=5".
        search = str(window.location.search)
        rejected = viewmodel.rejected_values(search)
        if rejected:
            self._notice("Part of the address was left out: %s." % "; ".join(rejected), False)
        tidy = viewmodel.format_view(self.view)
        if search != tidy:
            window.history.replaceState(jsnull, "", str(window.location.pathname) + tidy + str(window.location.hash))
        by_id("interval").value = str(self.interval)
        by_id("page-size").value = str(self.view["size"])
        self._show_zone()
        self._show_filter()
        self._show_refresh_button()
        self._sync_create_mode()
        self.listen(by_id("job-rows"), "click", self.on_rows_click)
        self.listen(by_id("filters"), "click", self.on_filter_click)
        self.listen(by_id("prev-page"), "click", lambda event: self.go_page(-1))
        self.listen(by_id("next-page"), "click", lambda event: self.go_page(1))
        self.listen(by_id("page-size"), "change", self.on_page_size)
        self.listen(by_id("interval"), "change", self.on_interval)
        self.listen(by_id("zone-toggle"), "click", self.on_zone_toggle)
        self.listen(by_id("help-button"), "click", lambda event: by_id("help-dialog").showModal())
        self.listen(by_id("retry-now"), "click", lambda event: self.refresh_now())
        self.listen(by_id("banner-retry"), "click", lambda event: self.refresh_now())
        self.listen(by_id("new-jobs"), "click", self.on_show_new)
        self.listen(by_id("goto-form"), "submit", self.on_goto)
        self.listen(by_id("goto-input"), "input", lambda event: self._set_text("goto-error", ""))
        self.listen(by_id("detail-close"), "click", lambda event: self.close_job())
        self.listen(by_id("detail-cancel"), "click", self.on_detail_cancel)
        self.listen(by_id("create-form"), "submit", self.on_create)
        self.listen(by_id("when-now"), "change", lambda event: self._sync_create_mode())
        self.listen(by_id("when-later"), "change", lambda event: self._sync_create_mode())
        self.listen(by_id("create-at"), "input", self.on_schedule_input)
        self.listen(by_id("cancel-keep"), "click", lambda event: by_id("cancel-dialog").close())
        self.listen(by_id("cancel-confirm"), "click", self.on_cancel_confirm)
        # Enter in a reason field submits the dialog's form: it means confirm, not close.
        self.listen(by_id("cancel-form"), "submit", self.on_cancel_submit)
        self.listen(by_id("bulk-form"), "submit", self.on_bulk_submit)
        self.listen(by_id("first-page"), "click", lambda event: self.set_view(page=1))
        self.listen(by_id("select-all"), "change", self.on_select_all)
        self.listen(by_id("selection-clear"), "click", lambda event: self.set_selection([]))
        self.listen(by_id("bulk-cancel"), "click", lambda event: self.ask_bulk_cancel())
        self.listen(by_id("bulk-keep"), "click", lambda event: self.close_bulk_dialog())
        self.listen(by_id("bulk-confirm"), "click", self.on_bulk_confirm)
        self.listen(by_id("bulk-dialog"), "cancel", self.on_bulk_dialog_cancel)
        self.listen(by_id("cancel-dialog"), "close", self.keep_focus)
        self.listen(by_id("bulk-dialog"), "close", self.keep_focus)
        self.listen(by_id("export-csv"), "click", lambda event: self.export_view("csv"))
        self.listen(by_id("export-json"), "click", lambda event: self.export_view("json"))
        self.listen(by_id("create-count"), "input", lambda event: self._sync_create_mode())
        self.listen(by_id("create-until"), "input", self.on_schedule_input)
        self.listen(document, "keydown", self.on_key)
        self.listen(document, "visibilitychange", self.on_visibility)
        # NOTE: window.addEventListener("popstate", ...) raised "Illegal invocation"
        # here under PyScript 0.7.31 with MicroPython 1.28, so the property is set.
        self.popstate_handler = create_proxy(self.on_popstate)
        window.onpopstate = self.popstate_handler
        if self.view["job"]:
            self.detail.show_loading(self.view["job"])
        self.ticker = create_proxy(self.tick)
        window.setInterval(self.ticker, TICK_MS)
        self.tick()

    # The refresh cycle ----------------------------------------------------

    def tick(self, *args):
        now = time.time()
        due = self.next_refresh_at is not None and now >= self.next_refresh_at
        if due and not self.in_flight and str(document.visibilityState) != "hidden":
            self.in_flight = True
            asyncio.create_task(self.refresh())
        second = int(now)
        if second != self.last_tick_second:
            self.last_tick_second = second
            self.update_clock_texts()

    def refresh_after_change(self):
        """Refresh now and count the totals again, after this page created or canceled jobs."""
        self.totals_due_at = 0.0
        self.refresh_now()

    def refresh_now(self):
        # A request made while a refresh is in flight is kept for right after it.
        self.refresh_requested = True
        self.next_refresh_at = 0.0
        self.tick()

    async def refresh(self):
        """Read counts, the list and the open job, then schedule the next refresh."""
        self.in_flight = True
        self.refresh_started_at = time.time()
        # A refresh started by a click or a view change, not by the timer.
        requested = self.refresh_requested
        self.refresh_requested = False
        generation = self.generation
        try:
            failure = await self._load(generation)
        except Exception as error:
            # Counted as a failed refresh, so the banner dates the data on screen and retries follow.
            js.console.error("Refresh failed: %s: %s" % (type(error).__name__, error))
            failure = ("The console failed to process the API's response (%s: %s). It retries by itself; "
                       "reload the page if this persists." % (type(error).__name__, error))
        finally:
            self.in_flight = False
        if self.charts_stale:
            # Drawn after the list, so the charts never delay the table.
            self.draw_charts()
        self.refreshes += 1
        window.jobsConsoleRefreshes = self.refreshes
        if failure:
            self.failures += 1
            self.failure_text = failure
            if self.failures == 1:
                self.failing_since = time.time()
            if self.failures == 1 and self.notice_until is not None:
                # Good news still fading, such as "answering again", is no longer true.
                self.notice_until = None
                self._set_text("notice", "")
            if self.view["job"]:
                self.detail.show_unreachable(self.view["job"], failure)
            if not requested or self.backoff_steps == 0:
                # A refresh started by a click does not lengthen the wait, because the user chose to send it.
                self.backoff_steps += 1
            delay = min(BACKOFF_FIRST * (2 ** (self.backoff_steps - 1)), BACKOFF_MAX)
            # With auto refresh off, the page sends no request by itself: the banner offers Retry now.
            self.next_refresh_at = time.time() + delay if self.interval else None
        else:
            if self.failures and (self.notice_at is None or self.notice_at < self.failing_since):
                # A notice from an action taken during the outage, such as a cancel's outcome, stays.
                self._notice("The jobs API is answering again.", False)
            self.failures = 0
            self.backoff_steps = 0
            self.failure_text = ""
            self.last_success = self.times.now()
            self.next_refresh_at = time.time() + self.interval if self.interval else None
        if (generation != self.generation or self.refresh_requested) and not failure:
            # The view changed, or a refresh was asked for, while this one was in flight.
            self.next_refresh_at = 0.0
        self._show_health()
        self.sync_cancel_dialog()
        self.update_clock_texts()

    async def _load(self, generation):
        """Fetch everything the view shows; return a failure sentence when the API is unreachable."""
        # The first page of a live list does not depend on the counts, so both requests go out together.
        first_page = None
        if self._list_is_live():
            first_page = asyncio.create_task(self._fetch_rows(0, self._page_limit()))
        counts = await send("GET", api.counts_url(self.base), self.skew)
        failure = self._counts_failure(counts)
        if failure is not None:
            # The activity chart leaves a gap for the time the counts go unread.
            if self.activity.mark_unread():
                self.charts_stale = True
            return failure
        first_render = not self.loaded
        self.counts_read_at = self.times.now()
        pending = counts.body.get("pending_count")
        running = counts.body.get("running_count")
        if isinstance(pending, int) and isinstance(running, int):
            if self.activity.add_counts(self.counts_read_at, pending, running):
                self.charts_stale = True

        failure = await self._load_list(generation, first_page)
        # The counts and the charts change in the same task as the rows, so the browser
        # paints one frame per refresh. The first time, the charts wait for the end of the
        # cycle, because building them would delay the first table.
        self._set_text("count-pending", str(pending))
        self._set_text("count-running", str(running))
        if self.charts_stale and not first_render:
            self.draw_charts()
        if failure:
            return failure
        if self.view["job"]:
            failure = await self._load_job(self.view["job"], generation)
            if failure:
                return failure
        if time.time() >= self.totals_due_at and not self.totals_running:
            # The totals take many requests, so they run beside the cycle: a slow API
            # delays them, never the next read of the list.
            self.totals_running = True
            asyncio.create_task(self._count_totals(counts.body))
        return None

    async def _count_totals(self, summary):
        try:
            await self._load_totals(summary)
        except Exception as error:
            # The next cycle starts a new count; the totals on screen keep the time they were counted.
            js.console.error("Counting the totals failed: %s: %s" % (type(error).__name__, error))
        finally:
            self.totals_running = False

    def _counts_failure(self, counts):
        """Return the sentence for a GET / that brought no counts, or None when it did."""
        if api.is_unreachable(counts.status):
            return self._unreachable_text(counts)
        if counts.status >= 500:
            return with_retry_advice(server_error_text(counts.status, "its counts"))
        if not counts.ok or not isinstance(counts.body, dict) or "pending_count" not in counts.body:
            # Anything else at GET / means serve.py points at something that is not the jobs API.
            return ("The server behind %s answered GET / with status %d and no job counts, so it does not look "
                    "like the jobs API. Check the URL given to serve.py with --api." % (self.base, counts.status))
        return None

    async def _load_totals(self, summary):
        """Count DONE, CANCELED and all jobs with one-row probes, every TOTALS_INTERVAL seconds.

        An unreachable API leaves totals_due_at as it is. So the first cycle that reads
        the counts again starts a new count, and the cycle itself reports the outage.
        """
        tasks = counting.plan_counts()
        started = time.time()
        for task in tasks:
            probe = task.probe
            while not probe.done:
                if probe.requests >= MAX_PROBE_REQUESTS:
                    # Only an API that finds a row at every offset gets here: give up, not loop.
                    self.totals_due_at = time.time() + TOTALS_INTERVAL
                    return
                skip = probe.next_skip()
                reply = await send("GET", api.jobs_url(self.base, task.status, skip, 1), self.skew)
                if api.is_unreachable(reply.status):
                    return
                if not reply.ok or not isinstance(reply.body, list):
                    self.totals_due_at = time.time() + TOTALS_INTERVAL
                    return
                probe.feed(len(reply.body) > 0)
        try:
            totals = counting.merge_counts(summary, tasks)
        except ValueError:
            self.totals_due_at = time.time() + TOTALS_INTERVAL
            return
        self.totals_at = self.times.now()
        self.totals_took = time.time() - started
        self.totals_due_at = time.time() + TOTALS_INTERVAL
        for key, element_id in (("DONE", "count-done"), ("CANCELED", "count-canceled"),
                                (counting.ALL_JOBS, "count-all")):
            self._set_text(element_id, counting.format_count(totals[key]))
        self.update_clock_texts()

    def _unreachable_text(self, reply):
        if reply.status == 0:
            return reply.error
        return api.describe_error(reply.status, reply.body)

    def _unconfirmed_text(self, reply):
        """Return why a create or cancel got no response, without advice to send it again."""
        if reply.status == 0:
            return reply.error
        return api.describe_error(reply.status, reply.body, retry_advice=False)

    async def _fetch_rows(self, skip, limit):
        status = viewmodel.api_status(self.view)
        return await send("GET", api.jobs_url(self.base, status, skip, limit), self.skew)

    async def _count_newer(self):
        """Return (count of jobs above the anchor, failed reply or None)."""
        total = 0
        for page in range(MAX_HEAD_PAGES):
            reply = await self._fetch_rows(page * HEAD_LIMIT, HEAD_LIMIT)
            if not reply.ok or not isinstance(reply.body, list):
                return total, reply
            newer = paging.count_newer(reply.body, self.anchor)
            total += newer
            if newer < HEAD_LIMIT:
                break
        return total, None

    def _list_is_live(self):
        """Return True when the list follows new jobs: page 1 with auto refresh on.

        Other pages, and page 1 while auto refresh is off, stay pinned to an anchor
        and announce new jobs instead of inserting them.
        """
        return self.view["page"] == 1 and bool(self.interval)

    def _page_limit(self):
        # Asking for one row more than the page shows reveals whether a next page exists.
        return min(self.view["size"] + 1, api.MAX_LIMIT)

    async def _load_list(self, generation, first_page=None):
        """Read the view's page of jobs and show it. first_page is a request for page 1 already sent, or None."""
        size = self.view["size"]
        page = self.view["page"]
        if first_page is not None or self._list_is_live():
            reply = await (first_page if first_page is not None else self._fetch_rows(0, self._page_limit()))
            if api.is_unreachable(reply.status):
                return self._unreachable_text(reply)
            if generation != self.generation:
                return None
            list_key = (self.view["status"], size, reply.text)
            if reply.ok and list_key == self.shown_list_key:
                # The same bytes as the list on screen: nothing to decode or redraw.
                self.rows_read_at = self.times.now()
                self.rows_view = self._view_key()
                return None
            if not reply.ok or not isinstance(reply.body, list):
                return self._list_failure(reply)
            problem = jobmodel.list_problem(reply.body, self.table.job)
            if problem is not None:
                return self._unreadable_list_text(problem)
            rows = reply.body
            newest = paging.newest_key(rows)
            if newest is not None:
                self.anchor = newest
            self.newer = 0
        else:
            if self.anchor is None:
                newer, failed = 0, None
                head = await self._fetch_rows(0, 1)
                if head.ok and isinstance(head.body, list):
                    self.anchor = paging.newest_key(head.body)
                elif api.is_unreachable(head.status):
                    return self._unreachable_text(head)
            # Read the page, then count the jobs above the anchor; when the count
            # moved in between, the page may have shifted, so read it again.
            rows = None
            for attempt in range(3):
                skip = paging.page_skip(page, size, self.newer)
                reply = await self._fetch_rows(skip, self._page_limit())
                if api.is_unreachable(reply.status):
                    return self._unreachable_text(reply)
                if not reply.ok or not isinstance(reply.body, list):
                    return self._list_failure(reply)
                newer, failed = await self._count_newer()
                if failed is not None:
                    if api.is_unreachable(failed.status):
                        return self._unreachable_text(failed)
                    break
                if newer == self.newer:
                    rows = reply.body
                    break
                self.newer = newer
                rows = reply.body
            if generation != self.generation:
                return None
            problem = jobmodel.list_problem(rows or [], self.table.job)
            if problem is not None:
                return self._unreadable_list_text(problem)
            rows = paging.drop_seen_newer(rows or [], self.anchor)
            list_key = None
        self.has_more = len(rows) > size or (size == api.MAX_LIMIT and len(rows) == size)
        self.rows = rows[:size]
        self.rows_read_at = self.times.now()
        if self.activity.observe(self.rows):
            self.charts_stale = True
        self.rows_view = self._view_key()
        self._render_list()
        self.shown_list_key = list_key
        return None

    def _list_failure(self, reply):
        """Return the sentence for a job list request that came back without a list."""
        if reply.status >= 500:
            return with_retry_advice(server_error_text(reply.status, "the job list"))
        return api.describe_error(reply.status, reply.body)

    def _unreadable_list_text(self, problem):
        return with_retry_advice(unreadable_text("a job list", problem))

    async def _load_job(self, job_id, generation):
        # The job and its history come from separate requests. When the job changes
        # in between, the history already lists the state just read as an earlier
        # one, so both are read again rather than shown mixed.
        for attempt in range(3):
            reply = await send("GET", api.job_url(self.base, job_id), self.skew)
            if api.is_unreachable(reply.status):
                return self._unreachable_text(reply)
            if generation != self.generation or self.view["job"] != job_id:
                return None
            if not reply.ok or not isinstance(reply.body, dict):
                self.detail.show_error(job_id, api.describe_error(reply.status, reply.body, job_id=job_id))
                return None
            problem = jobmodel.job_problem(reply.body)
            if problem is not None:
                return with_retry_advice(unreadable_text("job %d in a form" % job_id, problem))
            history = []
            history_error = None
            for page in range(10):
                part = await send("GET", api.history_url(self.base, job_id, page * 100, 100), self.skew)
                if api.is_unreachable(part.status):
                    return self._unreachable_text(part)
                if not part.ok and part.status >= 500:
                    history_error = server_error_text(part.status, "this job's history")
                elif not part.ok:
                    history_error = "The history could not be read: %s" % api.describe_error(
                        part.status, part.body, job_id=job_id)
                elif not isinstance(part.body, list):
                    history_error = unreadable_text("a history", "it is not a list")
                else:
                    problem = jobmodel.history_problem(part.body)
                    if problem is not None:
                        history_error = unreadable_text("a history", problem)
                if history_error is not None:
                    # An empty history would claim that the job never changed state.
                    history = None
                    break
                history.extend(part.body)
                if len(part.body) < 100:
                    break
            if history is None or not jobmodel.history_is_ahead(reply.body, history):
                break
        if generation != self.generation or self.view["job"] != job_id:
            return None
        self.detail.render(reply.body, history, history_error)
        self.table.replace_job(reply.body)
        if self.scroll_to_detail:
            # The panel grew when its data arrived; keep its top in view.
            self.scroll_to_detail = False
            by_id("detail").scrollIntoView(True)
        if self.activity.observe([reply.body]):
            self.charts_stale = True
        return None

    # Rendering ----------------------------------------------------------------

    def _set_hidden(self, element_id, is_hidden):
        # Writing an unchanged value still counts as a DOM mutation, so unchanged values are skipped.
        self.page_patch.hidden(element_id, by_id(element_id), is_hidden)

    def _set_disabled(self, element_id, is_disabled):
        self.page_patch.prop(element_id, by_id(element_id), "disabled", bool(is_disabled))

    def _set_text(self, element_id, text):
        node = by_id(element_id)
        if str(node.textContent) != text:
            node.textContent = text

    def _notice(self, text, is_error):
        node = by_id("notice")
        node.textContent = text
        node.classList.toggle("error", bool(is_error))
        # Good news fades; an error stays until the next action replaces it.
        self.notice_until = None if is_error else time.time() + NOTICE_SECONDS
        self.notice_at = time.time()

    def _render_list(self):
        self.table.set_marks(self.view["job"], self.selected_id())
        selected_before = set(self.table.selection)
        self.table.render(self.rows)
        dropped = selected_before - self.table.selection
        if dropped:
            # Jobs that stopped being pending, or left the page, leave the selection, so a notice names them.
            ids = sorted(dropped)
            self._notice("%s %s left the selection: only pending jobs on this page can be selected." % (
                "Job" if len(ids) == 1 else "Jobs", bulk.describe_ids(ids)), False)
        if self.table.selected_id is not None and self.table.selected_id not in self.table.rows:
            # The keyboard selection left the screen, so Enter and "c" must not act on it.
            self.table.set_marks(self.view["job"], None)
        self._show_selection()
        page = self.view["page"]
        self._show_list_state()
        self._set_text("page-label", "Page %d" % page)
        self._set_disabled("prev-page", page <= 1)
        if self.paging_focus:
            self.keep_focus()
            self.paging_focus = False
        if self.focus_first_row and self.table.order:
            self.focus_first_row = False
            self.table.rows[self.table.order[0]].node("id").focus()
        if not self.loaded:
            self.loaded = True
            # The first cycle goes on to count the totals, but the rows on screen are read now.
            self.last_success = self.times.now()
            self._show_updated(time.time())
            document.body.dataset.ready = "1"

    def _view_key(self):
        return (self.view["status"], self.view["size"], self.view["page"])

    def _show_list_state(self):
        """Show the rows, or explain why there are none, for the view the filters and the pager name.

        After a change of filter, page or page size, the rows of the previous view stay
        until the new ones arrive, marked busy. If the new view's read fails, they are
        hidden, so they cannot pass for the new view's jobs.
        """
        page = self.view["page"]
        view_key = self._view_key()
        outdated = self.rows_view != view_key
        unread = outdated and bool(self.failures)
        empty = len(self.rows) == 0
        state = (view_key, outdated, unread, empty, self.newer, bool(self.interval), self.has_more)
        if state == self.list_state:
            # Every refresh ends here, and one that changed nothing must write nothing.
            return
        self.list_state = state
        self._set_hidden("table-wrap", empty or unread)
        self._set_hidden("empty-state", not (empty or unread))
        wrap = by_id("table-wrap")
        self.page_patch.flag("table-wrap", wrap, "is-outdated", outdated)
        self.page_patch.attr("table-wrap", wrap, "aria-busy", "true" if outdated else None)
        if unread:
            text = "Not loaded: the jobs API has not sent page %d of %s. The message above says why." % (
                page, self._jobs_phrase())
            if self.interval:
                hint = "They show here as soon as the API responds."
            else:
                hint = "Auto refresh is off: press Retry now in the message above to load them."
        elif outdated:
            text = "Loading page %d of %s…" % (page, self._jobs_phrase())
            hint = ""
        elif page > 1:
            text = "No jobs on page %d: the list ends before it." % page
            hint = "Go back to the first page to see the newest jobs."
        elif self.view["status"] != "all":
            text = "No %s jobs right now." % self.view["status"]
            hint = "Choose All to see every job."
        else:
            text = "No jobs yet."
            hint = "Create one with the form: leave the time as it is to run it now."
        if empty or unread:
            self._set_text("empty-text", text)
            self._set_text("empty-hint", hint)
        self._set_hidden("first-page", not (empty and page > 1 and not unread))
        # Whether a next page exists is known only for a view that was read.
        self._set_disabled("next-page", unread or not self.has_more)
        if self.newer > 0 and not outdated:
            noun = "job" if self.newer == 1 else "jobs"
            self._set_text("new-jobs", "%d new %s: show" % (self.newer, noun))
            self._set_hidden("new-jobs", False)
        else:
            self._set_hidden("new-jobs", True)

    def _jobs_phrase(self):
        status = self.view["status"]
        return "all jobs" if status == "all" else "the %s jobs" % status

    def _show_health(self):
        stale = bool(self.failures)
        self.detail.set_read_until(self.last_success if stale else None)
        document.body.classList.toggle("is-stale", stale)
        if stale:
            when = ""
            if self.last_success is not None:
                when = " The data on screen is from %s." % self.times.short(self.last_success)
            self._set_text("banner-text", "%s%s" % (self.failure_text, when))
            self._set_hidden("banner", False)
        else:
            self._set_hidden("banner", True)
        if not self.loaded:
            # "Loading" would be untrue while the first read keeps failing.
            self.table.show_waiting("No jobs loaded: the message above says why." if stale else "Loading jobs…")
            if self.counts_read_at is None:
                self._set_text("counts-time", "Counts not read yet." if stale else "Reading counts…")
        else:
            self._show_list_state()
        self._show_refresh_button()

    def _show_refresh_button(self):
        """Offer "Retry now" after a failure and "Refresh now" while auto refresh is off."""
        if self.failures:
            # The banner has its own Retry now button.
            self._set_hidden("retry-now", True)
        elif not self.interval:
            self._set_text("retry-now", "Refresh now")
            self._set_hidden("retry-now", False)
        else:
            self._set_hidden("retry-now", True)

    def update_clock_texts(self):
        now = time.time()
        self._show_updated(now)
        if self.counts_read_at is not None:
            self._set_text("counts-time", "Pending and running read at %s." % self.times.short(self.counts_read_at))
        if self.totals_at is not None:
            # A count is a snapshot: jobs that change while it is taken can move it by that many.
            text = "Totals counted at %s in %s" % (self.times.short(self.totals_at),
                                                   timefmt.format_duration(self.totals_took))
            if self.interval:
                # A count starts with a refresh, so it cannot come more often than refreshes do.
                text += ", every %d s" % max(TOTALS_INTERVAL, self.interval)
            self._set_text("totals-time", text + ".")
        self.table.update_times()
        self.detail.update_times()
        if self.notice_until is not None and now >= self.notice_until:
            self.notice_until = None
            self._set_text("notice", "")
        minute = int(now // 60)
        if minute != self.charts_minute:
            self.draw_charts()
        if by_id("when-later").checked:
            self._update_preview()

    def _show_updated(self, now):
        """Show when the data on screen was read, or why it is not being read."""
        waiting = now - self.refresh_started_at if self.in_flight and self.refresh_started_at is not None else 0
        if waiting >= SLOW_SECONDS:
            # Otherwise "Updated 8 s ago" would be the only sign of a response that has not arrived.
            text = "Waiting for the jobs API, %d s…" % int(waiting)
        elif self.failures and self.next_refresh_at is not None:
            wait = max(int(self.next_refresh_at - now + 0.999), 0)
            text = "Update failed, retrying in %d s" % wait if wait else "Retrying now…"
        elif self.failures:
            text = "Update failed · auto refresh off"
        elif self.last_success is None:
            text = "Loading…" if self.next_refresh_at is not None else "Not loaded yet"
        else:
            ago = self.times.now() - self.last_success
            text = "Updated " + ("just now" if ago < 1 else timefmt.format_relative(self.last_success, self.times.now()))
            if not self.interval:
                text += " · auto refresh off"
        self._set_text("updated", text)

    def _show_filter(self):
        for button in by_id("filters").querySelectorAll("button"):
            pressed = str(button.dataset.filter) == self.view["status"]
            button.setAttribute("aria-pressed", "true" if pressed else "false")

    def _show_zone(self):
        by_id("zone-toggle").textContent = "Show local time" if self.times.utc else "Show UTC"
        # In a browser set to UTC both choices show the same times.
        by_id("zone-toggle").hidden = self.times.zone_is_utc() and not self.times.utc
        by_id("zone-label").textContent = "Times in " + self.times.zone_label()

    def selected_id(self):
        return self.table.selected_id

    # Navigation -------------------------------------------------------------

    def set_view(self, push=True, reset_anchor=False, **changes):
        for key in changes:
            self.view[key] = changes[key]
        if reset_anchor:
            self.anchor = None
            self.newer = 0
        self.generation += 1
        if push:
            url = str(window.location.pathname) + viewmodel.format_view(self.view)
            window.history.pushState(jsnull, "", url)
        self._show_filter()
        by_id("page-size").value = str(self.view["size"])
        self._set_text("page-label", "Page %d" % self.view["page"])
        self.table.set_marks(self.view["job"], self.selected_id())
        if self.loaded:
            self._show_list_state()
        if self.view["job"]:
            self.detail.show_loading(self.view["job"])
        else:
            self.detail.hide()
        self.refresh_now()

    def go_page(self, step):
        page = self.view["page"] + step
        if page < 1:
            return
        # The button pressed can be disabled on the new page (Next on the last one).
        self.paging_focus = True
        self.set_view(page=page)
        wrap = by_id("table-wrap")
        if float(wrap.getBoundingClientRect().top) < 0:
            wrap.scrollIntoView(True)

    def open_job(self, job_id):
        self.table.selected_id = job_id
        self.set_view(job=job_id)
        self._bring_detail_into_view()

    def _bring_detail_into_view(self):
        """In the one-column layout the panel sits above the list: scroll to it."""
        if int(window.innerWidth) <= 900:
            self.scroll_to_detail = True
            by_id("detail").scrollIntoView(True)

    def close_job(self):
        job_id = self.view["job"]
        if job_id:
            self.set_view(job=None)
            # The panel's Close button, which may have had the focus, is gone, so the job's row takes it.
            row = self.table.rows.get(job_id)
            if row is not None:
                row.node("id").focus()

    def keep_focus(self, *args):
        """Put the focus back on the list when the control that had it was hidden or disabled.

        Closing a dialog returns the focus to the button that opened it, which the
        action may have hidden, such as the panel's Cancel job. Without this the
        focus falls to the page, and keyboard users start again from its top.
        """
        if not missing(document.querySelector("dialog[open]")):
            return
        active = document.activeElement
        if (not missing(active) and str(active.tagName) != "BODY" and not bool(getattr(active, "disabled", False))
                and int(active.getClientRects().length) > 0):
            return
        if self.paging_focus:
            for element_id in ("next-page", "prev-page"):
                if not bool(by_id(element_id).disabled):
                    by_id(element_id).focus()
                    return
        job_id = self.view["job"] or self.selected_id()
        if job_id not in self.table.rows:
            job_id = self.table.order[0] if self.table.order else None
        if job_id is not None:
            self.table.rows[job_id].node("id").focus()
        else:
            by_id("filters").querySelector("button[aria-pressed='true']").focus()

    def on_popstate(self, event):
        # Back and Forward leave the view a dialog was opened from, so an idle dialog closes with it.
        if not self.cancel_sending:
            by_id("cancel-dialog").close()
        if not self.bulk_running:
            by_id("bulk-dialog").close()
        self.view = viewmodel.parse_view(str(window.location.search))
        self.anchor = None
        self.newer = 0
        self.set_view(push=False)

    # Event handlers -------------------------------------------------------------

    def on_rows_click(self, event):
        target = event.target
        button = target.closest("button.cancel")
        row = target.closest("tr")
        if missing(row) or missing(row.dataset.jobId):
            return
        job_id = int(str(row.dataset.jobId))
        if bool(target.classList.contains("select")):
            self.on_select_click(job_id, bool(target.checked), bool(event.shiftKey))
            return
        if not missing(target.closest(".c-select")):
            return
        if not missing(button):
            self.ask_cancel(job_id)
            return
        self.open_job(job_id)

    def on_filter_click(self, event):
        button = event.target.closest("button")
        if missing(button):
            return
        status = str(button.dataset.filter)
        if status != self.view["status"]:
            self.set_view(status=status, page=1, reset_anchor=True)

    def on_page_size(self, event):
        size = int(str(by_id("page-size").value))
        self.set_view(size=size, page=1, reset_anchor=True)

    def on_interval(self, event):
        value = int(str(by_id("interval").value))
        self.interval = value
        save_setting("interval", value)
        if value:
            self.next_refresh_at = time.time() if self.failures == 0 else self.next_refresh_at
        elif not self.failures:
            self.next_refresh_at = None
        self._show_refresh_button()
        self.update_clock_texts()

    def on_zone_toggle(self, event):
        instants = {}
        for field_id in ("create-at", "create-until"):
            try:
                instants[field_id] = self._scheduled_instant(field_id)[0]
            except ValueError:
                pass
        self.times.utc = not self.times.utc
        for field_id in instants:
            by_id(field_id).value = self._local_input_value(instants[field_id])
        label = "UTC date and time" if self.times.utc else "Local date and time"
        by_id("create-at").setAttribute("aria-label", label)
        save_setting("zone", "utc" if self.times.utc else "local")
        self._show_zone()
        self.table.retime()
        self.detail.retime()
        self.draw_charts()
        self._update_preview()
        # The banner and the read-at texts name times too.
        self._show_health()
        self.update_clock_texts()

    def on_show_new(self, event):
        # The button hides itself, so keyboard focus moves to the newest row once it is drawn.
        self.focus_first_row = True
        self.set_view(page=1, reset_anchor=True)

    def on_visibility(self, event):
        if str(document.visibilityState) == "visible" and self.next_refresh_at is not None:
            self.refresh_now()

    def on_goto(self, event):
        event.preventDefault()
        text = str(by_id("goto-input").value)
        try:
            job_id = jobmodel.parse_job_id(text)
        except ValueError as error:
            self._set_text("goto-error", str(error))
            return
        self._set_text("goto-error", "")
        self.open_job(job_id)

    def on_key(self, event):
        key = str(event.key)
        target = event.target
        tag = str(target.tagName) if not missing(getattr(target, "tagName", None)) else ""
        if event.ctrlKey or event.metaKey or event.altKey:
            return
        if tag in EDITABLE_TAGS or bool(getattr(target, "isContentEditable", False)):
            if key == "Escape" and tag == "INPUT":
                target.blur()
            return
        if not missing(document.querySelector("dialog[open]")):
            # Shortcuts act on the page behind a dialog, such as "c" on the selected row.
            return
        if key == "/":
            event.preventDefault()
            by_id("goto-input").focus()
        elif key in ("j", "k"):
            self.move_selection(1 if key == "j" else -1)
        elif key == "Enter" and tag != "BUTTON" and self.selected_id():
            self.open_job(self.selected_id())
        elif key == "Escape":
            self.close_job()
        elif key == "n":
            event.preventDefault()
            by_id("create-message").focus()
        elif key == "c":
            job_id = self.view["job"] or self.selected_id()
            if job_id:
                # Without this the key's "c" lands in the dialog's reason field, which gets the focus.
                event.preventDefault()
                self.ask_cancel(job_id)
        elif key == "?":
            by_id("help-dialog").showModal()

    def move_selection(self, step):
        order = self.table.order
        if not order:
            return
        current = self.selected_id()
        if current in order:
            index = max(0, min(len(order) - 1, order.index(current) + step))
        else:
            index = 0 if step > 0 else len(order) - 1
        job_id = order[index]
        self.table.set_marks(self.view["job"], job_id)
        row = self.table.rows[job_id].tr
        row.focus()

    # Charts ---------------------------------------------------------------

    def draw_charts(self):
        self.charts_stale = False
        now = self.times.now()
        self.charts_minute = int(time.time() // 60)
        # While the counts go unread, the lines stop at the last read; otherwise they run to now.
        unread = self.activity.unread_since is not None
        charts.draw_active(by_id("chart-active"), self.activity.samples, now, self.times,
                           self.activity.read_until if unread else None)
        charts.draw_finished(by_id("chart-finished"), self.activity.finished_per_minute(now), self.times)

    # Export ---------------------------------------------------------------

    def export_view(self, kind):
        if self.rows_read_at is None:
            # An empty file would look like an empty system.
            self._notice("Nothing exported: no list of jobs has been read yet. Export again once the table shows "
                         "jobs.", True)
            return
        if self.rows_view != self._view_key():
            # The file is named after the view, so it must not hold the previous view's rows.
            self._notice("Nothing exported: the jobs of this view have not been read yet. Export again once the "
                         "table shows them.", True)
            return
        now = self.times.now()
        if kind == "csv":
            text = export.to_csv(self.rows)
            mime = "text/csv;charset=utf-8"
        else:
            text = export.to_json(self.rows, self.view, now, self.rows_read_at)
            mime = "application/json"
        options = js.Object.new()
        options.type = mime
        parts = js.Array.new()
        parts.push(text)
        blob = js.Blob.new(parts, options)
        url = js.URL.createObjectURL(blob)
        link = document.createElement("a")
        link.href = url
        link.download = export.file_name(self.view, now, kind)
        document.body.append(link)
        link.click()
        link.remove()
        js.URL.revokeObjectURL(url)
        count = "%d %s" % (len(self.rows), "job" if len(self.rows) == 1 else "jobs")
        if self.failures and self.rows_read_at is not None:
            # The rows on screen are as old as the last list the API sent.
            self._notice("Exported %s as %s, as read at %s: the jobs API is not answering, so they may be out of "
                         "date." % (count, kind.upper(), self.times.short(self.rows_read_at)), True)
        else:
            self._notice("Exported %s as %s." % (count, kind.upper()), False)


def server_error_text(status, subject):
    """Return the sentence for a 5xx response to a request for subject, such as "the job list"."""
    return "The jobs API failed with status %d when asked for %s." % (status, subject)


def unreadable_text(subject, problem):
    """Return the sentence for a response the console cannot read: what was sent, and what is wrong with it."""
    return "The jobs API sent %s the console cannot read: %s." % (subject, problem)


def with_retry_advice(fact):
    """Return a failed refresh's sentence followed by what happens next and what to check."""
    return fact + " The console retries by itself; if this persists, check the API's log."


def main():
    console = Console()
    window.jobsConsoleRefreshes = 0
    console.start()
    return console


CONSOLE = main()
