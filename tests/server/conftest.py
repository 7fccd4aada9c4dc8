"""Fixtures for the serve.py tests: a fake jobs API, a file tree and servers.

Servers bind to 127.0.0.1 on free ports, start once per session and stop at
its end. A per-test fixture clears the fake upstream's canned responses and
request record.
"""

from __future__ import annotations

import gzip
import logging
import os
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parents[1]
for import_path in (REPO_ROOT, TESTS_DIR):
    if str(import_path) not in sys.path:
        sys.path.insert(0, str(import_path))

import serve  # noqa: E402
from serve_testkit import (  # noqa: E402
    ALLOWED_ORIGIN,
    CONSOLE_TIMEOUT_SECONDS,
    SECRET_MARKER,
    Client,
    FakeUpstream,
    LogCapture,
)


# --- A console tree with public and private files --------------------------


def _write(path: Path, content: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)


VENDOR_JS = b"export const runtime = 'vendored';\n" * 40
VENDOR_WASM = b"\x00asm\x01\x00\x00\x00" + bytes(range(256)) * 8
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(scope="session")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a console tree that mirrors the repository layout."""
    base = tmp_path_factory.mktemp("site")
    root = base / "repo"

    public_files = {
        "index.html": "<!doctype html><title>Jobs console</title>\n",
        "main.py": "print('console main')\n",
        "pyscript.toml": 'name = "jobs console"\n',
        "console/__init__.py": '"""Console package."""\n',
        "console/api.py": "BASE = '/api/'\n",
        "static/style.css": "body { margin: 0; }\n",
        "static/app.js": "console.log('app');\n",
        "static/module.mjs": "export default 1;\n",
        "static/data.json": '{"ok": true}\n',
        "static/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
        "static/icon.png": PNG_BYTES,
        "static/vendor/VERSIONS": "pkg=1.0\n",
        "static/vendor/pkg-1.0/core.js": VENDOR_JS,
        "static/vendor/pkg-1.0/core.js.gz": gzip.compress(VENDOR_JS, mtime=0),
        "static/vendor/pkg-1.0/runtime.wasm": VENDOR_WASM,
        "static/vendor/pkg-1.0/runtime.wasm.gz": gzip.compress(VENDOR_WASM, mtime=0),
        "static/vendor/pkg-1.0/core.css": ".py { color: red; }\n",
        "static/vendor/pkg-1.0/LICENSE": "MIT\n",
    }
    private_files = [
        ".git/config",
        ".git/HEAD",
        ".gitignore",
        ".env",
        ".venv/pyvenv.cfg",
        "README.md",
        "serve.py",
        "requirements-test.txt",
        "tests/test_private.py",
        "tests/e2e/conftest.py",
        "sandbox/__init__.py",
        "bench/proxy_latency.py",
        "scripts/vendor.py",
        "console/.hidden.py",
        "console/notes.txt",
        "console/sub/deep.py",
        "static/.secret",
        "static/vendor/.cache/entry.js",
    ]
    for relative, content in public_files.items():
        _write(root / relative, content)
    for relative in private_files:
        _write(root / relative, f"{SECRET_MARKER} {relative}\n")

    # A symlink that points out of the tree and one that points at a
    # private file inside it must both stay hidden.
    _write(base / "outside.txt", f"{SECRET_MARKER} outside\n")
    os.symlink(base / "outside.txt", root / "static" / "outside.txt")
    os.symlink(root / "serve.py", root / "static" / "serve-link.py")
    return root


# --- Servers ---------------------------------------------------------------


@pytest.fixture(scope="session")
def fake_upstream() -> FakeUpstream:
    upstream = FakeUpstream().start()
    yield upstream
    upstream.stop()


@pytest.fixture(autouse=True)
def _reset_fake_upstream(fake_upstream: FakeUpstream) -> None:
    fake_upstream.reset()


@pytest.fixture(scope="session")
def console(fake_upstream: FakeUpstream, site_root: Path) -> serve.ConsoleServer:
    """A console server over the test tree, proxying to the fake upstream."""
    server = serve.make_console_server(
        "127.0.0.1",
        0,
        fake_upstream.url,
        timeout=CONSOLE_TIMEOUT_SECONDS,
        allow_origins=[ALLOWED_ORIGIN],
        root=site_root,
    )
    serve.serve_in_thread(server)
    yield server
    serve.stop_server(server)


@pytest.fixture(scope="session")
def repo_console(fake_upstream: FakeUpstream) -> serve.ConsoleServer:
    """A console server over the real repository tree."""
    server = serve.make_console_server("127.0.0.1", 0, fake_upstream.url, root=REPO_ROOT)
    serve.serve_in_thread(server)
    yield server
    serve.stop_server(server)


@pytest.fixture
def client(console: serve.ConsoleServer) -> Client:
    http_client = Client(console.url)
    yield http_client
    http_client.close()


@pytest.fixture
def log_capture() -> LogCapture:
    handler = LogCapture()
    serve_logger = logging.getLogger("serve")
    previous_level = serve_logger.level
    serve_logger.addHandler(handler)
    serve_logger.setLevel(logging.INFO)
    yield handler
    serve_logger.removeHandler(handler)
    serve_logger.setLevel(previous_level)
