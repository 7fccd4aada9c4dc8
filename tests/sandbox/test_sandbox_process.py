"""The simulator as a process: --db persistence, the command line, and slow advances."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sandbox_test_support import START, ApiClient, ServerFactory, stamp

from sandbox import FakeClock

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
PROCESS_TIMEOUT = 10.0


def test_db_keeps_jobs_across_restart(start_server: ServerFactory, tmp_path: Path) -> None:
    database = str(tmp_path / "jobs.sqlite3")
    clock = FakeClock(START)
    first = start_server(db=database, clock=clock)
    api = ApiClient(first.url)
    pending = api.create_job(message="survives restart", next_attempt_at=stamp(START + timedelta(hours=1)))
    ran = api.create_job(message="runs before restart")
    clock.advance(3)
    before = api.get_json("/jobs")
    history_before = api.get_json(f"/job/{ran['job_id']}/history")
    first.shutdown()
    first.server_close()

    second = start_server(db=database, clock=clock)
    api = ApiClient(second.url)
    assert api.get_json("/jobs") == before
    assert api.get_json(f"/job/{ran['job_id']}/history") == history_before
    assert api.get_json(f"/job/{pending['job_id']}")["status"] == "PENDING"
    assert api.create_job()["job_id"] == 3


def test_db_demo_not_seeded_twice(start_server: ServerFactory, tmp_path: Path) -> None:
    database = str(tmp_path / "demo.sqlite3")
    first = start_server(db=database, demo=True)
    count = len(ApiClient(first.url).get_json("/jobs"))
    first.shutdown()
    first.server_close()

    second = start_server(db=database, demo=True)
    assert len(ApiClient(second.url).get_json("/jobs")) == count


def read_line(process: subprocess.Popen[str], deadline: float) -> str:
    """Read one line of the process's stdout, failing the test at ``deadline``."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            raise AssertionError("the simulator printed nothing in time")
        return process.stdout.readline()
    finally:
        selector.close()


# A process started from a non-interactive shell can inherit an ignored SIGINT,
# and Python then installs no KeyboardInterrupt handler. The launcher restores
# it, as a terminal would, so the Ctrl+C test runs the real path.
LAUNCHER = (
    "import runpy, signal, sys; "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('sandbox', run_name='__main__', alter_sys=True)"
)


def run_module(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *arguments],
        cwd=REPOSITORY_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_command_line_serves_and_stops_on_ctrl_c() -> None:
    process = run_module("--port", "0", "--seed", "3", "--demo")
    try:
        banner = read_line(process, time.monotonic() + PROCESS_TIMEOUT)
        match = re.match(r"sandbox jobs API listening on (http://127\.0\.0\.1:\d+) ", banner)
        assert match, banner
        api = ApiClient(match.group(1))
        assert api.get("/").status == 200
        assert api.get("/nowhere").status == 404
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert "sandbox jobs API stopped" in stdout
    log_lines = [line for line in stderr.splitlines() if " GET /" in line]
    assert len(log_lines) == 2
    assert re.search(r" GET / 200 \d+\.\d ms$", log_lines[0]), log_lines[0]
    assert re.search(r" GET /nowhere 404 \d+\.\d ms$", log_lines[1]), log_lines[1]


def test_command_line_stops_on_sigterm() -> None:
    process = run_module("--port", "0")
    try:
        read_line(process, time.monotonic() + PROCESS_TIMEOUT)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_command_line_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = run_module("--port", str(port))
        try:
            stdout, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 1
    assert stdout == ""
    assert f"cannot listen on 127.0.0.1:{port} because the address is already in use" in stderr
    assert "--port" in stderr
    assert "Traceback" not in stderr


def test_command_line_unusable_database(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "jobs.sqlite3"
    process = run_module("--port", "0", "--db", str(missing))
    try:
        _, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 1
    assert "cannot open the database" in stderr
    assert "Traceback" not in stderr


SLOW_JOB_COUNT = 25
SLOW_DELAY = 0.01


def test_many_due_jobs_slow_one_request(start_server: ServerFactory) -> None:
    clock = FakeClock(START)
    server = start_server(clock=clock, transition_delay=SLOW_DELAY)
    for number in range(SLOW_JOB_COUNT):
        server.store.create_job(START, message=f"job {number}", next_attempt_at=START - timedelta(hours=1))
    api = ApiClient(server.url)

    started = time.monotonic()
    counts = api.get_json("/")
    first_seconds = time.monotonic() - started
    started = time.monotonic()
    api.get_json("/")
    second_seconds = time.monotonic() - started

    assert counts == {"pending_count": 0, "running_count": 0}
    # Every job makes at least two transitions (start and finish).
    assert first_seconds >= SLOW_JOB_COUNT * 2 * SLOW_DELAY
    assert second_seconds < first_seconds / 2


def test_client_giving_up_does_not_stop_advance(start_server: ServerFactory) -> None:
    clock = FakeClock(START)
    server = start_server(clock=clock, transition_delay=SLOW_DELAY)
    for number in range(SLOW_JOB_COUNT):
        server.store.create_job(START, message=f"job {number}", next_attempt_at=START - timedelta(hours=1))

    impatient = ApiClient(server.url, timeout=0.05)
    with pytest.raises(TimeoutError):
        impatient.get("/")

    counts = ApiClient(server.url).get_json("/")
    assert counts == {"pending_count": 0, "running_count": 0}
    done = ApiClient(server.url).get_json("/jobs", status="DONE")
    assert len(done) == SLOW_JOB_COUNT
