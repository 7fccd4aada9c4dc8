"""Run a probe script under CPython or MicroPython, for the tests that compare the two.

MicroPython is the page's own build, the vendored WebAssembly interpreter, run
by Node through run_micropython.mjs. Without Node, a ``micropython`` binary
(the Unix port) on PATH is used instead. MICROPYTHON is the command, or None
when neither is found.
"""

import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 60
CPYTHON = [sys.executable]


def _micropython_command():
    node = shutil.which("node")
    if node is not None:
        return [node, str(Path(__file__).with_name("run_micropython.mjs"))]
    binary = shutil.which("micropython")
    return [binary] if binary is not None else None


MICROPYTHON = _micropython_command()
SKIP_REASON = ("neither node nor a micropython binary is on PATH, so %s not run under MicroPython; "
               "install Node.js (apt-get install nodejs) to run this check")


def run_probe_script(command, folder, name, body):
    """Write body to folder/name after a line setting ROOT to the repository root, run it with command, and return its output lines."""
    script = folder / name
    script.write_text("ROOT = %r\n" % str(REPO_ROOT) + body, encoding="utf-8")
    completed = subprocess.run(command + [str(script)], capture_output=True, text=True,
                               encoding="utf-8", timeout=TIMEOUT_SECONDS, cwd=folder)
    assert completed.returncode == 0, "%s failed:\n%s" % (" ".join(command), completed.stderr)
    return completed.stdout.splitlines()
