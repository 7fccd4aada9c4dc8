"""Time the console's first table of 100 jobs against a plain JavaScript page.

Usage: .venv/bin/python bench/load.py [--runs 9] [--jobs 120] [--commit REV] [--overlay DIR] [--candidate DIR]

One serve.py console server serves both pages from a temporary copy of the
console's files (see _stack.py): the PyScript console at ``/?size=100`` and
bench/plain.html, which fetches the same ``/api/jobs?limit=100`` and fills the
same table with plain JavaScript. The simulator contains 120 settled jobs.

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
``mpy:done`` events, as medians over the cold and the warm loads.
``--candidate DIR`` adds a third page to every round: the console with the
files in DIR laid over the same source, served by a second stack with the
same jobs, so a proposed change is compared under the same machine load. Nothing
here asserts: the script prints and exits 0 unless a page fails to load.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import _stack
from _stack import Stack, launch_chromium, print_table, verdict

TARGETS = {"cold": 2.5, "warm": 1.5, "fcp": 1.2}


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
    _stack.add_source_arguments(parser)
    parser.add_argument("--candidate", type=Path, metavar="DIR",
                        help="also load, interleaved, a console with this folder of changed files laid over the "
                             "same source (a second stack with the same jobs), to compare a proposed change")
    args = parser.parse_args()
    if args.runs < 7:
        parser.error(f"invalid --runs {args.runs}: the medians need at least 7")
    if args.jobs < 100:
        parser.error(f"invalid --jobs {args.jobs}: the table needs at least 100 jobs")
    return args


def main() -> int:
    args = parse_args()
    errors: list[str] = []
    pages = ("console", "plain", "candidate") if args.candidate else ("console", "plain")
    args.pages = pages
    samples = {(page, kind): [] for page in pages for kind in ("cold", "warm")}
    started = time.monotonic()
    with contextlib.ExitStack() as resources:
        stack = resources.enter_context(Stack(jobs=args.jobs, overlay=args.overlay, commit=args.commit))
        args.version = stack.version
        args.template_note = ("plain.html's row template matches index.html's" if stack.plain_template_matches else
                              "NOTE: plain.html's row template differs from index.html's: copy the console's "
                              "current shell into bench/plain.html")
        urls = {"console": stack.url + "?size=100", "plain": stack.plain_url}
        if args.candidate:
            # A second stack with the same seeded jobs serves the changed files.
            candidate = resources.enter_context(Stack(jobs=args.jobs, overlay=args.candidate, commit=args.commit))
            args.candidate_version = candidate.version
            urls["candidate"] = candidate.url + "?size=100"
        playwright = resources.enter_context(sync_playwright())
        browser = launch_chromium(playwright)
        try:
            for round_index in range(args.runs):
                shift = round_index % len(pages)
                order = pages[shift:] + pages[:shift]
                for name in order:
                    cold, warm = _stack.load_cold_and_warm(browser, urls[name], errors)
                    samples[(name, "cold")].append(cold)
                    samples[(name, "warm")].append(warm)
                cold_ready = ", ".join(f"{name} {samples[(name, 'cold')][-1]['ready']:.0f} ms" for name in pages)
                print(f"round {round_index + 1}/{args.runs}, cold: {cold_ready}", file=sys.stderr)
        finally:
            browser.close()
    report(args, samples, errors, time.monotonic() - started)
    return 0


def report(args, samples, errors: list[str], elapsed: float) -> None:
    print(f"\n## Load: first table of 100 jobs, {args.runs} rounds, {args.jobs} jobs in the API")
    print(_stack.machine_line())
    print(args.version)
    if args.candidate:
        print(f"candidate: {args.candidate_version}")
    print(args.template_note)
    print(f"run time {elapsed:.0f} s\n")

    rows = []
    for name in args.pages:
        for kind in ("cold", "warm"):
            loads = samples[(name, kind)]
            ready = [load["ready"] for load in loads]
            fcp = [load["fcp"] for load in loads if load["fcp"] is not None]
            rows.append([name, kind, f"{statistics.median(ready):.0f}", _stack.spread(ready),
                         f"{statistics.median(fcp):.0f} ({len(fcp)} of {len(loads)})" if fcp else "–",
                         _stack.spread(fcp) if fcp else "–",
                         f"{statistics.median([len(load['resources']) for load in loads]):.0f}"])
    print_table(["page", "load", "ready ms (median)", "ready min–max", "FCP ms (median, loads with one)", "FCP min–max",
                 "requests before ready"], rows)

    print()
    ratio_rows = []
    for name in [page for page in args.pages if page != "plain"]:
        for kind in ("cold", "warm"):
            console = statistics.median(load["ready"] for load in samples[(name, kind)])
            plain = statistics.median(load["ready"] for load in samples[("plain", kind)])
            ratio = console / plain
            ratio_rows.append([f"{name}: {kind} load to first table", f"{ratio:.2f}x", f"<= {TARGETS[kind]}x",
                               verdict(ratio <= TARGETS[kind])])
        for kind in ("cold", "warm"):
            # A load can lack a first-contentful-paint entry, so only loads that have one count.
            console = statistics.median(load["fcp"] for load in samples[(name, kind)] if load["fcp"] is not None)
            plain = statistics.median(load["fcp"] for load in samples[("plain", kind)] if load["fcp"] is not None)
            ratio = console / plain
            ratio_rows.append([f"{name}: shell first contentful paint, {kind}", f"{ratio:.2f}x",
                               f"<= {TARGETS['fcp']}x", verdict(ratio <= TARGETS["fcp"])])
    print_table(["page / plain (medians)", "ratio", "target", "result"], ratio_rows)

    print("\nWhere the console's time goes (median ms from navigation start):\n")
    phase_rows = []
    consoles = [page for page in args.pages if page != "plain"]
    phases = {(name, kind): [console_phases(load) for load in samples[(name, kind)]]
              for name in consoles for kind in ("cold", "warm")}
    for moment in phases[("console", "cold")][0]:
        phase_rows.append([moment] + [median_or_dash([p[moment] for p in phases[(name, kind)]])
                                      for name in consoles for kind in ("cold", "warm")])
    print_table(["moment"] + [f"{name} {kind}" for name in consoles for kind in ("cold", "warm")], phase_rows)

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
