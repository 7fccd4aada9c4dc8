"""The jobs table: one keyed row per job, patched in place (browser only).

A refresh compares each job with what its row shows and writes only the
cells that differ, so a refresh where nothing changed writes nothing to the
DOM, and open menus, focus and selection inside the table survive it. A new
row gets all its writes in one call to a small JS function. Clicks are
handled by one listener on the table body, not one per row.
"""

import json

import js

from console import jobs as jobmodel
from console import timefmt
from console.dom import template_row

# The position of each part of a row: child indexes from the <tr> of the row template.
PARTS = {
    "row": (), "select": (0, 0), "id": (1, 0), "badge": (2, 0), "api-status": (2, 1), "message": (3,),
    "created": (4,), "created.rel": (4, 0), "created.abs": (4, 1),
    "status_at": (5,), "status_at.rel": (5, 0), "status_at.abs": (5, 1),
    "next": (6,), "next.rel": (6, 0), "next.abs": (6, 1), "cancel": (7, 0),
}

# The values a fresh copy of the template already shows, so a new row skips those writes.
TEMPLATE_VALUES = {
    "api-status": "", "message": "", "message@title": None, "cancel#hidden": False,
    "select#hidden": False, "select#checked": False, "row.is-open": False, "row.is-selected": False,
    "row@aria-selected": None, "row.is-new": False,
    "created.rel": "", "created.abs": "", "created@title": None,
    "status_at.rel": "", "status_at.abs": "", "status_at@title": None,
    "next.rel": "", "next.abs": "", "next@title": None,
}

# Kinds of write in a batch for _fill_row.
TEXT, ATTR, FLAG, PROP = 0, 1, 2, 3

# Makes all the writes of a new row in one call. Each of its 20 or so writes, made from
# Python, would cross the FFI on its own, and writing new rows is most of a first render.
# ops is JSON, [[path, kind, name, value], ...], with each path as in PARTS.
_fill_row = js.Function.new(
    "tr", "ops",
    "for (const [path, kind, name, value] of JSON.parse(ops)) {"
    "  let node = tr;"
    "  for (const index of path) node = node.children[index];"
    "  if (kind === 0) node.textContent = value;"
    "  else if (kind === 1) { if (value === null) node.removeAttribute(name); else node.setAttribute(name, value); }"
    "  else if (kind === 2) node.classList.toggle(name, value);"
    "  else node[name] = value;"
    "}")


class Row:
    """One job's <tr>, and the values its parts show, so only changed values are written.

    The writes of a new row are batched until ``flush``; later writes go straight
    to the DOM. Parts are looked up on their first direct write: most rows are
    never written again after their first render.
    """

    def __init__(self, job_id, template):
        self.job_id = job_id
        self.tr = template.cloneNode(True)
        self.tr.setAttribute("data-job-id", str(job_id))
        self.nodes = {"row": self.tr}
        self.values = dict(TEMPLATE_VALUES)
        # Writes waiting for flush(); None once the row has been flushed.
        self.pending = []
        # Per time cell: (timestamp, zone mode, epoch), so an unchanged time is parsed once.
        self.time_cache = {}
        self.job = None

    def node(self, part):
        node = self.nodes.get(part)
        if node is None:
            node = self.tr
            for index in PARTS[part]:
                node = node.children[index]
            self.nodes[part] = node
        return node

    def _write(self, part, kind, name, value):
        if self.pending is not None:
            self.pending.append((PARTS[part], kind, name, value))
            return
        node = self.node(part)
        if kind == TEXT:
            node.textContent = value
        elif kind == ATTR:
            if value is None:
                node.removeAttribute(name)
            else:
                node.setAttribute(name, value)
        elif kind == FLAG:
            node.classList.toggle(name, value)
        else:
            setattr(node, name, value)

    def text(self, part, value):
        if self.values.get(part) != value:
            self.values[part] = value
            self._write(part, TEXT, "", value)

    def attr(self, part, name, value):
        key = part + "@" + name
        if self.values.get(key) != value:
            self.values[key] = value
            self._write(part, ATTR, name, value)

    def flag(self, part, class_name, on):
        on = bool(on)
        key = part + "." + class_name
        if self.values.get(key) != on:
            self.values[key] = on
            self._write(part, FLAG, class_name, on)

    def prop(self, part, name, value):
        """Set a DOM property such as ``hidden`` or ``checked``."""
        key = part + "#" + name
        if self.values.get(key) != value:
            self.values[key] = value
            self._write(part, PROP, name, value)

    def flush(self):
        """Make the batched writes of a new row, in one call."""
        if self.pending:
            _fill_row(self.tr, json.dumps(self.pending))
        self.pending = None


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
        # The clock tick keeps the other rows' relative times current.
        self._time_rows(changed, self.times.now())
        for row in changed:
            if row.pending is not None:
                # Filled before it is inserted, so the document is laid out once, with the filled rows.
                row.flush()
        self._reorder(wanted)

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
        outcome = jobmodel.outcome(job)
        row.text("id", str(job["job_id"]))
        row.attr("id", "aria-label", "Open job %d" % job["job_id"])
        label = jobmodel.OUTCOME_LABELS.get(outcome, str(job.get("status")))
        row.text("badge", label)
        # Failed and Retrying are the console's words: the API's status stays visible under them.
        row.text("api-status", job["status"] if outcome in ("failed", "retrying") else "")
        row.attr("badge", "class", "badge " + outcome)
        message = job.get("message") or ""
        row.text("message", message)
        row.attr("message", "title", message or None)
        cancelable = jobmodel.is_cancelable(job)
        row.prop("cancel", "hidden", not cancelable)
        row.attr("cancel", "aria-label", "Cancel job %d" % job["job_id"])
        if not cancelable:
            self.selection.discard(job["job_id"])
        row.prop("select", "hidden", not cancelable)
        row.attr("select", "aria-label", "Select job %d" % job["job_id"])
        self._patch_checked(row)
        row.attr("row", "data-status", job.get("status"))
        row.flag("row", "is-open", job["job_id"] == self.open_id)
        row.flag("row", "is-selected", job["job_id"] == self.selected_id)
        row.attr("row", "aria-selected", "true" if job["job_id"] == self.selected_id else None)

    def _patch_checked(self, row):
        row.prop("select", "checked", row.job_id in self.selection)

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
            row.flag("row", "is-new", until is not None and now < until)

    def _time_cell(self, row, key, stamp, now, mode, due=False):
        if not stamp:
            row.text(key + ".rel", "")
            row.text(key + ".abs", "")
            row.attr(key, "title", None)
            return
        cached = row.time_cache.get(key)
        if cached is None or cached[0] != stamp or cached[1] != mode:
            epoch = timefmt.parse_api_time(stamp)
            row.time_cache[key] = (stamp, mode, epoch)
            short, full = self.times.short_and_full(epoch)
            row.text(key + ".abs", short)
            row.attr(key, "title", full)
        else:
            epoch = cached[2]
        if due:
            text = timefmt.format_due(epoch, now)
        elif now < epoch < now + 30:
            # The API stamps a finished run up to 15 s after it started, which can be a moment ahead.
            text = "just now"
        else:
            text = timefmt.format_relative(epoch, now)
        row.text(key + ".rel", text)

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
            row.flag("row", "is-open", job_id == open_id)
            row.flag("row", "is-selected", job_id == selected_id)
            row.attr("row", "aria-selected", "true" if job_id == selected_id else None)

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
        """Show in the table why no rows are shown yet. Rows, once drawn, replace the text."""
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
