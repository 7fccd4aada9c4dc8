"""Empty system, a phone-sized screen, and the system's colour scheme."""

import os

import pytest
from playwright.sync_api import expect

from pages import ConsolePage

needs_simulator = pytest.mark.skipif(
    bool(os.environ.get("JOBS_API_URL")), reason="a shared sandbox cannot be emptied")


@needs_simulator
def test_empty_system_helps(console):
    expect(console.empty_state).to_be_visible()
    expect(console.empty_state).to_contain_text("No jobs yet.")
    expect(console.empty_state).to_contain_text("Create one with the form")
    expect(console.create_button).to_be_visible()
    expect(console.page.locator("#table-wrap")).to_be_hidden()


@needs_simulator
def test_empty_state_gives_way_to_first_job(console):
    job_id = console.create_job("first job")
    expect(console.empty_state).to_be_hidden()
    expect(console.row(job_id)).to_be_visible()


@pytest.fixture
def context_options(timezone_id):
    return {"timezone_id": timezone_id, "viewport": {"width": 375, "height": 740}}


def test_phone_width_without_sideways_scroll(console, stack):
    job = stack.api.create_far_future("a long message that must not widen the page on a phone screen at all")
    expect(console.row(job["job_id"])).to_be_visible()
    width = console.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    console.create_button.scroll_into_view_if_needed()
    expect(console.create_button).to_be_in_viewport()
    console.open_job(job["job_id"])
    # On a phone the open job comes first, above the list.
    expect(console.detail_heading).to_be_in_viewport()
    width = console.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_color_scheme_followed(browser, stack, scheme, allowed_hosts):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        console = ConsolePage(page, stack.url).open()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        text = page.evaluate("getComputedStyle(document.body).color")
    finally:
        context.close()
    lightness = sum(int(part) for part in background[4:-1].split(",")[:3])
    if scheme == "dark":
        assert lightness < 200, background
    else:
        assert lightness > 600, background
    assert background != text


def test_page_error_check_catches_errors(console, page_errors):
    # The autouse check relies on this list; an uncaught error must land in it.
    with console.page.expect_event("pageerror") as caught:
        console.page.evaluate("setTimeout(() => { throw new Error('planted failure') }, 0)")
    assert "planted failure" in str(caught.value)
    assert any("planted failure" in text for text in page_errors)
    page_errors.clear()


@needs_simulator
def test_empty_filter_and_far_page_hints(console, stack):
    stack.api.create_far_future("only pending")
    console.filter("Canceled")
    expect(console.page.locator("#empty-hint")).to_have_text("Choose All to see every job.")
    console.open("?page=999")
    expect(console.page.locator("#empty-text")).to_have_text("No jobs on page 999: the list ends before it.")
    console.page.get_by_role("button", name="Go to page 1").click()
    expect(console.page_label).to_have_text("Page 1")
    expect(console.rows).to_have_count(1)
