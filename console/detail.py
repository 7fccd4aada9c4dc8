"""The open job: every field, its attempts, a timeline and its history (browser only).

Like the table, the view patches only what changed, so the live region that
announces status changes speaks once per change, not once per refresh.
"""

from pyscript import document

from console import jobs as jobmodel
from console import timefmt
from console.dom import by_id
from console.patch import Patcher


class DetailView:
    def __init__(self, times):
        self.times = times
        self.patch = Patcher()
        self.job = None
        self.history = []
        # Reason the history is not shown, set when the API did not send it. None while it is shown.
        self.history_error = None
        self.history_signature = None
        self.timeline_signature = None
        self.announced = None
        # Instant of the last successful read during an outage. The current state's duration
        # stops there, because the job may have changed after it.
        self.read_until = None
        self.panel = by_id("detail")
        self.error = by_id("detail-error")
        self.body = by_id("detail-body")

    def show_loading(self, job_id):
        self.panel.hidden = False
        if self.job is None or self.job["job_id"] != job_id:
            self.patch.text("heading", by_id("detail-heading"), "Job %d" % job_id)
            self.body.hidden = True
            self.patch.values = {"heading": "Job %d" % job_id}
            self.history_signature = None
            self.timeline_signature = None
            self.job = None
            self.announced = None
            self.error.textContent = "Loading job %d…" % job_id
            return
        self.error.textContent = ""

    def show_error(self, job_id, sentence):
        self.panel.hidden = False
        self.patch.text("heading", by_id("detail-heading"), "Job %d" % job_id)
        self.body.hidden = True
        self.job = None
        self.error.textContent = sentence

    def show_unreachable(self, job_id, sentence):
        """Explain why a job that was never shown cannot be shown yet."""
        if self.job is None and not self.panel.hidden:
            self.error.textContent = "Job %d cannot be loaded now. %s" % (job_id, sentence)

    def hide(self):
        self.panel.hidden = True
        self.job = None
        self.announced = None
        self.error.textContent = ""

    def render(self, job, history, history_error=None):
        """Show a job and its history (both as the API returned them).

        history is None when the API did not send it. history_error then gives the reason,
        and nothing that needs the history (attempts, timeline) is shown.
        """
        if history is None and history_error is None:
            history_error = self.history_error or "The history of this job has not been read."
        if history is not None:
            history_error = None
        if (job == self.job and history == self.history and history_error == self.history_error
                and not self.body.hidden):
            # A refresh that brought no news: only the relative times can move.
            self.update_times()
            return
        previous = self.job
        self.job = job
        self.history = history
        self.history_error = history_error
        self.error.textContent = ""
        self.panel.hidden = False
        self.body.hidden = False
        patch = self.patch
        outcome = jobmodel.outcome(job)
        patch.text("heading", by_id("detail-heading"), "Job %d" % job["job_id"])
        badge = by_id("detail-status")
        patch.text("status", badge, jobmodel.OUTCOME_LABELS.get(outcome, job["status"]))
        patch.attr("status", badge, "class", "badge " + outcome)
        patch.text("api-status", by_id("detail-api-status"), job["status"])
        message = job.get("message") or ""
        patch.text("message", by_id("detail-message"), message if message else "(none)")
        patch.hidden("cancel", by_id("detail-cancel"), not jobmodel.is_cancelable(job))
        attempts = jobmodel.attempt_count(job, history) if history is not None else None
        if attempts is None:
            # Attempts are counted from the history: without it, any number would be a guess.
            attempt_text = "Unknown until the history can be read"
        elif attempts == 0 and job["status"] == "PENDING":
            attempt_text = "Not run yet"
        elif attempts == 0:
            # A canceled job never runs again, so "yet" would promise a run.
            attempt_text = "None, it never ran"
        elif job["status"] == "RUNNING":
            attempt_text = "Attempt %d, running" % attempts
        else:
            attempt_text = "%d so far" % attempts if job["status"] == "PENDING" else str(attempts)
        patch.text("attempt", by_id("detail-attempt"), attempt_text)
        self._render_history(history, history_error)
        # update_times also draws the timeline, whose open period grows with the clock.
        self.update_times()
        self._announce(previous, job)

    def _announce(self, previous, job):
        key = (job["job_id"], job["status"], job.get("message") or "")
        if self.announced == key:
            return
        label = jobmodel.OUTCOME_LABELS.get(jobmodel.outcome(job), job["status"])
        if previous is not None and previous["job_id"] == job["job_id"] and self.announced is not None:
            by_id("announcer").textContent = "Job %d is now %s." % (job["job_id"], label)
        self.announced = key

    def set_read_until(self, epoch):
        """Stop the current state's duration at epoch, or let it follow the clock when epoch is None."""
        if epoch != self.read_until:
            self.read_until = epoch
            self.update_times()

    def update_times(self):
        job = self.job
        if job is None:
            return
        now = self.times.now()
        # The panel's facts about the current state are true only up to the last read.
        state_now = now if self.read_until is None else min(now, self.read_until)
        patch = self.patch
        for key, field in (("created", "created_at"), ("status-at", "status_at")):
            node = by_id("detail-" + key)
            epoch = timefmt.parse_api_time(job[field])
            patch.text(key, node, "%s (%s)" % (self.times.short(epoch),
                                              timefmt.format_relative(epoch, now)))
            patch.attr(key, node, "title", self.times.full(epoch))
        next_node = by_id("detail-next")
        if job["status"] == "PENDING" and job.get("next_attempt_at"):
            epoch = timefmt.parse_api_time(job["next_attempt_at"])
            relative = timefmt.format_due(epoch, now)
            patch.text("next", next_node, "%s (%s)" % (self.times.short(epoch), relative))
            patch.attr("next", next_node, "title", self.times.full(epoch))
        else:
            patch.text("next", next_node, "Not scheduled: only pending jobs wait for a next attempt")
            patch.attr("next", next_node, "title", None)
        since = timefmt.parse_api_time(job["status_at"])
        if job["status"] in ("PENDING", "RUNNING"):
            in_state = timefmt.format_elapsed(state_now - since)
            if self.read_until is not None:
                in_state = "At least %s, as read at %s" % (in_state, self.times.short(self.read_until))
        else:
            in_state = "Finished (final state)"
        patch.text("in-state", by_id("detail-in-state"), in_state)
        self._render_timeline(job, self.history, state_now)

    def _render_history(self, history, history_error=None):
        if history is None:
            signature = ("error", history_error)
        else:
            signature = tuple(row["job_history_id"] for row in history)
        if signature == self.history_signature:
            return
        self.history_signature = signature
        tbody = by_id("history-rows")
        tbody.replaceChildren()
        empty = by_id("history-empty")
        if history is None:
            empty.textContent = "%s The console reads it again with each refresh." % history_error
            empty.classList.add("history-error")
            empty.hidden = False
            return
        empty.textContent = "No earlier states: the job has been in its current state since it was created."
        empty.classList.remove("history-error")
        rows = jobmodel.history_in_event_order(history)
        rows.reverse()
        for row in rows:
            tr = document.createElement("tr")
            status_cell = document.createElement("td")
            status_cell.textContent = row["status"]
            time_cell = document.createElement("td")
            epoch = timefmt.parse_api_time(row["status_at"])
            time_cell.textContent = self.times.short(epoch)
            time_cell.title = self.times.full(epoch)
            message_cell = document.createElement("td")
            message_cell.textContent = row.get("message") or ""
            tr.append(status_cell, time_cell, message_cell)
            tbody.append(tr)
        empty.hidden = len(rows) > 0

    def _render_timeline(self, job, history, now):
        """Draw the job's state periods up to now. Called every second, it redraws only when a text changed."""
        if history is None:
            # Without the history every period but the last is unknown.
            if self.timeline_signature != "unknown":
                self.timeline_signature = "unknown"
                by_id("timeline").replaceChildren()
                by_id("timeline-text").textContent = "Not shown until the history can be read."
            return
        periods = jobmodel.state_periods(job, history, now)
        total = 0.0
        for period in periods:
            total += period["seconds"]
        parts = []
        for period in periods:
            outcome = jobmodel.outcome({"status": period["status"], "message": period["message"]})
            share = period["seconds"] / total if total > 0 else 1.0 / len(periods)
            label = jobmodel.OUTCOME_LABELS.get(outcome, period["status"])
            if period["end"] is None:
                # The open period grows with the clock and is redrawn once a second.
                duration = timefmt.format_elapsed(period["seconds"])
            else:
                duration = timefmt.format_duration(period["seconds"])
            if period["end"] is None and period["status"] not in ("PENDING", "RUNNING"):
                text = label
            else:
                text = "%s %s" % (label, duration)
            parts.append((outcome, str(max(share, 0.02)), text, period["start"]))
        signature = (tuple(row["job_history_id"] for row in history), job["status"], job["status_at"])
        if job["status"] in ("PENDING", "RUNNING"):
            # The open period's duration text grows with the clock; the widths are redrawn with it.
            signature += tuple(part[2] for part in parts)
        if signature == self.timeline_signature:
            return
        self.timeline_signature = signature
        container = by_id("timeline")
        container.replaceChildren()
        for outcome, grow, text, start in parts:
            span = document.createElement("span")
            span.className = outcome
            span.style.flexGrow = grow
            span.textContent = text
            span.title = "%s from %s" % (text, self.times.short(start))
            container.append(span)
        # The bar is hidden from screen readers, because this line gives the same periods in the same words.
        by_id("timeline-text").textContent = " → ".join(part[2] for part in parts)

    def retime(self):
        self.patch.forget("created")
        self.patch.forget("status-at")
        self.patch.forget("next")
        self.history_signature = None
        self.timeline_signature = None
        if self.job is not None:
            self._render_history(self.history, self.history_error)
            self.update_times()
