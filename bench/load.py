"""Time the console's first table of 100 jobs against a plain JavaScript page.

Usage: .venv/bin/python bench/load.py [--runs 9] [--jobs 120]

One serve.py console server serves both pages from a temporary copy of the
console's files (see _stack.py): the PyScript console at ``/?size=100`` and
bench/plain.html, which fetches the same ``/api/jobs?limit=100`` and fills the
same table with plain JavaScript. The simulator holds 120 settled jobs.

Each round opens each page in a new browser context (cold: empty HTTP cache
and no compiled-code cache), then reloads it in that context after a 2 s
pause (warm). Rounds alternate which page goes first, so load from other
programs on the 2-core machine hits both alike. Per load it records, in ms
from the navigation's start:

- ready: when ``body[data-ready]`` becomes "1", the first data on screen
  (a MutationObserver in an init script reads ``performance.now()``);
- first-contentful-paint of the page's shell (``performance`` paint entries).

It prints medians with min–max, the console-to-plain ratios against the
targets (cold <= 2.5x, warm <= 1.5x, shell first paint <= 1.2x), and where
the console's time goes: resource timing and PyScript's ``mpy:ready`` and
``mpy:done`` events, as medians over the cold and the warm loads. Nothing
here asserts: the script prints and exits 0 unless a page fails to load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from playwright.sync_api import sync_playwright

import _stack
from _stack import Stack, launch_chromium, print_table, verdict

TARGETS = {"cold": 2.5, "warm": 1.5, "fcp": 1.2}
SETTLE_BEFORE_RELOAD_SECONDS = 2.0


def load_cold_and_warm(browser, url: str, errors: list[str]) -> tuple[dict, dict]:
    """Open url in a new context, then reload it there; return both loads' figures."""
    context = browser.new_context(**_stack.CONTEXT_OPTIONS)
    try:
        context.add_init_script(_stack.READY_PROBE)
        context.add_init_script(_stack.PHASE_PROBE)
        page = context.new_page()
        _stack.watch_errors(page, errors)
        page.goto(url)
        _stack.wait_ready(page)
        cold = page.evaluate(_stack.LOAD_FIGURES_JS)
        time.sleep(SETTLE_BEFORE_RELOAD_SECONDS)
        page.reload()
        _stack.wait_ready(page)
        warm = page.evaluate(_stack.LOAD_FIGURES_JS)
    finally:
        context.close()
    return cold, warm


def first_resource(figures: dict, fragment: str) -> dict | None:
    for resource in figures["resources"]:
        if fragment in resource["url"]:
            return resource
    return None


def console_phases(figures: dict) -> dict[str, float | None]:
    """Split one console load into the moments that bound its phases, in ms."""
    wasm = first_resource(figures, "micropython.wasm")
    core = first_resource(figures, "core-")
    api = [r for r in figures["resources"] if "/api/" in r["url"]]
    jobs = [r for r in api if "/api/jobs" in r["url"]]
    python_files = [r for r in figures["resources"] if r["url"].endswith(".py") or r["url"].endswith(".toml")]
    return {
        "HTML received": figures["htmlEnd"],
        "first contentful paint": figures["fcp"],
        "PyScript core loaded": core["end"] if core else None,
        "last .py/.toml file received": max((r["end"] for r in python_files), default=None),
        "micropython.wasm received": wasm["end"] if wasm else None,
        "mpy:ready (interpreter up)": figures["events"].get("mpy:ready"),
        "mpy:done (main.py top level ran)": figures["events"].get("mpy:done"),
        "first /api/ request sent": api[0]["start"] if api else None,
        "/api/jobs request sent": jobs[0]["start"] if jobs else None,
        "/api/jobs response received": jobs[0]["end"] if jobs else None,
        "data-ready (table on screen)": figures["ready"],
    }


def median_or_dash(values: list[float | None]) -> str:
    present = [value for value in values if value is not None]
    return f"{statistics.median(present):.0f}" if present else "–"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="rounds, each one cold and one warm load per page (default 9, at least 7)")
    parser.add_argument("--jobs", type=int, default=120, help="jobs in the simulator (default 120, at least 100)")
    args = parser.parse_args()
    if args.runs < 7:
        parser.error(f"invalid --runs {args.runs}: the medians need at least 7")
    if args.jobs < 100:
        parser.error(f"invalid --jobs {args.jobs}: the table needs at least 100 jobs")
    return args


def main() -> int:
    args = parse_args()
    errors: list[str] = []
    samples = {(page, kind): [] for page in ("console", "plain") for kind in ("cold", "warm")}
    started = time.monotonic()
    with Stack(jobs=args.jobs) as stack, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        urls = {"console": stack.url + "?size=100", "plain": stack.plain_url}
        try:
            for round_index in range(args.runs):
                order = ("console", "plain") if round_index % 2 == 0 else ("plain", "console")
                for name in order:
                    cold, warm = load_cold_and_warm(browser, urls[name], errors)
                    samples[(name, "cold")].append(cold)
                    samples[(name, "warm")].append(warm)
                print(f"round {round_index + 1}/{args.runs}: console cold {samples[('console', 'cold')][-1]['ready']:.0f} ms,"
                      f" plain cold {samples[('plain', 'cold')][-1]['ready']:.0f} ms", file=sys.stderr)
        finally:
            browser.close()
    report(args, samples, errors, time.monotonic() - started)
    return 0


def report(args, samples, errors: list[str], elapsed: float) -> None:
    print(f"\n## Load: first table of 100 jobs, {args.runs} rounds, {args.jobs} jobs in the API")
    print(_stack.machine_line())
    print(_stack.app_version_line())
    print(f"run time {elapsed:.0f} s\n")

    rows = []
    for name in ("console", "plain"):
        for kind in ("cold", "warm"):
            loads = samples[(name, kind)]
            ready = [load["ready"] for load in loads]
            fcp = [load["fcp"] for load in loads if load["fcp"] is not None]
            rows.append([name, kind, f"{statistics.median(ready):.0f}", _stack.spread(ready),
                         f"{statistics.median(fcp):.0f}" if fcp else "–", _stack.spread(fcp) if fcp else "–",
                         f"{statistics.median([len(load['resources']) for load in loads]):.0f}"])
    print_table(["page", "load", "ready ms (median)", "ready min–max", "FCP ms (median)", "FCP min–max",
                 "requests before ready"], rows)

    print()
    ratio_rows = []
    for kind in ("cold", "warm"):
        console = statistics.median(load["ready"] for load in samples[("console", kind)])
        plain = statistics.median(load["ready"] for load in samples[("plain", kind)])
        ratio = console / plain
        ratio_rows.append([f"{kind} load to first table", f"{ratio:.2f}x", f"<= {TARGETS[kind]}x", verdict(ratio <= TARGETS[kind])])
    for kind in ("cold", "warm"):
        console = statistics.median(load["fcp"] for load in samples[("console", kind)])
        plain = statistics.median(load["fcp"] for load in samples[("plain", kind)])
        ratio = console / plain
        ratio_rows.append([f"shell first contentful paint, {kind}", f"{ratio:.2f}x", f"<= {TARGETS['fcp']}x",
                           verdict(ratio <= TARGETS["fcp"])])
    print_table(["console / plain (medians)", "ratio", "target", "result"], ratio_rows)

    print("\nWhere the console's time goes (median ms from navigation start):\n")
    phase_rows = []
    phases = {kind: [console_phases(load) for load in samples[("console", kind)]] for kind in ("cold", "warm")}
    for moment in phases["cold"][0]:
        phase_rows.append([moment, median_or_dash([p[moment] for p in phases["cold"]]),
                           median_or_dash([p[moment] for p in phases["warm"]])])
    print_table(["moment", "cold", "warm"], phase_rows)

    print("\nRequests the console made before its first table (last cold load):\n")
    last = samples[("console", "cold")][-1]
    request_rows = [[r["url"].split("/", 3)[-1], f"{r['start']:.0f}", f"{r['end']:.0f}", r["bytes"]]
                    for r in sorted(last["resources"], key=lambda r: r["start"])]
    print_table(["path", "start ms", "end ms", "bytes transferred"], request_rows)

    if errors:
        print("\nPage errors seen during the run:")
        for text in sorted(set(errors)):
            print("  " + text)


if __name__ == "__main__":
    sys.exit(main())
