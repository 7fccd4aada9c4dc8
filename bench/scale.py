"""Compare the console's time to its first table with 10 jobs in the API and with 10,000.

Usage: .venv/bin/python bench/scale.py [--runs 7] [--large 10000] [--commit REV] [--overlay DIR]

Three stacks run side by side (see _stack.py), with simulators seeded with
10, 100 and 10,000 jobs written straight into their stores. The 100-job
stack is a control: at ``?size=100`` it renders as many rows as the
10,000-job one, so the two differ only in the API's size, while 10 jobs
render only 10 rows. Each round loads the console from every stack,
rotating which goes first, at
the default page size (25 rows, no query) and at ``?size=100``: cold (a new
browser context) and warm (a reload in that context after 2 s). The time is
from the navigation's start until ``body[data-ready]`` becomes "1". After
each load it also waits for the first refresh cycle to finish and counts
its /api/ requests, because the console counts the DONE, CANCELED and
all-jobs totals with one-row probes whose number grows with log2 of the
list's size.

It also times the API's own responses to the two requests the first refresh
makes, ``GET /`` and ``GET /jobs?limit=N``, sent straight to each simulator
(median of 20). It counts the /api/ requests each load made before its
first table, so a growing number of requests shows up as such.

Two baselines load from the same stacks in the same rounds, at 100 rows
like ``?size=100``: ``bench/plain.html`` (the table in JavaScript) and
``bench/floor-render.html`` (the simplest Python page that draws it; see
load.py). With 10 jobs they too draw 10 rows, so their ratios show what
drawing 90 more rows costs a JavaScript page and a Python page on this
runtime, apart from the console's own code.

Target: with 10,000 jobs within 1.1x of the time with 10.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
import urllib.parse

from playwright.sync_api import sync_playwright

import _stack
from _stack import Stack, launch_chromium, print_table, verdict

TARGET_RATIO = 1.1
SMALL = 10
CONTROL = 100
API_SAMPLES = 20


def time_api(url: str, path: str) -> float:
    """Return the median ms of API_SAMPLES GET requests to path on one kept-alive connection."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    times = []
    try:
        for _ in range(API_SAMPLES):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"GET {path} returned {response.status}")
    finally:
        connection.close()
    return statistics.median(times)


def api_requests(figures: dict) -> list[str]:
    return [r["url"].split("/api/", 1)[1] for r in figures["resources"] if "/api/" in r["url"]]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds (default 7, at least 7)")
    parser.add_argument("--large", type=int, default=10000, help="jobs in the large API (default 10000)")
    _stack.add_source_arguments(parser)
    args = parser.parse_args()
    if args.runs < 7:
        parser.error(f"invalid --runs {args.runs}: the medians need at least 7")
    return args


def main() -> int:
    args = parse_args()
    errors: list[str] = []
    started = time.monotonic()
    counts = (SMALL, CONTROL, args.large)
    samples = {(count, page, kind): [] for count in counts for page in PAGES for kind in ("cold", "warm")}
    seeding = {}
    with sync_playwright() as playwright:
        stacks = {}
        try:
            for count in counts:
                seeded_at = time.monotonic()
                stacks[count] = Stack(jobs=count, overlay=args.overlay, commit=args.commit)
                args.version = stacks[count].version
                seeding[count] = time.monotonic() - seeded_at
            api = {count: {"GET /": time_api(stacks[count].api.url, "/"),
                           "GET /jobs?limit=26": time_api(stacks[count].api.url, "/jobs?limit=26"),
                           "GET /jobs?limit=100": time_api(stacks[count].api.url, "/jobs?limit=100")}
                   for count in counts}
            browser = launch_chromium(playwright)
            try:
                for round_index in range(args.runs):
                    shift = round_index % len(counts)
                    order = counts[shift:] + counts[:shift]
                    for page in PAGES:
                        for count in order:
                            url, is_console = page_url(stacks[count], page)
                            cold, warm = _stack.load_cold_and_warm(browser, url, errors, first_cycle=is_console)
                            samples[(count, page, "cold")].append(cold)
                            samples[(count, page, "warm")].append(warm)
                    print(f"round {round_index + 1}/{args.runs} done", file=sys.stderr)
            finally:
                browser.close()
        finally:
            for stack in stacks.values():
                stack.close()
    report(args, counts, samples, api, seeding, errors, time.monotonic() - started)
    return 0


# The pages each round loads from every stack: the console at two page sizes, then the baselines.
PAGES = ("25 rows", "100 rows", "floor-render.html, 100 rows", "plain.html, 100 rows")
CONSOLE_PAGES = PAGES[:2]


def page_url(stack: Stack, page: str) -> tuple[str, bool]:
    """Return the URL of one of PAGES on a stack, and whether it is the console."""
    if page == "25 rows":
        return stack.url, True
    if page == "100 rows":
        return stack.url + "?size=100", True
    if page.startswith("floor-render"):
        return stack.floor_render_url, False
    return stack.plain_url, False


def median_of(loads: list[dict], key) -> float:
    return statistics.median(key(load) for load in loads)


def report(args, counts, samples, api, seeding, errors, elapsed) -> None:
    small, control, large = counts
    print(f"\n## Scale: first table with {small} vs {large} jobs in the API ({control} as a control), {args.runs} rounds")
    print(_stack.machine_line())
    print(args.version)
    print(f"run time {elapsed:.0f} s; seeding the store took {seeding[large]:.1f} s for {large} jobs\n")

    rows = []
    verdicts = []
    for page in PAGES:
        for kind in ("cold", "warm"):
            ready = {count: [load["ready"] for load in samples[(count, page, kind)]] for count in counts}
            ratio = statistics.median(ready[large]) / statistics.median(ready[small])
            control_ratio = statistics.median(ready[large]) / statistics.median(ready[control])
            row = [page, kind]
            for count in counts:
                row += [f"{statistics.median(ready[count]):.0f}", _stack.spread(ready[count])]
            rows.append(row + [f"{ratio:.2f}x", f"{control_ratio:.2f}x"])
            result = verdict(ratio <= TARGET_RATIO) if page in CONSOLE_PAGES else "baseline"
            verdicts.append([f"{page}, {kind}", f"{ratio:.2f}x", f"<= {TARGET_RATIO}x", result])
    headers = ["page", "load"]
    for count in counts:
        headers += [f"{count} jobs: ready ms", "min–max"]
    print_table(headers + [f"{large} / {small}", f"{large} / {control}"], rows)
    print()
    print_table([f"target: {large} jobs within 1.1x of {small}", "ratio", "target", "result"], verdicts)

    print("\nRequests per console load (medians over cold and warm loads at both sizes):\n")
    request_rows = []
    for count in counts:
        loads = [load for page in CONSOLE_PAGES for kind in ("cold", "warm") for load in samples[(count, page, kind)]]
        first_cycle_ms = median_of(loads, lambda load: max(r["end"] for r in load["cycle"]))
        request_rows.append([f"{count} jobs", f"{median_of(loads, lambda load: len(api_requests(load))):.0f}",
                             f"{median_of(loads, lambda load: len(load['cycle'])):.0f}", f"{first_cycle_ms:.0f}"])
    print_table(["API", "/api/ requests before the first table", "/api/ requests in the first refresh cycle",
                 "first cycle's last response, ms"], request_rows)

    print("\nThe API's own time per request, straight to the simulator (median of 20, ms):\n")
    print_table(["request"] + [f"{count} jobs" for count in counts],
                [[path] + [f"{api[count][path]:.1f}" for count in counts] for path in api[small]])

    _stack.print_errors(errors)


if __name__ == "__main__":
    sys.exit(main())
