"""Run a probe script under CPython or MicroPython, for the tests that compare the two."""

import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MICROPYTHON = shutil.which("micropython")
TIMEOUT_SECONDS = 60


def run_probe_script(interpreter, folder, name, body):
    """Write body to folder/name after a line setting ROOT to the repository root, run it, and return its output lines."""
    script = folder / name
    script.write_text("ROOT = %r\n" % str(REPO_ROOT) + body, encoding="utf-8")
    completed = subprocess.run([interpreter, str(script)], capture_output=True, text=True,
                               encoding="utf-8", timeout=TIMEOUT_SECONDS, cwd=folder)
    assert completed.returncode == 0, "%s failed:\n%s" % (interpreter, completed.stderr)
    return completed.stdout.splitlines()
