"""The new-job form: one job or a batch, now, at a local time or spread over a window (browser only).

``CreateMixin`` is part of ``Console`` in main.py and uses its state and
helpers (``base``, ``skew``, ``times``, ``_set_text``, ``set_view``).
"""

import asyncio

import js

from console import api
from console import bulk
from console import timefmt
from console.client import send
from console.dom import by_id


class CreateMixin:
    def _sync_create_mode(self):
        later = bool(by_id("when-later").checked)
        field = by_id("create-at")
        # Suggest a time only as the field becomes enabled. A field the user emptied
        # stays empty, so the error that reports it matches what the field shows.
        if later and bool(field.disabled) and not str(field.value):
            field.value = self._local_input_value(self.times.now() + 3600)
        field.disabled = not later
        if not later:
            # An error about the scheduled time no longer applies once Run now is chosen.
            self._set_text("create-at-error", "")
        try:
            count = self._read_count()
            self._set_text("create-count-error", "")
        except ValueError as error:
            count = None
            self._set_text("create-count-error", str(error))
        spread = later and count is not None and count > 1
        spread_label = by_id("spread-label")
        until = by_id("create-until")
        if spread and bool(spread_label.hidden) and not str(until.value):
            until.value = self._local_input_value(self.times.now() + 7200)
        spread_label.hidden = not spread
        self._set_text("create-submit", self._submit_label(count))
        self._update_preview()

    def _read_count(self):
        """Return the batch size in the form, or raise ValueError with a sentence."""
        field = by_id("create-count")
        # A number field's value is "" both when it is empty and when its text is
        # not a number, such as "e". Only badInput distinguishes the two.
        return bulk.parse_count(str(field.value), bool(field.validity.badInput))

    @staticmethod
    def _submit_label(count):
        # None is an invalid count: the button then names no number.
        if count is None:
            return "Create"
        return "Create job" if count == 1 else "Create %d jobs" % count

    def _local_input_value(self, epoch):
        return "%04d-%02d-%02dT%02d:%02d" % self.times.parts(epoch)[:5]

    def _scheduled_instant(self, field_id="create-at"):
        """Return (epoch, warning) of a local date-time field; raises ValueError with a sentence."""
        subject = "The end of the window" if field_id == "create-until" else "The scheduled time"
        text = str(by_id(field_id).value)
        if not text.strip() and field_id == "create-until":
            raise ValueError("Choose when the window ends, or set How many to 1.")
        # A year past 9999 has more than four digits, which parse_local_input rejects as malformed.
        year = timefmt.local_input_year(text)
        if year is not None and year > 9999:
            raise self._range_error(1, subject)
        year, month, day, hour, minute = timefmt.parse_local_input(text)
        if self.times.utc:
            epoch = timefmt.days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60
            side = timefmt.api_range_side(epoch)
            if side:
                raise self._range_error(side, subject)
            return epoch, ""
        # setFullYear, because the Date constructor maps years 0 to 99 to 1900 to 1999.
        stamp = js.Date.new(2000, 0, 1, 0, 0, 0, 0)
        stamp.setFullYear(year, month - 1, day)
        stamp.setHours(hour, minute, 0, 0)
        # A local time near either end of the years 1 to 9999 can fall outside them in UTC,
        # where toISOString() writes six-digit years that parse_api_time rejects.
        utc_year = int(stamp.getUTCFullYear())
        if not 1 <= utc_year <= 9999:
            raise self._range_error(-1 if utc_year < 1 else 1, subject)
        # Not getTime(): in MicroPython 1.28 a millisecond count that needs more than
        # 32 bits reaches Python wrong, so 9999-12-31 came out as a day in 1969.
        epoch = timefmt.parse_api_time(str(stamp.toISOString()))
        warning = ""
        if int(stamp.getHours()) != hour or int(stamp.getMinutes()) != minute:
            warning = (" %02d:%02d does not exist on that day in %s (the clocks change), so %02d:%02d is used."
                       % (hour, minute, self.times.zone_name, int(stamp.getHours()), int(stamp.getMinutes())))
        elif epoch + 3 * 3600 < timefmt.API_END:
            # When clocks go back, a wall time happens twice; the browser picks the first.
            # The check looks 3 h ahead, and TimeDisplay.local_offset fails past year 9999.
            later_offset = self.times.local_offset(epoch + 3 * 3600)
            shift = self.times.local_offset(epoch) - later_offset
            if shift > 0:
                again = timefmt.split_epoch(epoch + shift * 60 + later_offset * 60)
                if again[3] == hour and again[4] == minute:
                    warning = (" %02d:%02d happens twice on that day in %s (the clocks go back); the first, at %s,"
                               " is used." % (hour, minute, self.times.zone_name,
                                              timefmt.format_offset(self.times.local_offset(epoch))))
        return epoch, warning

    def _range_error(self, side, subject):
        """Return the ValueError for a time before (side -1) or after (side 1) what the API can store."""
        if side < 0:
            limit = timefmt.API_EARLIEST
            text = "%s is before %s, the earliest time the jobs API can store. Choose a later time."
        else:
            # The form picks whole minutes, so its latest choice is the range's last minute.
            limit = timefmt.API_END - 60
            text = "%s is after %s, the latest time the jobs API can store. Choose an earlier time."
        utc_text = "%04d-%02d-%02d %02d:%02d UTC" % timefmt.split_epoch(limit)[:5]
        if not self.times.utc:
            utc_text += " (%s your time)" % self._limit_in_zone(limit, side < 0)
        return ValueError(text % (subject, utc_text))

    def _limit_in_zone(self, limit, round_up):
        """Return the browser zone's wall time of a limit instant, as ``YYYY-MM-DD HH:MM``.

        Zone data gives early years local mean time, with offsets in seconds
        (Tokyo's is +09:18:59), so the wall time is rounded to the whole minute
        that stays inside the range.
        """
        stamp = js.Date.new(float(limit) * 1000)
        days = timefmt.days_from_civil(int(stamp.getFullYear()), int(stamp.getMonth()) + 1, int(stamp.getDate()))
        wall = days * 86400 + int(stamp.getHours()) * 3600 + int(stamp.getMinutes()) * 60 + int(stamp.getSeconds())
        if round_up:
            wall = -(-wall // 60) * 60
        return "%04d-%02d-%02d %02d:%02d" % timefmt.split_epoch(wall)[:5]

    def _describe_instant(self, epoch):
        utc_parts = timefmt.split_epoch(epoch)
        if self.times.utc:
            return "%04d-%02d-%02d %02d:%02d UTC" % utc_parts[:5]
        local_parts = timefmt.split_epoch(epoch + self.times.local_offset(epoch) * 60)
        return "%04d-%02d-%02d %02d:%02d your time (%s) = %04d-%02d-%02d %02d:%02d UTC" % (
            local_parts[:5] + (self.times.zone_name,) + utc_parts[:5])

    def _batch_size(self):
        """Return the batch size in the form, or None when the count is invalid."""
        try:
            return self._read_count()
        except ValueError:
            return None

    def _update_preview(self):
        count = self._batch_size()
        if not bool(by_id("when-later").checked):
            # With an invalid count the preview stays empty, and the count's error is shown instead.
            if count is None:
                text = ""
            elif count == 1:
                text = "The job runs as soon as it is created."
            else:
                text = "The %d jobs run as soon as they are created." % count
            self._set_text("create-preview", text)
            return
        try:
            epoch, warning = self._scheduled_instant()
        except ValueError as error:
            self._show_preview_error(str(error))
            return
        now = self.times.now()
        text = self._describe_instant(epoch)
        if epoch > now:
            text += ", in " + timefmt.format_relative(epoch, now)[3:]
        else:
            text += ", which is in the past: the job runs at once"
        if count is not None and count > 1:
            try:
                end, end_warning = self._scheduled_instant("create-until")
                bulk.spread_times(epoch, end, count)
            except ValueError as error:
                self._show_preview_error(str(error))
                return
            step = (end - epoch) / (count - 1)
            if step > 0:
                text = "%d jobs from %s until %s, one every %s" % (
                    count, text, self._describe_instant(end), timefmt.format_duration(step))
                if end_warning != warning:
                    # The same local time twice gets its note once.
                    warning += end_warning
            else:
                text = "All %d jobs at %s" % (count, text)
        self._set_text("create-preview", text + "." + warning)

    def _show_preview_error(self, text):
        # After a rejected submit the field's error already shows this sentence, so the
        # preview stays empty until typing in the field clears that error.
        same = str(by_id("create-at-error").textContent) == text
        self._set_text("create-preview", "" if same else text)

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
            submit = by_id("create-submit")
            submit.disabled = False
            self._sync_create_mode()
            if str(js.document.activeElement.tagName) == "BODY":
                # Disabling the button during the request dropped its focus, so the button takes it back.
                submit.focus()

    async def _submit_job(self):
        pattern = str(by_id("create-message").value)
        for field in ("create-message-error", "create-at-error", "create-error", "create-count-error",
                      "create-summary", "notice"):
            self._set_text(field, "")
        try:
            count = self._read_count()
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
            # The form's hint promises that {n} becomes 1, 2, …, so a single job is number 1.
            await self._create_one(bulk.message_for(pattern, 1), times[0])
        else:
            await self._create_batch(pattern, times)

    def _api_time(self, epoch):
        """Return the next_attempt_at to send for epoch: None (run now) when there is none or it has passed."""
        # The API would date the job's first run at a past time, before its creation,
        # so a time that has passed is not sent and the job runs at once, as the preview states.
        if epoch is None or epoch <= self.times.now():
            return None
        return timefmt.format_api_time(epoch)

    async def _create_one(self, message, epoch):
        when = self._api_time(epoch)
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
        if api.may_have_acted(reply.status):
            # A POST is never retried: the job may exist although no response came back.
            self._set_text("create-error", "No confirmation from the jobs API, so the job may or may not have been created. "
                           "Check the list before you try again.")
            return
        self._set_text("create-error", "The job was not created. " + api.describe_error(reply.status, reply.body))

    async def _create_batch(self, pattern, times):
        """Create jobs one at a time; on the first failure, stop and report exactly which exist."""
        count = len(times)
        progress = by_id("create-progress")
        progress.max = count
        progress.value = 0
        progress.hidden = False
        created = []
        failure = ""
        unsure = False
        for index in range(count):
            epoch = times[index]
            when = self._api_time(epoch)
            message = bulk.message_for(pattern, index + 1)
            reply = await send("POST", api.create_url(self.base, message, when), self.skew)
            if reply.ok and isinstance(reply.body, dict):
                created.append(reply.body["job_id"])
                progress.value = index + 1
                self._set_text("create-summary", "Created %d of %d…" % (len(created), count))
                continue
            left = count - index - 1
            if api.may_have_acted(reply.status):
                unsure = True
                failure = ("Job %d of the batch got no confirmation, so it may or may not exist: check the list before "
                           "you try again." % (index + 1))
            else:
                failure = "Job %d of the batch was not created: %s" % (
                    index + 1, api.describe_error(reply.status, reply.body))
            failure += bulk.not_attempted_text(left)
            break
        progress.hidden = True
        # After an unanswered request, only the jobs the API confirmed are known to exist.
        verb = "The API confirmed" if unsure else "Created"
        if created:
            summary = "%s %d of %d jobs: %s." % (verb, len(created), count, bulk.describe_ids(created))
        else:
            summary = "%s none of the %d jobs." % (verb, count)
        self._set_text("create-summary", summary)
        if failure:
            if created:
                # The form still contains the whole batch, so a second press would repeat the jobs above.
                failure += " Pressing Create again would make all %d again." % count
            self._set_text("create-error", failure)
        else:
            by_id("create-message").value = ""
        if created:
            self._notice(summary, bool(failure))
            self._show_created(created)

    def _show_created(self, job_ids):
        # New jobs change the totals, so they are counted again with the list this triggers.
        self.totals_due_at = 0.0
        for job_id in job_ids:
            self.table.highlight(job_id)
        status = self.view["status"] if self.view["status"] in ("all", "pending") else "all"
        self.set_view(status=status, page=1, reset_anchor=True)
