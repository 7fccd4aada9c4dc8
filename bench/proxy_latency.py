"""Measure what serve.py's /api/ proxy adds to the jobs API's latency and throughput.

Usage: python bench/proxy_latency.py [--jobs 120] [--rounds 4] [--requests-c1 50] [--requests-per-client 12]

The script starts the bundled simulator and serve.py as two subprocesses on
free loopback ports, fills the simulator with jobs and sends
`GET /jobs?limit=100` both straight to the simulator and through the proxy
(`GET /api/jobs?limit=100`). Each client thread keeps one persistent
connection, so neither path pays for connection setup. Both paths run at
concurrency 1 and 32, alternating over several rounds so that drift and
bursts of load from other programs affect both alike. It prints median and p95 latency, throughput and errors per path,
then the ratios against these targets:

- median latency through the proxy at concurrency 1 <= 1.3 x direct;
- no errors at concurrency 32;
- throughput through the proxy at concurrency 32 >= 0.8 x direct.

The exit code is 1 when a target is missed. The jobs are scheduled far in the
future, so no job changes state during the run and every response has the
same size. The numbers depend on the machine: the client threads, the proxy
and the simulator share its CPUs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import queue
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HIGH_CONCURRENCY = 32
START_TIMEOUT_SECONDS = 15
REQUEST_TIMEOUT_SECONDS = 10
FAR_FUTURE = "2099-01-01T00:00:00"

MAX_LATENCY_RATIO = 1.3
MIN_THROUGHPUT_RATIO = 0.8

# Runs the simulator in its own process and prints its URL once it listens.
SIMULATOR_CODE = """
from sandbox import make_server
server = make_server(host="127.0.0.1", port=0, seed=1, demo=False)
print(server.url, flush=True)
server.serve_forever()
"""


@dataclass
class PhaseResult:
    path_name: str
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed_seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=20, method="inclusive")[18]

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed_seconds

    def merge(self, other: PhaseResult) -> None:
        self.latencies_ms.extend(other.latencies_ms)
        self.errors += other.errors
        self.elapsed_seconds += other.elapsed_seconds


# --- processes ------------------------------------------------------------------


def start_process(name: str, command: list[str], first_line_prefix: str) -> tuple[subprocess.Popen, str]:
    """Start a process and return it with the first stdout line that has the prefix."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    # A reader thread lets the wait below time out even if the process
    # prints nothing at all.
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    lines_seen = []
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            break
        lines_seen.append(line)
        if line.startswith(first_line_prefix):
            return process, line.strip()
    stop_process(process)
    raise RuntimeError(
        f"{name} did not start within {START_TIMEOUT_SECONDS} s: expected a line "
        f"starting with {first_line_prefix!r}, got {lines_seen!r}"
    )


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def create_jobs(api_url: str, count: int) -> None:
    parts = urllib.parse.urlsplit(api_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        for index in range(count):
            query = urllib.parse.urlencode({"message": f"bench job {index}", "next_attempt_at": FAR_FUTURE})
            connection.request("POST", f"/job/new?{query}")
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"creating job {index} failed with status {response.status}")
    finally:
        connection.close()


# --- load -----------------------------------------------------------------------


def run_client(
    host: str,
    port: int,
    path: str,
    requests: int,
    start: threading.Barrier,
    result: PhaseResult,
    lock: threading.Lock,
) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_SECONDS)
    latencies = []
    errors = 0
    # Connecting before the start keeps connection setup out of the figures.
    try:
        connection.connect()
    except OSError:
        errors += 1
    start.wait()
    for _ in range(requests):
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_SECONDS)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()
    with lock:
        result.latencies_ms.extend(latencies)
        result.errors += errors


def run_phase(path_name: str, url: str, path: str, concurrency: int, requests_per_client: int) -> PhaseResult:
    parts = urllib.parse.urlsplit(url)
    result = PhaseResult(path_name, concurrency)
    lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)
    clients = [
        threading.Thread(
            target=run_client,
            args=(parts.hostname, parts.port, path, requests_per_client, start, result, lock),
        )
        for _ in range(concurrency)
    ]
    for client in clients:
        client.start()
    start.wait()
    started = time.perf_counter()
    for client in clients:
        client.join()
    result.elapsed_seconds = time.perf_counter() - started
    return result


# --- report ---------------------------------------------------------------------


def print_table(results: list[PhaseResult]) -> None:
    print(f"{'path':<8} {'conc':>4} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    for result in results:
        print(
            f"{result.path_name:<8} {result.concurrency:>4} {result.requests:>8} {result.errors:>6} "
            f"{result.median_ms:>8.2f} {result.p95_ms:>8.2f} {result.throughput:>8.0f}"
        )


def check_targets(results: dict[tuple[str, int], PhaseResult]) -> bool:
    latency_ratio = results["proxy", 1].median_ms / results["direct", 1].median_ms
    throughput_ratio = results["proxy", HIGH_CONCURRENCY].throughput / results["direct", HIGH_CONCURRENCY].throughput
    errors = results["proxy", HIGH_CONCURRENCY].errors + results["direct", HIGH_CONCURRENCY].errors
    checks = [
        (
            f"proxy/direct median latency at c=1: {latency_ratio:.2f} (target <= {MAX_LATENCY_RATIO})",
            latency_ratio <= MAX_LATENCY_RATIO,
        ),
        (
            f"proxy/direct throughput at c={HIGH_CONCURRENCY}: {throughput_ratio:.2f} (target >= {MIN_THROUGHPUT_RATIO})",
            throughput_ratio >= MIN_THROUGHPUT_RATIO,
        ),
        (f"errors at c={HIGH_CONCURRENCY}: {errors} (target 0)", errors == 0),
    ]
    for text, met in checks:
        print(f"{'ok  ' if met else 'MISS'} {text}")
    return all(met for _, met in checks)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=120, help="jobs to create in the simulator (default: 120)")
    parser.add_argument(
        "--requests-c1",
        type=int,
        default=50,
        help="requests per path and round at concurrency 1 (default: 50)",
    )
    parser.add_argument(
        "--requests-per-client",
        type=int,
        default=12,
        help=f"requests per client and round at concurrency {HIGH_CONCURRENCY} (default: 12)",
    )
    parser.add_argument("--rounds", type=int, default=4, help="rounds over both paths (default: 4)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    python = sys.executable

    simulator, simulator_url = start_process("the simulator", [python, "-c", SIMULATOR_CODE], "http://")
    proxy = None
    try:
        create_jobs(simulator_url, args.jobs)
        proxy, serving_line = start_process(
            "serve.py",
            [python, "serve.py", "--api", simulator_url, "--port", "0"],
            "Serving the jobs console at ",
        )
        proxy_url = serving_line.removeprefix("Serving the jobs console at ").rstrip("/")
        targets = {
            "direct": (simulator_url, "/jobs?limit=100"),
            "proxy": (proxy_url, "/api/jobs?limit=100"),
        }

        # Warm-up opens the client and upstream connections before measuring.
        for name, (url, path) in targets.items():
            run_phase(name, url, path, HIGH_CONCURRENCY, 3)

        results: dict[tuple[str, int], PhaseResult] = {}
        for round_number in range(args.rounds):
            order = ["direct", "proxy"] if round_number % 2 == 0 else ["proxy", "direct"]
            for concurrency, per_client in ((1, args.requests_c1), (HIGH_CONCURRENCY, args.requests_per_client)):
                for name in order:
                    url, path = targets[name]
                    phase = run_phase(name, url, path, concurrency, per_client)
                    if (name, concurrency) in results:
                        results[name, concurrency].merge(phase)
                    else:
                        results[name, concurrency] = phase
    finally:
        if proxy is not None:
            stop_process(proxy)
        stop_process(simulator)

    print(
        f"GET /jobs?limit=100 over {args.jobs} jobs, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, persistent connections, {args.rounds} alternating rounds"
    )
    print_table([results[key] for key in sorted(results, key=lambda key: (key[1], key[0]))])
    return 0 if check_targets(results) else 1


if __name__ == "__main__":
    sys.exit(main())
