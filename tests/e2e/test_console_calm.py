"""Refresh that never disturbs: dialogs, typing, focus, selection and scroll survive it."""

import re

from playwright.sync_api import expect


def test_cancel_dialog_survives_five_refreshes(console, stack):
    job = stack.api.create_far_future("dialog stays")
    console.set_interval("every 1 s")
    console.ask_cancel(job["job_id"])
    console.cancel_reason.fill("typed before the refreshes")
    console.wait_refreshes(5)
    expect(console.cancel_dialog).to_be_visible()
    expect(console.cancel_reason).to_have_value("typed before the refreshes")
    console.cancel_keep.click()
    expect(console.cancel_dialog).to_be_hidden()
    console.ask_cancel(job["job_id"])
    console.wait_refreshes(5)
    console.cancel_confirm.click()
    expect(console.cancel_dialog).to_be_hidden()
    expect(console.row_status(job["job_id"])).to_have_text("Canceled")


def test_typing_and_focus_survive(console):
    console.set_interval("every 1 s")
    console.create_message.click()
    console.create_message.type("half-typed message")
    console.wait_refreshes(3)
    expect(console.create_message).to_have_value("half-typed message")
    expect(console.create_message).to_be_focused()
    console.goto_input.click()
    console.goto_input.type("12")
    console.wait_refreshes(2)
    expect(console.goto_input).to_have_value("12")
    expect(console.goto_input).to_be_focused()


def test_text_selection_survives(console, stack):
    job = stack.api.create_far_future("select this message text")
    console.set_interval("every 1 s")
    cell = console.row_message(job["job_id"])
    expect(cell).to_be_visible()
    cell.evaluate("cell => { const r = document.createRange(); r.selectNodeContents(cell);"
                  " const s = getSelection(); s.removeAllRanges(); s.addRange(r); }")
    console.wait_refreshes(3)
    assert console.page.evaluate("getSelection().toString()") == "select this message text"


def test_scroll_position_survives(console, stack):
    for index in range(60):
        stack.api.create_far_future("scroll %d" % index)
    console.page_size.select_option("100")
    expect(console.rows).to_have_count(60)
    console.set_interval("every 1 s")
    console.page.mouse.wheel(0, 900)
    console.page.wait_for_function("() => window.scrollY > 0")
    before = console.page.evaluate("window.scrollY")
    console.wait_refreshes(3)
    assert console.page.evaluate("window.scrollY") == before


def test_open_job_and_handlers_survive(console, stack):
    job = stack.api.create_far_future("stays open")
    other = stack.api.create_far_future("clicked after refreshes")
    console.set_interval("every 1 s")
    console.open_job(job["job_id"])
    console.wait_refreshes(4)
    expect(console.detail_heading).to_have_text("Job %d" % job["job_id"])
    console.open_job(other["job_id"])
    expect(console.detail_message).to_have_text("clicked after refreshes")


def test_hidden_tab_pauses_refresh(console):
    console.set_interval("every 1 s")
    console.wait_refreshes(1)
    console.page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    console.wait_refreshes(0)
    before = console.refreshes()
    # With 1 s refreshes, the label reaches 3 s only if the hidden tab paused them.
    expect(console.updated).to_have_text(re.compile(r"Updated [3-9] s ago"))
    assert console.refreshes() <= before + 1
    paused_at = console.refreshes()
    console.page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    console.page.wait_for_function("n => window.jobsConsoleRefreshes > n", arg=paused_at, timeout=3000)


def test_interval_remembered(console):
    console.set_interval("every 15 s")
    console.page.reload()
    console.wait_ready()
    expect(console.interval).to_have_value("15")
