"""Shared helpers of the browser benchmarks: servers, a seeded API, Chromium, statistics.

Every benchmark builds one ``Stack``: the bundled jobs API simulator and
serve.py's console server, both in this process on free 127.0.0.1 ports. The
console server serves a temporary copy of the console's public files plus
``bench/plain.html`` and load.py's runtime floor pages (``floor-empty.html``,
``floor-render.html`` and their files) under ``/static/bench/``. So the
PyScript console and the pages it is compared with come from the same server
and origin, and edits made to the working tree during a run do not mix two
versions.

Jobs are written straight into the simulator's ``JobStore`` with its public
methods (no HTTP), so 10,000 jobs take seconds. The seeded jobs are settled:
finished, canceled, or scheduled days ahead, so no job changes state while a
benchmark runs unless the benchmark changes it.
"""

from __future__ import annotations

import bisect
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import serve  # noqa: E402
from sandbox import FakeClock, make_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]
PLAIN_PAGE_PATH = "/static/bench/plain.html"
# The runtime floors of load.py: PyScript's start alone, and the simplest Python renderer.
FLOOR_EMPTY_PAGE_PATH = "/static/bench/floor-empty.html"
FLOOR_RENDER_PAGE_PATH = "/static/bench/floor-render.html"
# Files of bench/ that build_public_root copies to static/bench/.
BENCH_PAGE_FILES = ("plain.html", "floor-empty.html", "floor-empty.toml",
                    "floor-render.html", "floor-render.py", "floor-render.toml")
# The line of each bench page that build_public_root replaces with index.html's page shell.
SHELL_MARKER = "  <!-- bench/_stack.py inserts index.html's page shell here: its body up to its PyScript script. -->\n"
CONTEXT_OPTIONS = {"timezone_id": "America/Chicago", "viewport": {"width": 1280, "height": 900}}
# The first load compiles MicroPython's wasm and can take several seconds on a busy 2-core machine.
READY_TIMEOUT_MS = 60000

# Share of seeded jobs in each settled state. The rest finish through the
# simulator's own lifecycle: 60 % success, 10 % permanent failure, 30 % retry.
CANCELED_SHARE = 0.15
SCHEDULED_SHARE = 0.15
MESSAGES = (
    "nightly report", "resize images batch", "sync CRM contacts", "rebuild search index",
    "send weekly digest", "export orders to CSV", "", "refresh exchange rates",
    "generate invoice PDFs", "purge expired sessions", "import supplier catalog",
)


# --- In-page instruments ----------------------------------------------------------

# Records when body[data-ready] first becomes "1", as performance.now(), which
# counts from the navigation's start. The MutationObserver callback runs as a
# microtask of the task that set the attribute, before the browser paints.
READY_PROBE = """
(() => {
  window.__bench = {ready: null};
  const observer = new MutationObserver(() => {
    if (window.__bench.ready === null && document.body && document.body.dataset.ready === "1") {
      window.__bench.ready = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, {subtree: true, attributes: true, attributeFilter: ["data-ready"]});
})();
"""

# Keeps every WebAssembly.Memory the page creates or instantiates, so
# benchmarks can read the MicroPython heap's byteLength.
WASM_PROBE = """
(() => {
  const memories = window.__wasmMemories = [];
  const keep = (value) => {
    if (value instanceof WebAssembly.Memory && !memories.includes(value)) memories.push(value);
  };
  const scan = (result) => {
    const instance = result && (result.instance || result);
    if (instance && instance.exports) Object.values(instance.exports).forEach(keep);
    return result;
  };
  const OriginalMemory = WebAssembly.Memory;
  WebAssembly.Memory = function (...args) { const memory = new OriginalMemory(...args); keep(memory); return memory; };
  WebAssembly.Memory.prototype = OriginalMemory.prototype;
  for (const name of ["instantiate", "instantiateStreaming"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) { return original.apply(this, args).then(scan); };
  }
})();
"""

# Counts live listeners registered through addEventListener on any
# EventTarget, with the spec's de-duplication of (type, callback, capture).
LISTENER_PROBE = """
(() => {
  const live = new Map();   // EventTarget -> Set of "type|capture" + callback id
  const ids = new WeakMap();
  let nextId = 1;
  const idOf = (callback) => {
    if (!callback) return 0;
    if (!ids.has(callback)) ids.set(callback, nextId++);
    return ids.get(callback);
  };
  const keyOf = (type, callback, options) => {
    const capture = typeof options === "boolean" ? options : !!(options && options.capture);
    return type + "|" + capture + "|" + idOf(callback);
  };
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, callback, options) {
    if (callback) {
      const once = options && typeof options === "object" && options.once;
      if (!once) {
        if (!live.has(this)) live.set(this, new Set());
        live.get(this).add(keyOf(type, callback, options));
      }
    }
    return add.call(this, type, callback, options);
  };
  EventTarget.prototype.removeEventListener = function (type, callback, options) {
    const keys = live.get(this);
    if (keys) {
      keys.delete(keyOf(type, callback, options));
      if (keys.size === 0) live.delete(this);
    }
    return remove.call(this, type, callback, options);
  };
  window.__listenerCount = () => {
    let total = 0, onNodes = 0, onDetached = 0;
    const byType = {};
    for (const [target, keys] of live) {
      total += keys.size;
      if (target instanceof Node) {
        onNodes += keys.size;
        if (!target.isConnected && target !== document) onDetached += keys.size;
      }
      for (const key of keys) {
        const type = key.split("|")[0];
        byType[type] = (byType[type] || 0) + 1;
      }
    }
    return {total, onNodes, onDetached, byType};
  };
})();
"""

# Keeps PyScript's MicroPython interpreter as window.__mpy once it is ready.
# The hook is added on DOMContentLoaded, after the page's own module script
# has loaded PyScript, so the page's load order is unchanged.
MPY_PROBE = """
document.addEventListener("DOMContentLoaded", () => {
  import("/static/vendor/pyscript-core-0.7.31/core.js").then(({hooks}) => {
    hooks.main.onReady.add((wrap) => { window.__mpy = wrap.interpreter; });
  });
}, {once: true});
"""

# Times PyScript's own events: mpy:ready (interpreter up, before main.py
# runs) and mpy:done (main.py's top level has returned).
PHASE_PROBE = """
(() => {
  const seen = window.__benchEvents = {};
  for (const name of ["mpy:ready", "mpy:done"]) {
    document.addEventListener(name, () => { if (!(name in seen)) seen[name] = performance.now(); }, true);
  }
})();
"""

# Figures of one page load, read once body[data-ready] is "1".
LOAD_FIGURES_JS = """
() => {
  const ready = window.__bench.ready;
  const paint = {};
  for (const entry of performance.getEntriesByType("paint")) paint[entry.name] = entry.startTime;
  const resources = performance.getEntriesByType("resource")
    .filter((entry) => entry.startTime <= ready)
    .map((entry) => ({url: entry.name, start: entry.startTime, end: entry.responseEnd,
                      bytes: entry.transferSize, status: entry.responseStatus}));
  const navigation = performance.getEntriesByType("navigation")[0];
  return {ready, fcp: paint["first-contentful-paint"] ?? null, events: window.__benchEvents || {},
          resources, htmlEnd: navigation ? navigation.responseEnd : null};
}
"""

MPY_MEMORY_JS = """
() => {
  const mpy = window.__mpy;
  if (!mpy) return null;
  const gc = mpy.pyimport("gc");
  gc.collect();
  const refs = globalThis.proxy_js_ref || [];
  let used = 0;
  for (const ref of refs) if (ref !== undefined) used++;
  return {alloc: gc.mem_alloc(), free: gc.mem_free(), proxyRefs: used, proxyTable: refs.length};
}
"""


# --- Servers ------------------------------------------------------------------------


PUBLIC_PATHS = ("index.html", "main.py", "pyscript.toml", "console", "static")


def build_public_root(folder: Path, overlay: Path | None = None, commit: str | None = None) -> Path:
    """Copy the console's public files and the bench pages into folder and return it.

    The files come from the working tree, or from ``commit`` when given
    (``git archive``), which keeps a run's figures tied to one commit while
    someone edits the tree. Files under overlay, if given, are then copied
    over the copy at the same relative paths. That measures a proposed
    change to the console without editing the working tree. The bench
    pages always come from the working tree's bench/.
    """
    if commit:
        archive = subprocess.run(["git", "archive", "--format=tar", commit, "--", *PUBLIC_PATHS], cwd=ROOT,
                                 capture_output=True, timeout=60)
        if archive.returncode != 0:
            raise SystemExit(f"git archive of commit {commit!r} failed: {archive.stderr.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    else:
        for name in ("index.html", "main.py", "pyscript.toml"):
            shutil.copy2(ROOT / name, folder / name)
        (folder / "console").mkdir()
        for source in (ROOT / "console").glob("*.py"):
            shutil.copy2(source, folder / "console" / source.name)
        shutil.copytree(ROOT / "static", folder / "static")
    if overlay is not None:
        if not overlay.is_dir():
            raise SystemExit(f"--overlay {overlay} is not a directory")
        shutil.copytree(overlay, folder, dirs_exist_ok=True)
    # The pages compared with the console get the served index.html's shell, so they never drift from it.
    shell = page_shell((folder / "index.html").read_text(encoding="utf-8"))
    (folder / "static" / "bench").mkdir()
    for name in BENCH_PAGE_FILES:
        text = (BENCH / name).read_text(encoding="utf-8")
        if name.endswith(".html"):
            if SHELL_MARKER not in text:
                raise SystemExit(f"bench/{name} has no shell marker line: {SHELL_MARKER.strip()}")
            text = text.replace(SHELL_MARKER, shell)
        (folder / "static" / "bench" / name).write_text(text, encoding="utf-8")
    return folder


def page_shell(index_html: str) -> str:
    """Return index.html's body, from after its opening tag up to its PyScript script, templates included."""
    body = '<body data-ready="0">\n'
    start = index_html.find(body)
    end = index_html.find('  <script type="mpy"', start)
    if start < 0 or end < 0:
        raise SystemExit('index.html has no <body data-ready="0"> followed by a <script type="mpy">')
    return index_html[start + len(body):end]


class JobsApi:
    """Direct HTTP access to the simulator, bypassing the console's proxy."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def call(self, method: str, path: str, **params: object) -> tuple[int, object]:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        request = urllib.request.Request(self.url + path + ("?" + query if query else ""), method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def create(self, message: str = "", next_attempt_at: str | None = None) -> dict:
        status, body = self.call("POST", "/job/new", message=message or None, next_attempt_at=next_attempt_at)
        if status != 200:
            raise RuntimeError(f"POST /job/new failed with {status}: {body}")
        return body

    def cancel(self, job_id: int) -> tuple[int, object]:
        return self.call("POST", f"/job/cancel/{job_id}")


class Stack:
    """The simulator and the console server, in threads of this process.

    ``clock`` is the simulator's clock (a ``FakeClock`` to freeze the API's
    time and ``Date`` headers). ``overlay`` is a folder of changed console
    files to serve in place of the working tree's, and ``commit`` a git
    revision to serve instead of the working tree. Use as a context manager; both servers and
    the temporary folder are removed on exit.
    """

    def __init__(self, jobs: int = 0, clock: FakeClock | None = None, seed: int = 1,
                 overlay: Path | None = None, commit: str | None = None) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="jobs-console-bench-")
        # Read before copying, so the line describes the files this stack serves.
        self.version = app_version_line(overlay, commit)
        build_public_root(Path(self.folder.name), overlay, commit)
        self.simulator = make_server("127.0.0.1", 0, seed=seed, clock=clock)
        self.clock = self.simulator.clock
        if jobs:
            seed_jobs(self.simulator.store, jobs, self.clock.now(), seed)
        serve.serve_in_thread(self.simulator, name="bench-simulator")
        self.console = serve.make_console_server("127.0.0.1", 0, self.simulator.url, root=Path(self.folder.name))
        serve.serve_in_thread(self.console, name="bench-console")
        self.url = self.console.url + "/"
        self.plain_url = self.console.url + PLAIN_PAGE_PATH
        self.floor_empty_url = self.console.url + FLOOR_EMPTY_PAGE_PATH
        self.floor_render_url = self.console.url + FLOOR_RENDER_PAGE_PATH
        self.api = JobsApi(self.simulator.url)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        serve.stop_server(self.console)
        serve.stop_server(self.simulator)
        self.folder.cleanup()


def seed_jobs(store, count: int, now: datetime, seed: int = 1) -> None:
    """Insert count settled jobs created over the last 24 h, newest one minute ago.

    15 % are canceled, 15 % are PENDING and scheduled 1 to 30 days ahead, and
    the rest ran through the simulator's lifecycle to DONE (success or
    permanent failure, some after retries). Lifecycle delays are not slept.
    """
    rng = random.Random(seed)
    saved_delay = store.transition_delay
    store.transition_delay = 0.0
    try:
        span = timedelta(hours=24)
        for index in range(count):
            created = now - timedelta(minutes=1) - span * (count - 1 - index) / max(count, 1)
            message = MESSAGES[index % len(MESSAGES)]
            message = f"{message} {index}" if message else ""
            draw = rng.random()
            if draw < SCHEDULED_SHARE:
                later = now + timedelta(days=rng.uniform(1, 30))
                store.create_job(created, message=message, next_attempt_at=later)
            elif draw < SCHEDULED_SHARE + CANCELED_SHARE:
                job = store.create_job(created, message=message, next_attempt_at=now + timedelta(days=60))
                store.cancel_job(created + timedelta(seconds=30), job["job_id"], message="not needed")
            else:
                store.create_job(created, message=message)
        store.advance(now)
    finally:
        store.transition_delay = saved_delay


def half_second_now() -> datetime:
    """Return the current UTC time moved to the middle of its second.

    A frozen clock at x.5 s keeps the console's clock-offset estimate, which
    reads whole-second Date headers, centred on zero.
    """
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    return now + timedelta(milliseconds=500)


# --- Browser ------------------------------------------------------------------------


def launch_chromium(playwright, extra_args=()):
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium).")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + list(extra_args))


def chromium_version() -> str:
    try:
        output = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return output.strip() or "unknown"


def watch_errors(page, errors: list[str]) -> None:
    """Collect uncaught page errors and console errors other than failed resource loads."""
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text}")

    page.on("console", on_console)


def wait_ready(page) -> None:
    page.wait_for_function("document.body && document.body.dataset.ready === '1'", timeout=READY_TIMEOUT_MS)


SETTLE_BEFORE_RELOAD_SECONDS = 2.0


# The /api/ requests of the first refresh cycle, read once it has finished.
FIRST_CYCLE_JS = """
() => performance.getEntriesByType("resource")
  .filter((entry) => entry.name.includes("/api/"))
  .map((entry) => ({url: entry.name, start: entry.startTime, end: entry.responseEnd}))
"""


def load_cold_and_warm(browser, url: str, errors: list[str], first_cycle: bool = False) -> tuple[dict, dict]:
    """Open url in a new context, then reload it there; return both loads' figures.

    With first_cycle, each load's figures also get "cycle": the /api/
    requests made until the first refresh cycle has finished.
    """
    context = browser.new_context(**CONTEXT_OPTIONS)
    try:
        context.add_init_script(READY_PROBE)
        context.add_init_script(PHASE_PROBE)
        page = context.new_page()
        watch_errors(page, errors)
        page.goto(url)
        wait_ready(page)
        cold = page.evaluate(LOAD_FIGURES_JS)
        if first_cycle:
            cold["cycle"] = read_first_cycle(page)
        time.sleep(SETTLE_BEFORE_RELOAD_SECONDS)
        page.reload()
        wait_ready(page)
        warm = page.evaluate(LOAD_FIGURES_JS)
        if first_cycle:
            warm["cycle"] = read_first_cycle(page)
    finally:
        context.close()
    return cold, warm


def read_first_cycle(page) -> list[dict]:
    page.wait_for_function("(window.jobsConsoleRefreshes || 0) >= 1", timeout=READY_TIMEOUT_MS)
    return page.evaluate(FIRST_CYCLE_JS)


def refresh_count(page) -> int:
    return page.evaluate("window.jobsConsoleRefreshes || 0")


# --- Main-thread time from a Chromium trace -----------------------------------------

TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"]
STYLE_LAYOUT_EVENTS = ("UpdateLayoutTree", "Layout")
PAINT_EVENTS = ("PrePaint", "Paint", "Layerize", "UpdateLayer", "Commit")
GC_EVENTS = ("MinorGC", "MajorGC")


def main_thread_tasks(trace_bytes: bytes, url_prefix: str) -> tuple[list[dict], dict[str, float]]:
    """Return the top-level tasks of the page's renderer main thread, and its user-timing marks.

    The page's renderer is the process whose frame URL starts with url_prefix,
    as listed by TracingStartedInBrowser. Each task is a dict with ts, end,
    dur (wall time) and cpu (the thread's CPU time) in µs, plus the CPU µs
    spent in style and layout, paint and GC inside it. On a shared machine
    the wall time includes waits for a core; the CPU time does not.
    Marks map a console.timeStamp() label to its trace timestamp. The page
    uses console.timeStamp because, under Playwright's fake clock, marks made
    with performance.mark() did not reach the trace.
    """
    events = json.loads(trace_bytes)["traceEvents"]
    pids = set()
    for event in events:
        if event.get("name") == "TracingStartedInBrowser":
            for frame in event.get("args", {}).get("data", {}).get("frames", []):
                if str(frame.get("url", "")).startswith(url_prefix):
                    pids.add(frame.get("processId"))
    main_tids = {(e["pid"], e["tid"]) for e in events
                 if e.get("ph") == "M" and e.get("name") == "thread_name"
                 and e.get("args", {}).get("name") == "CrRendererMain" and e["pid"] in pids}
    tasks = []
    inner = []
    marks = {}
    for event in events:
        key = (event.get("pid"), event.get("tid"))
        if key not in main_tids:
            continue
        name = event.get("name")
        if name == "TimeStamp":
            message = event.get("args", {}).get("data", {}).get("message")
            if message and message not in marks:
                marks[message] = event["ts"]
        if event.get("ph") != "X" or "dur" not in event:
            continue
        if name == "RunTask":
            tasks.append({"ts": event["ts"], "end": event["ts"] + event["dur"], "dur": event["dur"],
                          "cpu": event.get("tdur", event["dur"]), "style_layout": 0.0, "paint": 0.0, "gc": 0.0})
        elif name in STYLE_LAYOUT_EVENTS or name in PAINT_EVENTS or name in GC_EVENTS:
            inner.append(event)
    tasks.sort(key=lambda task: task["ts"])
    starts = [task["ts"] for task in tasks]
    # Paint events nest (the document's Paint contains the root element's), so an
    # event inside one already counted for the same figure is not counted again.
    inner.sort(key=lambda event: (event["ts"], -event["dur"]))
    counted_until = {}
    for event in inner:
        index = bisect.bisect_right(starts, event["ts"]) - 1
        if index < 0 or event["ts"] >= tasks[index]["end"]:
            continue
        name = event["name"]
        if name in STYLE_LAYOUT_EVENTS:
            field = "style_layout"
        elif name in PAINT_EVENTS:
            field = "paint"
        else:
            field = "gc"
        if event["ts"] < counted_until.get(field, 0):
            continue
        counted_until[field] = event["ts"] + event["dur"]
        tasks[index][field] += event.get("tdur", event["dur"])
    return tasks, marks


def tasks_between(tasks: list[dict], start: float, end: float) -> list[dict]:
    """Return the tasks that start inside [start, end] (trace µs)."""
    return [task for task in tasks if start <= task["ts"] <= end]


# --- Statistics and output ----------------------------------------------------------


def spread(values: list[float]) -> str:
    """Return "min–max" of values, with one decimal."""
    return f"{min(values):.1f}–{max(values):.1f}"


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    """Print rows as a Markdown table, so the output pastes into bench/README.md."""
    texts = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(headers[i]), *(len(row[i]) for row in texts)) for i in range(len(headers))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("| " + " | ".join("-" * w for w in widths) + " |")
    for row in texts:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")


def print_errors(errors: list[str]) -> None:
    """Print the distinct page errors that watch_errors collected, if any."""
    if errors:
        print("\nPage errors seen during the run:")
        for text in sorted(set(errors)):
            print("  " + text)


def verdict(met: bool) -> str:
    return "pass" if met else "FAIL"


def machine_line() -> str:
    load = os.getloadavg()
    return (f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"{chromium_version()}; Python {platform.python_version()}")


APP_PATHS = ("index.html", "main.py", "pyscript.toml", "console", "static", "serve.py", "sandbox")


def add_source_arguments(parser) -> None:
    """Add --commit and --overlay, which choose the console files a benchmark serves."""
    parser.add_argument("--commit", metavar="REV",
                        help="serve the console files of this git revision instead of the working tree")
    parser.add_argument("--overlay", type=Path, metavar="DIR",
                        help="folder of changed console files (same relative paths) to serve over the copy, "
                             "to measure a proposed change")


def app_version_line(overlay: Path | None = None, commit: str | None = None) -> str:
    """Return the commit measured, whether the console's files had uncommitted edits, and any overlay."""
    if commit:
        resolved = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True,
                                  text=True, timeout=20).stdout.strip()
        line = f"console version: commit {resolved or commit}, from git (working tree not used)"
        return line + overlay_text(overlay)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=20).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *APP_PATHS], cwd=ROOT, capture_output=True,
                               text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "console version: unknown (git failed)"
    state = "with uncommitted edits to the console's files" if dirty else "clean"
    return f"console version: commit {commit or 'unknown'}, working tree {state}" + overlay_text(overlay)


def overlay_text(overlay: Path | None) -> str:
    if overlay is None:
        return ""
    changed = sorted(str(path.relative_to(overlay)) for path in overlay.rglob("*") if path.is_file())
    return f"; OVERLAY {overlay}: {', '.join(changed)}"


class Deadline:
    """A wall-clock budget for a benchmark's loops."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def passed(self) -> bool:
        return self.left() <= 0
