"""Static files on one origin, the API through serve.py on another."""

import shutil

from playwright.sync_api import expect

import serve
from conftest import REPO_ROOT
from pages import ConsolePage


def _copy_site(tmp_path):
    """Copy the console's public files, as a static host would have them."""
    site = tmp_path / "site"
    site.mkdir()
    for name in ("index.html", "main.py"):
        shutil.copy(REPO_ROOT / name, site / name)
    for folder in ("console", "static"):
        shutil.copytree(REPO_ROOT / folder, site / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_cross_origin_console(make_stack, page, tmp_path, allowed_hosts):
    site = _copy_site(tmp_path)
    static_server = serve.make_console_server("127.0.0.1", 0, "http://127.0.0.1:9", root=site)
    serve.serve_in_thread(static_server)
    try:
        api_stack = make_stack(allow_origins=[static_server.url])
        config = (REPO_ROOT / "pyscript.toml").read_text()
        config = config.replace('api_base = "/api/"', 'api_base = "%s/api/"' % api_stack.console.url)
        assert api_stack.console.url in config
        (site / "pyscript.toml").write_text(config)
        allowed_hosts.add(static_server.url.split("//", 1)[1])

        job = api_stack.api.create_far_future("seen across origins")
        console = ConsolePage(page, static_server.url + "/").open()
        expect(console.row(job["job_id"])).to_be_visible()
        created = console.create_job("created across origins")
        assert api_stack.api.job(created)["message"] == "created across origins"
    finally:
        serve.stop_server(static_server)


def test_other_origin_refused_without_allow(make_stack, page, tmp_path, allowed_hosts, expected_errors):
    expected_errors.append("blocked by CORS policy")
    site = _copy_site(tmp_path)
    static_server = serve.make_console_server("127.0.0.1", 0, "http://127.0.0.1:9", root=site)
    serve.serve_in_thread(static_server)
    try:
        api_stack = make_stack()
        config = (REPO_ROOT / "pyscript.toml").read_text()
        (site / "pyscript.toml").write_text(
            config.replace('api_base = "/api/"', 'api_base = "%s/api/"' % api_stack.console.url))
        allowed_hosts.add(static_server.url.split("//", 1)[1])
        page.goto(static_server.url + "/")
        expect(page.locator("#banner-text")).to_have_text(
            "The console's server at %s/api/ cannot be reached (network error). If it runs on another "
            "origin, start it with --allow-origin %s." % (api_stack.console.url, static_server.url))
    finally:
        serve.stop_server(static_server)
