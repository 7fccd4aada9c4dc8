"""Fill the first 100 jobs with the least Python: bench/floor-render.html's script.

A benchmark floor, not part of the console. It does bench/plain.html's work
in MicroPython: one request for /api/jobs?limit=100, then the same rows from
the same template, with the same labels, classes, attributes and time texts.
It has no console code, so its load time is what the simplest Python
renderer costs on this runtime.

bench/refresh.py also uses its refresh, which plain.html does in JS: a
visibilitychange event reads the counts and the list again and writes only
the cells that differ, with no charts, clock texts or selection.
"""

import asyncio
import json
import time

import js
from pyscript.ffi import create_proxy

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


def write_text(node, text, patch):
    if not patch or node.textContent != text:
        node.textContent = text


def write_attr(node, name, value, patch):
    if patch and node.getAttribute(name) == value:
        return
    if value is None:
        node.removeAttribute(name)
    else:
        node.setAttribute(name, value)


def write_hidden(node, hidden, patch):
    if not patch or bool(node.hidden) != hidden:
        node.hidden = hidden


def fill_time(cell, stamp, now, today, due, patch):
    rel = cell.firstElementChild
    absolute = cell.lastElementChild
    if not stamp:
        write_text(rel, "", patch)
        write_text(absolute, "", patch)
        write_attr(cell, "title", None, patch)
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
    write_text(rel, text, patch)
    write_text(absolute, clock if local[0:3] == today else date + " " + clock, patch)
    write_attr(cell, "title", "%s %s %s (%s)\n%04d-%02d-%02d %02d:%02d:%02d UTC" % (
        (date, clock, ZONE_NAME, format_offset(offset)) + utc[0:6]), patch)


def fill_row(row, job, now, today, patch):
    """Write job into row: everything into a new row, only what differs into a row on screen (patch)."""
    outcome_key = outcome(job)
    job_id = job["job_id"]
    status = job["status"]
    pending = status == "PENDING"
    write_attr(row, "data-job-id", str(job_id), patch)
    write_attr(row, "data-status", status, patch)
    write_text(row.querySelector(".c-id .open"), str(job_id), patch)
    badge = row.querySelector(".c-status .badge")
    write_text(badge, OUTCOME_LABELS.get(outcome_key, status), patch)
    write_attr(badge, "class", "badge " + outcome_key, patch)
    if outcome_key in ("failed", "retrying") or patch:
        write_text(row.querySelector(".c-status .api-status"),
                   status if outcome_key in ("failed", "retrying") else "", patch)
    message = job.get("message") or ""
    message_cell = row.querySelector(".c-message")
    write_text(message_cell, message, patch)
    if message or patch:
        write_attr(message_cell, "title", message or None, patch)
    fill_time(row.querySelector(".c-created"), job.get("created_at"), now, today, False, patch)
    fill_time(row.querySelector(".c-status-at"), job.get("status_at"), now, today, False, patch)
    fill_time(row.querySelector(".c-next"), job.get("next_attempt_at") if pending else None, now, today, True, patch)
    cancel = row.querySelector(".c-actions .cancel")
    write_hidden(cancel, not pending, patch)
    write_attr(cancel, "aria-label", "Cancel job %d" % job_id, patch)
    select = row.querySelector(".c-select .select")
    write_hidden(select, not pending, patch)
    write_attr(select, "aria-label", "Select job %d" % job_id, patch)


def render_row(prototype, job, now, today):
    row = prototype.cloneNode(True)
    fill_row(row, job, now, today, False)
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


# The refresh: defined here, run only by bench/refresh.py.
on_screen = {"list": None, "jobs": {}, "refreshes": 0}


async def read_text(url):
    response = await js.fetch(url, js.JSON.parse('{"cache": "no-store"}'))
    return str(await response.text())


async def refresh():
    counts_task = asyncio.create_task(read_text("/api/"))
    list_text = await read_text("/api/jobs?limit=100")
    counts = json.loads(await counts_task)
    document = js.document
    write_text(document.getElementById("count-pending"), str(counts["pending_count"]), True)
    write_text(document.getElementById("count-running"), str(counts["running_count"]), True)
    if list_text != on_screen["list"]:
        jobs = json.loads(list_text)
        rows = document.getElementById("job-rows").children
        now = time.time()
        today = time.gmtime(now + utc_offset_minutes(now) * 60)[0:3]
        seen = {}
        # The benchmark only cancels jobs, so the rows keep their order. A refresh
        # that finds another order or count would have to draw the page again.
        if rows.length != len(jobs):
            raise RuntimeError("the list changed length; this floor only patches rows in place")
        for index, job in enumerate(jobs):
            seen[job["job_id"]] = job
            if on_screen["jobs"].get(job["job_id"]) != job:
                row = rows.item(index)
                if str(row.dataset.jobId) != str(job["job_id"]):
                    raise RuntimeError("the rows moved; this floor only patches rows in place")
                fill_row(row, job, now, today, True)
        on_screen["jobs"] = seen
        on_screen["list"] = list_text
    on_screen["refreshes"] += 1
    js.window.jobsConsoleRefreshes = on_screen["refreshes"]


async def refresh_or_say():
    try:
        await refresh()
    except Exception as error:
        js.document.getElementById("notice").textContent = "Refresh failed: %s" % error


def on_visibility(event):
    asyncio.create_task(refresh_or_say())


# bench/refresh.py warms up with two refreshes; the first records the jobs on screen.
js.document.addEventListener("visibilitychange", create_proxy(on_visibility))
# Started as a task, as main.py starts the console's first refresh.
LOADING = asyncio.create_task(load())
