"""Accessibility: axe-core finds no serious or critical violation in any view."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pages import ConsolePage

AXE = next((Path(__file__).resolve().parents[1] / "vendor").glob("axe-core-*/axe.min.js"))


def serious_violations(page):
    """Run axe-core on the page as it is and return its serious and critical findings."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]]
            found.append("%s (%s): %s" % (violation["id"], violation["impact"], targets))
    return found


def test_list_view(console, stack):
    job = stack.api.create_far_future("a11y list")
    stack.api.create("a11y done", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    expect(console.row(job["job_id"])).to_be_visible()
    assert serious_violations(console.page) == []


def test_job_view(console, stack):
    job = stack.api.create("a11y detail", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    console.go_to_job(str(job["job_id"]))
    expect(console.timeline.first).to_be_visible()
    assert serious_violations(console.page) == []


def test_dialogs(console, stack):
    job = stack.api.create_far_future("a11y dialog")
    console.ask_cancel(job["job_id"])
    assert serious_violations(console.page) == []
    console.cancel_keep.click()
    console.select_all.check()
    console.bulk_cancel.click()
    expect(console.bulk_dialog).to_be_visible()
    assert serious_violations(console.page) == []
    console.bulk_keep.click()
    console.page.keyboard.press("?")
    expect(console.help_dialog).to_be_visible()
    assert serious_violations(console.page) == []


def test_empty_outage_and_batch_form(console, stack):
    console.run_later.check()
    console.create_count.fill("3")
    stack.relay.stop()
    expect(console.banner_text).to_be_visible()
    assert serious_violations(console.page) == []
    stack.relay.start()


@pytest.mark.parametrize("scheme,width", [("dark", 1280), ("light", 375), ("dark", 375)])
def test_schemes_and_widths(browser, stack, scheme, width):
    stack.api.create_far_future("a11y %s %d" % (scheme, width))
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    try:
        console = ConsolePage(context.new_page(), stack.url).open()
        assert serious_violations(console.page) == []
    finally:
        context.close()


def test_keyboard_alone_creates_and_cancels(console, stack):
    # Tab to the form, type, submit with Enter; then cancel the new job with keys only.
    console.page.keyboard.press("n")
    console.page.keyboard.type("made with keys")
    console.page.keyboard.press("Enter")
    expect(console.notice).to_have_text(re.compile(r"Job \d+ created\."))
    job_id = int(re.search(r"\d+", console.notice.inner_text()).group())
    expect(console.row(job_id)).to_be_visible()
    console.page.keyboard.press("Escape")
    console.page.keyboard.press("j")
    expect(console.row(job_id)).to_have_class(re.compile(r"\bis-selected\b"))
    console.page.keyboard.press("Enter")
    expect(console.detail_message).to_have_text("made with keys")
    console.page.keyboard.press("c")
    expect(console.cancel_dialog).to_be_visible()
    console.page.keyboard.press("Tab")
    console.page.keyboard.press("Tab")
    expect(console.cancel_confirm).to_be_focused()
    console.page.keyboard.press("Enter")
    expect(console.detail_status).to_have_text("Canceled")


def test_focus_is_visible(console):
    console.page.keyboard.press("Tab")
    outline = console.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
