"""Jobs console: browse, open, create and cancel jobs of the sandbox jobs API.

Runs in the page under PyScript's MicroPython. Every request goes to the API
base set by ``api_base`` in pyscript.toml (``/api/`` by default, proxied by
serve.py). The routes used are ``GET /`` (counts), ``GET /jobs`` (the list),
``GET /job/{id}`` and ``GET /job/{id}/history`` (the open job),
``POST /job/new`` and ``POST /job/cancel/{id}``.

Start-up: the HTML shell is already on screen when this runs.
``Console.start`` reads the view from the URL and the settings from
localStorage, wires the page's few event listeners and starts one timer. Each tick of the timer starts a refresh
when one is due and none is in flight, so refreshes never overlap however
slow the API is. ``body[data-ready="1"]`` marks the first data on screen.
"""

import asyncio
import json
import time

import js
from pyscript import config, document, window
from pyscript.ffi import create_proxy, jsnull, to_js

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
from console.detail import DetailView
from console.dom import TimeDisplay, by_id, missing
from console.skew import SkewEstimator
from console.table import JobTable

INTERVALS = (1, 2, 5, 15, 0)
DEFAULT_INTERVAL = 2
BACKOFF_FIRST = 2
BACKOFF_MAX = 30
TICK_MS = 250
REQUEST_TIMEOUT_MS = 20000
TOTALS_INTERVAL = 15
# 2 * 62 + 2 requests count up to 2**62 jobs; a real list never needs more.
MAX_PROBE_REQUESTS = 126
NOTICE_SECONDS = 10
HEAD_LIMIT = 100
MAX_HEAD_PAGES = 10
STORAGE_PREFIX = "jobs-console."
EDITABLE_TAGS = ("INPUT", "TEXTAREA", "SELECT")


# Requests ---------------------------------------------------------------

class Reply:
    """A decoded API response; ``status`` 0 means no response at all."""

    def __init__(self, status, body=None, error=""):
        self.status = status
        self.body = body
        self.error = error

    @property
    def ok(self):
        return 200 <= self.status < 300


async def send(method, url, skew):
    """Send one request and decode its JSON body.

    HTTP errors, network errors and time-outs come back as a Reply (status 0
    when there was no response), so callers handle every outcome in one place.
    """
    sent = time.time()
    options = js.Object.new()
    options.method = method
    options.cache = "no-store"
    options.signal = js.AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    try:
        response = await window.fetch(url, options)
        text = await response.text()
    except Exception as error:
        name = str(getattr(error, "name", "") or "")
        if "Timeout" in name or "Abort" in name or "timed out" in str(error):
            return Reply(0, error="The jobs API did not answer within %d s." % (REQUEST_TIMEOUT_MS // 1000))
        return Reply(0, error=network_error_text(url))
    received = time.time()
    date_header = response.headers.get("Date")
    if not missing(date_header):
        skew.add(str(date_header), sent, received)
    body = None
    if text:
        try:
            body = json.loads(text)
        except ValueError:
            body = None
    return Reply(int(response.status), body)


def network_error_text(url):
    """Return the sentence for a request that got no response at all."""
    origin = str(window.location.origin)
    if url.startswith("http") and not url.startswith(origin + "/"):
        base = url.split("/api/", 1)[0] + "/api/" if "/api/" in url else url
        return ("The console's server at %s cannot be reached (network error). If it runs on another "
                "origin, start it with --allow-origin %s." % (base, origin))
    return "The console's server cannot be reached (network error). Check that serve.py is running."


# Settings kept across reloads ----------------------------------------------

def load_setting(name, default):
    try:
        value = window.localStorage.getItem(STORAGE_PREFIX + name)
    except Exception:
        return default
    return default if missing(value) else str(value)


def save_setting(name, value):
    try:
        window.localStorage.setItem(STORAGE_PREFIX + name, str(value))
    except Exception:
        pass


# The console ------------------------------------------------------------

class Console:
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
        self.failure_text = ""
        self.next_refresh_at = 0.0
        self.last_success = None
        self.refreshes = 0
        self.counts_read_at = None
        self.last_tick_second = -1
        self.cancel_job_id = None
        self.creating = False
        self.generation = 0
        self.handlers = []
        self.activity = ActivityLog(time.time())
        self.charts_minute = -1
        self.totals_due_at = 0.0
        self.totals_at = None
        self.totals_took = 0.0
        self.last_clicked_id = None
        self.bulk_ids = []
        self.refresh_requested = False
        self.notice_until = None
        self.scroll_to_detail = False
        self.bulk_running = False

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

    def refresh_now(self):
        # A request made while a refresh is in flight is kept for right after it.
        self.refresh_requested = True
        self.next_refresh_at = 0.0
        self.tick()

    async def refresh(self):
        """Read counts, the list and the open job, then schedule the next refresh."""
        self.in_flight = True
        self.refresh_requested = False
        generation = self.generation
        try:
            failure = await self._load(generation)
        except Exception as error:
            failure = None
            js.console.error("Refresh failed: " + str(error))
            self._notice("The console hit an unexpected error while refreshing: %s. Reload the page." % error, True)
        finally:
            self.in_flight = False
        self.refreshes += 1
        window.jobsConsoleRefreshes = self.refreshes
        if failure:
            self.failures += 1
            self.failure_text = failure
            if self.view["job"]:
                self.detail.show_unreachable(self.view["job"], failure)
            delay = min(BACKOFF_FIRST * (2 ** (self.failures - 1)), BACKOFF_MAX)
            self.next_refresh_at = time.time() + delay
        else:
            if self.failures:
                self._notice("Connection to the jobs API restored.", False)
            self.failures = 0
            self.failure_text = ""
            self.last_success = self.times.now()
            self.next_refresh_at = time.time() + self.interval if self.interval else None
        if (generation != self.generation or self.refresh_requested) and not failure:
            # The view changed, or a refresh was asked for, while this one was in flight.
            self.next_refresh_at = 0.0
        self._show_health()
        self.update_clock_texts()

    async def _load(self, generation):
        """Fetch everything the view shows; return a failure sentence when the API is unreachable."""
        counts = await send("GET", api.counts_url(self.base), self.skew)
        if api.is_unreachable(counts.status):
            return self._unreachable_text(counts)
        if not counts.ok or not isinstance(counts.body, dict) or "pending_count" not in counts.body:
            # Anything else at GET / means serve.py points at something that is not the jobs API.
            return ("The server behind %s answered GET / with status %d and no job counts, so it does not look "
                    "like the jobs API. Check the URL given to serve.py with --api." % (self.base, counts.status))
        if counts.ok and isinstance(counts.body, dict):
            self.counts_read_at = self.times.now()
            pending = counts.body.get("pending_count")
            running = counts.body.get("running_count")
            self._set_text("count-pending", str(pending))
            self._set_text("count-running", str(running))
            if isinstance(pending, int) and isinstance(running, int):
                if self.activity.add_counts(self.counts_read_at, pending, running):
                    self.draw_charts()

        failure = await self._load_list(generation)
        if failure:
            return failure
        if self.view["job"]:
            failure = await self._load_job(self.view["job"], generation)
            if failure:
                return failure
        if time.time() >= self.totals_due_at and counts.ok and isinstance(counts.body, dict):
            failure = await self._load_totals(counts.body)
            if failure:
                return failure
        return None

    async def _load_totals(self, summary):
        """Count DONE, CANCELED and all jobs with one-row probes, every TOTALS_INTERVAL seconds."""
        tasks = counting.plan_counts()
        started = time.time()
        for task in tasks:
            probe = task.probe
            while not probe.done:
                if probe.requests >= MAX_PROBE_REQUESTS:
                    # Only an API that finds a row at every offset gets here: give up, not loop.
                    self.totals_due_at = time.time() + TOTALS_INTERVAL
                    return None
                skip = probe.next_skip()
                reply = await send("GET", api.jobs_url(self.base, task.status, skip, 1), self.skew)
                if api.is_unreachable(reply.status):
                    return self._unreachable_text(reply)
                if not reply.ok or not isinstance(reply.body, list):
                    self.totals_due_at = time.time() + TOTALS_INTERVAL
                    return None
                probe.feed(len(reply.body) > 0)
        try:
            totals = counting.merge_counts(summary, tasks)
        except ValueError:
            return None
        self.totals_at = self.times.now()
        self.totals_took = time.time() - started
        self.totals_due_at = time.time() + TOTALS_INTERVAL
        for key, element_id in (("DONE", "count-done"), ("CANCELED", "count-canceled"),
                                (counting.ALL_JOBS, "count-all")):
            self._set_text(element_id, counting.format_count(totals[key]))
        return None

    def _unreachable_text(self, reply):
        if reply.status == 0:
            return reply.error
        return api.describe_error(reply.status, reply.body)

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

    async def _load_list(self, generation):
        size = self.view["size"]
        page = self.view["page"]
        live = page == 1 and self.interval and (self.anchor is None or self.newer == 0)
        if live:
            reply = await self._fetch_rows(0, min(size + 1, api.MAX_LIMIT))
            if api.is_unreachable(reply.status):
                return self._unreachable_text(reply)
            if generation != self.generation:
                return None
            if not reply.ok or not isinstance(reply.body, list):
                self._notice(api.describe_error(reply.status, reply.body), True)
                return None
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
                reply = await self._fetch_rows(skip, min(size + 1, api.MAX_LIMIT))
                if api.is_unreachable(reply.status):
                    return self._unreachable_text(reply)
                if not reply.ok or not isinstance(reply.body, list):
                    self._notice(api.describe_error(reply.status, reply.body), True)
                    return None
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
            rows = paging.drop_seen_newer(rows or [], self.anchor)
        self.has_more = len(rows) > size or (size == api.MAX_LIMIT and len(rows) == size)
        self.rows = rows[:size]
        if self.activity.observe(self.rows):
            self.draw_charts()
        self._render_list()
        return None

    async def _load_job(self, job_id, generation):
        reply = await send("GET", api.job_url(self.base, job_id), self.skew)
        if api.is_unreachable(reply.status):
            return self._unreachable_text(reply)
        if generation != self.generation or self.view["job"] != job_id:
            return None
        if not reply.ok or not isinstance(reply.body, dict):
            self.detail.show_error(job_id, api.describe_error(reply.status, reply.body, job_id=job_id))
            return None
        history = []
        for page in range(10):
            part = await send("GET", api.history_url(self.base, job_id, page * 100, 100), self.skew)
            if api.is_unreachable(part.status):
                return self._unreachable_text(part)
            if not part.ok or not isinstance(part.body, list):
                break
            history.extend(part.body)
            if len(part.body) < 100:
                break
        if generation != self.generation or self.view["job"] != job_id:
            return None
        self.detail.render(reply.body, history)
        self.table.replace_job(reply.body)
        if self.scroll_to_detail:
            # The panel grew when its data arrived; keep its top in view.
            self.scroll_to_detail = False
            by_id("detail").scrollIntoView(True)
        if self.activity.observe([reply.body]):
            self.draw_charts()
        return None

    # Rendering ----------------------------------------------------------------

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

    def _render_list(self):
        self.table.set_marks(self.view["job"], self.selected_id())
        self.table.render(self.rows)
        self._show_selection()
        page = self.view["page"]
        empty = len(self.rows) == 0
        wrap_hidden = empty
        by_id("table-wrap").hidden = wrap_hidden
        empty_state = by_id("empty-state")
        empty_state.hidden = not empty
        if empty:
            if page > 1:
                text = "No jobs on page %d: the list ends before it." % page
                hint = "Go back to the first page to see the newest jobs."
            elif self.view["status"] != "all":
                text = "No %s jobs right now." % self.view["status"]
                hint = "Choose All to see every job."
            else:
                text = "No jobs yet."
                hint = "Create one with the form: leave the time as it is to run it now."
            self._set_text("empty-text", text)
            self._set_text("empty-hint", hint)
        by_id("first-page").hidden = not (empty and page > 1)
        self._set_text("page-label", "Page %d" % page)
        by_id("prev-page").disabled = page <= 1
        by_id("next-page").disabled = not self.has_more
        new_button = by_id("new-jobs")
        if self.newer > 0:
            noun = "job" if self.newer == 1 else "jobs"
            self._set_text("new-jobs", "%d new %s: show" % (self.newer, noun))
            new_button.hidden = False
        else:
            new_button.hidden = True
        if not self.loaded:
            self.loaded = True
            document.body.dataset.ready = "1"

    def _show_health(self):
        stale = bool(self.failures)
        document.body.classList.toggle("is-stale", stale)
        banner = by_id("banner")
        if stale:
            when = ""
            if self.last_success is not None:
                when = " The data on screen is from %s." % self.times.short(self.last_success)
            self._set_text("banner-text", "%s%s" % (self.failure_text, when))
            banner.hidden = False
        else:
            banner.hidden = True
        self._show_refresh_button()

    def _show_refresh_button(self):
        """Offer "Retry now" after a failure and "Refresh now" while auto refresh is off."""
        button = by_id("retry-now")
        if self.failures:
            # The banner has its own Retry now button.
            button.hidden = True
        elif not self.interval:
            self._set_text("retry-now", "Refresh now")
            button.hidden = False
        else:
            button.hidden = True

    def update_clock_texts(self):
        now = time.time()
        if self.failures and self.next_refresh_at is not None:
            wait = max(int(self.next_refresh_at - now + 0.999), 0)
            text = "Update failed, retrying in %d s" % wait if wait else "Retrying now…"
        elif self.last_success is None:
            text = "Loading…" if self.next_refresh_at is not None else "Not loaded yet"
        else:
            ago = self.times.now() - self.last_success
            text = "Updated " + ("just now" if ago < 1 else timefmt.format_relative(self.last_success, self.times.now()))
            if not self.interval:
                text += " · auto refresh off"
        self._set_text("updated", text)
        if self.counts_read_at is not None:
            self._set_text("counts-time", "Pending and running read at %s." % self.times.short(self.counts_read_at))
        if self.totals_at is not None:
            # A count is a snapshot: jobs that change while it is taken can move it by that many.
            self._set_text("totals-time", "Totals counted at %s in %s, every %d s." % (
                self.times.short(self.totals_at), timefmt.format_duration(self.totals_took), TOTALS_INTERVAL))
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
        if self.view["job"]:
            self.detail.show_loading(self.view["job"])
        else:
            self.detail.hide()
        self.refresh_now()

    def go_page(self, step):
        page = self.view["page"] + step
        if page < 1:
            return
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
        if self.view["job"]:
            self.set_view(job=None)

    def on_popstate(self, event):
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

    def on_show_new(self, event):
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
        if by_id("cancel-dialog").open or by_id("help-dialog").open:
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

    # Create ---------------------------------------------------------------

    def _sync_create_mode(self):
        later = bool(by_id("when-later").checked)
        field = by_id("create-at")
        field.disabled = not later
        if later and not str(field.value):
            field.value = self._local_input_value(self.times.now() + 3600)
        try:
            count = bulk.parse_count(str(by_id("create-count").value))
            self._set_text("create-count-error", "")
        except ValueError as error:
            count = 1
            self._set_text("create-count-error", str(error))
        spread = later and count > 1
        by_id("spread-label").hidden = not spread
        until = by_id("create-until")
        if spread and not str(until.value):
            until.value = self._local_input_value(self.times.now() + 7200)
        self._set_text("create-submit", "Create job" if count == 1 else "Create %d jobs" % count)
        self._update_preview()

    def _local_input_value(self, epoch):
        return "%04d-%02d-%02dT%02d:%02d" % self.times.parts(epoch)[:5]

    def _scheduled_instant(self, field_id="create-at"):
        """Return (epoch, warning) of a local date-time field; raises ValueError with a sentence."""
        text = str(by_id(field_id).value)
        year, month, day, hour, minute = timefmt.parse_local_input(text)
        if self.times.utc:
            epoch = timefmt.days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60
            return epoch, ""
        # setFullYear, because the Date constructor maps years 0 to 99 to 1900 to 1999.
        stamp = js.Date.new(2000, 0, 1, 0, 0, 0, 0)
        stamp.setFullYear(year, month - 1, day)
        stamp.setHours(hour, minute, 0, 0)
        epoch = timefmt.parse_api_time(str(stamp.toISOString()))
        warning = ""
        if int(stamp.getHours()) != hour or int(stamp.getMinutes()) != minute:
            warning = (" %02d:%02d does not exist on that day in %s (the clocks change), so %02d:%02d is used."
                       % (hour, minute, self.times.zone_name, int(stamp.getHours()), int(stamp.getMinutes())))
        else:
            # When clocks go back, a wall time happens twice; the browser picks the first.
            later_offset = self.times.local_offset(epoch + 3 * 3600)
            shift = self.times.local_offset(epoch) - later_offset
            if shift > 0:
                again = timefmt.split_epoch(epoch + shift * 60 + later_offset * 60)
                if again[3] == hour and again[4] == minute:
                    warning = (" %02d:%02d happens twice on that day in %s (the clocks go back); the first, at %s,"
                               " is used." % (hour, minute, self.times.zone_name,
                                              timefmt.format_offset(self.times.local_offset(epoch))))
        return epoch, warning

    def _describe_instant(self, epoch):
        utc_parts = timefmt.split_epoch(epoch)
        if self.times.utc:
            return "%04d-%02d-%02d %02d:%02d UTC" % utc_parts[:5]
        local_parts = timefmt.split_epoch(epoch + self.times.local_offset(epoch) * 60)
        return "%04d-%02d-%02d %02d:%02d your time (%s) = %04d-%02d-%02d %02d:%02d UTC" % (
            local_parts[:5] + (self.times.zone_name,) + utc_parts[:5])

    def _batch_size(self):
        try:
            return bulk.parse_count(str(by_id("create-count").value))
        except ValueError:
            return 1

    def _update_preview(self):
        count = self._batch_size()
        if not bool(by_id("when-later").checked):
            text = "The job runs as soon as it is created." if count == 1 else \
                "The %d jobs run as soon as they are created." % count
            self._set_text("create-preview", text)
            return
        try:
            epoch, warning = self._scheduled_instant()
        except ValueError as error:
            self._set_text("create-preview", str(error))
            return
        now = self.times.now()
        text = self._describe_instant(epoch)
        if epoch > now:
            text += ", in " + timefmt.format_relative(epoch, now)[3:]
        else:
            text += ", which is in the past: the job runs at once"
        if count > 1:
            try:
                end, end_warning = self._scheduled_instant("create-until")
                bulk.spread_times(epoch, end, count)
            except ValueError as error:
                self._set_text("create-preview", str(error))
                return
            step = (end - epoch) / (count - 1)
            text = "%d jobs from %s until %s, one every %s" % (
                count, text, self._describe_instant(end), timefmt.format_duration(step))
            warning += end_warning
        self._set_text("create-preview", text + "." + warning)

    def on_schedule_input(self, event):
        self._set_text("create-at-error", "")
        self._update_preview()

    def on_create(self, event):
        event.preventDefault()
        if self.creating:
            return
        # Claim the form before the task starts, so a double click sends one request.
        self.creating = True
        by_id("create-submit").disabled = True
        asyncio.create_task(self.create_job())

    async def create_job(self):
        try:
            await self._submit_job()
        finally:
            self.creating = False
            by_id("create-submit").disabled = False
            self._sync_create_mode()

    async def _submit_job(self):
        pattern = str(by_id("create-message").value)
        for field in ("create-message-error", "create-at-error", "create-error", "create-count-error",
                      "create-summary", "notice"):
            self._set_text(field, "")
        try:
            count = bulk.parse_count(str(by_id("create-count").value))
        except ValueError as error:
            self._set_text("create-count-error", str(error))
            return
        times = [None] * count
        if bool(by_id("when-later").checked):
            try:
                start, _ = self._scheduled_instant()
                end = self._scheduled_instant("create-until")[0] if count > 1 else None
                times = bulk.spread_times(start, end, count)
            except ValueError as error:
                self._set_text("create-at-error", str(error))
                return
        by_id("create-submit").textContent = "Creating…"
        if count == 1:
            await self._create_one(pattern, times[0])
        else:
            await self._create_batch(pattern, times)

    async def _create_one(self, message, epoch):
        when = timefmt.format_api_time(epoch) if epoch is not None else None
        reply = await send("POST", api.create_url(self.base, message, when), self.skew)
        if reply.ok and isinstance(reply.body, dict):
            job = reply.body
            by_id("create-message").value = ""
            self._notice("Job %d created." % job["job_id"], False)
            self._show_created([job["job_id"]])
            return
        if reply.status == 422:
            errors = api.validation_errors(reply.body)
            if "message" in errors:
                self._set_text("create-message-error", errors.pop("message"))
            if "next_attempt_at" in errors:
                self._set_text("create-at-error", errors.pop("next_attempt_at"))
            if errors:
                self._set_text("create-error", " ".join(errors[key] for key in sorted(errors, key=str)))
            return
        if reply.status in (0, 504):
            # A POST is never retried: the job may exist although no answer came back.
            self._set_text("create-error", "No answer from the jobs API, so the job may or may not have been created. "
                           "Check the list before you try again.")
            return
        self._set_text("create-error", "The job was not created. " + api.describe_error(reply.status, reply.body))

    async def _create_batch(self, pattern, times):
        """Create jobs one at a time; on the first failure stop and say exactly what exists."""
        count = len(times)
        progress = by_id("create-progress")
        progress.max = count
        progress.value = 0
        progress.hidden = False
        created = []
        failure = ""
        for index in range(count):
            epoch = times[index]
            when = timefmt.format_api_time(epoch) if epoch is not None else None
            message = bulk.message_for(pattern, index + 1)
            reply = await send("POST", api.create_url(self.base, message, when), self.skew)
            if reply.ok and isinstance(reply.body, dict):
                created.append(reply.body["job_id"])
                progress.value = index + 1
                self._set_text("create-summary", "Created %d of %d…" % (len(created), count))
                continue
            left = count - index - 1
            if reply.status in (0, 504):
                failure = ("Job %d of the batch got no answer, so it may or may not exist; %d more were not "
                           "attempted." % (index + 1, left))
            else:
                failure = "Job %d of the batch was not created: %s %d more were not attempted." % (
                    index + 1, api.describe_error(reply.status, reply.body), left)
            break
        progress.hidden = True
        if created:
            summary = "Created %d of %d jobs: %s." % (len(created), count, bulk.describe_ids(created))
        else:
            summary = "Created none of the %d jobs." % count
        self._set_text("create-summary", summary)
        if failure:
            self._set_text("create-error", failure)
        else:
            by_id("create-message").value = ""
        if created:
            self._notice(summary, bool(failure))
            self._show_created(created)

    def _show_created(self, job_ids):
        for job_id in job_ids:
            self.table.highlight(job_id)
        status = self.view["status"] if self.view["status"] in ("all", "pending") else "all"
        self.set_view(status=status, page=1, reset_anchor=True)

    # Cancel ---------------------------------------------------------------

    def on_detail_cancel(self, event):
        if self.view["job"]:
            self.ask_cancel(self.view["job"])

    def ask_cancel(self, job_id):
        self._set_text("notice", "")
        job = self.table.job(job_id)
        if job is None and self.detail.job is not None and self.detail.job["job_id"] == job_id:
            job = self.detail.job
        if job is not None and not jobmodel.is_cancelable(job):
            self._notice("Job %d is %s: only pending jobs can be canceled." % (job_id, job["status"]), True)
            return
        self.cancel_job_id = job_id
        self._set_text("cancel-title", "Cancel job %d?" % job_id)
        summary = "It has not started yet. Canceling cannot be undone."
        if job is not None and job.get("message"):
            summary = "Message: %s. %s" % (job["message"], summary)
        self._set_text("cancel-summary", summary)
        self._set_text("cancel-confirm", "Cancel job %d" % job_id)
        self._set_text("cancel-error", "")
        by_id("cancel-reason").value = ""
        by_id("cancel-confirm").disabled = False
        by_id("cancel-dialog").showModal()
        by_id("cancel-reason").focus()

    def on_cancel_submit(self, event):
        event.preventDefault()
        self.on_cancel_confirm(event)

    def on_bulk_submit(self, event):
        event.preventDefault()
        self.on_bulk_confirm(event)

    def on_cancel_confirm(self, event):
        if self.cancel_job_id is not None:
            asyncio.create_task(self.cancel_job(self.cancel_job_id))

    async def cancel_job(self, job_id):
        confirm = by_id("cancel-confirm")
        if confirm.disabled:
            return
        confirm.disabled = True
        reason = str(by_id("cancel-reason").value)
        try:
            reply = await send("POST", api.cancel_url(self.base, job_id, reason), self.skew)
        finally:
            confirm.disabled = False
        dialog = by_id("cancel-dialog")
        if reply.ok and isinstance(reply.body, dict):
            dialog.close()
            self._notice("Job %d canceled." % job_id, False)
            self._apply_job(reply.body)
            self.refresh_now()
            return
        if reply.status == 409:
            dialog.close()
            self._notice(api.describe_error(409, reply.body, job_id=job_id), True)
            detail = reply.body.get("detail") if isinstance(reply.body, dict) else None
            if isinstance(detail, dict) and isinstance(detail.get("job"), dict):
                self._apply_job(detail["job"])
            self.refresh_now()
            return
        if reply.status == 404:
            dialog.close()
            self._notice(api.describe_error(404, reply.body, job_id=job_id), True)
            return
        if reply.status == 0 or api.is_unreachable(reply.status):
            text = reply.error if reply.status == 0 else api.describe_error(reply.status, reply.body)
            self._set_text("cancel-error", "Not canceled: %s Try again when the API is back." % text)
            return
        self._set_text("cancel-error", "Not canceled. " + api.describe_error(reply.status, reply.body, job_id=job_id))

    def _apply_job(self, job):
        self.table.replace_job(job)
        if self.detail.job is not None and self.detail.job["job_id"] == job["job_id"]:
            self.detail.render(job, self.detail.history)

    # Charts ---------------------------------------------------------------

    def draw_charts(self):
        now = self.times.now()
        self.charts_minute = int(time.time() // 60)
        charts.draw_active(by_id("chart-active"), self.activity.samples, now, self.times)
        charts.draw_finished(by_id("chart-finished"), self.activity.finished_per_minute(now), self.times)

    # Selection and bulk cancel -----------------------------------------------

    def on_select_click(self, job_id, checked, shift):
        selection = set(self.table.selection)
        selectable = self.table.selectable_ids()
        if shift and self.last_clicked_id in selectable and job_id in selectable:
            first = selectable.index(self.last_clicked_id)
            last = selectable.index(job_id)
            if first > last:
                first, last = last, first
            for other in selectable[first:last + 1]:
                if checked:
                    selection.add(other)
                else:
                    selection.discard(other)
        elif checked:
            selection.add(job_id)
        else:
            selection.discard(job_id)
        self.last_clicked_id = job_id
        self.set_selection(selection)

    def on_select_all(self, event):
        if bool(by_id("select-all").checked):
            self.set_selection(self.table.selectable_ids())
        else:
            self.set_selection([])

    def set_selection(self, job_ids):
        self.table.set_selection(job_ids)
        self._show_selection()

    def _show_selection(self):
        chosen = self.table.selection
        count = len(chosen)
        by_id("selection-bar").hidden = count == 0
        if count:
            self._set_text("selection-count", "%d pending %s selected" % (count, "job" if count == 1 else "jobs"))
            self._set_text("bulk-cancel", "Cancel %d %s" % (count, "job" if count == 1 else "jobs"))
        selectable = self.table.selectable_ids()
        header = by_id("select-all")
        all_chosen = bool(selectable) and all(job_id in chosen for job_id in selectable)
        if bool(header.checked) != all_chosen:
            header.checked = all_chosen
        header.indeterminate = bool(count) and not all_chosen

    def ask_bulk_cancel(self):
        ids = sorted(self.table.selection, reverse=True)
        if not ids:
            return
        self.bulk_ids = ids
        noun = "job" if len(ids) == 1 else "jobs"
        self._set_text("bulk-title", "Cancel %d %s?" % (len(ids), noun))
        self._set_text("bulk-summary", "These %d pending %s: %s. Canceling cannot be undone." % (
            len(ids), noun, ", ".join(str(job_id) for job_id in ids)))
        self._set_text("bulk-confirm", "Cancel %d %s" % (len(ids), noun))
        self._set_text("bulk-keep", "Keep them")
        by_id("bulk-results").replaceChildren()
        by_id("bulk-progress").hidden = True
        by_id("bulk-confirm").hidden = False
        by_id("bulk-confirm").disabled = False
        by_id("bulk-reason").value = ""
        by_id("bulk-reason").disabled = False
        by_id("bulk-dialog").showModal()

    def close_bulk_dialog(self):
        if not self.bulk_running:
            by_id("bulk-dialog").close()

    def on_bulk_confirm(self, event):
        if self.bulk_running or not self.bulk_ids:
            return
        self.bulk_running = True
        by_id("bulk-confirm").disabled = True
        asyncio.create_task(self.bulk_cancel(list(self.bulk_ids)))

    async def bulk_cancel(self, ids):
        try:
            await self._cancel_each(ids)
        finally:
            self.bulk_running = False
            by_id("bulk-confirm").hidden = True
            self._set_text("bulk-keep", "Close")
            self.set_selection([])
            self.refresh_now()

    async def _cancel_each(self, ids):
        """Cancel jobs one at a time, listing each outcome; stop if the API goes away."""
        reason = str(by_id("bulk-reason").value)
        by_id("bulk-reason").disabled = True
        progress = by_id("bulk-progress")
        progress.max = len(ids)
        progress.value = 0
        progress.hidden = False
        results = by_id("bulk-results")
        canceled = 0
        for index, job_id in enumerate(ids):
            reply = await send("POST", api.cancel_url(self.base, job_id, reason), self.skew)
            item = document.createElement("li")
            if reply.ok and isinstance(reply.body, dict):
                canceled += 1
                item.textContent = "Job %d canceled." % job_id
                self._apply_job(reply.body)
            elif reply.status == 0 or api.is_unreachable(reply.status):
                text = reply.error if reply.status == 0 else api.describe_error(reply.status, reply.body)
                item.textContent = "Job %d: no answer (%s) Stopped here: %d %s not attempted." % (
                    job_id, text, len(ids) - index, "job was" if len(ids) - index == 1 else "jobs were")
                item.className = "failed"
                results.append(item)
                break
            else:
                item.textContent = "Job %d not canceled: %s" % (
                    job_id, api.describe_error(reply.status, reply.body, job_id=job_id))
                item.className = "failed"
                detail = reply.body.get("detail") if isinstance(reply.body, dict) else None
                if isinstance(detail, dict) and isinstance(detail.get("job"), dict):
                    self._apply_job(detail["job"])
            results.append(item)
            progress.value = index + 1
        summary = document.createElement("li")
        summary.textContent = "%d of %d canceled." % (canceled, len(ids))
        results.append(summary)

    # Export ---------------------------------------------------------------

    def export_view(self, kind):
        now = self.times.now()
        if kind == "csv":
            text = export.to_csv(self.rows)
            mime = "text/csv;charset=utf-8"
        else:
            text = export.to_json(self.rows, self.view, now)
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
        self._notice("Exported %d %s as %s." % (len(self.rows), "job" if len(self.rows) == 1 else "jobs",
                                                 kind.upper()), False)



def main():
    console = Console()
    window.jobsConsoleRefreshes = 0
    console.start()
    return console


CONSOLE = main()
