"""The jobs table: one keyed row per job, patched in place (browser only).

A refresh compares each job with what its row shows and writes only the
cells that differ, so a refresh where nothing changed writes nothing to the
DOM, and open menus, focus and selection inside the table survive it. Clicks
are handled by one listener on the table body, not one per row.
"""

from console import jobs as jobmodel
from console import timefmt
from console.dom import template_row
from console.patch import Patcher


class Row:
    def __init__(self, job_id, template):
        self.job_id = job_id
        self.tr = template.cloneNode(True)
        self.tr.setAttribute("data-job-id", str(job_id))
        cells = self.tr.children
        self.select = cells[0].firstElementChild
        self.id_cell = cells[1].firstElementChild
        self.badge = cells[2].firstElementChild
        self.api_status = cells[2].lastElementChild
        self.message = cells[3]
        self.created = cells[4]
        self.status_at = cells[5]
        self.next = cells[6]
        self.cancel = cells[7].firstElementChild
        # Each time cell with its relative and absolute spans, looked up once.
        self.time_nodes = {}
        for key, cell in (("created", self.created), ("status_at", self.status_at), ("next", self.next)):
            self.time_nodes[key] = (cell, cell.firstElementChild, cell.lastElementChild)
        # Per time cell: (timestamp, zone mode, epoch), so an unchanged time is parsed once.
        self.time_cache = {}
        self.patch = Patcher()
        # What a fresh copy of the template already shows, so a new row skips those writes.
        self.patch.values = {
            "api-status": "", "message": "", "message@title": None, "cancel#hidden": False,
            "select#hidden": False, "select#checked": False, "row.is-open": False, "row.is-selected": False,
            "row@aria-selected": None, "row.is-new": False,
        }
        for key in ("created", "status_at", "next"):
            self.patch.values[key + ".rel"] = ""
            self.patch.values[key + ".abs"] = ""
            self.patch.values[key + "@title"] = None
        self.job = None


class JobTable:
    def __init__(self, tbody, times):
        self.tbody = tbody
        self.times = times
        self.rows = {}
        self.order = []
        self.open_id = None
        self.selected_id = None
        # The (open_id, selected_id) that set_marks last drew on every row.
        self.marked = (None, None)
        self.highlight_until = {}
        self.selection = set()
        self.placeholder = tbody.firstElementChild
        # The row template's <tr>, looked up once: every new row is a copy of it.
        self.template = template_row("row-template")
        # The clock second of the last update_times pass over every row.
        self.timed_second = None

    def render(self, job_list):
        """Show job_list in the given order, reusing each job's row."""
        if self.placeholder is not None:
            self.placeholder.remove()
            self.placeholder = None
        wanted = [job["job_id"] for job in job_list]
        wanted_set = set(wanted)
        for job_id in list(self.rows):
            if job_id not in wanted_set:
                self.rows.pop(job_id).tr.remove()
        self.order = [job_id for job_id in self.order if job_id in wanted_set]
        # A selection covers the rows on screen only, so a confirmation never names unseen jobs.
        self.selection = set(job_id for job_id in self.selection if job_id in wanted_set)
        changed = []
        for job in job_list:
            row = self.rows.get(job["job_id"])
            if row is None:
                row = Row(job["job_id"], self.template)
                self.rows[job["job_id"]] = row
            elif row.job == job:
                # Same fields as the row shows: its cells already match.
                continue
            row.job = job
            self._patch_row(row)
            changed.append(row)
        self._reorder(wanted)
        # The clock tick keeps the other rows' relative times current.
        self._time_rows(changed, self.times.now())

    def _reorder(self, wanted):
        if self.order == wanted:
            return
        # Move only the rows that are out of place, front to back.
        current = [job_id for job_id in self.order]
        for index, job_id in enumerate(wanted):
            if index < len(current) and current[index] == job_id:
                continue
            reference = self.rows[current[index]].tr if index < len(current) else None
            if reference is None:
                self.tbody.appendChild(self.rows[job_id].tr)
            else:
                self.tbody.insertBefore(self.rows[job_id].tr, reference)
            if job_id in current:
                current.remove(job_id)
            current.insert(index, job_id)
        self.order = wanted

    def _patch_row(self, row):
        job = row.job
        patch = row.patch
        outcome = jobmodel.outcome(job)
        patch.text("id", row.id_cell, str(job["job_id"]))
        patch.attr("id", row.id_cell, "aria-label", "Open job %d" % job["job_id"])
        label = jobmodel.OUTCOME_LABELS.get(outcome, str(job.get("status")))
        patch.text("badge", row.badge, label)
        # Failed and Retrying are the console's words: the API's status stays visible under them.
        patch.text("api-status", row.api_status, job["status"] if outcome in ("failed", "retrying") else "")
        patch.attr("badge", row.badge, "class", "badge " + outcome)
        message = job.get("message") or ""
        patch.text("message", row.message, message)
        patch.attr("message", row.message, "title", message or None)
        cancelable = jobmodel.is_cancelable(job)
        patch.hidden("cancel", row.cancel, not cancelable)
        patch.attr("cancel", row.cancel, "aria-label", "Cancel job %d" % job["job_id"])
        if not cancelable:
            self.selection.discard(job["job_id"])
        patch.hidden("select", row.select, not cancelable)
        patch.attr("select", row.select, "aria-label", "Select job %d" % job["job_id"])
        self._patch_checked(row)
        patch.attr("row", row.tr, "data-status", job.get("status"))
        patch.flag("row", row.tr, "is-open", job["job_id"] == self.open_id)
        patch.flag("row", row.tr, "is-selected", job["job_id"] == self.selected_id)
        patch.attr("row", row.tr, "aria-selected", "true" if job["job_id"] == self.selected_id else None)

    def _patch_checked(self, row):
        row.patch.prop("select", row.select, "checked", row.job_id in self.selection)

    def selectable_ids(self):
        """Return the ids on screen that can be selected (pending jobs), in screen order."""
        return [job_id for job_id in self.order if jobmodel.is_cancelable(self.rows[job_id].job)]

    def set_selection(self, job_ids):
        """Select exactly job_ids among the rows on screen."""
        self.selection = set(job_ids)
        for job_id in self.order:
            self._patch_checked(self.rows[job_id])

    def update_times(self):
        """Rewrite relative times against the current clock; unchanged text is skipped.

        Relative times count whole seconds, so a second call within the same
        second of the clock does nothing.
        """
        now = self.times.now()
        second = int(now)
        if second == self.timed_second:
            return
        self.timed_second = second
        self._time_rows([self.rows[job_id] for job_id in self.order], now)

    def _time_rows(self, rows, now):
        # Absolute times show the date unless it is today, so a new day redoes them.
        mode = (self.times.utc, self.times.parts(now)[:3])
        for row in rows:
            job_id = row.job_id
            job = row.job
            self._time_cell(row, "created", job.get("created_at"), now, mode)
            self._time_cell(row, "status_at", job.get("status_at"), now, mode)
            if job.get("status") == "PENDING" and job.get("next_attempt_at"):
                self._time_cell(row, "next", job["next_attempt_at"], now, mode, due=True)
            else:
                self._time_cell(row, "next", None, now, mode)
            until = self.highlight_until.get(job_id)
            if until is not None and now >= until:
                del self.highlight_until[job_id]
            row.patch.flag("row", row.tr, "is-new", until is not None and now < until)

    def _time_cell(self, row, key, stamp, now, mode, due=False):
        cell, rel, absolute = row.time_nodes[key]
        if not stamp:
            row.patch.text(key + ".rel", rel, "")
            row.patch.text(key + ".abs", absolute, "")
            row.patch.attr(key, cell, "title", None)
            return
        cached = row.time_cache.get(key)
        if cached is None or cached[0] != stamp or cached[1] != mode:
            epoch = timefmt.parse_api_time(stamp)
            row.time_cache[key] = (stamp, mode, epoch)
            short, full = self.times.short_and_full(epoch)
            row.patch.text(key + ".abs", absolute, short)
            row.patch.attr(key, cell, "title", full)
        else:
            epoch = cached[2]
        if due:
            text = timefmt.format_due(epoch, now)
        elif now < epoch < now + 30:
            # The API stamps a finished run up to 15 s after it started, which can be a moment ahead.
            text = "just now"
        else:
            text = timefmt.format_relative(epoch, now)
        row.patch.text(key + ".rel", rel, text)

    def set_marks(self, open_id=None, selected_id=None):
        """Mark the open and the selected row."""
        self.open_id = open_id
        self.selected_id = selected_id
        if self.marked == (open_id, selected_id):
            # Rows added or changed since the last pass took their marks in _patch_row.
            return
        self.marked = (open_id, selected_id)
        for job_id in self.order:
            row = self.rows[job_id]
            row.patch.flag("row", row.tr, "is-open", job_id == open_id)
            row.patch.flag("row", row.tr, "is-selected", job_id == selected_id)
            row.patch.attr("row", row.tr, "aria-selected", "true" if job_id == selected_id else None)

    def highlight(self, job_id, seconds=6):
        self.highlight_until[job_id] = self.times.now() + seconds

    def replace_job(self, job):
        """Show a newer copy of one job, such as the one a cancel returned."""
        row = self.rows.get(job["job_id"])
        if row is not None and row.job != job:
            row.job = job
            self._patch_row(row)
            self._time_rows([row], self.times.now())

    def show_waiting(self, text):
        """Say in the table why no rows are shown yet; rows, once drawn, replace the text."""
        if self.placeholder is None:
            return
        cell = self.placeholder.firstElementChild
        if str(cell.textContent) != text:
            cell.textContent = text

    def job(self, job_id):
        row = self.rows.get(job_id)
        return row.job if row is not None else None

    def retime(self):
        """Forget cached time texts, after a switch between local time and UTC."""
        for row in self.rows.values():
            row.time_cache = {}
        self.timed_second = None
        self.update_times()
