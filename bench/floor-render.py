"""Fill the first 100 jobs with the least Python: bench/floor-render.html's script.

A benchmark floor, not part of the console. It does bench/plain.html's work
in MicroPython: one request for /api/jobs?limit=100, then the same rows from
the same template, with the same labels, classes, attributes and time texts.
It has no console code, so its load time is what the simplest Python
renderer costs on this runtime.
"""

import asyncio
import json
import time

import js

OUTCOME_LABELS = {"pending": "Pending", "retrying": "Retrying", "running": "Running",
                  "succeeded": "Done", "failed": "Failed", "canceled": "Canceled"}
ZONE_NAME = js.Intl.DateTimeFormat().resolvedOptions().timeZone or "local time"


def outcome(job):
    message = job.get("message") or ""
    status = job["status"]
    if status == "PENDING":
        return "retrying" if message == "Temporary failure" else "pending"
    if status == "RUNNING":
        return "running"
    if status == "DONE":
        return "failed" if message == "Permanent failure" else "succeeded"
    if status == "CANCELED":
        return "canceled"
    return "unknown"


def parse_api_time(text):
    # The API writes naive UTC ("2026-12-04T19:37:31.469000"). MicroPython's
    # time module has no zones, so mktime reads the fields as UTC. The epoch
    # is computed here because js.Date.now() and getTime() reached Python
    # cut to 32 bits through MicroPython 1.28's FFI.
    fields = (int(text[0:4]), int(text[5:7]), int(text[8:10]),
              int(text[11:13]), int(text[14:16]), int(text[17:19]), 0, 0)
    return time.mktime(fields) + float(text[19:] or 0)


def coarse_duration(seconds):
    whole = int(seconds)
    if whole < 60:
        return "%d s" % whole
    minutes = whole // 60
    if minutes < 60:
        return "%d min" % minutes
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return "%d h %d min" % (hours, minutes) if minutes else "%d h" % hours
    days, hours = divmod(hours, 24)
    return "%d d %d h" % (days, hours) if hours else "%d d" % days


def format_relative(target, now):
    delta = target - now
    if -1 < delta < 1:
        return "just now"
    text = coarse_duration(abs(delta))
    return "in " + text if delta > 0 else text + " ago"


def format_offset(minutes):
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return "UTC%s%02d:%02d" % (sign, hours, rest)


def utc_offset_minutes(epoch):
    # Only the browser has the zone's rules, so each instant reads its offset from a js.Date.
    return -js.Date.new(epoch * 1000).getTimezoneOffset()


def fill_time(cell, stamp, now, today, due):
    rel = cell.firstElementChild
    absolute = cell.lastElementChild
    if not stamp:
        rel.textContent = ""
        absolute.textContent = ""
        cell.removeAttribute("title")
        return
    epoch = parse_api_time(stamp)
    text = format_relative(epoch, now)
    if due and epoch <= now:
        text = "due now" if now - epoch < 1 else "due " + text
    offset = utc_offset_minutes(epoch)
    local = time.gmtime(epoch + offset * 60)
    utc = time.gmtime(epoch)
    clock = "%02d:%02d:%02d" % local[3:6]
    date = "%04d-%02d-%02d" % local[0:3]
    rel.textContent = text
    absolute.textContent = clock if local[0:3] == today else date + " " + clock
    cell.title = "%s %s %s (%s)\n%04d-%02d-%02d %02d:%02d:%02d UTC" % (
        (date, clock, ZONE_NAME, format_offset(offset)) + utc[0:6])


def render_row(prototype, job, now, today):
    row = prototype.cloneNode(True)
    outcome_key = outcome(job)
    job_id = job["job_id"]
    status = job["status"]
    pending = status == "PENDING"
    row.dataset.jobId = str(job_id)
    row.dataset.status = status
    row.querySelector(".c-id .open").textContent = str(job_id)
    badge = row.querySelector(".c-status .badge")
    badge.textContent = OUTCOME_LABELS.get(outcome_key, status)
    badge.className = "badge " + outcome_key
    if outcome_key in ("failed", "retrying"):
        row.querySelector(".c-status .api-status").textContent = status
    message = job.get("message") or ""
    message_cell = row.querySelector(".c-message")
    message_cell.textContent = message
    if message:
        message_cell.title = message
    fill_time(row.querySelector(".c-created"), job.get("created_at"), now, today, False)
    fill_time(row.querySelector(".c-status-at"), job.get("status_at"), now, today, False)
    fill_time(row.querySelector(".c-next"), job.get("next_attempt_at") if pending else None, now, today, True)
    cancel = row.querySelector(".c-actions .cancel")
    cancel.hidden = not pending
    cancel.setAttribute("aria-label", "Cancel job %d" % job_id)
    select = row.querySelector(".c-select .select")
    select.hidden = not pending
    select.setAttribute("aria-label", "Select job %d" % job_id)
    return row


async def load():
    try:
        await fill_table()
    except Exception as error:
        js.document.getElementById("notice").textContent = "Loading failed: %s" % error


async def fill_table():
    # pyscript.fetch(url).json() runs the same js.fetch, text() and
    # json.loads, plus a Python callback on the promise, so js.fetch is
    # used directly.
    options = js.JSON.parse('{"cache": "no-store"}')
    response = await js.fetch("/api/jobs?limit=100", options)
    jobs = json.loads(await response.text())
    document = js.document
    prototype = document.getElementById("row-template").content.firstElementChild
    now = time.time()
    today = time.gmtime(now + utc_offset_minutes(now) * 60)[0:3]
    rows = document.createDocumentFragment()
    for job in jobs:
        rows.append(render_row(prototype, job, now, today))
    document.getElementById("job-rows").replaceChildren(rows)
    document.body.dataset.ready = "1"


# Started as a task, as main.py starts the console's first refresh.
LOADING = asyncio.create_task(load())
