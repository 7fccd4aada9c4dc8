"""Turn the jobs on screen into CSV or JSON text for download.

Times become ISO 8601 UTC with a ``Z``, so a spreadsheet or script reading
the file cannot mistake them for local times, which the API's own naive
timestamps invite.
"""

import json

from console import jobs as jobmodel
from console import timefmt

COLUMNS = ("job_id", "status", "outcome", "message", "created_at", "status_at", "next_attempt_at")
TIME_FIELDS = ("created_at", "status_at", "next_attempt_at")


def export_row(job):
    """Return a dict of the exported fields of one job, times in UTC with ``Z``."""
    row = {
        "job_id": job["job_id"],
        "status": job["status"],
        "outcome": jobmodel.OUTCOME_LABELS.get(jobmodel.outcome(job), job["status"]),
        "message": job.get("message") or "",
    }
    for field in TIME_FIELDS:
        value = job.get(field)
        row[field] = timefmt.format_iso_utc(timefmt.parse_api_time(value)) if value else None
    return row


def csv_cell(value):
    """Return one CSV cell, quoted as RFC 4180 requires when it has a comma, quote or line break.

    Text that starts with =, +, -, @, a tab or a carriage return gets a leading
    ``'``, because spreadsheets run such a cell as a formula. Text that reads as
    a number, such as "+1", gets it too, so a spreadsheet keeps it as text and
    does not show the number 1. Numbers, such as job ids, are written as they are.

    NOTE: other text that a spreadsheet converts on opening, such as 007 or 3/4,
    is written unchanged, so it may still show as a number or a date.
    """
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text and text[0] in "=+-@\t\r":
        text = "'" + text
    if any(char in text for char in (",", '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(job_list):
    """Return CSV text with a header line and CRLF line ends."""
    lines = [",".join(COLUMNS)]
    for job in job_list:
        row = export_row(job)
        lines.append(",".join(csv_cell(row[name]) for name in COLUMNS))
    return "\r\n".join(lines) + "\r\n"


def to_json(job_list, view, exported_at, read_at):
    """Return JSON text: the view it came from, when it was read and exported, and the jobs in screen order."""
    jobs_out = []
    for job in job_list:
        row = export_row(job)
        jobs_out.append([[name, row[name]] for name in COLUMNS])
    # Pairs keep the column order, which MicroPython's dicts would not.
    body = '{"exported_at": %s, "read_at": %s, "view": %s, "jobs": [%s]}' % (
        json.dumps(timefmt.format_iso_utc(exported_at)),
        json.dumps(timefmt.format_iso_utc(read_at) if read_at is not None else None),
        json.dumps(view_description(view)),
        ", ".join("{" + ", ".join("%s: %s" % (json.dumps(name), json.dumps(value)) for name, value in pairs) + "}"
                  for pairs in jobs_out))
    return body + "\n"


def view_description(view):
    return "status=%s page=%d size=%d" % (view.get("status", "all"), view.get("page", 1), view.get("size", 25))


def file_name(view, exported_at, extension):
    """Return a name like ``jobs-pending-page2-20261204T201500Z.csv``."""
    stamp = timefmt.format_iso_utc(exported_at)
    compact = stamp[:19].replace("-", "").replace(":", "") + "Z"
    return "jobs-%s-page%d-%s.%s" % (view.get("status", "all"), view.get("page", 1), compact, extension)
