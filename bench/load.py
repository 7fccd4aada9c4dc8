"""Time the console's first table of 100 jobs against a plain JavaScript page.

Usage: .venv/bin/python bench/load.py [--runs 9] [--jobs 120] [--commit REV] [--overlay DIR] [--candidate DIR]

One serve.py console server serves all pages from a temporary copy of the
console's files (see _stack.py): the PyScript console at ``/?size=100``,
bench/plain.html, which fetches the same ``/api/jobs?limit=100`` and fills the
same table with plain JavaScript, and two runtime floors with the console's
shell, preload hints, interpreter and plugins. bench/floor-empty.html runs
Python that only sets ``body[data-ready]``, so it measures PyScript's start
alone. bench/floor-render.html runs floor-render.py, which does plain.html's
work in the simplest Python, so it measures the cheapest Python renderer. The
simulator contains 120 settled jobs.

Each round opens each page in a new browser context (cold: empty HTTP cache
and no compiled-code cache), then reloads it in that context after a 2 s
pause (warm). Each round starts one page later in the list than the one
before, so load from other programs on the 2-core machine hits all pages
alike. Per load it records, in ms from the navigation's start:

- ready: when ``body[data-ready]`` becomes "1", the first data on screen
  (a MutationObserver in an init script reads ``performance.now()``);
- first-contentful-paint of the page's shell (``performance`` paint entries).

It prints medians with min–max, each page's ratios to plain against the
targets (cold <= 2.5x, warm <= 1.5x, shell first paint <= 1.2x; the floors'
ratios have no verdict), a note per target on whether the floors leave room
to meet it, how the console's gap to plain splits between the runtime's
start, the simplest render and the console's own code, and where the PyScript
pages' time goes: resource timing and PyScript's ``mpy:ready`` and
``mpy:done`` events, as medians over the cold and the warm loads.
``--candidate DIR`` adds one more page to every round: the console with the
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
# Pages with PyScript's runtime but no console code, described in the module docstring.
FLOORS = ("floor-empty", "floor-render")


def first_resource(figures: dict, fragment: str) -> dict | None:
    for resource in figures["resources"]:
        if fragment in resource["url"]:
            return resource
    return None


def console_phases(figures: dict) -> dict[str, float | None]:
    """Split one load of a PyScript page into the moments that bound its phases, in ms."""
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
        "mpy:done (the page's Python top level ran)": figures["events"].get("mpy:done"),
        "first /api/ request sent": api[0]["start"] if api else None,
        "/api/jobs request sent": jobs[0]["start"] if jobs else None,
        "/api/jobs response received": jobs[0]["end"] if jobs else None,
        "data-ready (table on screen; floor-empty: no table)": figures["ready"],
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
    pages = ("console", "plain", *FLOORS) + (("candidate",) if args.candidate else ())
    args.pages = pages
    samples = {(page, kind): [] for page in pages for kind in ("cold", "warm")}
    started = time.monotonic()
    with contextlib.ExitStack() as resources:
        stack = resources.enter_context(Stack(jobs=args.jobs, overlay=args.overlay, commit=args.commit))
        args.version = stack.version
        urls = {"console": stack.url + "?size=100", "plain": stack.plain_url,
                "floor-empty": stack.floor_empty_url, "floor-render": stack.floor_render_url}
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


def median_ready(samples, name: str, kind: str) -> float:
    return statistics.median(load["ready"] for load in samples[(name, kind)])


def median_fcp(samples, name: str, kind: str) -> float:
    # A load can lack a first-contentful-paint entry, so only loads that have one count.
    return statistics.median(load["fcp"] for load in samples[(name, kind)] if load["fcp"] is not None)


def report(args, samples, errors: list[str], elapsed: float) -> None:
    print(f"\n## Load: first table of 100 jobs, {args.runs} rounds, {args.jobs} jobs in the API")
    print(_stack.machine_line())
    print(args.version)
    if args.candidate:
        print(f"candidate: {args.candidate_version}")
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
    print_ratios(args, samples)
    print("\nThe runtime floors against the targets (median ready ms):\n")
    print_floor_budget(args, samples)
    print("\nWhere the console's gap to plain goes (differences of median ready ms):\n")
    print_gap_split(samples)
    print("\nWhere the PyScript pages' time goes (median ms from navigation start):\n")
    print_phases(args, samples)

    print("\nRequests the console made before its first table (last cold load):\n")
    last = samples[("console", "cold")][-1]
    request_rows = [[r["url"].split("/", 3)[-1], f"{r['start']:.0f}", f"{r['end']:.0f}", r["bytes"]]
                    for r in sorted(last["resources"], key=lambda r: r["start"])]
    print_table(["path", "start ms", "end ms", "bytes transferred"], request_rows)

    _stack.print_errors(errors)


def print_ratios(args, samples) -> None:
    """Print each page's ready and first-paint ratios to plain, with a verdict for the consoles only."""
    ratio_rows = []
    for name in [page for page in args.pages if page != "plain"]:
        floor = name in FLOORS
        for kind in ("cold", "warm"):
            ratio = median_ready(samples, name, kind) / median_ready(samples, "plain", kind)
            ratio_rows.append([f"{name}: {kind} load to data-ready", f"{ratio:.2f}x",
                               "floor, see below" if floor else f"<= {TARGETS[kind]}x",
                               "–" if floor else verdict(ratio <= TARGETS[kind])])
        for kind in ("cold", "warm"):
            ratio = median_fcp(samples, name, kind) / median_fcp(samples, "plain", kind)
            ratio_rows.append([f"{name}: shell first contentful paint, {kind}", f"{ratio:.2f}x",
                               "floor" if floor else f"<= {TARGETS['fcp']}x",
                               "–" if floor else verdict(ratio <= TARGETS["fcp"])])
    print_table(["page / plain (medians)", "ratio", "target", "result"], ratio_rows)


def print_floor_budget(args, samples) -> None:
    """Print the ready time each target allows next to the floors' and the consoles', then a note per target.

    The budget is the target ratio times plain's median. A floor above it
    means no page on this runtime, loaded this way, meets the target on
    this machine.
    """
    pages = [page for page in args.pages if page != "plain"]
    rows = []
    notes = []
    for kind in ("cold", "warm"):
        plain = median_ready(samples, "plain", kind)
        budget = TARGETS[kind] * plain
        cells = []
        for name in pages:
            ready = median_ready(samples, name, kind)
            cells.append(f"{ready:.0f} ({ready / plain:.2f}x, {'within' if ready <= budget else 'over'})")
        rows.append([kind, f"<= {TARGETS[kind]}x", f"{plain:.0f}", f"{budget:.0f}"] + cells)
        notes.append(floor_note(kind, plain, median_ready(samples, "floor-empty", kind),
                                median_ready(samples, "floor-render", kind)))
    print_table(["load", "target", "plain", "budget"] + pages, rows)
    print()
    for note in notes:
        print("NOTE: " + note)


def floor_note(kind: str, plain: float, empty: float, render: float) -> str:
    target = TARGETS[kind]
    if empty > target * plain:
        return (f"{kind}: PyScript's start alone (floor-empty) takes {empty / plain:.2f}x plain, above the "
                f"{target}x target, so no page on this runtime, loaded this way, can meet it on this machine.")
    if render > target * plain:
        return (f"{kind}: PyScript's start (floor-empty) takes {empty / plain:.2f}x plain, but the simplest "
                f"Python renderer (floor-render) takes {render / plain:.2f}x, above the {target}x target. "
                f"Only a render cheaper than floor-render's could meet it.")
    return (f"{kind}: the simplest Python renderer (floor-render) takes {render / plain:.2f}x plain, within the "
            f"{target}x target, so whether the console meets it depends on what its own code adds to that work.")


def print_gap_split(samples) -> None:
    rows = []
    for kind in ("cold", "warm"):
        plain = median_ready(samples, "plain", kind)
        empty = median_ready(samples, "floor-empty", kind)
        render = median_ready(samples, "floor-render", kind)
        console = median_ready(samples, "console", kind)
        rows.append([kind, f"{plain:.0f}", f"{empty - plain:.0f}", f"{render - empty:.0f}",
                     f"{console - render:.0f}", f"{console - plain:.0f}"])
    print_table(["load", "plain", "runtime start (floor-empty − plain)",
                 "fetch and render in Python (floor-render − floor-empty)",
                 "console code (console − floor-render)", "gap (console − plain)"], rows)


def print_phases(args, samples) -> None:
    pyscript_pages = [page for page in args.pages if page != "plain"]
    phases = {(name, kind): [console_phases(load) for load in samples[(name, kind)]]
              for name in pyscript_pages for kind in ("cold", "warm")}
    phase_rows = []
    for moment in phases[("console", "cold")][0]:
        phase_rows.append([moment] + [median_or_dash([p[moment] for p in phases[(name, kind)]])
                                      for name in pyscript_pages for kind in ("cold", "warm")])
    print_table(["moment"] + [f"{name} {kind}" for name in pyscript_pages for kind in ("cold", "warm")], phase_rows)


if __name__ == "__main__":
    sys.exit(main())
