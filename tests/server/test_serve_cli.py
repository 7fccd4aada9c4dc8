"""`python serve.py` as a user runs it: start-up output, errors and shutdown."""

from __future__ import annotations

import importlib.util
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import serve
from serve_testkit import Client

SERVE_SCRIPT = Path(serve.__file__)
# A process started from a non-interactive shell can inherit an ignored
# SIGINT, and Python then installs no KeyboardInterrupt handler. The
# launcher restores it, so the tests exercise the real Ctrl+C path.
LAUNCHER = (
    "import runpy, signal, sys; "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv = sys.argv[1:]; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)
START_TIMEOUT_SECONDS = 15
has_sandbox = importlib.util.find_spec("sandbox") is not None


class ServeProcess:
    """A running `serve.py` whose output is collected by background threads."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(SERVE_SCRIPT), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._collect, args=(self.process.stdout, self.stdout, self.lines), daemon=True),
            threading.Thread(target=self._collect, args=(self.process.stderr, self.stderr, None), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _collect(stream, lines: list[str], line_queue: queue.Queue | None) -> None:
        for line in stream:
            lines.append(line)
            if line_queue is not None:
                line_queue.put(line)

    def wait_for_line(self, prefix: str) -> str:
        while True:
            try:
                line = self.lines.get(timeout=START_TIMEOUT_SECONDS)
            except queue.Empty:
                raise AssertionError(f"serve.py printed no line starting with {prefix!r}: {self.stdout!r}") from None
            if line.startswith(prefix):
                return line.strip()

    def stop(self, signal_number: int) -> tuple[int, str]:
        """Send a signal, wait for exit and return the exit code and stderr."""
        self.process.send_signal(signal_number)
        try:
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        for reader in self._readers:
            reader.join(timeout=5)
        return self.process.returncode, "".join(self.stderr)


def run_serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SERVE_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_SECONDS,
    )


def test_port_in_use_exits_with_message(fake_upstream):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run_serve("--api", fake_upstream.url, "--port", str(port))

    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--allow-origin", "*"], "'*' is not supported"),
        (["--allow-origin", "localhost:5173"], "invalid origin"),
        (["--timeout", "0"], "invalid --timeout"),
        (["--port", "70000"], "invalid --port"),
    ],
)
def test_invalid_option_rejected(capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        serve.parse_args(["--api", "http://127.0.0.1:8000", *args])

    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_invalid_api_url_rejected():
    result = run_serve("--api", "ftp://127.0.0.1:21", "--port", "0")

    assert result.returncode == 1
    assert "invalid API URL 'ftp://127.0.0.1:21'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_api_option_serves_until_signal(fake_upstream, signal_number):
    server = ServeProcess("--api", fake_upstream.url, "--port", "0", "--timeout", "2")
    try:
        url_line = server.wait_for_line("Serving the jobs console at ")
        api_line = server.wait_for_line("Jobs API: ")
        url = url_line.removeprefix("Serving the jobs console at ").rstrip("/")
        client = Client(url)
        try:
            reply = client.get("/api/jobs?cli=1")
            versions = client.get("/static/vendor/VERSIONS")
        finally:
            client.close()
    finally:
        returncode, stderr = server.stop(signal_number)

    assert url.startswith("http://127.0.0.1:")
    assert api_line == f"Jobs API: {fake_upstream.url} (--api)"
    assert reply.status == 200
    assert reply.json()["path"] == "/jobs?cli=1"
    assert versions.status == 200
    assert returncode == 0
    assert "Stopped." in "".join(server.stdout)
    assert "Traceback" not in stderr
    assert "GET /api/jobs?cli=1 200 " in stderr


def test_unreachable_api_warned_at_start():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    server = ServeProcess("--api", f"http://127.0.0.1:{free_port}", "--port", "0")
    try:
        server.wait_for_line("Press Ctrl+C to stop.")
    finally:
        returncode, stderr = server.stop(signal.SIGINT)

    assert returncode == 0
    assert f"Warning: the jobs API at http://127.0.0.1:{free_port} is not reachable" in stderr


@pytest.mark.skipif(not has_sandbox, reason="the sandbox package (the API simulator) is missing")
@pytest.mark.parametrize(("extra_args", "jobs_label"), [([], "demo jobs"), (["--empty"], "no jobs")])
def test_default_start_uses_simulator(extra_args, jobs_label):
    server = ServeProcess("--port", "0", *extra_args)
    try:
        url = server.wait_for_line("Serving the jobs console at ").removeprefix("Serving the jobs console at ")
        api_line = server.wait_for_line("Jobs API: ")
        client = Client(url.rstrip("/"))
        try:
            counts = client.get("/api/")
            jobs = client.get("/api/jobs?limit=100")
        finally:
            client.close()
    finally:
        returncode, stderr = server.stop(signal.SIGINT)

    assert api_line.startswith("Jobs API: built-in simulator at http://127.0.0.1:")
    assert api_line.endswith(f"({jobs_label})")
    assert set(counts.json()) == {"pending_count", "running_count"}
    assert jobs.status == 200
    if extra_args:
        assert jobs.json() == []
    else:
        assert len(jobs.json()) > 0
    assert returncode == 0
    assert "Traceback" not in stderr
