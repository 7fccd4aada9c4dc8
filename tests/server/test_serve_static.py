"""Static files: which are public, their types, caching, gzip and revalidation."""

from __future__ import annotations

import email.utils
import gzip
import os
import time

import pytest

import serve
from serve_testkit import SECRET_MARKER, Client, send_raw


def assert_still_serving(client: Client) -> None:
    reply = client.get("/index.html")
    assert reply.status == 200
    assert b"Jobs console" in reply.body


def assert_not_found(client: Client, path: str) -> None:
    reply = client.get(path)
    assert reply.status == 404, path
    assert SECRET_MARKER.encode() not in reply.body
    assert reply.header("Content-Type") == "application/json"
    assert_still_serving(client)


# --- public files and content types ----------------------------------------


@pytest.mark.parametrize(
    ("url_path", "file_path", "content_type"),
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/main.py", "main.py", "text/x-python; charset=utf-8"),
        ("/pyscript.toml", "pyscript.toml", "application/toml"),
        ("/console/api.py", "console/api.py", "text/x-python; charset=utf-8"),
        ("/console/__init__.py", "console/__init__.py", "text/x-python; charset=utf-8"),
        ("/static/style.css", "static/style.css", "text/css; charset=utf-8"),
        ("/static/app.js", "static/app.js", "text/javascript; charset=utf-8"),
        ("/static/module.mjs", "static/module.mjs", "text/javascript; charset=utf-8"),
        ("/static/data.json", "static/data.json", "application/json"),
        ("/static/logo.svg", "static/logo.svg", "image/svg+xml"),
        ("/static/icon.png", "static/icon.png", "image/png"),
        ("/static/vendor/pkg-1.0/runtime.wasm", "static/vendor/pkg-1.0/runtime.wasm", "application/wasm"),
        ("/static/vendor/pkg-1.0/LICENSE", "static/vendor/pkg-1.0/LICENSE", "application/octet-stream"),
        ("/static/vendor/VERSIONS", "static/vendor/VERSIONS", "application/octet-stream"),
    ],
)
def test_public_file_served_with_type(client, site_root, url_path, file_path, content_type):
    reply = client.get(url_path)

    assert reply.status == 200
    assert reply.header("Content-Type") == content_type
    assert reply.body == (site_root / file_path).read_bytes()
    assert reply.header("Content-Length") == str(len(reply.body))
    assert reply.header("Content-Encoding") is None
    assert reply.header("X-Content-Type-Options") == "nosniff"


def test_percent_encoded_name_served(client, site_root):
    reply = client.get("/static/%73tyle.css")

    assert reply.status == 200
    assert reply.body == (site_root / "static/style.css").read_bytes()


def test_query_string_ignored_for_files(client):
    reply = client.get("/static/style.css?v=123")

    assert reply.status == 200
    assert reply.header("Content-Type") == "text/css; charset=utf-8"


# --- files and paths that stay hidden --------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/.git/config",
        "/.git/HEAD",
        "/.gitignore",
        "/.env",
        "/.venv/pyvenv.cfg",
        "/README.md",
        "/serve.py",
        "/requirements-test.txt",
        "/tests/test_private.py",
        "/tests/e2e/conftest.py",
        "/sandbox/__init__.py",
        "/bench/proxy_latency.py",
        "/scripts/vendor.py",
        "/console/.hidden.py",
        "/console/notes.txt",
        "/console/sub/deep.py",
        "/static/.secret",
        "/static/vendor/.cache/entry.js",
        "/static/outside.txt",
        "/static/serve-link.py",
        "/static/vendor/pkg-1.0/core.js.gz",
        "/static/vendor/pkg-1.0/runtime.wasm.gz",
        "/nonexistent.html",
    ],
)
def test_private_file_not_found(client, path):
    assert_not_found(client, path)


@pytest.mark.parametrize(
    "path",
    ["/static", "/static/", "/static/vendor", "/static/vendor/", "/static/vendor/pkg-1.0/", "/console", "/console/"],
)
def test_directory_not_listed(client, path):
    assert_not_found(client, path)


@pytest.mark.parametrize(
    "path",
    [
        "/../serve.py",
        "/static/../serve.py",
        "/static/../../outside.txt",
        "/console/../serve.py",
        "/static/./style.css",
        "/static/vendor/../../serve.py",
        "/%2e%2e/serve.py",
        "/static/%2e%2e/serve.py",
        "/static/%2E%2E/%2E%2E/outside.txt",
        "/static/.%2e/serve.py",
        "/static/%2e./serve.py",
        "/static%2f..%2fserve.py",
        "/static%2F..%2Fserve.py",
        "/static/..%2fserve.py",
        "/static%5c..%5cserve.py",
        "/static/..%5Cserve.py",
        "/static\\..\\serve.py",
        "/static/..\\serve.py",
        "/%2fetc/passwd",
        "/etc/passwd",
        "//etc/passwd",
        "///serve.py",
        "/static//style.css",
        "/index.html%00",
        "/index.html%00.png",
        "/static/style.css%00.js",
        "/%252e%252e/serve.py",
        "/static/%ff.css",
        "/C:/Windows/win.ini",
        "/static/C:style.css",
    ],
)
def test_traversal_form_not_found(client, path):
    assert_not_found(client, path)


@pytest.mark.parametrize(
    "raw_path",
    [b"/index.html\x00", b"/static/\x00style.css", b"/static/style.css\x1b", b"/\x7fserve.py"],
)
def test_raw_control_characters_not_found(console, client, raw_path):
    request = b"GET " + raw_path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

    reply = send_raw(console.port, request)

    assert reply.status == 404
    assert_still_serving(client)


def test_absolute_form_target_rejected(console, client):
    request = (
        f"GET http://127.0.0.1:{console.port}/serve.py HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
    ).encode()

    reply = send_raw(console.port, request)

    assert reply.status == 400
    assert SECRET_MARKER.encode() not in reply.body
    assert_still_serving(client)


def test_post_to_static_not_allowed(client):
    reply = client.request("POST", "/index.html", body=b"x")

    assert reply.status == 405
    assert reply.header("Allow") == "GET, HEAD"
    assert_still_serving(client)


def test_repository_private_files_not_found(repo_console):
    client = Client(repo_console.url)
    try:
        for path in (
            "/serve.py",
            "/.git/HEAD",
            "/.gitignore",
            "/requirements-test.txt",
            "/scripts/vendor.py",
            "/tests/server/conftest.py",
            "/sandbox/__init__.py",
            "/.venv/pyvenv.cfg",
        ):
            reply = client.get(path)
            assert reply.status == 404, path
    finally:
        client.close()


# --- caching ----------------------------------------------------------------


def test_vendor_files_cached_as_immutable(client):
    for path in ("/static/vendor/pkg-1.0/core.js", "/static/vendor/pkg-1.0/runtime.wasm"):
        reply = client.get(path)

        assert reply.header("Cache-Control") == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "path",
    ["/", "/main.py", "/pyscript.toml", "/console/api.py", "/static/style.css", "/static/vendor/VERSIONS"],
)
def test_app_files_revalidated(client, path):
    reply = client.get(path)

    assert reply.header("Cache-Control") == "no-cache"
    assert reply.header("ETag") is not None
    assert reply.header("Last-Modified") is not None


def test_if_none_match_gives_304(client):
    etag = client.get("/main.py").header("ETag")

    for if_none_match in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        reply = client.get("/main.py", headers={"If-None-Match": if_none_match})

        assert reply.status == 304, if_none_match
        assert reply.body == b""
        assert reply.header("ETag") == etag
        assert reply.header("Cache-Control") == "no-cache"
    assert_still_serving(client)


def test_if_none_match_mismatch_gives_200(client):
    reply = client.get("/main.py", headers={"If-None-Match": '"not-the-etag"'})

    assert reply.status == 200
    assert reply.body == b"print('console main')\n"


def test_if_modified_since_gives_304(client):
    last_modified = client.get("/main.py").header("Last-Modified")

    unchanged = client.get("/main.py", headers={"If-Modified-Since": last_modified})
    older = client.get("/main.py", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    invalid = client.get("/main.py", headers={"If-Modified-Since": "yesterday"})

    assert unchanged.status == 304
    assert older.status == 200
    assert invalid.status == 200


def test_if_none_match_wins_over_if_modified_since(client):
    last_modified = client.get("/main.py").header("Last-Modified")

    reply = client.get("/main.py", headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified})

    assert reply.status == 200


def test_edited_file_shows_on_reload(client, site_root):
    path = site_root / "static" / "editable.css"
    path.write_text("a { color: red; }\n")
    first = client.get("/static/editable.css")

    path.write_text("a { color: blue; text-decoration: none; }\n")
    later = time.time() + 5
    os.utime(path, (later, later))
    reload = client.get("/static/editable.css", headers={"If-None-Match": first.header("ETag")})

    assert reload.status == 200
    assert reload.body == b"a { color: blue; text-decoration: none; }\n"
    assert reload.header("ETag") != first.header("ETag")
    assert email.utils.parsedate_to_datetime(reload.header("Last-Modified")).timestamp() == int(later)


# --- precompressed files ----------------------------------------------------


@pytest.mark.parametrize(
    ("accept_encoding", "expect_gzip"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.000, *", False),
        ("*;q=0", False),
        ("identity", False),
        ("deflate, br", False),
        (None, False),
    ],
)
def test_gzip_negotiated(client, site_root, accept_encoding, expect_gzip):
    headers = {} if accept_encoding is None else {"Accept-Encoding": accept_encoding}
    original = (site_root / "static/vendor/pkg-1.0/core.js").read_bytes()

    reply = client.get("/static/vendor/pkg-1.0/core.js", headers=headers)

    assert reply.status == 200
    assert reply.header("Content-Type") == "text/javascript; charset=utf-8"
    assert reply.header("Vary") == "Accept-Encoding"
    assert reply.header("Content-Length") == str(len(reply.body))
    if expect_gzip:
        assert reply.header("Content-Encoding") == "gzip"
        assert gzip.decompress(reply.body) == original
    else:
        assert reply.header("Content-Encoding") is None
        assert reply.body == original


def test_gzip_wasm_keeps_wasm_type(client, site_root):
    reply = client.get("/static/vendor/pkg-1.0/runtime.wasm", headers={"Accept-Encoding": "gzip"})

    assert reply.header("Content-Type") == "application/wasm"
    assert reply.header("Content-Encoding") == "gzip"
    assert gzip.decompress(reply.body) == (site_root / "static/vendor/pkg-1.0/runtime.wasm").read_bytes()


def test_file_without_gzip_sibling_sent_plain(client):
    reply = client.get("/static/vendor/pkg-1.0/core.css", headers={"Accept-Encoding": "gzip"})

    assert reply.status == 200
    assert reply.header("Content-Encoding") is None
    assert reply.header("Vary") is None
    assert reply.body == b".py { color: red; }\n"


def test_gzip_and_plain_have_distinct_etags(client):
    path = "/static/vendor/pkg-1.0/core.js"
    plain = client.get(path)
    compressed = client.get(path, headers={"Accept-Encoding": "gzip"})

    assert plain.header("ETag") != compressed.header("ETag")
    plain_revalidated = client.get(path, headers={"If-None-Match": compressed.header("ETag")})
    compressed_revalidated = client.get(
        path, headers={"If-None-Match": compressed.header("ETag"), "Accept-Encoding": "gzip"}
    )
    assert plain_revalidated.status == 200
    assert compressed_revalidated.status == 304
    assert compressed_revalidated.header("Vary") == "Accept-Encoding"


def test_repository_vendor_runtime_served(repo_console):
    vendor = serve.ROOT / "static" / "vendor" / "pyscript-core-0.7.31"
    client = Client(repo_console.url)
    try:
        reply = client.get("/static/vendor/pyscript-core-0.7.31/core.js", headers={"Accept-Encoding": "gzip"})

        assert reply.status == 200
        assert reply.header("Content-Encoding") == "gzip"
        assert reply.header("Content-Type") == "text/javascript; charset=utf-8"
        assert reply.header("Cache-Control") == "public, max-age=31536000, immutable"
        assert reply.body == (vendor / "core.js.gz").read_bytes()

        wasm = client.get("/static/vendor/micropython-1.28.0-6/micropython.wasm")
        assert wasm.header("Content-Type") == "application/wasm"
        assert wasm.header("Content-Encoding") is None
    finally:
        client.close()


# --- HEAD -------------------------------------------------------------------


@pytest.mark.parametrize("accept_encoding", ["gzip", "identity"])
def test_head_matches_get_headers(client, accept_encoding):
    headers = {"Accept-Encoding": accept_encoding}
    path = "/static/vendor/pkg-1.0/core.js"
    get = client.get(path, headers=headers)

    head = client.request("HEAD", path, headers=headers)

    assert head.status == 200
    assert head.body == b""
    for name in ("Content-Type", "Content-Length", "Content-Encoding", "ETag", "Cache-Control", "Vary"):
        assert head.header(name) == get.header(name), name
    assert_still_serving(client)


def test_head_of_missing_file_not_found(client):
    reply = client.request("HEAD", "/serve.py")

    assert reply.status == 404
    assert reply.body == b""
    assert int(reply.header("Content-Length")) > 0
    assert_still_serving(client)


# --- public path rules as a function ---------------------------------------


@pytest.mark.parametrize(
    ("url_path", "segments"),
    [
        ("/", ("index.html",)),
        ("/main.py", ("main.py",)),
        ("/console/view.py", ("console", "view.py")),
        ("/static/vendor/a-1/b.js", ("static", "vendor", "a-1", "b.js")),
        ("/console/view.txt", None),
        ("/static/x.js.gz", None),
        ("/static/a/../b.js", None),
        ("static/style.css", None),
    ],
)
def test_public_file_segments(url_path, segments):
    assert serve.public_file_segments(url_path) == segments
