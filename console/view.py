"""The view a URL holds: status filter, page, page size and the open job.

Reload, back and forward restore exactly the view in the address bar, and a
link to a job opens it. Values that make no sense fall back to the defaults
rather than break the page.
"""

from console import api, jobs

FILTERS = ("all", "pending", "running", "done", "canceled")
DEFAULT_SIZE = 25
# The highest page whose skip, at the largest page size, still fits the API's 64-bit integers.
MAX_PAGE = jobs.MAX_JOB_ID // api.MAX_LIMIT


def default_view():
    return {"status": "all", "page": 1, "size": DEFAULT_SIZE, "job": None}


def _positive_int(text):
    # Only ASCII digits count, because CPython's isdigit() also accepts "²", which int() rejects.
    if text and all("0" <= char <= "9" for char in text):
        number = int(text)
        if number >= 1:
            return number
    return None


def unquote(text):
    """Decode %XX escapes and ``+`` in a query value.

    Bad escapes stay as they are, and a value whose escapes are not UTF-8
    (such as ``%FF``) is returned with only ``+`` decoded.
    """
    raw = bytearray()
    index = 0
    text = text.replace("+", " ")
    while index < len(text):
        char = text[index]
        if char == "%" and index + 2 < len(text) + 0 and _is_hex(text[index + 1:index + 3]):
            raw.append(int(text[index + 1:index + 3], 16))
            index += 3
            continue
        raw.extend(char.encode("utf-8"))
        index += 1
    try:
        return bytes(raw).decode("utf-8")
    except UnicodeError:
        return text


def _is_hex(pair):
    return len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair)


def parse_view(search):
    """Return the view held by a query string such as ``?status=pending&page=2``."""
    return _read_query(search)[0]


def rejected_values(search):
    """Return a phrase per view value of a query string that parse_view could not use, e.g. ``size=7 is not 25, 50 or 100``."""
    return _read_query(search)[1]


def _read_query(search):
    view = default_view()
    rejected = []
    # The last value each name set, so a repeated name can say which value it replaced.
    last_value = {}
    query = search[1:] if search.startswith("?") else search
    for pair in query.split("&"):
        if "=" not in pair:
            continue
        name, value = pair.split("=", 1)
        name = unquote(name)
        value = unquote(value).strip()
        rejected_before = len(rejected)
        if name == "status":
            if value.lower() in FILTERS:
                view["status"] = value.lower()
            elif value:
                rejected.append("status=%s is not one of %s" % (_shown(value), ", ".join(FILTERS)))
        elif name == "page":
            page = _positive_int(value)
            if page is not None and page > MAX_PAGE:
                # The API's skip is a 64-bit integer, so no list reaches this far.
                rejected.append("page=%s is past the last page any list can have" % _shown(value))
                page = None
            elif page is None and value:
                rejected.append("page=%s is not a page number" % _shown(value))
            view["page"] = page or 1
        elif name == "size":
            size = _positive_int(value)
            if size in api.PAGE_SIZES:
                view["size"] = size
            elif value:
                sizes = [str(choice) for choice in api.PAGE_SIZES]
                rejected.append("size=%s is not %s or %s" % (_shown(value), ", ".join(sizes[:-1]), sizes[-1]))
        elif name == "job":
            job_id = _positive_int(value)
            if job_id is not None and job_id <= jobs.MAX_JOB_ID:
                view["job"] = job_id
            elif value:
                rejected.append("job=%s is not a job id" % _shown(value))
        if name in view and value and len(rejected) == rejected_before:
            if name in last_value and last_value[name] != view[name]:
                rejected.append("%s=%s, because a later %s=%s replaces it" % (name, last_value[name], name, view[name]))
            last_value[name] = view[name]
    return view, rejected


def _shown(value):
    # A value pasted into the address can be any length; a notice quotes its start.
    return value if len(value) <= 40 else value[:40] + "…"


def format_view(view):
    """Return the shortest query string for a view; defaults are left out."""
    params = []
    if view.get("status", "all") != "all":
        params.append(("status", view["status"]))
    if view.get("page", 1) != 1:
        params.append(("page", view["page"]))
    if view.get("size", DEFAULT_SIZE) != DEFAULT_SIZE:
        params.append(("size", view["size"]))
    if view.get("job"):
        params.append(("job", view["job"]))
    return api.build_query(params)


def api_status(view):
    """Return the API's status value for the view's filter, or None for all."""
    status = view.get("status", "all")
    return None if status == "all" else status.upper()
