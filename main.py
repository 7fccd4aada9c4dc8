"""Jobs console: browse, open, create and cancel jobs of the sandbox jobs API.

Runs in the page under PyScript's MicroPython. Every request goes to the API
base set by ``api_base`` in pyscript.toml (``/api/`` by default, proxied by
serve.py). The routes used are ``GET /`` (counts), ``GET /jobs`` (the list),
``GET /job/{id}`` and ``GET /job/{id}/history`` (the open job),
``POST /job/new`` and ``POST /job/cancel/{id}``.

Start-up: the HTML shell is already on screen; ``Console.start`` reads the
view from the URL and the settings from localStorage, wires the page's few
event listeners and starts one timer. Each tick of the timer starts a refresh
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
from console import jobs as jobmodel
from console import paging
from console import timefmt
from console import view as viewmodel
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
    """Send one request and decode its JSON body; never raises for HTTP or network errors."""
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
        self.listen(by_id("create-at"), "input", lambda event: self._update_preview())
        self.listen(by_id("cancel-keep"), "click", lambda event: by_id("cancel-dialog").close())
        self.listen(by_id("cancel-confirm"), "click", self.on_cancel_confirm)
        self.listen(document, "keydown", self.on_key)
        self.listen(document, "visibilitychange", self.on_visibility)
        # NOTE: window.addEventListener("popstate", ...) raised "Illegal invocation"
        # here under PyScript 0.7.31 with MicroPython 1.28, so the property is set.
        self.popstate_handler = create_proxy(self.on_popstate)
        window.onpopstate = self.popstate_handler
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
        self.next_refresh_at = 0.0
        self.tick()

    async def refresh(self):
        """Read counts, the list and the open job, then schedule the next refresh."""
        self.in_flight = True
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
            delay = min(BACKOFF_FIRST * (2 ** (self.failures - 1)), BACKOFF_MAX)
            self.next_refresh_at = time.time() + delay
        else:
            if self.failures:
                self._notice("Connection to the jobs API restored.", False)
            self.failures = 0
            self.failure_text = ""
            self.last_success = self.times.now()
            self.next_refresh_at = time.time() + self.interval if self.interval else None
        if generation != self.generation and not failure:
            # The view changed while this refresh was in flight: show the new one at once.
            self.next_refresh_at = 0.0
        self._show_health()
        self.update_clock_texts()

    async def _load(self, generation):
        """Fetch everything the view shows; return a failure sentence when the API is unreachable."""
        counts = await send("GET", api.counts_url(self.base), self.skew)
        if api.is_unreachable(counts.status):
            return self._unreachable_text(counts)
        if counts.ok and isinstance(counts.body, dict):
            self.counts_read_at = self.times.now()
            self._set_text("count-pending", str(counts.body.get("pending_count", "–")))
            self._set_text("count-running", str(counts.body.get("running_count", "–")))

        failure = await self._load_list(generation)
        if failure:
            return failure
        if self.view["job"]:
            failure = await self._load_job(self.view["job"], generation)
            if failure:
                return failure
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

    def _render_list(self):
        self.table.set_marks(self.view["job"], self.selected_id())
        self.table.render(self.rows)
        page = self.view["page"]
        empty = len(self.rows) == 0
        wrap_hidden = empty
        by_id("table-wrap").hidden = wrap_hidden
        empty_state = by_id("empty-state")
        empty_state.hidden = not empty
        if empty:
            if page > 1:
                text = "No jobs on page %d. Go back to an earlier page." % page
            elif self.view["status"] != "all":
                text = "No %s jobs right now." % self.view["status"]
            else:
                text = "No jobs yet."
            self._set_text("empty-text", text)
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
            self._set_text("retry-now", "Retry now")
            button.hidden = False
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
            self._set_text("counts-time", "read at %s" % self.times.short(self.counts_read_at))
        self.table.update_times()
        self.detail.update_times()
        if by_id("when-later").checked:
            self._update_preview()

    def _show_filter(self):
        for button in by_id("filters").querySelectorAll("button"):
            pressed = str(button.dataset.filter) == self.view["status"]
            button.setAttribute("aria-pressed", "true" if pressed else "false")

    def _show_zone(self):
        by_id("zone-toggle").textContent = "Show local time" if self.times.utc else "Show UTC"
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

    def open_job(self, job_id):
        self.table.selected_id = job_id
        self.set_view(job=job_id)
        if int(window.innerWidth) <= 900:
            # In one column the panel sits above the list: bring it into view.
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
        self.times.utc = not self.times.utc
        save_setting("zone", "utc" if self.times.utc else "local")
        self._show_zone()
        self.table.retime()
        self.detail.retime()
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
            start = self.times.now() + 3600
            parts = self.times.parts(start)
            field.value = "%04d-%02d-%02dT%02d:%02d" % parts[:5]
        self._update_preview()

    def _scheduled_instant(self):
        """Return (epoch, warning) of the chosen local time; raises ValueError with a sentence."""
        text = str(by_id("create-at").value)
        year, month, day, hour, minute = timefmt.parse_local_input(text)
        if self.times.utc:
            epoch = timefmt.days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60
            return epoch, ""
        stamp = js.Date.new(year, month - 1, day, hour, minute, 0, 0)
        epoch = timefmt.parse_api_time(str(stamp.toISOString()))
        warning = ""
        if int(stamp.getHours()) != hour or int(stamp.getMinutes()) != minute:
            warning = (" %02d:%02d does not exist on that day in %s (the clocks change), so %02d:%02d is used."
                       % (hour, minute, self.times.zone_name, int(stamp.getHours()), int(stamp.getMinutes())))
        return epoch, warning

    def _update_preview(self):
        node = by_id("create-preview")
        if not bool(by_id("when-later").checked):
            self._set_text("create-preview", "The job runs as soon as it is created.")
            return
        try:
            epoch, warning = self._scheduled_instant()
        except ValueError as error:
            self._set_text("create-preview", "")
            self._set_text("create-at-error", str(error))
            return
        self._set_text("create-at-error", "")
        now = self.times.now()
        utc_parts = timefmt.split_epoch(epoch)
        if self.times.utc:
            text = "%04d-%02d-%02d %02d:%02d UTC" % utc_parts[:5]
        else:
            local_parts = timefmt.split_epoch(epoch + self.times.local_offset(epoch) * 60)
            text = "%04d-%02d-%02d %02d:%02d your time (%s) = %04d-%02d-%02d %02d:%02d UTC" % (
                local_parts[:5] + (self.times.zone_name,) + utc_parts[:5])
        if epoch > now:
            text += ", in " + timefmt.format_relative(epoch, now)[3:]
        else:
            text += ", which is in the past: the job runs at once"
        self._set_text("create-preview", text + "." + warning)

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
            submit = by_id("create-submit")
            submit.disabled = False
            submit.textContent = "Create job"

    async def _submit_job(self):
        message = str(by_id("create-message").value)
        for field in ("create-message-error", "create-at-error", "create-error"):
            self._set_text(field, "")
        when = None
        if bool(by_id("when-later").checked):
            try:
                epoch, _ = self._scheduled_instant()
            except ValueError as error:
                self._set_text("create-at-error", str(error))
                return
            when = timefmt.format_api_time(epoch)
        by_id("create-submit").textContent = "Creating…"
        reply = await send("POST", api.create_url(self.base, message, when), self.skew)
        if reply.ok and isinstance(reply.body, dict):
            job = reply.body
            by_id("create-message").value = ""
            self._notice("Job %d created." % job["job_id"], False)
            self.table.highlight(job["job_id"])
            status = self.view["status"] if self.view["status"] in ("all", "pending") else "all"
            self.set_view(status=status, page=1, reset_anchor=True)
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

    # Cancel ---------------------------------------------------------------

    def on_detail_cancel(self, event):
        if self.view["job"]:
            self.ask_cancel(self.view["job"])

    def ask_cancel(self, job_id):
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


def main():
    console = Console()
    window.jobsConsoleRefreshes = 0
    console.start()
    return console


CONSOLE = main()
