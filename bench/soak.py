"""Run 2,000 refresh cycles with jobs changing and compare memory and listeners at start and end.

Usage: .venv/bin/python bench/soak.py [--cycles 2000] [--size 25] [--step-seconds 2] [--max-seconds 540]
       [--commit REV] [--overlay DIR]

2,000 real cycles would take over 33 minutes even at the console's fastest
interval (1 s), so time is simulated instead. The simulator runs on a
FakeClock and the page on Playwright's ``clock.set_fixed_time``. Each cycle
moves both clocks ahead by --step-seconds (default 2 s, the console's default
interval) and dispatches ``visibilitychange``, whose handler calls the
console's ``refresh_now()``. Timers run in real time, so the console's 250 ms
tick still rewrites relative times once per simulated second, and the next
cycle starts as soon as ``window.jobsConsoleRefreshes`` has incremented. The
stored interval is 15 s, so the tick never starts a second refresh within a
cycle. With 2 s steps the run covers 67 simulated minutes, past the 60
minutes that the activity charts keep.

While it runs, every 10th cycle creates a job that runs at once (it goes
PENDING, RUNNING, DONE over the next ~20 simulated seconds), and every 25th
creates a job scheduled 60 s ahead and cancels the previous such job. New
jobs push rows off the page, so rows are created and removed all along.

After 50 warm-up cycles (the start) and every 250 cycles after, it forces
collections and records the figures below. The collections are MicroPython's
``gc.collect()``, then CDP ``HeapProfiler.collectGarbage``.

- JS heap used (CDP ``Runtime.getHeapUsage``), and beside it Blink's own
  heap (its ``embedderHeapUsedSize``), where the DevTools session that
  Playwright drives keeps data for every request: that one grows with the
  request count, and the page cannot free it;
- WebAssembly memory: byteLength of the MicroPython Memory, captured by an
  init script that wraps ``WebAssembly.instantiate*``;
- MicroPython heap in use (``gc.mem_alloc()``) and live JS objects held by
  Python proxies (PyScript's ``proxy_js_ref`` table);
- what the activity charts keep by design: their SVG elements and the
  samples list of the console's ActivityLog;
- event listeners: live ``addEventListener`` registrations counted by an
  init script, CDP ``DOMDebugger.getEventListeners`` summed over window,
  document and every element, and CDP ``Memory.getDOMCounters``.

Targets: JS heap and wasm memory within 5 % of the start, listeners constant.
Part of the JS heap is code that V8 compiles as functions get hot, and it
grows over the first few thousand cycles, then levels off. ``--js-flags
"--no-opt --no-maglev --no-sparkplug"`` turns those compilers off: a
control run whose heap growth is that of the page's own objects.
The run stops early at --max-seconds (default 540) and prints that it did.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta, timezone

from playwright.sync_api import sync_playwright

import _stack
from _stack import FakeClock, Stack, launch_chromium, print_table, verdict

WARM_UP_CYCLES = 50
SAMPLE_EVERY = 250
CREATE_EVERY = 10
SCHEDULE_EVERY = 25
TOLERANCE = 0.05


def count_listeners_cdp(cdp) -> int:
    """Sum DOMDebugger.getEventListeners over window, document and every element."""
    result = cdp.send("Runtime.evaluate", {
        "expression": "[window, document, ...document.querySelectorAll('*')]",
        "objectGroup": "bench-listeners",
    })
    array_id = result["result"]["objectId"]
    properties = cdp.send("Runtime.getProperties", {"objectId": array_id, "ownProperties": True})["result"]
    total = 0
    for item in properties:
        if not item["name"].isdigit():
            continue
        object_id = item.get("value", {}).get("objectId")
        if object_id:
            total += len(cdp.send("DOMDebugger.getEventListeners", {"objectId": object_id})["listeners"])
    cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "bench-listeners"})
    return total


def sample(page, cdp, cycle: int) -> dict:
    python = page.evaluate(_stack.MPY_MEMORY_JS) or {}
    for _ in range(2):
        cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    counters = cdp.send("Memory.getDOMCounters")
    wasm = page.evaluate("() => (window.__wasmMemories || []).map((memory) => memory.buffer.byteLength)")
    listeners = page.evaluate("() => window.__listenerCount()")
    page.evaluate("() => window.__mpy.runPython('window.__benchSamples = len(CONSOLE.activity.samples)')")
    return {
        "cycle": cycle,
        "heap": heap["usedSize"],
        "heap_blink": heap.get("embedderHeapUsedSize"),
        "wasm": sum(wasm),
        "mpy_alloc": python.get("alloc"),
        "proxy_refs": python.get("proxyRefs"),
        "listeners_probe": listeners["total"],
        "listeners_detached": listeners["onDetached"],
        "listeners_cdp": count_listeners_cdp(cdp),
        "listeners_counter": counters["jsEventListeners"],
        "nodes": counters["nodes"],
        "chart_nodes": page.evaluate("() => document.querySelectorAll('#chart-active *, #chart-finished *').length"),
        "activity_samples": page.evaluate("() => window.__benchSamples"),
        "rows": page.evaluate("() => document.querySelectorAll('#job-rows tr[data-job-id]').length"),
    }


def change_jobs(stack: Stack, cycle: int, scheduled: list[int]) -> None:
    if cycle % CREATE_EVERY == 0:
        stack.api.create(f"soak run-now {cycle}")
    if cycle % SCHEDULE_EVERY == 0:
        later = (stack.clock.now() + timedelta(seconds=60)).isoformat()
        scheduled.append(stack.api.create(f"soak scheduled {cycle}", later)["job_id"])
        if len(scheduled) > 1:
            stack.api.cancel(scheduled.pop(0))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=2000, help="refresh cycles after the warm-up (default 2000)")
    parser.add_argument("--size", type=int, default=25, choices=(25, 50, 100), help="rows per page (default 25, the console's default)")
    parser.add_argument("--step-seconds", type=float, default=2.0,
                        help="simulated seconds per cycle (default 2, the console's default interval)")
    parser.add_argument("--max-seconds", type=float, default=540.0, help="stop the cycles after this many seconds (default 540)")
    parser.add_argument("--js-flags", default="",
                        help='V8 flags for Chromium, e.g. "--no-opt --no-maglev --no-sparkplug" for a run without compiled code')
    _stack.add_source_arguments(parser)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    errors: list[str] = []
    started = time.monotonic()
    deadline = _stack.Deadline(args.max_seconds)
    clock = FakeClock(_stack.half_second_now())
    samples = []
    scheduled: list[int] = []
    cycles_done = 0
    with Stack(jobs=200, clock=clock, overlay=args.overlay, commit=args.commit) as stack, sync_playwright() as playwright:
        args.version = stack.version
        browser = launch_chromium(playwright, [f"--js-flags={args.js_flags}"] if args.js_flags else [])
        try:
            context = browser.new_context(**_stack.CONTEXT_OPTIONS)
            context.add_init_script("localStorage.setItem('jobs-console.interval', '15')")
            for probe in (_stack.WASM_PROBE, _stack.LISTENER_PROBE, _stack.MPY_PROBE):
                context.add_init_script(probe)
            page = context.new_page()
            _stack.watch_errors(page, errors)
            epoch = clock.now().replace(tzinfo=timezone.utc).timestamp()
            page.clock.set_fixed_time(epoch)
            page.goto(f"{stack.url}?size={args.size}")
            _stack.wait_ready(page)
            page.wait_for_function("() => !!window.__mpy", timeout=_stack.READY_TIMEOUT_MS)
            cdp = context.new_cdp_session(page)
            cdp.send("HeapProfiler.enable")
            loaded = sample(page, cdp, 0)

            total = WARM_UP_CYCLES + args.cycles
            for cycle in range(1, total + 1):
                if deadline.passed():
                    print(f"stopped at --max-seconds {args.max_seconds:g} after {cycle - 1} cycles", file=sys.stderr)
                    break
                clock.advance(args.step_seconds)
                epoch += args.step_seconds
                page.clock.set_fixed_time(epoch)
                change_jobs(stack, cycle, scheduled)
                before = _stack.refresh_count(page)
                page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
                page.wait_for_function("n => (window.jobsConsoleRefreshes || 0) > n", arg=before, timeout=30000)
                cycles_done = cycle
                if cycle == WARM_UP_CYCLES or (cycle > WARM_UP_CYCLES and (cycle - WARM_UP_CYCLES) % SAMPLE_EVERY == 0):
                    samples.append(sample(page, cdp, cycle))
                    print(f"cycle {cycle}: {samples[-1]}", file=sys.stderr)
            if samples and samples[-1]["cycle"] != cycles_done:
                samples.append(sample(page, cdp, cycles_done))
            context.close()
        finally:
            browser.close()
    report(args, loaded, samples, cycles_done, errors, time.monotonic() - started)
    return 0


def change(start: float, end: float) -> str:
    return f"{(end - start) / start * 100:+.1f} %" if start else "–"


def report(args, loaded: dict, samples: list[dict], cycles_done: int, errors: list[str], elapsed: float) -> None:
    measured = cycles_done - WARM_UP_CYCLES
    print(f"\n## Soak: {measured} refresh cycles after {WARM_UP_CYCLES} warm-up cycles, {args.size} rows a page, "
          f"{args.step_seconds:g} simulated s a cycle")
    print(_stack.machine_line())
    print(args.version)
    if args.js_flags:
        print(f"V8 flags: {args.js_flags}")
    print(f"run time {elapsed:.0f} s ({elapsed / max(cycles_done, 1) * 1000:.0f} ms a cycle, measurement pauses included)\n")

    columns = [("heap", "JS heap used, bytes"), ("heap_blink", "Blink heap (DevTools request data), bytes"),
               ("wasm", "wasm memory, bytes"),
               ("mpy_alloc", "MicroPython heap in use, bytes"), ("proxy_refs", "JS objects held by Python proxies"),
               ("listeners_probe", "listeners (addEventListener count)"),
               ("listeners_detached", "listeners on detached nodes"),
               ("listeners_cdp", "listeners (CDP, window+document+elements)"),
               ("listeners_counter", "listeners (CDP Memory.getDOMCounters)"), ("nodes", "DOM nodes, Memory.getDOMCounters"),
               ("chart_nodes", "elements in the two charts"), ("activity_samples", "ActivityLog samples"),
               ("rows", "rows on screen")]
    print_table(["figure", "after load"] + [f"cycle {s['cycle']}" for s in samples],
                [[title, loaded[key]] + [s[key] for s in samples] for key, title in columns])

    if len(samples) < 2:
        print("\nToo few samples for a verdict.")
        return
    start, end = samples[0], samples[-1]
    rows = [
        ["JS heap within 5 % of start", change(start["heap"], end["heap"]),
         verdict(abs(end["heap"] - start["heap"]) <= TOLERANCE * start["heap"])],
        ["wasm memory within 5 % of start", change(start["wasm"], end["wasm"]),
         verdict(abs(end["wasm"] - start["wasm"]) <= TOLERANCE * start["wasm"])],
        ["listeners constant (all three counts)",
         f"{start['listeners_probe']}→{end['listeners_probe']}, {start['listeners_cdp']}→{end['listeners_cdp']}, "
         f"{start['listeners_counter']}→{end['listeners_counter']}",
         verdict(start["listeners_probe"] == end["listeners_probe"] and start["listeners_cdp"] == end["listeners_cdp"]
                 and start["listeners_counter"] == end["listeners_counter"])],
        [f"{args.cycles} cycles run", str(measured), verdict(measured >= args.cycles)],
    ]
    print()
    print_table(["target", "start→end", "result"], rows)
    middle = samples[len(samples) // 2]
    print(f"\nSecond half only (cycle {middle['cycle']} to {end['cycle']}): JS heap {change(middle['heap'], end['heap'])}, "
          f"DOM nodes {middle['nodes']}→{end['nodes']}, chart elements {middle['chart_nodes']}→{end['chart_nodes']}.")
    heaps = [s["heap"] for s in samples]
    print(f"JS heap over all samples: {min(heaps)} to {max(heaps)} bytes, a spread of "
          f"{(max(heaps) - min(heaps)) / start['heap'] * 100:.1f} % of the start.")
    print(f"MicroPython heap in use: {change(start['mpy_alloc'], end['mpy_alloc'])}; "
          f"JS objects held by Python proxies: {start['proxy_refs']}→{end['proxy_refs']}.")
    _stack.print_errors(errors)


if __name__ == "__main__":
    sys.exit(main())
