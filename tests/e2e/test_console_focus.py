"""Keyboard focus after actions that hide or disable the control that had it."""

import re

from playwright.sync_api import expect

from pages import fill_two_pages


def test_panel_close_focuses_row(console, stack):
    job = stack.api.create_far_future("closed by keyboard")
    console.open_job(job["job_id"])
    console.detail_close.focus()
    console.page.keyboard.press("Enter")
    expect(console.detail).to_be_hidden()
    expect(console.row_open(job["job_id"])).to_be_focused()


def test_panel_cancel_focuses_row(console, stack):
    job = stack.api.create_far_future("canceled from the panel")
    console.open_job(job["job_id"])
    expect(console.detail_cancel).to_be_visible()
    console.detail_cancel.focus()
    console.page.keyboard.press("Enter")
    expect(console.cancel_dialog).to_be_visible()
    console.cancel_confirm.click()
    expect(console.row_status(job["job_id"])).to_have_text("Canceled")
    # The panel's Cancel job button, which opened the dialog, is hidden now.
    expect(console.detail_cancel).to_be_hidden()
    expect(console.row_open(job["job_id"])).to_be_focused()


def test_last_page_focuses_previous(console, stack):
    fill_two_pages(console, stack, "two pages")
    console.next_page_button.focus()
    console.page.keyboard.press("Enter")
    expect(console.page_label).to_have_text("Page 2")
    expect(console.next_page_button).to_be_disabled()
    expect(console.previous_page_button).to_be_focused()


def test_finished_bulk_focuses_close(console, stack):
    ids = [stack.api.create_far_future("bulk focus %d" % index)["job_id"] for index in range(2)]
    console.page.reload()
    console.wait_ready()
    console.select_all.check()
    console.bulk_cancel.click()
    console.bulk_confirm.focus()
    console.page.keyboard.press("Enter")
    expect(console.bulk_results.last).to_have_text("2 of 2 canceled.")
    expect(console.bulk_keep).to_have_text("Close")
    expect(console.bulk_keep).to_be_focused()
    console.page.keyboard.press("Enter")
    expect(console.bulk_dialog).to_be_hidden()
    # The selection bar that opened the dialog is gone with the selection: the list has the focus.
    expect(console.row_open(max(ids))).to_be_focused()


def test_create_keeps_button_focus(console):
    console.create_message.fill("created by keyboard")
    console.create_button.focus()
    console.page.keyboard.press("Enter")
    expect(console.notice).to_have_text(re.compile(r"Job \d+ created\."))
    expect(console.create_button).to_be_focused()
