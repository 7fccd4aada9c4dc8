"""Fixtures for the end-to-end tests: servers, a browser, and page checks.

Each test gets its own stack on 127.0.0.1 free ports: a jobs API (a fresh
in-memory simulator, or the sandbox at ``JOBS_API_URL`` when that is set), a
relay in front of it that tests can stop or slow down, and serve.py. The
browser is Debian's Chromium when installed, else Playwright's own.

Autouse checks fail a test whose page raised an uncaught error, showed a
PyScript error, or requested any host other than the test's own servers.
"""

import os
import sys
import threading
import urllib.parse
import urllib.request
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import serve  # noqa: E402
from pages import ConsolePage  # noqa: E402
from relay import Relay  # noqa: E402

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]
EXTERNAL_API = os.environ.get("JOBS_API_URL", "").rstrip("/")
# Long enough for the first page load of the runtime; every other wait is much shorter.
expect.set_options(timeout=15000)


class JobsApi:
    """Direct access to the API behind the console, for arranging and checking."""

    def __init__(self, url):
        self.url = url.rstrip("/")

    def call(self, method, path, **params):
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        url = self.url + path + ("?" + query if query else "")
        request = urllib.request.Request(url, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def create(self, message=None, next_attempt_at=None):
        status, body = self.call("POST", "/job/new", message=message, next_attempt_at=next_attempt_at)
        assert status == 200, body
        return body

    def create_far_future(self, message):
        """Create a job that stays PENDING for the whole test."""
        return self.create(message, "2099-01-01T00:00:00")

    def job(self, job_id):
        status, body = self.call("GET", "/job/%d" % job_id)
        assert status == 200, body
        return body

    def cancel(self, job_id):
        return self.call("POST", "/job/cancel/%d" % job_id)


class Stack:
    """One test's servers: API, relay and console."""

    def __init__(self, demo=False, allow_origins=(), timeout=10.0, seed=None):
        """seed fixes the simulator's delays and outcomes; it has no effect with an external API."""
        self.simulator = None
        if EXTERNAL_API:
            upstream = EXTERNAL_API
        else:
            from sandbox import make_server
            self.simulator = make_server("127.0.0.1", 0, demo=demo, seed=seed)
            threading.Thread(target=self.simulator.serve_forever, daemon=True).start()
            upstream = self.simulator.url
        self.api = JobsApi(upstream)
        self.relay = Relay(upstream)
        self.console = serve.make_console_server(
            "127.0.0.1", 0, self.relay.url, timeout=timeout, allow_origins=allow_origins)
        serve.serve_in_thread(self.console)
        self.url = self.console.url + "/"
        self.hosts = {urllib.parse.urlsplit(self.console.url).netloc}

    def close(self):
        serve.stop_server(self.console)
        self.relay.stop()
        if self.simulator is not None:
            self.simulator.shutdown()
            self.simulator.server_close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        if os.path.exists(SYSTEM_CHROMIUM):
            launched = playwright.chromium.launch(executable_path=SYSTEM_CHROMIUM, args=CHROMIUM_ARGS)
        else:
            launched = playwright.chromium.launch(args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def allowed_hosts():
    """Hosts the page may request: each stack a test builds adds its console's."""
    return set()


@pytest.fixture
def stack(allowed_hosts):
    created = Stack()
    allowed_hosts.update(created.hosts)
    yield created
    created.close()


@pytest.fixture
def make_stack(allowed_hosts):
    """Build a stack with options (a slow timeout, allowed origins); all close at the end."""
    built = []

    def build(**options):
        created = Stack(**options)
        allowed_hosts.update(created.hosts)
        built.append(created)
        return created

    yield build
    for created in built:
        created.close()


@pytest.fixture
def timezone_id():
    """The browser's zone; tests override this fixture or parametrize it."""
    return "America/Chicago"


@pytest.fixture
def context_options(timezone_id):
    return {"timezone_id": timezone_id, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page_errors():
    return []


@pytest.fixture
def expected_errors():
    """Fragments of console errors that a test causes on purpose."""
    return []


@pytest.fixture
def foreign_requests():
    return []


@pytest.fixture
def context(browser, context_options, page_errors, foreign_requests, allowed_hosts):
    created = browser.new_context(**context_options)

    def on_request(request):
        parts = urllib.parse.urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc not in allowed_hosts:
            foreign_requests.append(request.url)

    def watch(page):
        page.on("pageerror", lambda error: page_errors.append("uncaught: %s" % error))
        page.on("console", lambda message: _check_console(message, page_errors))
        page.on("request", on_request)

    created.on("page", watch)
    yield created
    created.close()


def _check_console(message, page_errors):
    # The browser logs every non-2xx response as "Failed to load resource";
    # tests cause those on purpose (404, 409, 502, 503), so only other errors count.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page_errors.append("console: %s" % message.text)


@pytest.fixture
def page(context, page_errors):
    opened = context.new_page()
    yield opened
    if not opened.is_closed():
        shown = opened.locator(".py-error").all_inner_texts()
        if shown:
            page_errors.append("PyScript showed an error: %s" % shown)


@pytest.fixture(autouse=True)
def page_health(page_errors, foreign_requests, expected_errors):
    """Fail the test on a page error, a PyScript error or a request to another host."""
    yield
    unexpected = [text for text in page_errors if not any(part in text for part in expected_errors)]
    assert not unexpected, "the page logged errors: %s" % page_errors
    assert not foreign_requests, "the page requested other hosts: %s" % foreign_requests


@pytest.fixture
def console(page, stack):
    """The console page, opened and showing its first data."""
    opened = ConsolePage(page, stack.url)
    opened.open()
    return opened
