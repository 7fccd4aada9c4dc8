"""Canceling: one job after a confirmation, or a selection of pending jobs (browser only).

``CancelMixin`` is part of ``Console`` in main.py and uses its state and
helpers (``base``, ``skew``, ``table``, ``detail``, ``_set_text``,
``_unreachable_text``, ``_unconfirmed_text``, ``refresh_after_change``).
"""

import asyncio

from pyscript import document

from console import api
from console import bulk
from console import jobs as jobmodel
from console.client import send
from console.dom import by_id


class CancelMixin:
    def on_detail_cancel(self, event):
        if self.view["job"]:
            self.ask_cancel(self.view["job"])

    def _known_job(self, job_id):
        """Return the newest copy of a job that the list or the panel shows, or None."""
        job = self.table.job(job_id)
        if job is None and self.detail.job is not None and self.detail.job["job_id"] == job_id:
            job = self.detail.job
        return job

    def ask_cancel(self, job_id):
        self._set_text("notice", "")
        job = self._known_job(job_id)
        if job is not None and not jobmodel.is_cancelable(job):
            self._notice("Job %d %s: only pending jobs can be canceled." % (job_id, jobmodel.state_phrase(job)), True)
            return
        self.cancel_job_id = job_id
        self._set_text("cancel-title", "Cancel job %d?" % job_id)
        self._set_text("cancel-summary", cancel_summary(job))
        self._set_text("cancel-confirm", "Cancel job %d" % job_id)
        self._set_text("cancel-error", "")
        self._set_text("cancel-keep", "Keep job")
        self.cancel_unsure = False
        by_id("cancel-reason").value = ""
        by_id("cancel-confirm").disabled = False
        by_id("cancel-dialog").showModal()
        by_id("cancel-reason").focus()

    def sync_cancel_dialog(self):
        """Keep an open cancel dialog true to the job's state as the last refresh read it."""
        if self.cancel_job_id is None or self.cancel_sending or not bool(by_id("cancel-dialog").open):
            return
        job = self._known_job(self.cancel_job_id)
        if job is None:
            return
        cancelable = jobmodel.is_cancelable(job)
        if cancelable:
            self._set_text("cancel-summary", cancel_summary(job))
        elif self.cancel_unsure and job.get("status") == "CANCELED":
            # The job's state settles the red "may or may not", so that text is removed.
            self._set_text("cancel-summary", "Job %d is canceled now. Your request got no reply, but it most likely "
                           "went through." % self.cancel_job_id)
            self._set_text("cancel-error", "")
        else:
            self._set_text("cancel-summary", "Job %d %s now: only pending jobs can be canceled." % (
                self.cancel_job_id, jobmodel.state_phrase(job)))
            self._set_text("cancel-error", "")
        # Nothing is left to keep once the job cannot be canceled.
        self._set_text("cancel-keep", "Keep job" if cancelable else "Close")
        confirm = by_id("cancel-confirm")
        if bool(confirm.disabled) == cancelable:
            confirm.disabled = not cancelable

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
        self.cancel_sending = True
        reason = str(by_id("cancel-reason").value)
        try:
            reply = await send("POST", api.cancel_url(self.base, job_id, reason), self.skew)
        finally:
            confirm.disabled = False
            self.cancel_sending = False
        dialog = by_id("cancel-dialog")
        if reply.ok and isinstance(reply.body, dict):
            dialog.close()
            self._notice("Job %d canceled." % job_id, False)
            self._apply_job(reply.body)
            self.refresh_after_change()
            return
        if reply.status == 409:
            dialog.close()
            self._notice(api.describe_error(409, reply.body, job_id=job_id), True)
            detail = reply.body.get("detail") if isinstance(reply.body, dict) else None
            if isinstance(detail, dict) and isinstance(detail.get("job"), dict):
                self._apply_job(detail["job"])
            self.refresh_after_change()
            return
        if reply.status == 404:
            dialog.close()
            self._notice(api.describe_error(404, reply.body, job_id=job_id), True)
            return
        if api.may_have_acted(reply.status):
            # The API may have canceled the job before the connection failed.
            text = self._unconfirmed_text(reply)
            self.cancel_unsure = True
            self._set_text("cancel-error", "No confirmation, so job %d may or may not have been canceled. %s The list "
                           "shows its state once the API answers again." % (job_id, text))
            self.refresh_after_change()
            return
        if api.is_unreachable(reply.status):
            text = self._unreachable_text(reply)
            self._set_text("cancel-error", "Not canceled: %s Try again when the API is back." % text)
            return
        self._set_text("cancel-error", "Not canceled. " + api.describe_error(reply.status, reply.body, job_id=job_id))

    def _apply_job(self, job):
        self.table.replace_job(job)
        if self.detail.job is not None and self.detail.job["job_id"] == job["job_id"]:
            self.detail.render(job, self.detail.history)

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
        self._set_hidden("selection-bar", count == 0)
        if count:
            self._set_text("selection-count", "%d pending %s selected" % (count, "job" if count == 1 else "jobs"))
            self._set_text("bulk-cancel", "Cancel %d %s" % (count, "job" if count == 1 else "jobs"))
        selectable = self.table.selectable_ids()
        header = by_id("select-all")
        all_chosen = bool(selectable) and all(job_id in chosen for job_id in selectable)
        if bool(header.checked) != all_chosen:
            header.checked = all_chosen
        indeterminate = bool(count) and not all_chosen
        if bool(header.indeterminate) != indeterminate:
            header.indeterminate = indeterminate

    def ask_bulk_cancel(self):
        ids = sorted(self.table.selection, reverse=True)
        if not ids:
            return
        self.bulk_ids = ids
        noun = "job" if len(ids) == 1 else "jobs"
        self._set_text("bulk-title", "Cancel %d %s?" % (len(ids), noun))
        listed = ", ".join(str(job_id) for job_id in ids)
        if len(ids) == 1:
            summary = "This pending job: %s. Canceling cannot be undone." % listed
        else:
            summary = "These %d pending jobs: %s. Canceling cannot be undone." % (len(ids), listed)
        self._set_text("bulk-summary", summary)
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

    def on_bulk_dialog_cancel(self, event):
        # Escape would hide the results of a batch still running.
        if self.bulk_running:
            event.preventDefault()

    def on_bulk_confirm(self, event):
        if self.bulk_running or not self.bulk_ids:
            return
        self.bulk_running = True
        by_id("bulk-confirm").disabled = True
        asyncio.create_task(self.bulk_cancel(list(self.bulk_ids)))

    async def bulk_cancel(self, ids):
        left = []
        stopped = True
        try:
            summary, failed, left, stopped = await self._cancel_each(ids)
            if not by_id("bulk-dialog").open:
                # The dialog was closed anyway (the browser can force Escape), so the outcome goes to the page.
                self._notice("Bulk cancel %s: %s The list shows each job's state." % (
                    "stopped" if stopped else "finished", summary), failed)
        finally:
            self.bulk_running = False
            by_id("bulk-confirm").hidden = True
            # The question is answered, so the title and the text above the results describe them.
            self._set_text("bulk-title", "Bulk cancel stopped" if stopped else "Bulk cancel finished")
            self._set_text("bulk-summary", "Asked to cancel: %s." % bulk.describe_ids(ids))
            self._set_text("bulk-keep", "Close")
            # The confirm button, which had the focus, is hidden now.
            by_id("bulk-keep").focus()
            # The jobs not attempted stay selected, so Cancel selected tries them again.
            self.set_selection(left)
            self.refresh_after_change()

    async def _cancel_each(self, ids):
        """Cancel jobs one at a time, listing each outcome; stop if the API goes away.

        Return the summary sentence, whether any job was not canceled, the ids not attempted,
        and whether the API stopped the batch (possibly at its last job, with none left).
        """
        reason = str(by_id("bulk-reason").value)
        by_id("bulk-reason").disabled = True
        progress = by_id("bulk-progress")
        progress.max = len(ids)
        progress.value = 0
        progress.hidden = False
        results = by_id("bulk-results")
        canceled = 0
        unsure_id = None
        left = []
        stopped = False
        for index, job_id in enumerate(ids):
            reply = await send("POST", api.cancel_url(self.base, job_id, reason), self.skew)
            item = document.createElement("li")
            if reply.ok and isinstance(reply.body, dict):
                canceled += 1
                item.textContent = "Job %d canceled." % job_id
                self._apply_job(reply.body)
            elif api.is_unreachable(reply.status) or api.may_have_acted(reply.status):
                text = self._unconfirmed_text(reply)
                if api.may_have_acted(reply.status):
                    # The request went out, so this job may be canceled already.
                    unsure_id = job_id
                    outcome = "no confirmation, so it may or may not have been canceled"
                else:
                    outcome = "not canceled"
                left = ids[index + 1:]
                stopped = True
                line = "Job %d: %s (%s) Stopped here." % (job_id, outcome, text)
                if left:
                    line += " Not attempted: %s." % bulk.describe_ids(left)
                item.textContent = line
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
        if unsure_id is None:
            text = "%d of %d canceled." % (canceled, len(ids))
        else:
            text = "%d of %d canceled, and job %d may be too." % (canceled, len(ids), unsure_id)
        summary.textContent = text
        results.append(summary)
        return text, canceled < len(ids), left, stopped


# A message can be thousands of characters long; the dialog quotes its start.
SUMMARY_MESSAGE_CHARS = 200


def cancel_summary(job):
    """Return the cancel dialog's sentence about a job (None when the console has not loaded it)."""
    if job is None:
        # Neither the list nor the panel shows this job (yet), so its state is unknown here.
        return ("The console has not loaded this job, so it cannot say whether the job is still pending. "
                "The API cancels only pending jobs. Canceling cannot be undone.")
    if jobmodel.outcome(job) == "retrying":
        summary = "It has failed and waits to run again. Canceling cannot be undone."
    else:
        summary = "It has not started yet. Canceling cannot be undone."
    message = job.get("message")
    if message:
        if len(message) > SUMMARY_MESSAGE_CHARS:
            message = message[:SUMMARY_MESSAGE_CHARS] + "…"
        # The message goes last, so its own punctuation ends the sentence.
        summary = "%s Message: %s" % (summary, message)
    return summary
