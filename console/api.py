"""Build the jobs API's URLs and turn its error bodies into sentences.

Every route is relative to a base URL (``/api/`` by default, or another
origin where ``serve.py --allow-origin`` runs). The POST routes take their
parameters in the query string, not in a body. MicroPython has no ``urllib``,
so percent-encoding is done here.
"""

from console import jobs

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
PAGE_SIZES = (25, 50, 100)
MAX_LIMIT = 100


def quote(text):
    """Percent-encode a query value as UTF-8, leaving only unreserved characters."""
    out = []
    for byte in str(text).encode("utf-8"):
        char = chr(byte)
        if char in UNRESERVED:
            out.append(char)
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def build_query(params):
    """Return ``?a=1&b=2`` for (name, value) pairs, skipping None values, or ``""``."""
    parts = []
    for name, value in params:
        if value is None:
            continue
        parts.append(quote(name) + "=" + quote(value))
    return "?" + "&".join(parts) if parts else ""


def normalize_base(base):
    """Return the API base with exactly one trailing slash. A blank base means ``/api/``."""
    base = (base or "").strip() or "/api/"
    return base.rstrip("/") + "/"


def counts_url(base):
    return normalize_base(base)


def jobs_url(base, status=None, skip=0, limit=MAX_LIMIT):
    """Return the URL of one page of jobs; ``status`` None means all."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError("limit must be between 1 and %d, got %r" % (MAX_LIMIT, limit))
    if skip < 0:
        raise ValueError("skip must be 0 or more, got %r" % (skip,))
    params = [("status", status), ("skip", skip if skip else None), ("limit", limit)]
    return normalize_base(base) + "jobs" + build_query(params)


def job_url(base, job_id):
    return normalize_base(base) + "job/%d" % int(job_id)


def history_url(base, job_id, skip=0, limit=MAX_LIMIT):
    params = [("skip", skip if skip else None), ("limit", limit)]
    return normalize_base(base) + "job/%d/history" % int(job_id) + build_query(params)


def create_url(base, message="", next_attempt_at=None):
    """Return the URL that creates a job.

    ``next_attempt_at`` must already be naive UTC text: the API drops any
    offset instead of converting it.
    """
    params = [("message", message if message else None), ("next_attempt_at", next_attempt_at)]
    return normalize_base(base) + "job/new" + build_query(params)


def cancel_url(base, job_id, message=""):
    params = [("message", message if message else None)]
    return normalize_base(base) + "job/cancel/%d" % int(job_id) + build_query(params)


FIELD_NAMES = {
    "message": "Message",
    "next_attempt_at": "Scheduled time",
    "limit": "Page size",
    "skip": "Page",
    "status": "Status filter",
    "job_id": "Job id",
}


def validation_errors(body):
    """Return {field: sentence} from a 422 body, with ``_`` for unplaced errors."""
    errors = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, list):
        errors["_"] = "The API rejected the request as invalid."
        return errors
    for item in detail:
        if not isinstance(item, dict):
            continue
        loc = item.get("loc") or []
        field = loc[-1] if loc else "_"
        name = FIELD_NAMES.get(field, str(field))
        msg = str(item.get("msg") or "is invalid")
        sentence = "%s: %s." % (name, msg.rstrip("."))
        if field in errors:
            errors[field] += " " + sentence
        else:
            errors[field] = sentence
    if not errors:
        errors["_"] = "The API rejected the request as invalid."
    return errors


def describe_error(status, body, job_id=None, base="", retry_advice=True):
    """Return one sentence for a user: what went wrong and what to do next.

    ``body`` is the decoded JSON (or None when the body was not JSON). The
    sentence never embeds raw JSON. retry_advice False leaves "Try again" out
    of an unexplained status, for a request that may have taken effect.
    """
    detail = body.get("detail") if isinstance(body, dict) else None
    if status == 404 and isinstance(detail, dict) and "job_id" in detail:
        return "Job %s not found." % detail.get("job_id")
    if status == 404 and job_id is not None:
        return "Job %s not found." % job_id
    if status == 409 and isinstance(detail, dict):
        job = detail.get("job") if isinstance(detail.get("job"), dict) else {}
        number = job.get("job_id", job_id)
        if job.get("status") == "CANCELED":
            return "Job %s was already canceled, so there is nothing to cancel." % number
        state = jobs.state_phrase(job) if job.get("status") else "is no longer pending"
        return "Job %s %s, so it cannot be canceled: only pending jobs can be." % (number, state)
    if status == 422:
        errors = validation_errors(body)
        return " ".join(errors[key] for key in sorted(errors, key=str))
    if status in (502, 503, 504):
        if isinstance(detail, str) and detail:
            # serve.py's own sentence names the API's address and what to do.
            return detail
        if status == 504:
            lead = "The jobs API did not answer in time."
        elif status == 502:
            lead = "The jobs API failed to respond."
        else:
            lead = "The jobs API cannot be reached."
        return lead + " Check that it is running; the console retries by itself."
    if status == 403:
        return "The console's server refused the request (403). Open the console at the address serve.py printed."
    if status == 413:
        return "The request was too large for the console's server."
    if isinstance(detail, str) and detail:
        return "The API returned %d: %s." % (status, detail.rstrip("."))
    if not retry_advice:
        return "The API returned status %d." % status
    return "The API returned status %d. Try again; if it persists, check the API's log." % status


def is_unreachable(status):
    """Return True for statuses that mean the API itself is unavailable."""
    return status in (0, 502, 503, 504)


def may_have_acted(status):
    """Return True when a request may have taken effect although no usable response came back.

    serve.py responds with 503 only when it could not connect, so nothing was sent.
    After 502 or 504 it had sent the request, status 0 (no response at all)
    leaves open whether serve.py got it, and the API can fail with a 500
    after it has stored a change.
    """
    return status == 0 or (status >= 500 and status != 503)
