"""Count the DOM mutations and the main-thread time of one refresh with 100 rows on screen.

Usage: .venv/bin/python bench/refresh.py [--cycles 7] [--drift-seconds 10] [--commit REV] [--overlay DIR]

Part 1, frozen time. The simulator runs on a FakeClock and the page on
Playwright's ``clock.set_fixed_time`` at the same instant (x.5 s, so the
console's clock-offset estimate stays at 0), so no relative time can drift.
Timers still run in real time. With ``Date`` frozen the console's 250 ms
tick never finds a refresh due, so each cycle is started with a
``visibilitychange`` event, whose handler calls ``refresh_now()``: the same
``refresh()`` coroutine a timer starts. A cycle ends when
``window.jobsConsoleRefreshes`` increments; 300 ms later the records are
taken. Cycles alternate between:

- unchanged: nothing changed in the API;
- one job changed: one PENDING job on screen canceled through the API
  directly just before the cycle.

Mutations: a MutationObserver on document.body (subtree, childList,
attributes, characterData); each record is one mutation, attributed to its
row (``tr[data-job-id]``) and element.

Two baselines run the same cycles in the same rounds, in turns with the
console, each in its own browser context: bench/plain.html, whose plain
JavaScript reads the counts and the list and patches the cells that differ,
and bench/floor-render.html, which does the same in the simplest Python on
the console's runtime. Neither draws charts or clock texts. So plain.html
shows what the requests and the browser's rendering cost alone, and
floor-render.html what any Python page on this runtime adds to that.

Main-thread time: a Chromium trace (devtools.timeline) of each cycle. It
is the sum of the renderer main thread's top-level tasks (``RunTask``) that
start between the trigger and the end label (``console.timeStamp``). The
idle cost of each page for the same span (the console's 250 ms tick and
Playwright's fake clock), measured on an idle trace first, is subtracted. The longest single task is reported too.

Part 2, real time (``--drift-seconds``): a second page with the interval at
1 s and the real clock, to show what relative-time drift adds per second.

Part 3: Python-level costs inside the real-clock page, timed with
``performance.now()`` through PyScript's interpreter (median of 5).

Main-thread time is given as CPU time (the trace's thread duration) and
wall time. The targets are judged on CPU time, because on a shared 2-core
machine a task's wall time also counts the waits for a free core.

Targets: 0 mutations when nothing changed; with one job changed, only that
row's changed cells; one refresh cycle under 16 ms of main-thread time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from datetime import timezone

from playwright.sync_api import sync_playwright

import _stack
from _stack import FakeClock, Stack, launch_chromium, print_table, verdict

TARGET_MAIN_THREAD_MS = 16.0
SETTLE_SECONDS = 0.3
IDLE_TRACE_SECONDS = 3.0

OBSERVE_JS = """
() => {
  const records = window.__mutations = [];
  const describe = (node) => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    if (!element) return {row: null, where: "detached node", rel: false, inTable: false};
    const row = element.closest("tr[data-job-id]");
    let where = element.id ? "#" + element.id
      : element.tagName.toLowerCase() + [...element.classList].map((name) => "." + name).join("");
    const cell = element.closest("td");
    if (row && cell && cell !== element) where = "td." + cell.className.split(" ")[0] + " > " + where;
    if (row && element === row) where = "tr";
    return {row: row ? row.dataset.jobId : null, where, rel: !!element.closest(".rel"),
            inTable: !!element.closest("#job-rows")};
  };
  window.__pushMutations = (list) => {
    for (const record of list) {
      records.push({type: record.type, attribute: record.attributeName, ...describe(record.target)});
    }
  };
  window.__observer = new MutationObserver(window.__pushMutations);
  window.__observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}
"""

TAKE_MUTATIONS_JS = """
() => {
  window.__pushMutations(window.__observer.takeRecords());
  window.__observer.disconnect();
  return window.__mutations;
}
"""

TRIGGER_JS = """
() => {
  console.timeStamp("bench-cycle-start");
  document.dispatchEvent(new Event("visibilitychange"));
}
"""

# Python run inside the page; times each step with performance.now() because
# the frozen Date also freezes MicroPython's time module.
PROFILE_PY = r"""
import gc
import json
from js import performance
from console import timefmt
from console.table import JobTable
from pyscript import document

def _bench_profile():
    console = CONSOLE
    table = console.table
    rows = console.rows
    text = json.dumps(rows)
    stamps = []
    for job in rows:
        stamps.append(job["created_at"])
        stamps.append(job["status_at"])
        stamps.append(job.get("next_attempt_at") or job["created_at"])
    epochs = [timefmt.parse_api_time(stamp) for stamp in stamps]
    now = console.times.now()
    node = document.getElementById("updated")

    def unchanged_patch_rows():
        for job_id in table.order:
            table._patch_row(table.rows[job_id])

    def fresh_render():
        body = document.createElement("tbody")
        body.appendChild(document.createElement("tr"))
        JobTable(body, console.times).render(rows)

    steps = [
        ("json.loads of the 100-job response", lambda: json.loads(text)),
        ("table._patch_row x100, unchanged", unchanged_patch_rows),
        ("table.update_times(), unchanged", table.update_times),
        ("table.render(rows), unchanged", lambda: table.render(rows)),
        ("console._render_list(), unchanged", console._render_list),
        ("console.update_clock_texts(), unchanged", console.update_clock_texts),
        ("console.draw_charts()", console.draw_charts),
        ("console.activity.observe(rows)", lambda: console.activity.observe(rows)),
        ("MicroPython gc.collect()", gc.collect),
        ("JobTable.render of 100 new rows (detached)", fresh_render),
        ("timefmt.parse_api_time x300", lambda: [timefmt.parse_api_time(s) for s in stamps]),
        ("times.short x300", lambda: [console.times.short(e) for e in epochs]),
        ("times.full x300", lambda: [console.times.full(e) for e in epochs]),
        ("timefmt.format_relative x300", lambda: [timefmt.format_relative(e, now) for e in epochs]),
        ("300 reads of node.textContent (FFI)", lambda: [node.textContent for _ in range(300)]),
    ]
    results = []
    for name, step in steps:
        times = []
        for _ in range(5):
            started = performance.now()
            step()
            times.append(performance.now() - started)
        times.sort()
        results.append([name, times[2]])
    return json.dumps(results)

window.__benchProfile = _bench_profile()
"""


def describe_mutations(records: list[dict], changed_id: int | None) -> dict:
    in_changed = [r for r in records if changed_id is not None and r["row"] == str(changed_id)]
    other_rows = [r for r in records if r["row"] is not None and r["row"] != str(changed_id)]
    outside = [r for r in records if r["row"] is None]
    return {"total": len(records), "changed_row": len(in_changed), "other_rows": len(other_rows),
            "outside_rows": len(outside), "records": records}


def label(record: dict) -> str:
    change = f"attribute {record['attribute']}" if record["type"] == "attributes" else record["type"]
    place = f"row {record['row']} {record['where']}" if record["row"] else record["where"]
    return f"{place}: {change}"


def wait_refresh(page, before: int, timeout_ms: int = 20000) -> None:
    page.wait_for_function("n => (window.jobsConsoleRefreshes || 0) > n", arg=before, timeout=timeout_ms)


def run_cycle(browser, page, url_prefix: str, idle: dict[str, float]) -> dict:
    """Trigger one refresh and return its mutations and main-thread figures."""
    before = _stack.refresh_count(page)
    page.evaluate(OBSERVE_JS)
    browser.start_tracing(page=page, categories=_stack.TRACE_CATEGORIES)
    page.evaluate(TRIGGER_JS)
    wait_refresh(page, before)
    time.sleep(SETTLE_SECONDS)
    page.evaluate("() => console.timeStamp('bench-cycle-end')")
    trace = browser.stop_tracing()
    records = page.evaluate(TAKE_MUTATIONS_JS)

    tasks, marks = _stack.main_thread_tasks(trace, url_prefix)
    start, end = marks.get("bench-cycle-start"), marks.get("bench-cycle-end")
    if start is None or end is None:
        raise RuntimeError(f"the trace has no cycle marks: {sorted(marks)}")
    window = _stack.tasks_between(tasks, start, end)
    # The trigger's own evaluate task is the first one; it is part of the cycle.
    busy_ms = sum(task["dur"] for task in window) / 1000
    cpu_ms = sum(task["cpu"] for task in window) / 1000
    span_ms = (end - start) / 1000
    return {
        "records": records,
        "net_ms": max(busy_ms - idle["wall"] * span_ms, 0.0),
        "net_cpu_ms": max(cpu_ms - idle["cpu"] * span_ms, 0.0),
        "longest_ms": max((task["dur"] for task in window), default=0) / 1000,
        "longest_cpu_ms": max((task["cpu"] for task in window), default=0) / 1000,
        "style_layout_ms": sum(task["style_layout"] for task in window) / 1000,
        "paint_ms": sum(task["paint"] for task in window) / 1000,
        "gc_ms": sum(task["gc"] for task in window) / 1000,
        "tasks": len(window),
        "span_ms": span_ms,
    }


def idle_cost(browser, page, url_prefix: str) -> dict[str, float]:
    """Return main-thread wall and CPU ms per ms while no refresh runs (the 250 ms tick)."""
    browser.start_tracing(page=page, categories=_stack.TRACE_CATEGORIES)
    page.evaluate("() => console.timeStamp('bench-idle-start')")
    time.sleep(IDLE_TRACE_SECONDS)
    page.evaluate("() => console.timeStamp('bench-idle-end')")
    tasks, marks = _stack.main_thread_tasks(browser.stop_tracing(), url_prefix)
    start, end = marks["bench-idle-start"], marks["bench-idle-end"]
    window = _stack.tasks_between(tasks, start, end)
    # The first task is the probe that set the start label, not idle work.
    return {"wall": sum(task["dur"] for task in window[1:]) / (end - start),
            "cpu": sum(task["cpu"] for task in window[1:]) / (end - start)}


def pending_on_screen(page) -> list[int]:
    return page.evaluate("""() => [...document.querySelectorAll('#job-rows tr[data-job-id][data-status="PENDING"]')]
                             .map((row) => Number(row.dataset.jobId))""")


def open_frozen(browser, url: str, frozen: float, errors: list[str], probe: bool):
    """Open url in a new context with Date frozen at frozen; return the page once its table is drawn."""
    context = browser.new_context(**_stack.CONTEXT_OPTIONS)
    if probe:
        context.add_init_script(_stack.MPY_PROBE)
    page = context.new_page()
    _stack.watch_errors(page, errors)
    page.clock.set_fixed_time(frozen)
    page.goto(url)
    _stack.wait_ready(page)
    rows = page.evaluate("() => document.querySelectorAll('#job-rows tr[data-job-id]').length")
    if rows != 100:
        raise RuntimeError(f"expected 100 rows on screen at {url}, found {rows}")
    # Two cycles first: the console's first refresh after load may still settle
    # the clock offset, and the baselines' first one records the rows they compare with.
    for _ in range(2):
        before = _stack.refresh_count(page)
        page.evaluate(TRIGGER_JS)
        wait_refresh(page, before)
    return page


def frozen_cycles(browser, stack: Stack, clock: FakeClock, cycles: int,
                  errors: list[str]) -> tuple[dict, dict]:
    """Run the cycles on the console and both baselines in turns; return figures and idle costs by page."""
    frozen = clock.now().replace(tzinfo=timezone.utc).timestamp()
    # Each page's trace events are picked out by its frame's address.
    pages = {
        "console": (open_frozen(browser, stack.url + "?size=100", frozen, errors, probe=True), stack.url + "?"),
        "plain": (open_frozen(browser, stack.plain_url, frozen, errors, probe=False), stack.plain_url),
        "floor": (open_frozen(browser, stack.floor_render_url, frozen, errors, probe=False), stack.floor_render_url),
    }
    idle = {name: idle_cost(browser, page, prefix) for name, (page, prefix) in pages.items()}

    results = {name: {"unchanged": [], "changed": []} for name in pages}
    candidates = pending_on_screen(pages["console"][0])
    if len(candidates) < cycles:
        raise RuntimeError(f"only {len(candidates)} PENDING jobs on screen; need {cycles} to cancel")
    for index in range(cycles):
        kinds = ("unchanged", "changed") if index % 2 == 0 else ("changed", "unchanged")
        names = ("console", "plain", "floor") if index % 2 == 0 else ("floor", "plain", "console")
        for kind in kinds:
            changed_id = None
            if kind == "changed":
                # Every page refreshes after this cancel, so each finds one changed job.
                changed_id = candidates[index]
                status, body = stack.api.cancel(changed_id)
                if status != 200:
                    raise RuntimeError(f"cancel of job {changed_id} failed with {status}: {body}")
            for name in names:
                page, prefix = pages[name]
                cycle = run_cycle(browser, page, prefix, idle[name])
                cycle.update(describe_mutations(cycle["records"], changed_id))
                cycle["changed_id"] = changed_id
                results[name][kind].append(cycle)
        print(f"frozen cycle pair {index + 1}/{cycles} done", file=sys.stderr)

    for page, _prefix in pages.values():
        page.context.close()
    return results, idle


def real_clock_page(browser, stack: Stack, seconds: float, errors: list[str]) -> tuple[dict | None, list]:
    """Open the console with the real clock and 1 s refreshes; return part 2's and part 3's figures."""
    context = browser.new_context(**_stack.CONTEXT_OPTIONS)
    context.add_init_script("localStorage.setItem('jobs-console.interval', '1')")
    context.add_init_script(_stack.MPY_PROBE)
    page = context.new_page()
    _stack.watch_errors(page, errors)
    page.goto(stack.url + "?size=100")
    _stack.wait_ready(page)
    time.sleep(2)
    drift = drift_cycles(browser, page, stack, seconds) if seconds > 0 else None
    page.evaluate("code => window.__mpy.runPython(code)", PROFILE_PY)
    profile = json.loads(page.evaluate("window.__benchProfile"))
    context.close()
    return drift, profile


def drift_cycles(browser, page, stack: Stack, seconds: float) -> dict:
    """Watch the page for seconds; return mutations and main-thread time per second."""
    before = _stack.refresh_count(page)
    page.evaluate(OBSERVE_JS)
    browser.start_tracing(page=page, categories=_stack.TRACE_CATEGORIES)
    page.evaluate("() => console.timeStamp('bench-drift-start')")
    time.sleep(seconds)
    page.evaluate("() => console.timeStamp('bench-drift-end')")
    trace = browser.stop_tracing()
    records = page.evaluate(TAKE_MUTATIONS_JS)
    refreshes = _stack.refresh_count(page) - before
    tasks, marks = _stack.main_thread_tasks(trace, stack.console.url)
    start, end = marks["bench-drift-start"], marks["bench-drift-end"]
    window = _stack.tasks_between(tasks, start, end)
    span_s = (end - start) / 1e6
    clock_texts = ("#updated", "#counts-time", "#totals-time")
    return {
        "seconds": span_s,
        "refreshes": refreshes,
        "total": len(records),
        "not_rel": len([r for r in records if not r["rel"]]),
        "not_rel_not_clock": len([r for r in records if not r["rel"] and r["where"] not in clock_texts]),
        "busy_ms_per_s": sum(task["dur"] for task in window) / 1000 / span_s,
        "cpu_ms_per_s": sum(task["cpu"] for task in window) / 1000 / span_s,
        "longest_ms": max((task["dur"] for task in window), default=0) / 1000,
        "longest_cpu_ms": max((task["cpu"] for task in window), default=0) / 1000,
        "top": Counter(label({**r, "row": "*" if r["row"] else None}) for r in records).most_common(8),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=7, help="cycles of each kind, unchanged and one job changed (default 7)")
    parser.add_argument("--drift-seconds", type=float, default=10.0,
                        help="seconds to watch the real-clock page in part 2, 0 to skip (default 10)")
    _stack.add_source_arguments(parser)
    args = parser.parse_args()
    if not 1 <= args.cycles <= 12:
        parser.error(f"invalid --cycles {args.cycles}: expected 1 to 12 (the seed has about 15 PENDING jobs on screen)")
    return args


def main() -> int:
    args = parse_args()
    errors: list[str] = []
    started = time.monotonic()
    clock = FakeClock(_stack.half_second_now())
    with Stack(jobs=120, clock=clock, overlay=args.overlay, commit=args.commit) as stack, sync_playwright() as playwright:
        args.version = stack.version
        browser = launch_chromium(playwright)
        try:
            results, idle = frozen_cycles(browser, stack, clock, args.cycles, errors)
            drift, profile = real_clock_page(browser, stack, args.drift_seconds, errors)
        finally:
            browser.close()
    report(args, results, idle, profile, drift, errors, time.monotonic() - started)
    return 0


PAGE_NAMES = {"console": "console", "plain": "plain.html", "floor": "floor-render.html"}
KIND_NAMES = {"unchanged": "nothing changed", "changed": "one job canceled"}


def report(args, all_results, idle, profile, drift, errors, elapsed) -> None:
    print(f"\n## Refresh cost, 100 rows on screen, {args.cycles} cycles of each kind")
    print(_stack.machine_line())
    print(args.version)
    idle_text = ", ".join(f"{PAGE_NAMES[name]} {cost['cpu'] * 1000:.1f} ms CPU ({cost['wall'] * 1000:.1f} ms wall) per s"
                          for name, cost in idle.items())
    print(f"run time {elapsed:.0f} s; idle cost with the clock frozen (the console's 250 ms tick, "
          f"Playwright's fake clock), subtracted from each cycle: {idle_text}\n")

    medians = {}
    rows = []
    for page_name, results in all_results.items():
        for kind, name in KIND_NAMES.items():
            cycles = results[kind]
            median = lambda key: statistics.median(cycle[key] for cycle in cycles)  # noqa: E731
            medians[page_name, kind] = median("net_cpu_ms")
            rows.append([f"{PAGE_NAMES[page_name]}, {name}", f"{median('total'):.0f}", f"{median('changed_row'):.0f}",
                         f"{median('other_rows'):.0f}", f"{median('outside_rows'):.0f}", f"{median('net_cpu_ms'):.1f}",
                         _stack.spread([cycle["net_cpu_ms"] for cycle in cycles]), f"{median('net_ms'):.1f}",
                         f"{median('longest_cpu_ms'):.1f}", f"{median('style_layout_ms'):.1f}",
                         f"{median('paint_ms'):.1f}", f"{median('gc_ms'):.1f}", f"{median('tasks'):.0f}"])
    print_table(["cycle", "mutations", "in changed row", "in other rows", "outside rows", "main-thread CPU ms",
                 "CPU min–max", "wall ms", "longest task CPU ms", "style+layout ms", "paint ms", "JS GC ms",
                 "tasks"], rows)

    # plain.html does the same requests and patches the same cells in plain
    # JavaScript, and floor-render.html in the simplest Python, both without
    # charts: what the browser and the requests cost, then what Python adds.
    print("\nAgainst plain.html in the same run (main-thread CPU, medians):\n")
    table = []
    for kind, name in KIND_NAMES.items():
        plain = medians["plain", kind]
        for page_name in ("console", "floor"):
            ms = medians[page_name, kind]
            table.append([f"{PAGE_NAMES[page_name]}, {name}", f"{ms:.1f}", f"{plain:.1f}",
                          f"{ms / plain:.2f}x" if plain else "–", f"{ms - plain:.1f}"])
    print_table(["cycle", "ms", "plain.html ms", "ratio to plain", "more than plain, ms"], table)

    results = all_results["console"]
    unchanged = statistics.median(cycle["total"] for cycle in results["unchanged"])
    changed_other = max(cycle["other_rows"] for cycle in results["changed"])
    # Each kind of cycle has to meet the target on its own, so the slower median decides.
    cpu = {kind: statistics.median(cycle["net_cpu_ms"] for cycle in results[kind]) for kind in results}
    wall = {kind: statistics.median(cycle["net_ms"] for cycle in results[kind]) for kind in results}
    cycle_cpu = max(cpu.values())
    print()
    print_table(["target (the console)", "measured", "result"], [
        ["0 mutations when nothing changed", f"{unchanged:.0f} (median)", verdict(unchanged == 0)],
        ["one job changed: only that row's changed cells", f"{changed_other} in other rows (max); outside rows below",
         verdict(changed_other == 0)],
        [f"one refresh cycle < {TARGET_MAIN_THREAD_MS:.0f} ms main thread",
         f"nothing changed {cpu['unchanged']:.1f} ms CPU ({wall['unchanged']:.1f} wall), "
         f"one job changed {cpu['changed']:.1f} ms CPU ({wall['changed']:.1f} wall), medians",
         verdict(cycle_cpu < TARGET_MAIN_THREAD_MS)],
    ])

    for kind, name in (("unchanged", "nothing changed"), ("changed", "one job canceled")):
        sample = results[kind][-1]
        print(f"\nMutations of the last '{name}' cycle"
              + (f" (job {sample['changed_id']} canceled):" if sample["changed_id"] else ":"))
        counts = Counter(label(record) for record in sample["records"])
        print_table(["where", "count"], [[text, count] for text, count in counts.most_common()] or [["none", 0]])

    if drift is not None:
        print(f"\nReal clock, interval 1 s, watched {drift['seconds']:.1f} s ({drift['refreshes']} refreshes):\n")
        per_second = lambda value: f"{value / drift['seconds']:.1f}"  # noqa: E731
        print_table(["figure", "per second"], [
            ["mutations, all", per_second(drift["total"])],
            ["mutations outside .rel cells", per_second(drift["not_rel"])],
            ["mutations outside .rel cells and clock texts", per_second(drift["not_rel_not_clock"])],
            ["main-thread CPU ms", f"{drift['cpu_ms_per_s']:.1f}"],
            ["main-thread wall ms", f"{drift['busy_ms_per_s']:.1f}"],
        ])
        print(f"longest task {drift['longest_cpu_ms']:.1f} ms CPU ({drift['longest_ms']:.1f} ms wall); "
              "most frequent mutations (rows merged as *):")
        print_table(["where", "count"], [[text, count] for text, count in drift["top"]])

    print("\nPython-level costs inside the page (median of 5, ms):\n")
    print_table(["step", "ms"], [[name, f"{ms:.1f}"] for name, ms in profile])

    _stack.print_errors(errors)


if __name__ == "__main__":
    sys.exit(main())
